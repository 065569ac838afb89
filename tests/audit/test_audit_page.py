"""The audit log's page: organisers read it, filter it and page through it; nobody else does."""

import pytest
from django.db import transaction
from django.urls import reverse

from rebours.api.actions import do_create_token
from rebours.audit.actions import record
from rebours.audit.models import AuditAction
from rebours.review.actions import do_review_proposal
from rebours.workshops.policy import Phase, Role
from tests.support.hostile import SCRIPT, hostile
from tests.support.policy_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world(Phase.REVIEW, "logged")
    do_review_proposal(
        world.proposal,
        actor=world.actors[Role.ORGANISER].user,
        opinion=hostile("avis"),
        triage="programme",
    )
    return world


def url(world, **query):
    base = reverse("audit:log", args=[world.workshop.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.STAFF])
def test_organisers_read_who_did_what(world, role):
    html = world.client(role).get(url(world)).content.decode()
    assert "org-logged" in html  # the organiser's account, who started and ended the day
    assert "reviewed a proposal" in html or "a examiné une proposition" in html
    assert SCRIPT not in html  # the proposal's title is escaped
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "role", [Role.FACILITATOR, Role.MEMBER, Role.PARTICIPANT, Role.ELECTED, Role.ANONYMOUS]
)
def test_nobody_else_reads_it(world, role):
    response = world.client(role).get(url(world))
    if world.actors[role].user.is_authenticated:
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_filter_keeps_one_kind_of_action(world):
    client = world.client(Role.ORGANISER)
    html = client.get(url(world, action=AuditAction.PROPOSAL_REVIEWED.value)).content.decode()
    assert html.count("<tr>") == 2  # the header and the one review
    everything = client.get(url(world, action="<script>")).content.decode()
    assert everything.count("<tr>") > 2  # an unknown action shows every entry


def test_the_log_is_paginated(world):
    with transaction.atomic():
        for n in range(60):
            record(
                world.workshop,
                actor=world.actors[Role.ORGANISER].user,
                action=AuditAction.DAY_CONTROL,
                target=f"control {n}",
            )
    client = world.client(Role.ORGANISER)
    first = client.get(url(world)).content.decode()
    assert "control 59" in first and "control 0<" not in first
    second = client.get(url(world, page=2)).content.decode()
    assert "control 0<" in second and 'rel="prev"' in second


def test_tokens_of_its_organisers_show_and_others_do_not(world):
    organiser = world.actors[Role.ORGANISER].user
    do_create_token(organiser, "nightly", actor=organiser)
    other = build_world(Phase.PREPARATION, "elsewhere")
    stranger = other.actors[Role.ORGANISER].user
    do_create_token(stranger, "not-yours", actor=stranger)
    html = world.client(Role.ORGANISER).get(url(world)).content.decode()
    assert "nightly" in html
    assert "not-yours" not in html
    assert "elsewhere" not in html  # nor the other workshop's entries
