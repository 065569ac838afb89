"""The selection's actions: opening, ballots, favourites, public voters; refusals change nothing."""

import copy
from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.live.events import events_after
from rebours.selection import actions
from rebours.selection.actions import (
    SelectionRefused,
    do_cast_ballot,
    do_close_selection,
    do_join_as_public,
    do_open_selection,
    do_set_favourites,
    receipt_digest,
    receipt_text,
    stream_for,
)
from rebours.selection.models import Ballot, BallotGrade, Favourite, Selection, Status
from rebours.selection.scale import DEFAULT_GRADES, GRADE_MAX_LENGTH
from rebours.workshops.models import Person
from tests.support.hostile import SCRIPT, hostile, hostile_document

pytestmark = pytest.mark.django_db


def votes(selection: Selection) -> dict:
    """Everything a ballot, a favourite or a public voter could change, to compare before/after."""
    selection.refresh_from_db()
    return {
        "ballots": sorted(
            Ballot.objects.filter(selection=selection).values_list(
                "voter__key", "college", "receipt", "cast_at"
            )
        ),
        "grades": sorted(
            BallotGrade.objects.filter(ballot__selection=selection).values_list(
                "ballot__voter__key", "proposal__key", "grade"
            )
        ),
        "favourites": sorted(
            Favourite.objects.filter(selection=selection).values_list(
                "by__key", "proposal__key", "justification"
            )
        ),
        "people": Person.objects.filter(workshop=selection.workshop).count(),
        "events": len(events_after(stream_for(selection), 0)),
        "status": selection.status,
    }


def cast(selection, person, grades, college=None):
    return do_cast_ballot(selection, person, actor=person, grades=grades, college=college)


def refused(code, selection, call):
    before = votes(selection)
    with pytest.raises(SelectionRefused) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert caught.value.message  # meant for a person
    assert votes(selection) == before, "a refused action must count nothing"
    return caught.value


# --- opening and closing ---


def test_opening_creates_the_one_selection_with_its_settings(workshop):
    selection = do_open_selection(
        workshop,
        actor=None,
        grades=["Non", hostile("grade")[:40], "Oui"],
        scope="triaged",
        colleges=["public", "elected"],
        ungraded="ignored",
        rule="usual",
        results_visibility="live",
        favourites_max=2,
    )
    assert selection.is_open()
    assert selection.grades[1] == " ".join(hostile("grade")[:40].split())
    assert selection.colleges == ["public", "elected"]
    assert (selection.scope, selection.ungraded, selection.rule) == ("triaged", "ignored", "usual")
    assert selection.favourites_max == 2
    # Reopening changes the same selection, never a second one (the exchange exports the first).
    again = do_open_selection(workshop, actor=None, grades=DEFAULT_GRADES)
    assert again.pk == selection.pk
    assert Selection.objects.filter(workshop=workshop).count() == 1
    assert [e["kind"] for e in events_after(stream_for(selection), 0)] == [
        "selection.opened",
        "selection.opened",
    ]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"grades": ["Seule"]}, "bad_scale"),
        ({"grades": ["A", "A"]}, "bad_scale"),
        ({"grades": [str(i) for i in range(9)]}, "bad_scale"),
        ({"grades": ["A", "B\x00"]}, "bad_scale"),
        ({"colleges": []}, "bad_colleges"),
        ({"colleges": ["elected", "robots"]}, "bad_colleges"),
        ({"scope": "some"}, "bad_scope"),
        ({"ungraded": "median"}, "bad_ungraded"),
        ({"rule": "borda"}, "bad_rule"),
        ({"results_visibility": "never"}, "bad_visibility"),
        ({"favourites_max": 11}, "bad_favourites_max"),
        ({"favourites_max": -1}, "bad_favourites_max"),
        ({"closes_at": "past"}, "bad_closing"),
    ],
)
def test_opening_refuses_bad_settings(workshop, changes, code):
    if changes.get("closes_at") == "past":
        changes["closes_at"] = timezone.now() - timedelta(minutes=1)
    options = {"grades": DEFAULT_GRADES, **changes}
    with pytest.raises(SelectionRefused) as caught:
        do_open_selection(workshop, actor=None, **options)
    assert caught.value.code == code
    assert not Selection.objects.filter(workshop=workshop).exists()


def test_an_imported_scale_reopens_as_it_is_and_new_labels_keep_the_limit(db):
    """The exchange format sets no length on grade labels: the imported scale (its second label
    80 hostile characters, with the importer's ballots pointing into it) opens again unchanged,
    while a label an organiser types is held to the limit."""
    document = copy.deepcopy(hostile_document("imported-vote"))
    imported = do_import_workshop(Package(document=document), actor=None).workshop
    stored = list(Selection.objects.get(workshop=imported).grades)
    assert len(stored[1]) > GRADE_MAX_LENGTH
    reopened = do_open_selection(imported, actor=None, grades=stored)
    assert reopened.is_open() and list(reopened.grades) == stored
    typed = [*stored[:2], "É" * (GRADE_MAX_LENGTH + 1)]
    with pytest.raises(SelectionRefused) as caught:
        do_open_selection(imported, actor=None, grades=typed)
    assert caught.value.code == "bad_scale"
    assert list(Selection.objects.get(workshop=imported).grades) == stored


def test_once_ballots_exist_the_scale_scope_and_voting_colleges_stay(selection, people):
    cast(selection, people["eli"], {"p-1": 3})
    workshop = selection.workshop
    for changes, code in [
        ({"grades": ["Non", "Oui"]}, "scale_fixed"),
        ({"scope": "triaged"}, "scope_fixed"),
        ({"colleges": ["elected"]}, "college_voted"),
    ]:
        refused(
            code,
            selection,
            lambda changes=changes: do_open_selection(
                workshop,
                actor=None,
                **{"grades": DEFAULT_GRADES, "colleges": ["participant"], **changes},
            ),
        )
    # The counting choices may still change.
    changed = do_open_selection(
        workshop, actor=None, grades=DEFAULT_GRADES, colleges=["participant"], rule="usual"
    )
    assert changed.rule == "usual"


def test_closing_stops_the_vote_and_records_when(selection, people):
    do_close_selection(selection, actor=None)
    selection.refresh_from_db()
    assert selection.status == Status.CLOSED
    assert selection.closes_at <= timezone.now()
    refused("closed", selection, lambda: do_close_selection(selection, actor=None))


# --- ballots ---


def test_a_ballot_is_recorded_with_a_receipt_and_an_event_of_counts_only(selection, people):
    eli = people["eli"]
    ballot = cast(selection, eli, {"p-1": 6, "p-2": "2", "p-3": ""})
    assert ballot.college == "participant"
    assert dict(ballot.grades.values_list("proposal__key", "grade")) == {"p-1": 6, "p-2": 2}
    text = receipt_text(ballot, [("p-1", "Excellent"), ("p-2", "Passable")])
    assert ballot.receipt == receipt_digest(text)
    assert "voter: eli" in text and "p-1: Excellent" in text
    event = events_after(stream_for(selection), 0)[-1]
    assert event["kind"] == "selection.ballot_cast"
    assert event["payload"] == {"ballots": 1, "colleges": {"participant": 1}}


def test_changing_a_ballot_replaces_it(selection, people):
    eli = people["eli"]
    first = cast(selection, eli, {"p-1": 6, "p-2": 2})
    second = cast(selection, eli, {"p-2": 5})
    assert second.pk == first.pk
    assert Ballot.objects.filter(selection=selection).count() == 1
    assert dict(second.grades.values_list("proposal__key", "grade")) == {"p-2": 5}
    assert second.receipt != first.receipt


def test_a_voter_in_two_colleges_chooses_one(selection, people):
    dana = people["dana"]
    refused("choose_college", selection, lambda: cast(selection, dana, {"p-1": 1}))
    assert cast(selection, dana, {"p-1": 1}, college="elected").college == "elected"
    # Changing the ballot may move it to the voter's other college.
    assert cast(selection, dana, {"p-1": 1}, college="participant").college == "participant"


def test_a_grade_not_on_the_scale_is_refused(selection, people):
    eli = people["eli"]
    cast(selection, eli, {"p-1": 1})
    for bad in [7, -1, "7", "1.5", "Bien", " 1", "١", True, ["1", "2"], 10**20, "0x1"]:
        refused("bad_grade", selection, lambda bad=bad: cast(selection, eli, {"p-2": bad}))


def test_a_ballot_after_closing_is_refused(selection, people):
    eli = people["eli"]
    cast(selection, eli, {"p-1": 1})
    # The closing time passes without anyone closing by hand.
    Selection.objects.filter(pk=selection.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    refused("closed", selection, lambda: cast(selection, eli, {"p-1": 6}))
    refused("closed", selection, lambda: cast(selection, people["bo-2"], {"p-1": 6}))
    # Closed by hand.
    Selection.objects.filter(pk=selection.pk).update(closes_at=None, status=Status.CLOSED)
    refused("closed", selection, lambda: cast(selection, eli, {"p-1": 6}))


def test_a_ballot_for_another_voter_is_refused(selection, people):
    eli, bo = people["eli"], people["bo-2"]
    cast(selection, bo, {"p-1": 0})
    refused(
        "not_yours",
        selection,
        lambda: do_cast_ballot(selection, bo, actor=eli, grades={"p-1": 6}),
    )
    refused("not_yours", selection, lambda: do_cast_ballot(selection, eli, actor=None, grades={}))


def test_a_proposal_not_in_the_selection_is_refused(selection, people, workshop):
    eli = people["eli"]
    refused("unknown_proposal", selection, lambda: cast(selection, eli, {"nope": 1}))
    refused("unknown_proposal", selection, lambda: cast(selection, eli, {SCRIPT: 1, "p-1": 2}))
    # Out of scope: p-3 is triaged "not original" and the vote covers the triaged ones only.
    do_open_selection(workshop, actor=None, grades=DEFAULT_GRADES, scope="triaged")
    refused("unknown_proposal", selection, lambda: cast(selection, eli, {"p-1": 1, "p-3": 1}))


def test_a_college_the_voter_does_not_belong_to_is_refused(selection, people, workshop):
    eli, bo, obs = people["eli"], people["bo-2"], people["obs"]
    refused("wrong_college", selection, lambda: cast(selection, eli, {"p-1": 1}, "elected"))
    refused("wrong_college", selection, lambda: cast(selection, bo, {"p-1": 1}, "public"))
    refused("wrong_college", selection, lambda: cast(selection, eli, {"p-1": 1}, SCRIPT))
    refused("no_college", selection, lambda: cast(selection, obs, {"p-1": 1}))
    # A college the organiser did not open to the vote.
    do_open_selection(workshop, actor=None, grades=DEFAULT_GRADES, colleges=["elected"])
    refused("no_college", selection, lambda: cast(selection, eli, {"p-1": 1}))


def test_an_empty_ballot_and_a_stranger_are_refused(selection, people, workshop):
    refused("empty", selection, lambda: cast(selection, people["eli"], {"p-1": ""}))
    refused("empty", selection, lambda: cast(selection, people["eli"], {}))
    stranger = Person.objects.create(
        workshop=type(workshop).objects.create(slug="other", title="Other", horizon_year=2040),
        key="eli",
        display_name="Eli elsewhere",
        roles=["participant"],
    )
    refused("not_yours", selection, lambda: cast(selection, stranger, {"p-1": 1}))


def test_a_concurrent_second_insert_becomes_an_update(selection, people):
    """Two submissions of one voter racing: the loser's insert hits the unique constraint."""
    eli = people["eli"]
    cast(selection, eli, {"p-1": 1})
    real_filter = Ballot.objects.filter

    def blind_filter(*args, **kwargs):
        # The racing request looked before the other one's insert committed: it saw nothing.
        if kwargs.get("voter") == eli:
            return real_filter(pk=-1)
        return real_filter(*args, **kwargs)

    with mock.patch.object(Ballot.objects, "filter", side_effect=blind_filter):
        ballot = cast(selection, eli, {"p-1": 5})
    assert Ballot.objects.filter(selection=selection, voter=eli).count() == 1
    assert dict(ballot.grades.values_list("proposal__key", "grade")) == {"p-1": 5}


def test_the_database_refuses_a_second_ballot_whatever_the_code_does(selection, people):
    eli = people["eli"]
    cast(selection, eli, {"p-1": 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(selection=selection, voter=eli, college="participant")


# --- public voters ---


def test_a_member_of_the_public_gets_a_person_in_the_public_college(selection):
    person = do_join_as_public(selection, actor=None, display_name=f"  {hostile('pub')[:50]}  ")
    assert person.key.startswith("public-")
    assert person.roles == []
    assert person.display_name == " ".join(hostile("pub")[:50].split())
    assert cast(selection, person, {"p-2": 4}).college == "public"


def test_public_voting_refusals(selection, people, workshop):
    refused(
        "already_known",
        selection,
        lambda: do_join_as_public(selection, actor=people["eli"], display_name="Again"),
    )
    refused(
        "bad_name", selection, lambda: do_join_as_public(selection, actor=None, display_name=" ")
    )
    refused(
        "bad_name",
        selection,
        lambda: do_join_as_public(selection, actor=None, display_name="x" * 61),
    )
    refused(
        "bad_name",
        selection,
        lambda: do_join_as_public(selection, actor=None, display_name="a\x07"),
    )
    do_open_selection(workshop, actor=None, grades=DEFAULT_GRADES, colleges=["elected"])
    refused(
        "no_public", selection, lambda: do_join_as_public(selection, actor=None, display_name="P")
    )


# --- favourites ---


def test_an_elected_official_names_favourites_with_reasons(selection, people):
    bo = people["bo-2"]
    why = hostile("why")[:300]
    do_set_favourites(selection, actor=bo, choices=[("p-2", why), ("", ""), ("p-1", "Bold.")])
    assert [(f.proposal.key, f.justification) for f in Favourite.objects.filter(by=bo)] == [
        ("p-2", " ".join(why.split())),
        ("p-1", "Bold."),
    ]
    # Naming again replaces the list.
    do_set_favourites(selection, actor=bo, choices=[("p-1", "Still bold.")])
    assert list(Favourite.objects.filter(by=bo).values_list("proposal__key", flat=True)) == ["p-1"]
    assert events_after(stream_for(selection), 0)[-1]["payload"] == {"favourites": 1}


def test_favourite_refusals(selection, people, workshop):
    bo = people["bo-2"]
    do_set_favourites(selection, actor=bo, choices=[("p-1", "Kept.")])
    three = [("p-1", "a"), ("p-2", "b"), ("p-3", "c")]
    for actor, choices, code in [
        (people["eli"], [("p-1", "Not elected.")], "not_elected"),
        (None, [("p-1", "Nobody.")], "not_elected"),
        (bo, [("p-1", "")], "bad_justification"),
        (bo, [("p-1", "x" * 501)], "bad_justification"),
        (bo, [("p-1", "a"), ("p-1", "b")], "duplicate_favourite"),
        (bo, [("nope", "a")], "unknown_proposal"),
    ]:
        refused(
            code,
            selection,
            lambda a=actor, c=choices: do_set_favourites(selection, actor=a, choices=c),
        )
    do_open_selection(workshop, actor=None, grades=DEFAULT_GRADES, favourites_max=2)
    refused(
        "too_many_favourites",
        selection,
        lambda: do_set_favourites(selection, actor=bo, choices=three),
    )
    do_close_selection(selection, actor=None)
    refused("closed", selection, lambda: do_set_favourites(selection, actor=bo, choices=three[:1]))


def test_actions_module_names_every_write_do():
    writers = [name for name in actions.__all__ if name.startswith("do_")]
    assert writers == sorted(writers)
    for name in writers:
        assert getattr(actions, name).__doc__
