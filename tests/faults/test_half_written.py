"""A database error in the middle of an action leaves nothing half-written.

Each test lets a write of the action go through and then fails (as a lost connection or a full
disk would), at several points of the action, and compares every table (the live event log
included) and the media folder with what they were before. The tests run in real transactions
(`transaction=True`), as the server does, not inside the test's own.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError
from django.db.models import QuerySet

from rebours.board import actions as board
from rebours.board.models import Cluster, Note
from rebours.board.permissions import board_access
from rebours.booklet import actions as booklet
from rebours.booklet import jobs
from rebours.booklet.models import BookletVersion, Status
from rebours.live import events, registry
from rebours.live.models import Event
from rebours.proposals.models import Proposal, ProposalVersion
from rebours.selection.actions import do_cast_ballot
from rebours.selection.models import Ballot, BallotGrade, Selection
from rebours.workshops.models import Person, Workshop
from rebours.workshops.permissions import participant_session_key
from tests.support.faults import prepare_room, vote_slug
from tests.support.hostile import hostile
from tests.support.liveday import make_accounts
from tests.support.state import snapshot

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "faulty"


class Injected(OperationalError):
    """The failure these tests inject: Django's own class for a database that went away."""


def fail_after(monkeypatch, owner, name):
    """Make `owner.name` do its work, then fail: the write happened inside the transaction."""
    original = getattr(owner, name)

    def failing(*args, **kwargs):
        original(*args, **kwargs)
        raise Injected(f"injected after {getattr(owner, '__name__', owner)}.{name}")

    monkeypatch.setattr(owner, name, failing)


def fail_when(monkeypatch, owner, name, when):
    """Make `owner.name` fail instead of running when `when(*args, **kwargs)` holds (a single
    statement outside a transaction: it fails as a whole)."""
    original = getattr(owner, name)

    def failing(*args, **kwargs):
        if when(*args, **kwargs):
            raise Injected(f"injected in {name}")
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)


@pytest.fixture
def room():
    data = prepare_room(SLUG, 2)
    workshop = Workshop.objects.get(slug=SLUG)
    people = [Person.objects.get(pk=p["person"]) for p in data["people"]]
    return SimpleNamespace(
        workshop=workshop,
        selection=Selection.objects.get(workshop__slug=vote_slug(SLUG)),
        voters=[Person.objects.get(pk=p["person"]) for p in data["voters"]],
        people=people,
        g1=workshop.themes.get(key="g1"),
        proposals=data["proposals"],
    )


def participant(room, person):
    session = {participant_session_key(room.workshop): person.pk}
    theme = person.memberships.get().theme
    return board_access(AnonymousUser(), session, theme)


def failed_without_trace(call) -> None:
    before = snapshot()
    with pytest.raises(Injected):
        call()
    assert snapshot() == before


# --- ballots ------------------------------------------------------------------------------------

BALLOT_WRITES = {
    "the ballot row": (Ballot, "save"),
    "its grades": (BallotGrade.objects, "bulk_create"),
    "its event": (Event.objects, "create"),
    "the stream's number": (events, "_next_number"),
}


@pytest.mark.parametrize("where", BALLOT_WRITES)
def test_a_ballot_failing_half_way_is_not_counted(room, monkeypatch, where):
    voter = room.voters[0]
    fail_after(monkeypatch, *BALLOT_WRITES[where])
    grades = {key: index % 5 for index, key in enumerate(room.proposals)}
    failed_without_trace(lambda: do_cast_ballot(room.selection, voter, actor=voter, grades=grades))


@pytest.mark.parametrize("where", BALLOT_WRITES)
def test_a_ballot_change_failing_half_way_keeps_the_first_ballot(room, monkeypatch, where):
    voter = room.voters[0]
    first = {key: 4 for key in room.proposals}
    do_cast_ballot(room.selection, voter, actor=voter, grades=first)
    receipt = Ballot.objects.get(voter=voter).receipt
    fail_after(monkeypatch, *BALLOT_WRITES[where])
    changed = {key: index % 3 for index, key in enumerate(room.proposals)}
    failed_without_trace(lambda: do_cast_ballot(room.selection, voter, actor=voter, grades=changed))
    ballot = Ballot.objects.get(voter=voter)
    assert ballot.receipt == receipt
    assert {g.proposal.key: g.grade for g in ballot.grades.select_related("proposal")} == first


# --- a note and its event -----------------------------------------------------------------------

NOTE_WRITES = {
    "the note": (Note, "save"),
    "the stream's number": (events, "_next_number"),
    "its event": (Event.objects, "create"),
}


@pytest.mark.parametrize("where", NOTE_WRITES)
def test_a_note_failing_half_way_leaves_neither_note_nor_event(room, monkeypatch, where):
    access = participant(room, room.people[0])
    board.do_create_note(access.theme, actor=access, text=hostile("d'abord"))
    fail_after(monkeypatch, *NOTE_WRITES[where])
    failed_without_trace(
        lambda: board.do_create_note(access.theme, actor=access, text=hostile("perdue"))
    )


def test_a_live_command_failing_half_way_is_answered_as_failed_not_acknowledged(room, monkeypatch):
    """What the websocket consumer runs: an error propagates, no result (no ack) comes back."""
    person = room.people[0]
    viewer = registry.Viewer(
        user=AnonymousUser(), session={participant_session_key(room.workshop): person.pk}
    )
    data = {"board": person.memberships.get().theme_id, "text": hostile("commande")}
    fail_after(monkeypatch, Event.objects, "create")
    failed_without_trace(lambda: registry.run_command(viewer, "note.create", data))


# --- a cluster becoming a proposal draft --------------------------------------------------------

DRAFT_WRITES = {
    "the proposal": (Proposal, "save"),
    "its first version": (ProposalVersion.objects, "create"),
    "the cluster's link": (Cluster, "save"),
    "an event": (Event.objects, "create"),
}


@pytest.mark.parametrize("where", DRAFT_WRITES)
def test_a_draft_failing_half_way_leaves_the_cluster_as_it_was(room, monkeypatch, where):
    make_accounts(SLUG)
    access = participant(room, room.people[0])
    cluster = board.do_create_cluster(access.theme, actor=access, name=hostile("grappe")[:80])
    note = board.do_create_note(access.theme, actor=access, text=hostile("idée"))
    board.do_move_note(note.pk, actor=access, cluster=cluster.pk)
    facilitator = board_access(room.workshop.people.get(key="fac-1").user, {}, access.theme)
    assert facilitator.moderate
    fail_after(monkeypatch, *DRAFT_WRITES[where])
    failed_without_trace(lambda: board.do_propose_cluster(cluster.pk, actor=facilitator))
    assert Cluster.objects.get(pk=cluster.pk).proposal_id is None


# --- a booklet's publication record -------------------------------------------------------------


def test_a_booklet_publication_failing_half_way_queues_nothing(room, monkeypatch):
    submitted = []
    monkeypatch.setattr(jobs, "submit", submitted.append)
    fail_after(monkeypatch, BookletVersion.objects, "create")
    failed_without_trace(lambda: booklet.do_publish_booklet(room.workshop, actor=None, lang="fr"))
    assert submitted == []  # the renderer never heard of the rolled-back version


def test_a_rendered_booklet_whose_record_fails_leaves_no_file(room, monkeypatch):
    """The PDF is written to the media folder, then recording it as ready fails: the file goes."""
    monkeypatch.setattr(jobs, "submit", lambda version_id: None)
    version = booklet.do_publish_booklet(room.workshop, actor=None, lang="fr")
    monkeypatch.setattr(
        booklet,
        "build_pdf",
        lambda workshop, lang, progress: SimpleNamespace(data=b"%PDF-1.7\n%", pages=1, warnings=[]),
    )
    fail_when(
        monkeypatch,
        QuerySet,
        "update",
        lambda self, **values: (
            self.model is BookletVersion and values.get("status") == Status.READY
        ),
    )
    before = snapshot()
    with pytest.raises(Injected):
        booklet.do_render_version(version.pk)
    after = snapshot()
    assert after["media files"] == before["media files"] == []
    # The version stays unfinished: the organiser's page shows it failed once it falls silent.
    assert BookletVersion.objects.get(pk=version.pk).status == Status.RENDERING
