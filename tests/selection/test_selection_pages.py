"""The selection's pages through Django's test client: the ballot form, forged posts, results."""

import csv
import hashlib
import html
import io
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from rebours.selection import throttle
from rebours.selection.actions import do_cast_ballot, do_close_selection, do_set_favourites
from rebours.selection.models import Ballot, BallotGrade, Person, Selection
from rebours.workshops.permissions import participant_session_key
from tests.support.hostile import SCRIPT, hostile

pytestmark = pytest.mark.django_db


def url(name, workshop):
    return reverse(f"selection:{name}", kwargs={"slug": workshop.slug})


def join(client, person):
    """What participant joining does: remember the person in the session."""
    session = client.session
    session[participant_session_key(person.workshop)] = person.pk
    session.save()


@pytest.fixture
def organiser(client, workshop):
    user = User.objects.create_user("orga", password="x" * 12, is_staff=True)
    client.force_login(user)
    return user


def counted(selection):
    return (
        Ballot.objects.filter(selection=selection).count(),
        sorted(
            BallotGrade.objects.filter(ballot__selection=selection).values_list(
                "ballot__voter__key", "proposal__key", "grade"
            )
        ),
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_ballot_page_lists_each_proposal_with_radio_buttons(
    client, selection, people, language
):
    client.cookies["django_language"] = language
    join(client, people["eli"])
    html = client.get(url("ballot", selection.workshop)).content.decode()
    assert SCRIPT not in html
    assert html.count('name="grade-p-1"') == 8  # seven grades and "not graded"
    assert 'name="grade-p-3"' in html
    assert ("Très bien" if language == "fr" else "Very good") in html
    assert 'name="college"' not in html  # eli is a participant only
    assert "style=" not in html and "<script>" not in html


def test_vote_change_and_receipt_through_the_form(client, selection, people):
    workshop = selection.workshop
    join(client, people["eli"])
    response = client.post(
        url("cast", workshop), {"voter": "eli", "grade-p-1": "6", "grade-p-2": "", "grade-p-3": "1"}
    )
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    ballot = Ballot.objects.get(voter=people["eli"])
    assert ballot.receipt[:4] in receipt
    assert "p-1: Excellent" in receipt  # the text the digest covers
    # Anyone holding the receipt recomputes the digest from the text shown.
    shown = html.unescape(re.search(r"<pre>(.*?)</pre>", receipt, re.S).group(1))
    assert hashlib.sha256(shown.encode()).hexdigest() == ballot.receipt
    page = client.get(url("ballot", workshop)).content.decode()
    assert 'value="6" checked' in page
    client.post(url("cast", workshop), {"voter": "eli", "grade-p-2": "3"})
    assert counted(selection) == (1, [("eli", "p-2", 3)])


def test_a_voter_in_two_colleges_sees_the_choice(client, selection, people):
    join(client, people["dana"])
    html = client.get(url("ballot", selection.workshop)).content.decode()
    assert 'name="college" value="elected"' in html
    assert 'name="college" value="participant"' in html
    response = client.post(url("cast", selection.workshop), {"grade-p-1": "2"})
    assert response.status_code == 400
    assert counted(selection) == (0, [])


@pytest.mark.parametrize(
    ("post", "status"),
    [
        ({"voter": "bo-2", "grade-p-1": "6"}, 400),  # forged voter id
        ({"voter": "nobody", "grade-p-1": "6"}, 400),
        ({"grade-p-1": "9"}, 400),  # not on the scale
        ({"grade-p-1": "Excellent"}, 400),
        ({"grade-p-1": ["1", "2"]}, 400),  # two grades for one proposal
        ({"grade-p-9": "1"}, 400),  # not a proposal of the selection
        ({"grade-p-1": "1", "college": "elected"}, 400),  # not eli's college
        ({"grade-p-1": "1", "college": "public"}, 400),
        ({"grade-p-1": ""}, 400),  # nothing graded
    ],
)
def test_forged_and_bad_ballots_count_nothing(client, selection, people, post, status):
    cast_before = do_cast_ballot(selection, people["bo-2"], actor=people["bo-2"], grades={"p-1": 0})
    join(client, people["eli"])
    before = counted(selection)
    response = client.post(url("cast", selection.workshop), post)
    assert response.status_code == status
    assert 'class="message message--error"' in response.content.decode()
    assert counted(selection) == before
    assert Ballot.objects.get(pk=cast_before.pk).receipt == cast_before.receipt


def test_an_unknown_visitor_cannot_vote_and_a_closed_vote_refuses(client, selection, people):
    workshop = selection.workshop
    response = client.post(url("cast", workshop), {"grade-p-1": "1"})
    assert response.status_code == 403
    join(client, people["eli"])
    do_close_selection(selection, actor=None)
    response = client.post(url("cast", workshop), {"grade-p-1": "1"})
    assert response.status_code == 400
    assert counted(selection) == (0, [])


def test_the_public_join_then_vote_once_per_session(client, selection):
    workshop = selection.workshop
    html = client.get(url("ballot", workshop)).content.decode()
    assert url("public", workshop) in html
    response = client.post(url("public", workshop), {"display_name": hostile("pub")[:60]})
    assert response.status_code == 302
    person = Person.objects.get(key__startswith="public-")
    assert client.session[participant_session_key(workshop)] == person.pk
    client.post(url("cast", workshop), {"grade-p-2": "4"})
    assert Ballot.objects.get(voter=person).college == "public"
    # A second public person from the same session is refused.
    response = client.post(url("public", workshop), {"display_name": "Encore"})
    assert response.status_code == 400
    assert Person.objects.filter(key__startswith="public-").count() == 1


def test_public_voters_are_rate_limited_per_address(client, selection, monkeypatch):
    cache.clear()
    monkeypatch.setattr(throttle, "PUBLIC_VOTERS_PER_WINDOW", 2)
    workshop = selection.workshop
    statuses = []
    for i in range(3):
        client.cookies.clear()
        statuses.append(client.post(url("public", workshop), {"display_name": f"P{i}"}).status_code)
    assert statuses == [302, 302, 429]
    assert Person.objects.filter(key__startswith="public-").count() == 2
    cache.clear()


def test_favourites_form_for_elected_officials_only(client, selection, people):
    workshop = selection.workshop
    join(client, people["eli"])
    assert 'name="justification"' not in client.get(url("ballot", workshop)).content.decode()
    response = client.post(url("favourites", workshop), {"favourite": "p-1", "justification": "x"})
    assert response.status_code == 400
    client.cookies.clear()
    join(client, people["bo-2"])
    html = client.get(url("ballot", workshop)).content.decode()
    assert html.count('name="justification"') == 3
    response = client.post(
        url("favourites", workshop),
        {"favourite": ["p-2", "", ""], "justification": [hostile("because"), "", ""]},
    )
    assert response.status_code == 302
    html = client.get(url("ballot", workshop)).content.decode()
    assert "because" in html and SCRIPT not in html


def test_organisers_open_and_close_the_vote(client, workshop, organiser):
    response = client.get(url("manage", workshop))
    assert response.status_code == 200
    assert "À rejeter" in response.content.decode()
    later = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url("manage", workshop),
        {
            "grades": "Non\nBof\nOui",
            "scope": "triaged",
            "colleges": ["elected", "public"],
            "closes_at": later,
            "ungraded": "ignored",
            "rule": "majority",
            "results_visibility": "live",
            "favourites_max": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()
    selection = Selection.objects.get(workshop=workshop)
    assert selection.grades == ["Non", "Bof", "Oui"]
    assert selection.is_open() and selection.colleges == ["elected", "public"]
    response = client.post(url("manage", workshop), {"grades": "Seule", "favourites_max": "1"})
    assert response.status_code == 400
    client.post(url("close", workshop))
    selection.refresh_from_db()
    assert not selection.is_open()


def test_only_organisers_manage(client, selection, people):
    workshop = selection.workshop
    assert client.get(url("manage", workshop)).status_code == 302  # to the sign-in page
    user = User.objects.create_user("eli", password="x" * 12)
    client.force_login(user)
    assert client.get(url("manage", workshop)).status_code == 403
    assert client.post(url("close", workshop)).status_code == 403
    selection.refresh_from_db()
    assert selection.is_open()


def vote_some(selection, people):
    do_cast_ballot(selection, people["eli"], actor=people["eli"], grades={"p-1": 6, "p-2": 2})
    do_cast_ballot(
        selection, people["dana"], actor=people["dana"], grades={"p-1": 4}, college="elected"
    )
    do_cast_ballot(selection, people["bo-2"], actor=people["bo-2"], grades={"p-2": 5, "p-3": 3})
    do_set_favourites(selection, actor=people["bo-2"], choices=[("p-2", hostile("why"))])


def test_results_are_hidden_until_closing_then_shown(client, selection, people):
    workshop = selection.workshop
    vote_some(selection, people)
    html = client.get(url("results", workshop)).content.decode()
    assert "<svg" not in html
    assert client.get(url("results_csv", workshop)).status_code == 403
    assert client.get(url("results_json", workshop)).status_code == 403
    do_close_selection(selection, actor=None)
    client.cookies["django_language"] = "en"
    html = client.get(url("results", workshop)).content.decode()
    # A chart per college but the public (nobody voted in it), each wide and narrow.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="merit-profile"') == 3 * 2
    assert SCRIPT not in html and "style=" not in html
    assert "Merit profiles, all together" in html
    assert 'data-tab-for="college-1"' in html


def test_live_results_and_the_organiser_see_them_while_open(client, selection, people, organiser):
    vote_some(selection, people)
    assert "<svg" in client.get(url("results", selection.workshop)).content.decode()
    client.logout()
    Selection.objects.filter(pk=selection.pk).update(results_visibility="live")
    assert "<svg" in client.get(url("results", selection.workshop)).content.decode()


def test_csv_and_json_exports(client, selection, people):
    vote_some(selection, people)
    do_close_selection(selection, actor=None)
    workshop = selection.workshop
    rows = list(csv.reader(io.StringIO(client.get(url("results_csv", workshop)).content.decode())))
    assert rows[0][:8] == [
        "college",
        "ballots",
        "rank",
        "proposal",
        "title",
        "majority_grade",
        "graded",
        "favourites",
    ]
    everyone = [r for r in rows[1:] if r[0] == "all"]
    assert everyone[0][3] == "p-1"  # Excellent and Bien, then Insuffisant (ungraded)
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r[4:6])
    document = json.loads(client.get(url("results_json", workshop)).content)
    assert [c["college"] for c in document["colleges"]] == [
        "all",
        "elected",
        "participant",
        "public",
    ]
    first = document["colleges"][0]["ranking"][0]
    assert first["proposal"] == "p-1" and first["tally"] == [1, 0, 0, 0, 1, 0, 1]
    assert document["favourites"][0]["proposal"] == "p-2"


def test_workshops_without_a_selection_have_no_link_and_404(client, workshop):
    html = client.get(reverse("workshops:detail", args=[workshop.slug])).content.decode()
    assert "/selection/" not in html
    assert client.get(url("ballot", workshop)).status_code == 404
    assert client.get(url("results", workshop)).status_code == 404


def test_the_selection_stream_is_registered_for_readers_of_the_workshop(selection, people):
    from django.contrib.auth.models import AnonymousUser

    from rebours.live.registry import Viewer, can_read
    from rebours.selection.actions import stream_for

    viewer = Viewer(user=AnonymousUser())
    assert can_read(viewer, stream_for(selection))
    assert not can_read(viewer, "selection:999999")
    assert not can_read(viewer, "selection:<script>")
    type(selection.workshop).objects.filter(pk=selection.workshop.pk).update(published=False)
    assert not can_read(viewer, stream_for(selection))


def test_live_events_over_http_carry_counts_only(client, selection, people):
    do_cast_ballot(selection, people["eli"], actor=people["eli"], grades={"p-1": 6})
    response = client.get("/live/events", {"since": f"selection:{selection.pk}:0"})
    events = response.json()["streams"][f"selection:{selection.pk}"]["events"]
    cast = [e for e in events if e["kind"] == "selection.ballot_cast"]
    assert cast[-1]["payload"] == {"ballots": 1, "colleges": {"participant": 1}}
    assert "eli" not in json.dumps(events)


def test_the_workshop_pages_link_to_the_selection(client, selection):
    html = client.get(reverse("workshops:detail", args=[selection.workshop.slug])).content.decode()
    assert url("ballot", selection.workshop) in html
