"""Results from ballots: per college and together, both ungraded policies, both rules."""

import pytest
from django.utils import translation

from rebours.selection import majority
from rebours.selection.actions import do_cast_ballot, do_open_selection, do_set_favourites
from rebours.selection.models import Ballot
from rebours.selection.queries import ALL, results
from rebours.selection.scale import DEFAULT_GRADES, grade_label

pytestmark = pytest.mark.django_db


def cast(selection, person, grades, college=None):
    do_cast_ballot(selection, person, actor=person, grades=grades, college=college)


def table(college):
    return [(row.proposal.key, row.rank, row.majority_grade, row.tally) for row in college.rows]


@pytest.fixture
def voted(selection, people):
    cast(selection, people["eli"], {"p-1": 6, "p-2": 2})
    cast(selection, people["ana"], {"p-1": 1, "p-2": 4, "p-3": 3})
    cast(selection, people["dana"], {"p-2": 5}, college="elected")
    cast(selection, people["bo-2"], {"p-1": 5, "p-2": 5})
    return selection


def test_ungraded_counts_at_the_worst_grade_by_default(voted):
    computed = results(voted)
    assert [c.code for c in computed.colleges] == [ALL, "elected", "participant", "public"]
    everyone = computed.everyone
    assert everyone.ballots == 4
    # p-2: 2, 4, 5, 5 -> lower median 4; p-1: 6, 1, 0 (dana left it), 5 -> lower median 1;
    # p-3: 3 and three ungraded -> 0.
    assert table(everyone) == [
        ("p-2", 1, 4, (0, 0, 1, 0, 1, 2, 0)),
        ("p-1", 2, 1, (1, 1, 0, 0, 0, 1, 1)),
        ("p-3", 3, 0, (3, 0, 0, 1, 0, 0, 0)),
    ]
    assert [row.graded for row in everyone.rows] == [4, 3, 1]
    elected = computed.colleges[1]
    assert elected.ballots == 2
    assert table(elected)[0] == ("p-2", 1, 5, (0, 0, 0, 0, 0, 2, 0))
    public = computed.colleges[3]
    assert public.ballots == 0 and public.ranked == [] and len(public.unranked) == 3


def test_the_ranking_is_the_pure_modules_on_the_same_tallies(voted):
    for rule in ("majority", "usual"):
        do_open_selection(
            voted.workshop,
            actor=None,
            grades=DEFAULT_GRADES,
            colleges=voted.colleges,
            rule=rule,
        )
        voted.refresh_from_db()
        everyone = results(voted).everyone
        expected = majority.rank(
            {row.proposal.key: row.tally for row in everyone.rows},
            rule=majority.Rule(rule),
        )
        assert [(r.proposal, r.rank) for r in expected] == [
            (row.proposal.key, row.rank) for row in everyone.rows
        ]
        if rule == "usual":
            assert all(row.score is not None for row in everyone.rows)


def test_ungraded_not_counted_compares_shares_and_leaves_ungraded_unranked(voted, people):
    do_open_selection(
        voted.workshop,
        actor=None,
        grades=DEFAULT_GRADES,
        colleges=voted.colleges,
        ungraded="ignored",
    )
    voted.refresh_from_db()
    everyone = results(voted).everyone
    # p-3 has a single 3 (Assez bien); p-2 has 2, 4, 5, 5 -> 4; p-1 has 6, 1, 5 -> 5.
    assert table(everyone) == [
        ("p-1", 1, 5, (0, 1, 0, 0, 0, 1, 1)),
        ("p-2", 2, 4, (0, 0, 1, 0, 1, 2, 0)),
        ("p-3", 3, 3, (0, 0, 0, 1, 0, 0, 0)),
    ]
    elected = results(voted).colleges[1]
    # bo-2 gave p-1 and p-2 a 5, dana p-2 a 5: equal shares tie, listed in the workshop's order.
    assert [(row.proposal.key, row.rank) for row in elected.rows] == [
        ("p-1", 1),
        ("p-2", 1),
        ("p-3", None),  # no elected official graded it: not ranked, not "worst"
    ]


def test_scope_limits_what_is_counted_and_favourites_are_counted(selection, people):
    do_open_selection(
        selection.workshop,
        actor=None,
        grades=DEFAULT_GRADES,
        colleges=selection.colleges,
        scope="triaged",
    )
    selection.refresh_from_db()
    cast(selection, people["eli"], {"p-1": 6, "p-2": 2})
    do_set_favourites(selection, actor=people["bo-2"], choices=[("p-2", "Oui.")])
    computed = results(selection).everyone
    assert [row.proposal.key for row in computed.rows] == ["p-1", "p-2"]
    assert [row.favourites for row in computed.rows] == [0, 1]


def test_imported_colleges_are_shown_as_they_are(selection, people):
    cast(selection, people["eli"], {"p-1": 6})
    Ballot.objects.filter(voter=people["eli"]).update(college="<b>old</b>")
    codes = [c.code for c in results(selection).colleges]
    assert codes == [ALL, "elected", "participant", "public", "<b>old</b>"]


def test_the_default_scale_reads_in_both_languages_and_other_labels_stay():
    with translation.override("fr"):
        assert [grade_label(g) for g in DEFAULT_GRADES] == DEFAULT_GRADES
    with translation.override("en"):
        assert [grade_label(g) for g in DEFAULT_GRADES] == [
            "Reject",
            "Insufficient",
            "Passable",
            "Fairly good",
            "Good",
            "Very good",
            "Excellent",
        ]
        assert grade_label("Génial") == "Génial"
