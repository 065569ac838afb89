"""The editor's pages without JavaScript, and the autosave endpoint its script uses."""

import json
import re

import pytest
from django.urls import reverse

from rebours.proposals.actions import do_update_proposal
from rebours.proposals.models import Proposal
from rebours.workshops.models import Person, Theme
from tests.support.hostile import SCRIPT, hostile
from tests.support.media import SVG_WITH_SCRIPT, photo_with_gps, png_bytes
from tests.support.state import snapshot

pytestmark = pytest.mark.django_db


def edit_url(p: Proposal) -> str:
    return reverse("proposals:edit", args=[p.workshop.slug, p.key])


def form_of(p: Proposal, **changes) -> dict:
    """What the editor's form posts: every field as the page shows it, then the person's edits."""
    data = {
        "base_version": str(p.version),
        "title": p.title,
        "kind": p.kind,
        "summary": p.summary,
        "description": p.description,
        "how_it_works": p.how_it_works,
        "objectives": "\n".join(p.objectives),
        "obstacles": "\n".join(p.obstacles),
        "roles-actor": [r["actor"] for r in p.roles] + ["", ""],
        "roles-does": [r["does"] for r in p.roles] + ["", ""],
        "pathway-year": [str(m["year"]) for m in p.pathway] + [""],
        "pathway-milestone": [m["milestone"] for m in p.pathway] + [""],
        "image_alt": p.image_alt,
    }
    data.update(changes)
    return data


def save_json(client, p: Proposal, base: int, changes: dict):
    return client.post(
        reverse("proposals:save", args=[p.workshop.slug, p.key]),
        data=json.dumps({"base_version": base, "changes": changes}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )


# --------------------------------------------------------------------- who may edit


def test_anonymous_visitors_are_sent_to_sign_in(client, proposal):
    response = client.get(edit_url(proposal))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_people_outside_the_group_may_not_edit(client, proposal, django_user_model, workshop):
    outsider = django_user_model.objects.create_user("dee", password="x")
    client.force_login(outsider)
    assert client.get(edit_url(proposal)).status_code == 403
    assert save_json(client, proposal, 1, {"summary": "x"}).status_code == 403
    # A participant of the workshop, but of another group, neither.
    other_theme = Theme.objects.get(workshop=workshop, key="t-2")
    Person.objects.filter(key="bo-2").update(user=outsider)
    p2 = Proposal.objects.get(theme=other_theme)
    assert client.get(edit_url(p2)).status_code == 403


def test_a_member_who_joined_without_an_account_edits(as_member, proposal):
    client = as_member("bo-2")
    response = client.get(edit_url(proposal))
    assert response.status_code == 200
    assert b"data-editor" in response.content


def test_a_member_with_a_linked_account_edits(client, proposal, django_user_model):
    user = django_user_model.objects.create_user("ana", password="x")
    Person.objects.filter(key="ana").update(user=user)
    client.force_login(user)
    assert client.get(edit_url(proposal)).status_code == 200


# --------------------------------------------------------------------- saving without JavaScript


def test_the_plain_form_saves_and_records_who(as_member, proposal):
    client = as_member("bo-2")
    response = client.post(edit_url(proposal), form_of(proposal, summary=hostile("nouveau résumé")))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.summary == hostile("nouveau résumé")
    assert proposal.version == 2
    row = proposal.versions.get(number=2)
    assert row.fields == ["summary"]
    assert row.author_name == Person.objects.get(key="bo-2").display_name


def test_a_stale_plain_form_on_other_fields_is_merged(as_member, proposal):
    stale = form_of(proposal, description="Bo's description")
    do_update_proposal(proposal, {"summary": "Ana's summary"}, base_version=1, actor=None)
    response = as_member("bo-2").post(edit_url(proposal), stale)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.summary, proposal.description) == ("Ana's summary", "Bo's description")


def test_a_stale_plain_form_on_the_same_field_shows_both_versions(as_member, proposal):
    stale = form_of(proposal, summary=f"Bo {SCRIPT} writes this", obstacles="un obstacle")
    do_update_proposal(proposal, {"summary": "Ana wrote that"}, base_version=1, actor=None)
    before = snapshot()
    response = as_member("bo-2").post(edit_url(proposal), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Ana wrote that" in html
    assert "Bo &lt;script&gt;" in html and SCRIPT not in html
    assert 'name="choice-summary"' in html
    assert snapshot() == before  # nothing written until the person chooses


@pytest.mark.parametrize(
    ("choice", "expected"),
    [("mine", "Bo writes this"), ("theirs", "Ana wrote that"), ("edit", "Both, reconciled")],
)
def test_the_conflict_page_resolves_field_by_field(as_member, proposal, choice, expected):
    client = as_member("bo-2")
    stale = form_of(proposal, summary="Bo writes this", obstacles="un obstacle")
    do_update_proposal(proposal, {"summary": "Ana wrote that"}, base_version=1, actor=None)
    page = client.post(edit_url(proposal), stale).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    import html as html_module

    form = {name: html_module.unescape(value) for name, value in hidden.items()}
    form["choice-summary"] = choice
    form["edit-summary"] = "Both, reconciled"
    response = client.post(reverse("proposals:resolve", args=["hostile", "p-1"]), form)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.summary == expected
    assert proposal.obstacles == ["un obstacle"]  # the part that merged cleanly came along


def test_a_resolution_without_a_choice_is_refused(as_member, proposal):
    client = as_member("bo-2")
    data = {"base_version": "1", "pending": "{}", "fields": '["summary"]', "mine-summary": '"x"'}
    response = client.post(reverse("proposals:resolve", args=["hostile", "p-1"]), data)
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).version == 1


def test_invalid_input_is_shown_again_with_the_reason(as_member, proposal):
    response = as_member().post(
        edit_url(proposal), form_of(proposal, **{"pathway-year": ["deux mille"]})
    )
    assert response.status_code == 400
    assert "deux mille" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).version == 1


# --------------------------------------------------------------------- autosave


def test_autosave_answers_the_new_state(as_member, proposal):
    response = save_json(as_member(), proposal, 1, {"summary": hostile("auto")})
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2 and body["snapshot"]["summary"] == hostile("auto")
    assert body["merged"] is False


def test_autosave_merges_then_conflicts(as_member, proposal):
    client = as_member()
    assert save_json(client, proposal, 1, {"summary": "A"}).status_code == 200
    merged = save_json(client, proposal, 1, {"description": "B"})
    assert merged.status_code == 200 and merged.json()["merged"] is True
    conflict = save_json(client, proposal, 1, {"summary": "C"})
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["conflict"]["fields"] == ["summary"]
    assert "data-resolve-form" in body["html"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"changes": {}}',
        b'{"base_version": "1", "changes": {}}',
        b'{"base_version": 1}',
    ],
)
def test_autosave_refuses_malformed_bodies(as_member, proposal, body):
    response = as_member().post(
        reverse("proposals:save", args=["hostile", "p-1"]),
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400


def test_autosave_names_the_field_over_its_limit(as_member, proposal):
    response = save_json(as_member(), proposal, 1, {"summary": "x" * 10_001})
    assert response.status_code == 400
    assert response.json()["field"] == "summary"


# --------------------------------------------------------------------- the page itself


def test_the_editor_shows_hostile_text_as_text(as_member, proposal):
    html = as_member().get(edit_url(proposal)).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in html
    assert '<script type="module"' in html  # the only scripts are our files
    assert re.search(r"<script(?![^>]*(type=\"module\"|type=\"application/json\"))", html) is None
    assert ' style="' not in html and " onclick=" not in html


def test_the_rework_comment_shows_in_the_editor(as_member, proposal, django_user_model):
    from rebours.review.actions import do_review_proposal

    organiser = django_user_model.objects.create_user("orga", is_staff=True)
    do_review_proposal(
        proposal, actor=organiser, opinion="", triage="rework", comment=hostile("à revoir")
    )
    html = as_member().get(edit_url(proposal)).content.decode()
    assert 'class="rework"' in html
    assert "à revoir &lt;script&gt;" in html


# --------------------------------------------------------------------- images through the page


def upload(client, p: Proposal, data: bytes, name: str, alt: str = "Un photomontage"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("proposals:image", args=[p.workshop.slug, p.key]),
        {"image": SimpleUploadedFile(name, data), "image_alt": alt},
    )


def test_an_uploaded_photo_loses_its_gps(as_member, proposal):
    response = upload(as_member(), proposal, photo_with_gps("JPEG"), "vieux-port.jpg")
    assert response.status_code == 302
    proposal.refresh_from_db()
    with proposal.image.open("rb") as handle:
        assert b"serial 12345" not in handle.read()


def test_a_png_renamed_jpg_is_accepted(as_member, proposal):
    assert upload(as_member(), proposal, png_bytes(), "montage.jpg").status_code == 302
    proposal.refresh_from_db()
    assert proposal.image.name.endswith(".png")


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (SVG_WITH_SCRIPT, "montage.svg", "SVG"),
        (png_bytes()[:60], "montage.png", "truncated"),
        (png_bytes(), "montage.png", None),  # no description
    ],
)
def test_a_refused_upload_says_why_and_changes_nothing(
    as_member, proposal, data, name, reason, client
):
    client = as_member()
    client.cookies["django_language"] = "en"
    before = snapshot()
    response = upload(client, proposal, data, name, alt="" if reason is None else "alt")
    assert response.status_code == 400
    if reason:
        assert reason in response.content.decode()
    assert snapshot() == before


def test_a_huge_upload_is_refused_before_it_is_read(as_member, proposal):
    client = as_member()
    before = snapshot()
    response = upload(client, proposal, b"\xff" * (16 * 1024 * 1024), "huge.jpg")
    assert response.status_code == 400
    assert snapshot() == before


# --------------------------------------------------------------------- history, restore, creation


def test_history_and_restore_are_for_the_right_people(as_member, organiser_client, proposal):
    do_update_proposal(proposal, {"summary": "un"}, base_version=1, actor=None)
    do_update_proposal(proposal, {"summary": "deux"}, base_version=2, actor=None)
    member = as_member()
    history = member.get(reverse("proposals:history", args=["hostile", "p-1"]))
    assert history.status_code == 200
    assert history.content.decode().count('class="history__number"') == 3
    restore_url = reverse("proposals:restore", args=["hostile", "p-1", 2])
    assert member.post(restore_url).status_code == 403
    assert organiser_client.post(restore_url).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.summary, proposal.version) == ("un", 4)
    page = organiser_client.get(reverse("proposals:version", args=["hostile", "p-1", 4]))
    assert page.status_code == 200


def test_a_member_creates_a_proposal_in_their_theme(as_member, workshop):
    client = as_member()
    url = reverse("proposals:create", args=["hostile", "t-1"])
    response = client.post(url, {"title": hostile("Nouvelle")[:300], "kind": "service"})
    assert response.status_code == 302
    created = Proposal.objects.get(workshop=workshop, title=hostile("Nouvelle")[:300])
    assert response["Location"] == edit_url(created)
    assert created.versions.get().kind == "created"
    assert client.post(url, {"title": "  "}).status_code == 400
    assert (
        client.post(
            reverse("proposals:create", args=["hostile", "t-2"]), {"title": "x"}
        ).status_code
        == 403
    )


def test_an_admin_edit_is_a_version_too(proposal, django_user_model):
    from django.test import Client

    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client = Client()
    client.force_login(admin)
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    for name in ("objectives", "obstacles", "roles", "pathway"):
        data[name] = json.dumps(getattr(proposal, name))
    data["summary"] = "réparé dans l’admin"
    data.pop("image")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    proposal.refresh_from_db()
    assert proposal.version == 2
    kinds = [(v.number, v.kind, v.fields) for v in proposal.versions.order_by("number")]
    assert kinds == [(1, "baseline", []), (2, "edit", ["summary"])]
    # A save started before the repair still merges against it.
    do_update_proposal(proposal, {"title": "Nouveau titre"}, base_version=1, actor=None)


def test_the_theme_page_offers_a_new_proposal_to_its_group_only(client, as_member, workshop):
    url = reverse("workshops:theme", args=["hostile", "t-1"])
    create = reverse("proposals:create", args=["hostile", "t-1"])
    assert create not in client.get(url).content.decode()
    assert create in as_member().get(url).content.decode()
