"""Writing proposals through the API: the pages' actions and version checks, and who may."""

import json

import pytest
from django.test import Client

from rebours.live.models import Event
from rebours.proposals.models import Proposal
from tests.api.conftest import assert_matches, bearer
from tests.support.hostile import hostile
from tests.support.state import snapshot

pytestmark = pytest.mark.django_db

P1 = "/api/v1/workshops/hostile/proposals/p-1"
NEW_IN_T1 = "/api/v1/workshops/hostile/themes/t-1/proposals"


def patch(client, url, data, token):
    return client.patch(
        url, data=json.dumps(data), content_type="application/json", headers=bearer(token)
    )


def post(client, url, data, token):
    return client.post(
        url, data=json.dumps(data), content_type="application/json", headers=bearer(token)
    )


@pytest.mark.parametrize("who", ["member", "organiser"])
def test_a_member_or_an_organiser_updates(client, workshop, tokens, who):
    summary = hostile("new summary")
    response = patch(
        client, P1, {"base_version": 1, "summary": summary, "kind": "service"}, tokens[who]
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["version"] == 2 and data["summary"] == summary and data["kind"] == "service"
    proposal = Proposal.objects.get(key="p-1")
    assert proposal.version == 2 and proposal.summary == summary
    assert proposal.updated_by.username == {"member": "ana", "organiser": "cy"}[who]
    # The same action as the pages: the edit is announced on the proposal's stream, and the
    # history names the person the account acts as in the workshop.
    event = Event.objects.filter(kind="proposal.updated").get()
    assert event.payload["version"] == 2 and event.payload["fields"] == ["kind", "summary"]
    person = {"member": "ana", "organiser": "cy"}[who]
    assert event.payload["by"] == hostile(person)
    assert proposal.versions.get(number=2).person.key == {"ana": "ana", "cy": "cy_3"}[person]


def test_a_stale_version_is_409_with_the_current_fields(client, workshop, tokens):
    assert (
        patch(client, P1, {"base_version": 1, "title": "First"}, tokens["member"]).status_code
        == 200
    )
    before = snapshot()
    response = patch(client, P1, {"base_version": 1, "title": "Second"}, tokens["organiser"])
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "the proposal is at version 2, this save started from version 1"
    assert body["fields"] == ["title"]
    current = body["current"]
    assert current["version"] == 2 and current["title"] == "First"
    assert current["summary"] == hostile("summary")
    assert current["roles"] == [{"actor": hostile("actor"), "does": hostile("does")}]
    assert_matches(client, body, "ConflictOut")
    assert snapshot() == before
    assert Proposal.objects.get(key="p-1").title == "First"
    # Merged by hand and sent again from the current version, it goes through.
    again = patch(client, P1, {"base_version": 2, "title": "Second"}, tokens["organiser"])
    assert again.status_code == 200 and again.json()["version"] == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": None}, "title"),
        ({"title": 12}, "title"),
        ({"kind": "castle"}, "kind"),
        ({"summary": "nul\x00byte"}, "summary"),
        ({"objectives": "not a list"}, "objectives"),
        ({"objectives": ["x"] * 31}, "objectives"),
        ({"roles": [{"actor": "only an actor"}]}, "roles"),
        ({"roles": [{"actor": "a", "does": "b", "extra": 1}]}, "roles"),
        ({"pathway": [{"year": 2051, "milestone": "after the horizon"}]}, "pathway"),
        ({"pathway": [{"year": 1800, "milestone": "too early"}]}, "pathway"),
        ({"pathway": [{"year": 2030, "milestone": " "}]}, "pathway"),
        ({"titel": "typo"}, "titel"),
        ({"version": 7}, "version"),
        ({}, None),  # no base_version at all
    ],
)
def test_invalid_fields_are_422_naming_the_field(client, workshop, tokens, changes, field):
    before = snapshot()
    data = {"base_version": 1, **changes} if changes else {}
    response = patch(client, P1, data, tokens["member"])
    assert response.status_code == 422, response.content
    body = response.json()
    assert_matches(client, body, "ErrorOut")
    if field is not None:
        assert body["field"] == field
        assert body["error"].startswith(field)
    else:
        assert body["field"] == "base_version"
    assert snapshot() == before


def test_a_stale_change_to_other_fields_is_merged_as_in_the_editor(client, workshop, tokens):
    assert (
        patch(client, P1, {"base_version": 1, "title": "First"}, tokens["member"]).status_code
        == 200
    )
    response = patch(client, P1, {"base_version": 1, "summary": "Mine"}, tokens["organiser"])
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["version"], data["title"], data["summary"]) == (3, "First", "Mine")


def test_a_merged_proposal_is_not_written_and_leaves_the_lists(client, workshop, tokens):
    from rebours.proposals.actions import do_merge_into

    p1, p2 = Proposal.objects.get(key="p-1"), Proposal.objects.get(key="p-2")
    do_merge_into(p2, p1, actor=None)
    response = patch(
        client,
        "/api/v1/workshops/hostile/proposals/p-2",
        {"base_version": 2, "title": "x"},
        tokens["organiser"],
    )
    assert response.status_code == 403
    assert response.json() == {"error": 'this proposal was merged into "p-1"; change that one'}
    listed = client.get("/api/v1/workshops/hostile/proposals").json()
    assert [p["key"] for p in listed["items"]] == ["p-1"]
    assert client.get("/api/v1/workshops/hostile/proposals/p-2").json()["merged_into"] == "p-1"
    themes = client.get("/api/v1/workshops/hostile/themes").json()["items"]
    assert [t["proposals"] for t in themes] == [1, 0]


def test_a_body_that_is_not_json_is_400(client, workshop, tokens):
    response = client.patch(
        P1, data="{not json", content_type="application/json", headers=bearer(tokens["member"])
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("Cannot parse request body")


def test_someone_outside_the_group_is_403(client, workshop, tokens):
    before = snapshot()
    response = patch(client, P1, {"base_version": 1, "title": "Mine now"}, tokens["nobody"])
    assert response.status_code == 403
    assert response.json() == {
        "error": "only the members of the theme's group and the organisers write its proposals"
    }
    # ana works in t-1 only: p-2 belongs to t-2.
    other = patch(
        client,
        "/api/v1/workshops/hostile/proposals/p-2",
        {"base_version": 1, "title": "x"},
        tokens["member"],
    )
    assert other.status_code == 403
    assert snapshot() == before


def test_anonymous_writes_are_401(client, workshop):
    response = client.patch(
        P1, data=json.dumps({"base_version": 1, "title": "x"}), content_type="application/json"
    )
    assert response.status_code == 401
    assert client.post(NEW_IN_T1, data="{}", content_type="application/json").status_code == 401


def test_writes_to_unknown_things_are_404(client, workshop, tokens):
    assert (
        patch(
            client,
            "/api/v1/workshops/hostile/proposals/nope",
            {"base_version": 1},
            tokens["organiser"],
        ).status_code
        == 404
    )
    assert (
        post(
            client,
            "/api/v1/workshops/hostile/themes/nope/proposals",
            {"title": "x"},
            tokens["organiser"],
        ).status_code
        == 404
    )


def test_creating_a_proposal(client, workshop, tokens):
    title = hostile("brand new")[:300]
    response = post(
        client,
        NEW_IN_T1,
        {
            "title": title,
            "objectives": ["one", " ", "two"],
            "pathway": [{"year": 2040, "milestone": "m"}],
        },
        tokens["member"],
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["title"] == title and data["theme"] == "t-1" and data["version"] == 1
    assert data["letter"] == "b" and data["origin"] == "group"
    assert data["objectives"] == ["one", "two"]
    assert client.get(f"/api/v1/workshops/hostile/proposals/{data['key']}").json() == data
    assert Event.objects.filter(kind="proposal.created").count() == 1


def test_only_organisers_add_proposals_of_their_own(client, workshop, tokens):
    body = {"title": "Ours", "origin": "organisers"}
    refused = post(client, NEW_IN_T1, body, tokens["member"])
    assert refused.status_code == 403 and refused.json()["field"] == "origin"
    accepted = post(client, NEW_IN_T1, body, tokens["organiser"])
    assert accepted.status_code == 201 and accepted.json()["origin"] == "organisers"


def test_creating_needs_a_member_and_a_valid_title(client, workshop, tokens):
    before = snapshot()
    assert post(client, NEW_IN_T1, {"title": "x"}, tokens["nobody"]).status_code == 403
    missing = post(client, NEW_IN_T1, {"summary": "no title"}, tokens["member"])
    assert missing.status_code == 422 and missing.json()["field"] == "title"
    bad_year = post(
        client,
        NEW_IN_T1,
        {"title": "t", "pathway": [{"year": 2999, "milestone": "m"}]},
        tokens["member"],
    )
    assert bad_year.status_code == 422 and bad_year.json()["field"] == "pathway"
    assert snapshot() == before


def test_session_writes_need_the_csrf_token(workshop, users):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["member"])
    data = json.dumps({"base_version": 1, "title": "From the browser"})
    refused = browser.patch(P1, data=data, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"].startswith("CSRF check failed")
    browser.get("/")  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.patch(
        P1, data=data, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200, accepted.content
    # A token needs no CSRF token: it is not sent by the browser on its own.
    assert Proposal.objects.get(key="p-1").title == "From the browser"


def test_a_participant_who_joined_by_session_writes_their_group(workshop):
    from rebours.workshops.models import Person
    from rebours.workshops.permissions import participant_session_key

    browser = Client()
    session = browser.session
    session[participant_session_key(workshop)] = Person.objects.get(key="bo-2").pk
    session.save()
    browser.cookies["sessionid"] = session.session_key
    data = json.dumps({"base_version": 1, "summary": "from the room"})
    response = browser.patch(P1, data=data, content_type="application/json")
    assert response.status_code == 200, response.content
    elsewhere = browser.patch(
        "/api/v1/workshops/hostile/proposals/p-2", data=data, content_type="application/json"
    )
    assert elsewhere.status_code == 403


def test_an_expired_session_is_no_credential(workshop):
    browser = Client()
    browser.cookies["sessionid"] = "no-such-session"
    data = json.dumps({"base_version": 1, "summary": "x"})
    assert browser.patch(P1, data=data, content_type="application/json").status_code == 401
    assert browser.get(P1).status_code == 200


def test_errors_are_in_english_whatever_the_language_cookie(client, workshop, tokens):
    client.cookies["django_language"] = "fr"
    # The actions' messages are translated for the pages; the API keeps them in English.
    late = {"base_version": 1, "pathway": [{"year": 2999, "milestone": "late"}]}
    response = patch(client, P1, late, tokens["member"])
    assert response.json()["error"] == "pathway: years run from 2026 to the horizon, 2050"
