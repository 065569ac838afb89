"""A sample of the permission table's cells through the real entry points: pages, forms, the
HTTP fallback of the live commands, the API (the websocket: test_policy_websocket.py).

Each case names its cell; the test first checks that the table says what the case expects, then
that the entry point agrees. The full table is checked cell by cell, on the permission functions,
in test_policy_table.py.
"""

import json
from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from rebours.api.actions import do_create_token
from rebours.review.actions import do_mark_duplicate
from rebours.review.models import Duplicate
from rebours.workshops import policy
from rebours.workshops.models import Workshop
from rebours.workshops.policy import Action, Phase, Role
from tests.support.hostile import hostile
from tests.support.policy_world import build_world

CELLS = {(role, action, phase): allowed for role, action, phase, allowed in policy.cells()}


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield {phase: build_world(phase, f"entry-{phase.value}") for phase in Phase}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def command(client: Client, name: str, data: dict) -> int:
    response = client.post(
        "/live/command",
        json.dumps({"name": name, "data": data}),
        content_type="application/json",
    )
    return response.status_code


def post_note(world, client):
    return command(client, "note.create", {"board": world.theme.pk, "text": hostile("n")}) == 200


def board_page(world, client):
    url = reverse("facilitation:board", args=[world.workshop.slug, world.theme.key])
    return client.get(url).status_code == 200


def console(world, client):
    return (
        client.get(reverse("facilitation:console", args=[world.workshop.slug])).status_code == 200
    )


def autosave(world, client):
    url = reverse("proposals:save", args=[world.workshop.slug, world.proposal.key])
    body = {"base_version": world.proposal.version, "changes": {"summary": hostile("edit")}}
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 403), response.content
    return response.status_code == 200


def api_add_proposal(world, client):
    url = f"/api/v1/workshops/{world.workshop.slug}/themes/{world.theme.key}/proposals"
    client.get("/")  # a CSRF cookie for the session caller
    response = client.post(
        url,
        json.dumps({"title": hostile("api")[:200]}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code in (201, 403), response.content
    return response.status_code == 201


def close_vote(world, client):
    client.post(reverse("selection:close", args=[world.workshop.slug]))
    world.selection.refresh_from_db()
    return world.selection.status == "closed"


def cast(world, client):
    grades = {f"grade-{p.key}": "4" for p in world.workshop.proposals.all()}
    response = client.post(reverse("selection:cast", args=[world.workshop.slug]), grades)
    return response.status_code == 302


def results_json(world, client):
    url = reverse("selection:results_json", args=[world.workshop.slug])
    return client.get(url).status_code == 200


def join_form(world, client):
    token = world.workshop.join_settings.token
    response = client.get(reverse("facilitation:join", args=[token]))
    return response.status_code == 200 and b'name="display_name"' in response.content


def audit_page(world, client):
    return client.get(reverse("audit:log", args=[world.workshop.slug])).status_code == 200


def merge(world, client):
    organiser = world.actors[Role.ORGANISER].user
    with transaction.atomic():
        do_mark_duplicate(world.proposal, world.workshop.proposals.get(key="p2"), actor=organiser)
    duplicate = Duplicate.objects.get(kept=world.proposal)
    client.post(reverse("review:merge", args=[world.workshop.slug, duplicate.pk]))
    duplicate.refresh_from_db()
    return duplicate.merged_at is not None


def export_with_token(world, client):
    user = world.actors[Role.ORGANISER].user
    _token, secret = do_create_token(user, "export", actor=user)
    response = Client().get(
        f"/api/v1/workshops/{world.workshop.slug}/export",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    return response.status_code == 200


def unpublished_page(world, client):
    Workshop.objects.filter(pk=world.workshop.pk).update(published=False)
    return client.get(reverse("workshops:detail", args=[world.workshop.slug])).status_code == 200


def purge_button(world, client):
    Workshop.objects.filter(pk=world.workshop.pk).update(personal_data_until=date(2000, 1, 1))
    url = reverse("privacy:workshop", args=[world.workshop.slug])
    client.post(url, {"purge": "1", "confirm": "on"})
    return not world.workshop.contacts.exists()


SAMPLE = [
    (Role.MEMBER, Action.POST_NOTE, Phase.LIVE_DIVERGE, post_note),
    (Role.MEMBER, Action.POST_NOTE, Phase.REVIEW, post_note),
    (Role.MEMBER, Action.POST_NOTE, Phase.SELECTION_OPEN, post_note),
    (Role.PARTICIPANT, Action.READ_BOARD, Phase.LIVE_DIVERGE, board_page),
    (Role.DESIGNER, Action.READ_BOARD, Phase.LIVE_CONVERGE, board_page),
    (Role.FACILITATOR, Action.RUN_CONSOLE, Phase.PREPARATION, console),
    (Role.STAFF, Action.RUN_CONSOLE, Phase.REVIEW, console),
    (Role.MEMBER, Action.EDIT_PROPOSAL, Phase.SELECTION_OPEN, autosave),
    (Role.MEMBER, Action.EDIT_PROPOSAL, Phase.SELECTION_CLOSED, autosave),
    (Role.ORGANISER, Action.EDIT_PROPOSAL, Phase.SELECTION_OPEN, autosave),
    (Role.ELECTED, Action.EDIT_PROPOSAL, Phase.LIVE_CONVERGE, autosave),
    (Role.DESIGNER, Action.ADD_PROPOSAL, Phase.SELECTION_OPEN, api_add_proposal),
    (Role.DESIGNER, Action.ADD_PROPOSAL, Phase.REVIEW, api_add_proposal),
    (Role.ORGANISER, Action.CLOSE_SELECTION, Phase.SELECTION_OPEN, close_vote),
    (Role.FACILITATOR, Action.CLOSE_SELECTION, Phase.SELECTION_OPEN, close_vote),
    (Role.ELECTED, Action.VOTE, Phase.SELECTION_OPEN, cast),
    (Role.ELECTED, Action.VOTE, Phase.SELECTION_CLOSED, cast),
    (Role.ORGANISER, Action.VOTE, Phase.SELECTION_OPEN, cast),
    (Role.ANONYMOUS, Action.SEE_RESULTS, Phase.SELECTION_OPEN, results_json),
    (Role.ANONYMOUS, Action.SEE_RESULTS, Phase.SELECTION_CLOSED, results_json),
    (Role.ANONYMOUS, Action.JOIN, Phase.PREPARATION, join_form),
    (Role.ANONYMOUS, Action.JOIN, Phase.REVIEW, join_form),
    (Role.ORGANISER, Action.READ_AUDIT, Phase.LIVE_DIVERGE, audit_page),
    (Role.FACILITATOR, Action.READ_AUDIT, Phase.LIVE_DIVERGE, audit_page),
    (Role.ORGANISER, Action.MERGE_DUPLICATES, Phase.SELECTION_OPEN, merge),
    (Role.ORGANISER, Action.MERGE_DUPLICATES, Phase.SELECTION_CLOSED, merge),
    (Role.ORGANISER, Action.EXPORT, Phase.REVIEW, export_with_token),
    (Role.MEMBER, Action.READ_UNPUBLISHED, Phase.PREPARATION, unpublished_page),
    (Role.ANONYMOUS, Action.READ_UNPUBLISHED, Phase.PREPARATION, unpublished_page),
    (Role.ORGANISER, Action.PURGE_CONTACTS, Phase.SELECTION_CLOSED, purge_button),
    (Role.FACILITATOR, Action.PURGE_CONTACTS, Phase.SELECTION_CLOSED, purge_button),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "action", "phase", "attempt"),
    SAMPLE,
    ids=[f"{action}-{role}-{phase}" for role, action, phase, _attempt in SAMPLE],
)
def test_the_entry_point_does_what_the_table_says(worlds, role, action, phase, attempt):
    world = worlds[phase]
    assert attempt(world, world.client(role)) is CELLS[(role, action, phase)]
