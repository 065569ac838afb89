"""The board's actions: what they store and publish, and every refusal storing nothing."""

import pytest

from rebours.board import actions
from rebours.board.actions import BoardRefused
from rebours.board.models import Cluster, Dot, Note
from rebours.board.permissions import board_access
from rebours.facilitation.actions import do_join_workshop, do_prepare_day
from rebours.live.events import events_after
from rebours.live.models import Event
from rebours.proposals.models import Proposal
from tests.support.hostile import SCRIPT, hostile
from tests.support.liveday import setup_live_day
from tests.support.state import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return setup_live_day()


def join(day, theme, name="Ana"):
    _state, join_settings = do_prepare_day(day.workshop, actor=None)
    person = do_join_workshop(join_settings, actor=None, display_name=name, theme=theme.pk)
    return person


def access_of(day, theme, person=None, user=None):
    from django.contrib.auth.models import AnonymousUser

    from tests.support.liveday import participant_session

    session = {}
    if person is not None:
        from django.contrib.sessions.backends.db import SessionStore

        session = SessionStore(participant_session(day.workshop, person))
        session.load()
        session = dict(session.items())
    return board_access(user or AnonymousUser(), session, theme)


@pytest.fixture
def ana(day):
    return join(day, day.g1, "Ana")


@pytest.fixture
def bo(day):
    return join(day, day.g1, "Bo")


def refused(call, code):
    before, announced = snapshot(), Event.objects.count()
    with pytest.raises(BoardRefused) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert snapshot() == before  # nothing stored
    assert Event.objects.count() == announced  # nothing announced
    return caught.value


def test_a_note_is_stored_as_text_and_published(day, ana):
    access = access_of(day, day.g1, ana)
    text = hostile("idée")
    note = actions.do_create_note(day.g1, actor=access, text=f"  {text}\r\nsecond line  ")
    assert note.text == f"{text}\nsecond line"
    assert note.author == ana and note.version == 1
    [event] = events_after(f"board:{day.g1.pk}", 0)
    assert event["kind"] == "note.created"
    assert event["payload"]["note"]["text"] == note.text  # stored and sent as text, never cleaned
    assert SCRIPT in event["payload"]["note"]["text"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "invalid"),
        ("   \n\t ", "invalid"),
        ("x" * 2001, "invalid"),
        (None, "invalid"),
        (42, "invalid"),
        ("nul \x00 byte", "invalid"),
    ],
)
def test_bad_notes_are_refused(day, ana, text, code):
    access = access_of(day, day.g1, ana)
    refused(lambda: actions.do_create_note(day.g1, actor=access, text=text), code)


def test_a_note_of_exactly_2000_characters_is_fine(day, ana):
    access = access_of(day, day.g1, ana)
    assert len(actions.do_create_note(day.g1, actor=access, text="é" * 2000).text) == 2000


def test_posting_on_another_groups_board_is_refused(day, ana):
    # Ana belongs to group one; her access to group two lets her do nothing.
    other = access_of(day, day.g2, ana)
    assert not other.read and not other.write
    refused(lambda: actions.do_create_note(day.g2, actor=other, text="intrus"), "forbidden")
    # An access to her own board cannot be pointed at another board either.
    own = access_of(day, day.g1, ana)
    refused(lambda: actions.do_create_note(day.g2, actor=own, text="intrus"), "forbidden")


def test_only_the_author_or_a_facilitator_edits_and_deletes(day, ana, bo):
    note = actions.do_create_note(day.g1, actor=access_of(day, day.g1, ana), text="à moi")
    bo_access = access_of(day, day.g1, bo)
    refused(
        lambda: actions.do_update_note(note.pk, actor=bo_access, text="à toi", base_version=1),
        "forbidden",
    )
    refused(lambda: actions.do_delete_note(note.pk, actor=bo_access), "forbidden")
    # The group's facilitator moderates; another group's facilitator does not.
    other_fac = access_of(day, day.g1, user=day.other_facilitator)
    assert other_fac.read and not other_fac.write and not other_fac.moderate
    refused(lambda: actions.do_delete_note(note.pk, actor=other_fac), "forbidden")
    facilitator = access_of(day, day.g1, user=day.facilitator)
    updated = actions.do_update_note(note.pk, actor=facilitator, text="revu", base_version=1)
    assert updated.version == 2
    actions.do_delete_note(note.pk, actor=facilitator)
    assert not Note.objects.filter(pk=note.pk).exists()


def test_a_stale_edit_is_a_conflict_never_an_overwrite(day, ana):
    access = access_of(day, day.g1, ana)
    note = actions.do_create_note(day.g1, actor=access, text="v1")
    actions.do_update_note(note.pk, actor=access, text="v2 from the phone", base_version=1)
    conflict = refused(
        lambda: actions.do_update_note(
            note.pk, actor=access, text="v2 from the laptop", base_version=1
        ),
        "conflict",
    )
    assert conflict.data["note"]["text"] == "v2 from the phone"
    assert conflict.data["note"]["version"] == 2
    assert Note.objects.get(pk=note.pk).text == "v2 from the phone"


def test_editing_a_note_of_another_board_is_refused(day, ana):
    fac2_note = actions.do_create_note(
        day.g2, actor=access_of(day, day.g2, user=day.other_facilitator), text="g2"
    )
    own = access_of(day, day.g1, ana)
    refused(
        lambda: actions.do_update_note(fac2_note.pk, actor=own, text="x", base_version=1),
        "forbidden",
    )
    refused(lambda: actions.do_add_dot(fac2_note.pk, actor=own), "forbidden")
    refused(lambda: actions.do_move_note(fac2_note.pk, actor=own, cluster=None), "forbidden")


def test_the_dot_budget_holds(day, ana, bo):
    note = actions.do_create_note(day.g1, actor=access_of(day, day.g1, bo), text="bonne idée")
    access = access_of(day, day.g1, ana)
    tallies = [actions.do_add_dot(note.pk, actor=access) for _ in range(5)]
    assert [t.used for t in tallies] == [1, 2, 3, 4, 5]
    assert tallies[-1].dots == 5 and tallies[-1].mine == 5
    error = refused(lambda: actions.do_add_dot(note.pk, actor=access), "budget")
    assert "5" in error.message
    assert Dot.objects.filter(voter=ana).count() == 5
    # Taking one back frees one.
    assert actions.do_remove_dot(note.pk, actor=access).used == 4
    assert actions.do_add_dot(note.pk, actor=access).used == 5
    kinds = [e["kind"] for e in events_after(f"board:{day.g1.pk}", 0)]
    assert kinds.count("dot.changed") == 7


def test_the_organiser_sets_the_budget(day, ana, bo):
    note = actions.do_create_note(day.g1, actor=access_of(day, day.g1, bo), text="n")
    actions.do_set_dot_budget(day.workshop, actor=None, budget=1)
    access = access_of(day, day.g1, ana)
    actions.do_add_dot(note.pk, actor=access)
    refused(lambda: actions.do_add_dot(note.pk, actor=access), "budget")
    for bad in (-1, 51, "3", 2.5, True, None):
        refused(
            lambda bad=bad: actions.do_set_dot_budget(day.workshop, actor=None, budget=bad),
            "invalid",
        )


def test_taking_back_a_dot_you_did_not_place_is_refused(day, ana, bo):
    note = actions.do_create_note(day.g1, actor=access_of(day, day.g1, bo), text="n")
    refused(lambda: actions.do_remove_dot(note.pk, actor=access_of(day, day.g1, ana)), "invalid")


def test_readers_cannot_write(day, ana):
    from rebours.board.permissions import watcher_session_key

    note = actions.do_create_note(day.g1, actor=access_of(day, day.g1, ana), text="n")
    from django.contrib.auth.models import AnonymousUser

    wall = board_access(AnonymousUser(), {watcher_session_key(day.workshop): True}, day.g1)
    assert wall.read and not wall.write
    refused(lambda: actions.do_create_note(day.g1, actor=wall, text="x"), "forbidden")
    refused(lambda: actions.do_add_dot(note.pk, actor=wall), "forbidden")
    refused(lambda: actions.do_create_cluster(day.g1, actor=wall, name="x"), "forbidden")
    nobody = board_access(AnonymousUser(), {}, day.g1)
    assert not nobody.read


def test_clusters_sort_notes_without_touching_their_version(day, ana):
    access = access_of(day, day.g1, ana)
    note = actions.do_create_note(day.g1, actor=access, text="n")
    cluster = actions.do_create_cluster(day.g1, actor=access, name=hostile("cluster")[:200])
    moved = actions.do_move_note(note.pk, actor=access, cluster=cluster.pk)
    assert moved.cluster == cluster and moved.version == 1
    refused(lambda: actions.do_create_cluster(day.g1, actor=access, name=cluster.name), "invalid")
    refused(lambda: actions.do_create_cluster(day.g1, actor=access, name="  "), "invalid")
    refused(lambda: actions.do_create_cluster(day.g1, actor=access, name="x" * 201), "invalid")
    other = actions.do_create_cluster(
        day.g2, actor=access_of(day, day.g2, user=day.other_facilitator), name="g2"
    )
    refused(lambda: actions.do_move_note(note.pk, actor=access, cluster=other.pk), "forbidden")
    # Only a facilitator removes a cluster; its notes go back among the loose ones.
    refused(lambda: actions.do_delete_cluster(cluster.pk, actor=access), "forbidden")
    actions.do_delete_cluster(cluster.pk, actor=access_of(day, day.g1, user=day.facilitator))
    assert Note.objects.get(pk=note.pk).cluster is None


def test_a_facilitator_turns_a_cluster_into_a_proposal_draft(day, ana, bo):
    access = access_of(day, day.g1, ana)
    cluster = actions.do_create_cluster(day.g1, actor=access, name="Cantine des possibles")
    first = actions.do_create_note(day.g1, actor=access, text=hostile("un"))
    second = actions.do_create_note(day.g1, actor=access_of(day, day.g1, bo), text="deux")
    for note in (first, second):
        actions.do_move_note(note.pk, actor=access, cluster=cluster.pk)
    actions.do_add_dot(second.pk, actor=access)
    refused(lambda: actions.do_propose_cluster(cluster.pk, actor=access), "forbidden")
    facilitator = access_of(day, day.g1, user=day.facilitator)
    proposal = actions.do_propose_cluster(cluster.pk, actor=facilitator)
    assert proposal.title == "Cantine des possibles" and proposal.theme == day.g1
    # The notes are the draft's material, the most dotted first.
    assert proposal.description.splitlines() == ["- deux", "- " + first.text.replace("\n", " ")]
    assert Cluster.objects.get(pk=cluster.pk).proposal == proposal
    kinds = [e["kind"] for e in events_after(f"board:{day.g1.pk}", 0)]
    assert kinds[-2:] == ["proposal.created", "cluster.updated"]
    payload = events_after(f"board:{day.g1.pk}", 0)[-1]["payload"]["cluster"]
    assert payload["proposal"]["url"] == f"/w/live/proposals/{proposal.key}/edit/"
    refused(lambda: actions.do_propose_cluster(cluster.pk, actor=facilitator), "invalid")
    assert Proposal.objects.filter(theme=day.g1).count() == 1


def test_a_huge_cluster_is_cut_to_fit_the_draft(day, ana):
    access = access_of(day, day.g1, ana)
    cluster = actions.do_create_cluster(day.g1, actor=access, name="big")
    for i in range(8):
        note = actions.do_create_note(day.g1, actor=access, text=f"{i}" + "x" * 1999)
        actions.do_move_note(note.pk, actor=access, cluster=cluster.pk)
    proposal = actions.do_propose_cluster(
        cluster.pk, actor=access_of(day, day.g1, user=day.facilitator)
    )
    assert len(proposal.description) <= 10_000
    lines = proposal.description.splitlines()
    assert len(lines) == 5 and lines[-1].startswith(
        "(4 "
    )  # four notes, then how many were left out
