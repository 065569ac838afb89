"""Every cell of the permission table, checked against the real permission functions.

For each phase a workshop is built through the actions (tests/support/policy_world.py) with
someone in every role; each cell (role, action, phase) then asks the app's own permission
function, the one views, consumers and the API call, and expects exactly what the table says.
The cases come from the table: a new action, role or phase is tested as soon as it exists (and
fails until it has a probe below).

The worlds are built once per module, inside a transaction rolled back at the end; each test runs
in its own savepoint, so a probe may change a row (a workshop unpublished, a date passed).
"""

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction

from rebours.api.permissions import can_create_tokens
from rebours.audit.permissions import can_read_audit
from rebours.board.permissions import board_access, can_change_note
from rebours.booklet.permissions import can_publish
from rebours.facilitation.permissions import can_join, day_access
from rebours.proposals import permissions as proposals
from rebours.recruitment import permissions as recruitment
from rebours.review import permissions as review
from rebours.selection import permissions as selection
from rebours.workshops import policy
from rebours.workshops.models import Workshop
from rebours.workshops.permissions import (
    can_export,
    can_purge_personal_data,
    can_read_workshop,
    current_person,
    phase_of,
)
from rebours.workshops.policy import Action, Phase, Role
from tests.support.policy_world import Actor, World, build_world

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"

Probe = Callable[[World, Actor], bool]


def _board(world: World, actor: Actor):
    return board_access(actor.user, actor.session, world.theme)


def _day(world: World, actor: Actor):
    return day_access(actor.user, actor.session, world.workshop)


def _unpublished(world: World, actor: Actor) -> bool:
    Workshop.objects.filter(pk=world.workshop.pk).update(published=False)
    return can_read_workshop(actor.user, actor.session, Workshop.objects.get(pk=world.workshop.pk))


def _purge(world: World, actor: Actor) -> bool:
    # The table's condition, met: the retention date is behind us.
    workshop = Workshop.objects.get(pk=world.workshop.pk)
    workshop.personal_data_until = datetime.date(2000, 1, 1)
    return can_purge_personal_data(actor.user, workshop)


def _register(world: World, actor: Actor) -> bool:
    # The table's condition, met: registration is open.
    from rebours.recruitment.models import RecruitmentSettings

    settings, _ = RecruitmentSettings.objects.get_or_create(workshop=world.workshop)
    RecruitmentSettings.objects.filter(pk=settings.pk).update(registration_open=True)
    settings.refresh_from_db()
    return recruitment.can_register(actor.user, actor.session, settings)


def _person(actor: Actor):
    return actor.person


PROBES: dict[Action, Probe] = {
    Action.READ_PUBLISHED: lambda w, a: can_read_workshop(a.user, a.session, w.workshop),
    Action.READ_UNPUBLISHED: _unpublished,
    Action.JOIN: lambda w, a: can_join(a.user, a.session, w.workshop),
    Action.READ_BOARD: lambda w, a: _board(w, a).read,
    Action.POST_NOTE: lambda w, a: _board(w, a).write,
    Action.EDIT_OWN_NOTE: lambda w, a: can_change_note(_board(w, a), w.note_of(a.person)),
    Action.EDIT_ANY_NOTE: lambda w, a: can_change_note(_board(w, a), w.other_note()),
    Action.DOT: lambda w, a: _board(w, a).dot,
    Action.SORT: lambda w, a: _board(w, a).sort,
    Action.MAKE_DRAFT: lambda w, a: _board(w, a).draft,
    Action.ADD_PROPOSAL: lambda w, a: proposals.can_edit_theme(a.user, a.session, w.theme),
    Action.EDIT_PROPOSAL: lambda w, a: proposals.can_edit(a.user, a.session, w.proposal),
    Action.UPLOAD_IMAGE: lambda w, a: proposals.can_upload_image(a.user, a.session, w.proposal),
    Action.READ_HISTORY: lambda w, a: proposals.can_view_history(a.user, a.session, w.proposal),
    Action.RESTORE_VERSION: lambda w, a: proposals.can_restore(a.user, w.proposal),
    Action.REVIEW: lambda w, a: review.can_review(a.user, w.workshop),
    Action.WRITE_OPINION: lambda w, a: review.can_write_opinion(a.user, w.workshop),
    Action.MERGE_DUPLICATES: lambda w, a: review.can_merge(a.user, w.workshop),
    Action.OPEN_SELECTION: lambda w, a: selection.can_manage(a.user, w.workshop),
    Action.CLOSE_SELECTION: lambda w, a: selection.can_close(a.user, w.workshop),
    Action.BECOME_PUBLIC_VOTER: lambda w, a: selection.can_become_public_voter(
        current_person(a.user, a.session, w.workshop), w.selection_or_stand_in()
    ),
    Action.VOTE: lambda w, a: selection.can_vote(
        current_person(a.user, a.session, w.workshop), w.selection_or_stand_in()
    ),
    Action.NAME_FAVOURITES: lambda w, a: selection.can_name_favourites(
        current_person(a.user, a.session, w.workshop)
    ),
    Action.SEE_RESULTS: lambda w, a: selection.can_see_results(a.user, w.selection_or_stand_in()),
    Action.PUBLISH_BOOKLET: lambda w, a: can_publish(a.user, w.workshop),
    Action.EXPORT: lambda w, a: can_export(a.user, w.workshop),
    Action.RUN_CONSOLE: lambda w, a: _day(w, a).run,
    Action.ORGANISE_DAY: lambda w, a: _day(w, a).organise,
    Action.REMOVE_PARTICIPANT: lambda w, a: _day(w, a).remove,
    Action.CREATE_API_TOKENS: lambda w, a: can_create_tokens(a.user),
    Action.READ_AUDIT: lambda w, a: can_read_audit(a.user, w.workshop),
    Action.PURGE_CONTACTS: _purge,
    Action.REGISTER_VOLUNTEER: lambda w, a: _register(w, a),
    Action.MANAGE_RECRUITMENT: lambda w, a: recruitment.can_manage(a.user, w.workshop),
}


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    """One workshop per phase, built once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield {phase: build_world(phase) for phase in Phase}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_every_action_has_a_probe():
    assert set(PROBES) == set(Action)


@pytest.mark.django_db
@pytest.mark.parametrize("phase", list(Phase), ids=str)
def test_the_world_is_in_the_phase_it_was_built_for(worlds, phase):
    assert phase_of(worlds[phase].workshop) == phase


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "action", "phase", "allowed"),
    list(policy.cells()),
    ids=[f"{action}-{role}-{phase}" for role, action, phase, _allowed in policy.cells()],
)
def test_cell(worlds, role, action, phase, allowed):
    world = worlds[phase]
    assert PROBES[action](world, world.actors[role]) is allowed


def test_the_docs_show_the_table_as_the_code_has_it():
    text = DOCS.read_text(encoding="utf-8")
    begin, end = "<!-- policy table: begin -->\n", "<!-- policy table: end -->"
    assert begin in text and end in text, "docs/security.md lost the table's markers"
    shown = text.split(begin, 1)[1].split(end, 1)[0]
    assert shown == policy.markdown(), (
        "docs/security.md differs from rebours/workshops/policy.py: paste "
        "`python -c 'from rebours.workshops.policy import markdown; print(markdown())'`"
    )


def test_every_rule_grants_something_and_explains_itself():
    for rule in policy.RULES:
        assert rule.allowed, rule.action
        assert rule.what, rule.action
    assert len(policy.RULES) == len(Action)


def test_a_person_with_several_roles_may_do_what_any_of_them_allows():
    roles = {Role.ELECTED, Role.MEMBER}
    assert policy.allows(roles, Action.NAME_FAVOURITES, Phase.SELECTION_OPEN)
    assert policy.allows(roles, Action.POST_NOTE, Phase.LIVE_DIVERGE)
    assert not policy.allows(roles, Action.POST_NOTE, Phase.REVIEW)
    assert not policy.allows(set(), Action.READ_PUBLISHED, Phase.PREPARATION)
