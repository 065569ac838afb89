"""Each audited action leaves exactly one entry, written in its own transaction; a refused or
failed one leaves none."""

import csv
import datetime
import io

import pytest
from django.db import transaction

from rebours.api.actions import do_create_token, do_revoke_token
from rebours.audit.actions import AuditOutsideTransaction, record
from rebours.audit.models import AuditAction, AuditEntry
from rebours.board.actions import do_set_dot_budget
from rebours.booklet.actions import do_publish_booklet
from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.exchange.errors import ExchangeError
from rebours.facilitation import actions as day
from rebours.facilitation.actions import DayRefused
from rebours.facilitation.permissions import day_access
from rebours.proposals.actions import do_restore_version, do_update_proposal
from rebours.review import actions as review
from rebours.selection import actions as selection_actions
from rebours.selection.actions import SelectionRefused, do_close_selection, do_open_selection
from rebours.selection.scale import DEFAULT_GRADES
from rebours.workshops.actions import (
    PurgeRefused,
    do_purge_personal_data,
    do_set_personal_data_until,
)
from rebours.workshops.policy import Phase, Role
from tests.support.hostile import hostile, minimal_document
from tests.support.policy_world import World, build_world

pytestmark = pytest.mark.django_db


def initiatives_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "description", "url", "place"])
    writer.writerow([hostile("initiative"), hostile("description"), "", "lieu"])
    return out.getvalue().encode()


@pytest.fixture
def world():
    return build_world(Phase.PREPARATION, "audited")


def organiser(world: World):
    return world.actors[Role.ORGANISER].user


def console(world: World):
    return day_access(organiser(world), {}, world.workshop)


def joined(world: World):
    """A participant waiting for a group (the organisers assign them)."""
    day.do_update_join_settings(world.workshop, actor=console(world), group_choice="assign")
    _state, join = day.do_prepare_day(world.workshop, actor=None)
    return day.do_join_workshop(join, actor=None, display_name="<b>Joiner</b> \u202e🌾", theme=None)


def restore(world: World):
    p = world.proposal
    do_update_proposal(
        p, {"summary": hostile("v2")}, base_version=p.version, actor=organiser(world)
    )
    return lambda: do_restore_version(p, 1, actor=organiser(world))


def merge(world: World):
    kept, other = world.proposal, world.workshop.proposals.get(key="p2")
    duplicate = review.do_mark_duplicate(kept, other, actor=organiser(world))
    return lambda: review.do_merge_duplicate(duplicate, actor=organiser(world))


def close(world: World):
    vote = do_open_selection(world.workshop, actor=organiser(world), grades=DEFAULT_GRADES)
    return lambda: do_close_selection(vote, actor=organiser(world))


def revoke(world: World):
    token, _secret = do_create_token(organiser(world), "t", actor=organiser(world))
    return lambda: do_revoke_token(token, actor=organiser(world))


def purge(world: World):
    do_set_personal_data_until(
        world.workshop, actor=organiser(world), until=datetime.date(2000, 1, 1)
    )
    return lambda: do_purge_personal_data(world.workshop, actor=organiser(world))


def replace(world: World):
    document = minimal_document("replaced")
    do_import_workshop(Package(document=document), actor=None)
    return lambda: do_import_workshop(Package(document=document), actor=None, replace=True)


def running(world: World):
    day.do_start_day(world.workshop, actor=console(world))


# Each case: what to prepare first (returning the action to audit when the second item is None),
# the action, and the entry it must leave.
CASES = {
    "review": (
        None,
        lambda w: review.do_review_proposal(
            w.proposal, actor=organiser(w), opinion=hostile("avis"), triage="programme"
        ),
        AuditAction.PROPOSAL_REVIEWED,
    ),
    "theme opinion": (
        None,
        lambda w: review.do_set_theme_opinion(w.theme, actor=organiser(w), opinion=hostile("o")),
        AuditAction.THEME_OPINION,
    ),
    "mark duplicate": (
        None,
        lambda w: review.do_mark_duplicate(
            w.proposal, w.workshop.proposals.get(key="p2"), actor=organiser(w)
        ),
        AuditAction.DUPLICATE_MARKED,
    ),
    "merge duplicates": (merge, None, AuditAction.DUPLICATES_MERGED),
    "initiatives": (
        None,
        lambda w: review.do_import_initiatives(w.workshop, initiatives_csv(), actor=organiser(w)),
        AuditAction.INITIATIVES_IMPORTED,
    ),
    "restore": (restore, None, AuditAction.VERSION_RESTORED),
    "open the vote": (
        None,
        lambda w: do_open_selection(w.workshop, actor=organiser(w), grades=DEFAULT_GRADES),
        AuditAction.SELECTION_OPENED,
    ),
    "close the vote": (close, None, AuditAction.SELECTION_CLOSED),
    "booklet": (
        None,
        lambda w: do_publish_booklet(w.workshop, actor=organiser(w), lang="fr"),
        AuditAction.BOOKLET_PUBLISHED,
    ),
    "start the day": (
        None,
        lambda w: day.do_start_day(w.workshop, actor=console(w)),
        AuditAction.DAY_CONTROL,
    ),
    "pause": (
        running,
        lambda w: day.do_pause_timer(w.workshop, actor=console(w)),
        AuditAction.DAY_CONTROL,
    ),
    "message": (
        None,
        lambda w: day.do_send_message(w.workshop, actor=console(w), text=hostile("msg")[:200]),
        AuditAction.DAY_CONTROL,
    ),
    "end the day": (
        running,
        lambda w: day.do_end_day(w.workshop, actor=console(w)),
        AuditAction.DAY_CONTROL,
    ),
    "joining rules": (
        None,
        lambda w: day.do_update_join_settings(w.workshop, actor=console(w), is_open=False),
        AuditAction.JOIN_SETTINGS,
    ),
    "new join link": (
        None,
        lambda w: day.do_renew_join_link(w.workshop, actor=console(w)),
        AuditAction.JOIN_RENEWED,
    ),
    "dot budget": (
        None,
        lambda w: do_set_dot_budget(w.workshop, actor=console(w), budget=7),
        AuditAction.DOT_BUDGET,
    ),
    "assign": (
        lambda w: (
            lambda p: (
                lambda: day.do_assign_participant(
                    w.workshop, actor=console(w), person=p, theme=w.theme
                )
            )
        )(joined(w)),
        None,
        AuditAction.PARTICIPANT_ASSIGNED,
    ),
    "balance": (
        lambda w: (joined(w), lambda: day.do_balance_groups(w.workshop, actor=console(w)))[1],
        None,
        AuditAction.PARTICIPANT_ASSIGNED,
    ),
    "remove": (
        lambda w: (
            lambda p: lambda: day.do_remove_participant(w.workshop, actor=console(w), person=p)
        )(joined(w)),
        None,
        AuditAction.PARTICIPANT_REMOVED,
    ),
    "account": (
        None,
        lambda w: day.do_give_account(
            w.people["eli"], actor=organiser(w), username="eli-account", password=""
        ),
        AuditAction.ACCOUNT_GIVEN,
    ),
    "import": (
        None,
        lambda w: do_import_workshop(Package(document=minimal_document("new")), actor=None),
        AuditAction.WORKSHOP_IMPORTED,
    ),
    "replace": (replace, None, AuditAction.WORKSHOP_REPLACED),
    "token": (
        None,
        lambda w: do_create_token(organiser(w), hostile("t")[:60], actor=organiser(w)),
        AuditAction.TOKEN_CREATED,
    ),
    "revoke": (revoke, None, AuditAction.TOKEN_REVOKED),
    "retention": (
        None,
        lambda w: do_set_personal_data_until(
            w.workshop, actor=organiser(w), until=datetime.date(2031, 1, 1)
        ),
        AuditAction.RETENTION_SET,
    ),
    "purge": (purge, None, AuditAction.PERSONAL_DATA_PURGED),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_audited_action_leaves_one_entry(world, case):
    prepare, act, expected = CASES[case]
    prepared = prepare(world) if prepare else None
    run = prepared if act is None else (lambda: act(world))
    before = AuditEntry.objects.count()
    run()
    entries = list(AuditEntry.objects.order_by("-id")[: AuditEntry.objects.count() - before])
    assert [e.action for e in entries] == [expected]
    [entry] = entries
    if expected in (AuditAction.TOKEN_CREATED, AuditAction.TOKEN_REVOKED):
        assert entry.workshop is None and entry.actor == organiser(world)
    elif expected in (AuditAction.WORKSHOP_IMPORTED, AuditAction.WORKSHOP_REPLACED):
        assert entry.actor is None and entry.actor_label == ""  # the command line
    else:
        assert entry.workshop_slug == world.workshop.slug
        assert entry.actor_label  # who did it, as they read at the time


RECRUITMENT = {
    AuditAction.DRAW_RUN,
    AuditAction.DRAW_REPLACEMENT,
    AuditAction.PANEL_SEATED,
    AuditAction.QUOTAS_SET,
    AuditAction.POOL_IMPORTED,
}


def test_every_kind_of_entry_is_written_somewhere():
    # Recruitment's entries are proven in test_audit_recruitment.py.
    written = {expected for _prepare, _act, expected in CASES.values()}
    assert set(AuditAction) - written == RECRUITMENT


def refused(call, error):
    before = AuditEntry.objects.count()
    with pytest.raises(error):
        call()
    assert AuditEntry.objects.count() == before


def test_refused_actions_leave_no_entry(world):
    org = organiser(world)
    refused(
        lambda: review.do_review_proposal(world.proposal, actor=org, opinion="", triage="rework"),
        review.ReviewInvalid,
    )
    person = joined(world)
    vote = close(world)
    vote()
    refused(
        lambda: do_close_selection(world.workshop.selections.get(), actor=org), SelectionRefused
    )
    refused(
        lambda: do_import_workshop(
            Package(document=minimal_document(world.workshop.slug)), actor=None
        ),
        ExchangeError,
    )
    facilitator = day_access(world.actors[Role.FACILITATOR].user, {}, world.workshop)
    refused(
        lambda: day.do_remove_participant(world.workshop, actor=facilitator, person=person),
        DayRefused,
    )
    refused(lambda: do_purge_personal_data(world.workshop, actor=org), PurgeRefused)


def test_an_action_that_fails_after_recording_leaves_no_entry(world, monkeypatch):
    vote = do_open_selection(world.workshop, actor=organiser(world), grades=DEFAULT_GRADES)

    def broken(*args, **kwargs):
        raise RuntimeError("the event could not be stored")

    monkeypatch.setattr(selection_actions, "publish", broken)
    refused(lambda: do_close_selection(vote, actor=organiser(world)), RuntimeError)
    vote.refresh_from_db()
    assert vote.status == "open"


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_write_outside_a_transaction():
    assert not transaction.get_connection().in_atomic_block
    with pytest.raises(AuditOutsideTransaction):
        record(None, actor=None, action=AuditAction.TOKEN_CREATED)
    assert not AuditEntry.objects.exists()
