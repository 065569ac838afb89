"""Majority judgment on tallies: worked examples, then properties checked by Hypothesis.

Grades are indices, 0 = worst. In the comments a tally is written worst grade first and
"sorted votes" lists the ballots of one proposal from worst to best.
"""

import itertools
from collections.abc import Iterator
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebours.selection.majority import (
    MajorityResult,
    MissingVotes,
    Rule,
    TallyError,
    gauge,
    majority_grade,
    rank,
    rank_by_removing_votes,
    tally_ballots,
    usual_score,
    validate_tallies,
)

SCRIPT = "<script>alert(1)</script>"
SEEDLING = "🌱 Forêt nourricière"
RTL = "\u200fשכונה ירוקה\u200f"
OVERRIDE = "\u202eevil.exe"


def ranks(results: list[MajorityResult]) -> list[tuple[str, int]]:
    return [(result.proposal, result.rank) for result in results]


# -- The majority grade is the lower median ---------------------------------------------


@pytest.mark.parametrize(
    ("tally", "expected"),
    [
        # 4 votes, threshold (4 + 1) // 2 = 2: the running count is 2 at grade 0 already.
        # The upper median would be 1; the lower median needs half the voters, not more.
        ([2, 2], 0),
        ([1, 1], 0),
        # 6 votes, threshold 3, sorted votes 0 0 0 3 3 3: the lower middle vote is 0.
        ([3, 0, 0, 3], 0),
        # 3 votes, threshold 2: running counts 1, 3.
        ([1, 2], 1),
        # 6 votes, threshold 3: running counts 0, 3.
        ([0, 3, 0, 3], 1),
        ([0, 0, 0, 1], 3),
    ],
)
def test_majority_grade_is_the_lower_median(tally: list[int], expected: int) -> None:
    assert majority_grade(tally) == expected


# -- The gauge, and ties broken at the first, second and third step ----------------------


def test_tie_broken_at_the_first_step() -> None:
    # Ten voters each, all with majority grade 1 (threshold 5):
    #   more:  [2, 3, 5]  q = 2 below, p = 5 above -> (1, +5)
    #   fewer: [3, 3, 4]  q = 3, p = 4              -> (1, +4)
    #   mild:  [3, 5, 2]  q = 3, p = 2              -> (1, -3)
    #   harsh: [4, 3, 3]  q = 4, p = 3              -> (1, -4)
    # Adhesion beats contestation; more adhesion is better, more contestation worse.
    tallies = {"harsh": [4, 3, 3], "mild": [3, 5, 2], "fewer": [3, 3, 4], "more": [2, 3, 5]}
    results = rank(tallies)
    assert ranks(results) == [("more", 1), ("fewer", 2), ("mild", 3), ("harsh", 4)]
    assert [result.gauge[0] for result in results] == [(1, 5), (1, 4), (1, -3), (1, -4)]
    assert [(r.adhesion, r.contestation) for r in results] == [(5, 2), (4, 3), (2, 3), (3, 4)]


def test_tie_broken_at_the_second_step() -> None:
    # x = [1, 4, 3, 2]: grade 1, q = 1, p = 5 -> (1, +5); move the 4 votes up to grade 2:
    #     [1, 0, 7, 2]: grade 2, q = 1, p = 2 -> (2, +2); move 7 up to 3:
    #     [1, 0, 0, 9]: grade 3, q = 1, p = 0 -> (3, -1); move 9 down to 0 -> (0, 0).
    # y = [1, 4, 2, 3]: (1, +5), then [1, 0, 6, 3]: (2, +3), (3, -1), (0, 0).
    # Sorted votes x: 0 1 1 1 1 2 2 2 3 3, y: 0 1 1 1 1 2 2 3 3 3: they differ only in
    # the eighth vote, which the textbook order reads after the tie at grade 1.
    assert gauge([1, 4, 3, 2]) == ((1, 5), (2, 2), (3, -1), (0, 0))
    assert gauge([1, 4, 2, 3]) == ((1, 5), (2, 3), (3, -1), (0, 0))
    assert ranks(rank({"x": [1, 4, 3, 2], "y": [1, 4, 2, 3]})) == [("y", 1), ("x", 2)]


def test_tie_broken_at_the_third_step() -> None:
    # a = [1, 2, 3, 2, 2]: (2, +4); [1, 2, 0, 5, 2]: (3, -3); [1, 7, 0, 0, 2]: (1, +2) ...
    # b = [2, 1, 3, 2, 2]: (2, +4); [2, 1, 0, 5, 2]: (3, -3); [2, 6, 0, 0, 2]: q = p = 2,
    #     a tie, so contestation (1, -2); [8, 0, 0, 0, 2]: (0, +2); then (4, 0).
    # b moved one vote from "poor" to "to reject"; a wins at the third pair, +2 > -2.
    assert gauge([1, 2, 3, 2, 2]) == ((2, 4), (3, -3), (1, 2), (4, -1), (0, 0))
    assert gauge([2, 1, 3, 2, 2]) == ((2, 4), (3, -3), (1, -2), (0, 2), (4, 0))
    assert ranks(rank({"b": [2, 1, 3, 2, 2], "a": [1, 2, 3, 2, 2]})) == [("a", 1), ("b", 2)]


def test_equal_proposals_share_a_rank_and_the_next_rank_is_skipped() -> None:
    tallies = {
        "worst": [3, 0, 0],
        SEEDLING: [0, 3, 0],
        SCRIPT: [0, 3, 0],
        "best": [0, 0, 3],
    }
    results = rank(tallies)
    # Ties are listed by identifier: "<" sorts before the emoji.
    assert ranks(results) == [("best", 1), (SCRIPT, 2), (SEEDLING, 2), ("worst", 4)]
    assert results[1].gauge == results[2].gauge == ((1, 0),)


def test_adhesion_equal_to_contestation_counts_as_contestation() -> None:
    # tied = [2, 1, 2]: sorted votes 0 0 1 2 2, q = p = 2 -> (1, -2).
    #   Removing the median vote leaves 0 0 2 2, whose lower median is 0: the sequence goes
    #   down first, which is what contestation means.
    # narrow = [1, 3, 1]: q = p = 1 -> (1, -1); sequence 1 1 1 0 2.
    # up = [1, 2, 2]: q = 1, p = 2 -> (1, +2).
    # Were the tie read as adhesion, "tied" would be (1, +2) and rank first.
    assert gauge([2, 1, 2])[0] == (1, -2)
    assert gauge([1, 2, 1])[0] == (1, -1)  # even number of votes, same convention
    tallies = {"tied": [2, 1, 2], "narrow": [1, 3, 1], "up": [1, 2, 2]}
    assert ranks(rank(tallies)) == [("up", 1), ("narrow", 2), ("tied", 3)]
    assert ranks(rank(tallies)) == rank_by_removing_votes(tallies)


def test_gauge_skips_empty_grades() -> None:
    # [1, 0, 0, 2]: grade 3 (threshold 2), q = 1, p = 0 -> (3, -1); the 2 votes move to
    # grade 0, the nearest grade below that has votes, not to the empty grade 2.
    assert gauge([1, 0, 0, 2]) == ((3, -1), (0, 0))
    assert gauge([0, 0, 5, 0]) == ((2, 0),)


# -- Huge electorates -------------------------------------------------------------------


def test_billions_of_voters_are_counted_exactly() -> None:
    e = 10**18
    # majority grade 1 for both; "ahead" has one more vote above than below, "behind"
    # one more below than above. Floats cannot tell 10**18 from 10**18 + 1.
    tallies = {"behind": [e + 1, e, e], "ahead": [e, e, e + 1]}
    results = rank(tallies)
    assert ranks(results) == [("ahead", 1), ("behind", 2)]
    assert results[0].gauge[0] == (1, e + 1)
    assert results[1].gauge[0] == (1, -(e + 1))
    assert float(e + 1) == float(e)


def test_eight_billion_participants_with_filled_abstentions() -> None:
    billion = 10**9
    tallies = {
        RTL: [1 * billion, 2 * billion, 2 * billion, 1 * billion],
        OVERRIDE: [2 * billion, 1 * billion, 1 * billion, 2 * billion],
    }
    results = rank(tallies, participants=8 * billion)
    # Each proposal gets 2 billion "worst" votes, for 8 billion each; threshold 4e9.
    # RTL -> [3, 2, 2, 1] x 10**9: running count 3e9, 5e9 -> grade 1, with q = p = 3e9,
    #   a tie, so contestation (1, -3e9).
    # OVERRIDE -> [4, 1, 1, 2] x 10**9: the threshold is reached at grade 0.
    assert ranks(results) == [(RTL, 1), (OVERRIDE, 2)]
    assert results[0].tally == (3 * billion, 2 * billion, 2 * billion, billion)
    assert results[0].gauge[0] == (1, -3 * billion)
    assert results[1].majority_grade == 0


# -- Missing votes ----------------------------------------------------------------------

# "few" was graded by 2 voters only, "many" by 4.
UNEVEN = {"few": [0, 1, 1], "many": [1, 2, 1]}


def test_fill_counts_missing_votes_at_the_worst_grade_by_default() -> None:
    # few -> [2, 1, 1]: threshold 2 reached at grade 0. many [1, 2, 1]: grade 1.
    results = rank(UNEVEN)
    assert ranks(results) == [("many", 1), ("few", 2)]
    assert results[1].tally == (2, 1, 1)
    assert results[1].majority_grade == 0


def test_fill_with_another_default_grade_and_participants() -> None:
    # Default "best": few -> [0, 1, 3], grade 2.
    assert ranks(rank(UNEVEN, default_grade=2)) == [("few", 1), ("many", 2)]
    # Six participants: few -> [4, 1, 1] (0, +2); many -> [3, 2, 1] (0, +3).
    results = rank(UNEVEN, participants=6)
    assert ranks(results) == [("many", 1), ("few", 2)]
    assert [r.gauge[0] for r in results] == [(0, 3), (0, 2)]


def test_normalise_compares_shares() -> None:
    # Shares: few (0, 1/2, 1/2) -> grade 1, p = 1/2 -> (1, +1/2);
    #         many (1/4, 1/2, 1/4) -> grade 1, p = q = 1/4 -> (1, -1/4).
    # lcm(2, 4) = 4: few weighs 2, many 1. The reported tally and gauge stay unweighted.
    results = rank(UNEVEN, missing=MissingVotes.NORMALISE)
    assert ranks(results) == [("few", 1), ("many", 2)]
    assert results[0].tally == (0, 1, 1)
    assert results[0].gauge == ((1, 1), (2, 0))
    assert results[1].gauge == ((1, -1), (0, 1), (2, 0))


def test_normalise_ties_proportional_tallies() -> None:
    tallies = {"double": [2, 2, 4], "single": [1, 1, 2], "other": [1, 2, 1]}
    assert ranks(rank(tallies, missing="normalise")) == [  # type: ignore[arg-type]
        ("double", 1),
        ("single", 1),
        ("other", 3),
    ]


def test_policy_errors_name_the_problem() -> None:
    with pytest.raises(TallyError, match=r"'many': has 4 votes, more than the 3 participants"):
        rank(UNEVEN, participants=3)
    with pytest.raises(TallyError, match="default grade 3 is not on a scale of 3 grades"):
        rank(UNEVEN, default_grade=3)
    with pytest.raises(TallyError, match="participants count only applies"):
        rank(UNEVEN, missing=MissingVotes.NORMALISE, participants=4)


# -- Usual judgment ---------------------------------------------------------------------


def test_usual_judgment_scores_and_shared_ranks() -> None:
    tallies = {
        # 10 votes, grade 2, p = 4/10, q = 3/10, share at 2 = 3/10:
        # 2 + (1/10) / (2 * 3/10) = 2 + 1/6 = 13/6.
        "a": [1, 2, 3, 2, 2],
        # Same p and q, same score: usual judgment ties what majority judgment separates.
        "b": [2, 1, 3, 2, 2],
        # Grade 4 (running count 3, 3, 4, 4, 10), p = 0, q = 4/10, share 6/10:
        # 4 - (4/10) / (12/10) = 4 - 1/3 = 11/3.
        "c": [3, 0, 1, 0, 6],
        # Grade 2, p = q = 3/10: exactly 2.
        "d": [0, 3, 4, 3, 0],
    }
    results = rank(tallies, rule=Rule.USUAL)
    assert ranks(results) == [("c", 1), ("a", 2), ("b", 2), ("d", 4)]
    assert [r.score for r in results] == [
        Fraction(11, 3),
        Fraction(13, 6),
        Fraction(13, 6),
        Fraction(2),
    ]
    assert ranks(rank(tallies))[1:3] == [("a", 2), ("b", 3)]


def test_usual_judgment_can_disagree_with_majority_judgment() -> None:
    # 100 voters, both grade 1.
    # divisive [45, 6, 49]: p = .49, q = .45 -> MJ (1, +49); usual 1 + .04 / .12 = 4/3.
    # consensual [0, 55, 45]: p = .45, q = 0 -> MJ (1, +45); usual 1 + .45 / 1.1 = 31/22.
    tallies = {"divisive": [45, 6, 49], "consensual": [0, 55, 45]}
    assert ranks(rank(tallies)) == [("divisive", 1), ("consensual", 2)]
    assert ranks(rank(tallies, rule=Rule.USUAL)) == [("consensual", 1), ("divisive", 2)]
    assert usual_score([45, 6, 49]) == Fraction(4, 3)
    assert usual_score([0, 55, 45]) == Fraction(31, 22)


def test_usual_score_bounds() -> None:
    # Half the votes above the majority grade is the most a grade can get: a + 1/2.
    # [1, 1, 2]: grade 1, p = 1/2, q = 1/4, share 1/4 -> 1 + (1/4) / (1/2) = 3/2.
    assert usual_score([1, 1, 2]) == Fraction(3, 2)
    assert usual_score([0, 4, 0]) == 1
    # Exact where floats are not: 1 + 1 / (2 * 10**18) differs from 1.
    e = 10**18
    assert usual_score([e, e, e + 1]) == 1 + Fraction(1, 2 * e)
    assert float(usual_score([e, e, e + 1])) == 1.0


# -- Invalid input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tallies", "message"),
    [
        ({SCRIPT: [1, -2, 3]}, r"'<script>alert\(1\)</script>': count for grade 1 is negative"),
        ({"a": [1, 2, 3], RTL: [1, 2]}, r"'\\u200f.*': has 2 grades, expected 3"),
        ({SEEDLING: []}, "'🌱 Forêt nourricière': the grade scale is empty"),
        ({"a": [0, 0, 0]}, "'a': has no votes"),
        ({"a": [1, 2.5]}, "'a': count for grade 1 is not an integer"),
        ({"a": [1, "2"]}, "'a': count for grade 1 is not an integer"),
        ({"a": [True, 2]}, "'a': count for grade 0 is not an integer"),
        ({"a": "123"}, "'a': a tally is a list of counts"),
        ({"a": None}, "'a': a tally is a list of counts"),
    ],
)
def test_invalid_tallies_are_refused_naming_the_proposal(
    tallies: dict[str, object], message: str
) -> None:
    with pytest.raises(TallyError, match=message):
        rank(tallies)  # type: ignore[arg-type]


def test_invalid_single_tallies() -> None:
    with pytest.raises(TallyError, match="tally: the grade scale is empty"):
        majority_grade([])
    with pytest.raises(TallyError, match="tally: has no votes"):
        gauge([0, 0])
    with pytest.raises(TallyError, match="negative"):
        usual_score([1, -1])
    with pytest.raises(TallyError, match="expected 4"):
        validate_tallies({"a": [1, 2, 3]}, n_grades=4)
    assert issubclass(TallyError, ValueError)


def test_nothing_to_rank() -> None:
    assert rank({}) == []
    assert rank_by_removing_votes({}) == []


# -- Counting ballots -------------------------------------------------------------------


def test_tally_ballots_counts_ungraded_proposals_as_asked() -> None:
    ballots = [{"a": 2, SCRIPT: 0}, {"a": 1}, {SCRIPT: 2}]
    assert tally_ballots(ballots, ["a", SCRIPT], 3) == {"a": [1, 1, 1], SCRIPT: [2, 0, 1]}
    assert tally_ballots(ballots, ["a", SCRIPT], 3, ungraded=None) == {
        "a": [0, 1, 1],
        SCRIPT: [1, 0, 1],
    }
    assert tally_ballots(ballots, ["a", SCRIPT], 3, ungraded=2)["a"] == [0, 1, 2]


@pytest.mark.parametrize(
    ("ballots", "proposals", "n_grades", "message"),
    [
        ([{"a": 0, "zz": 1}], ["a"], 3, "ballot 1: unknown proposal 'zz'"),
        ([{"a": 0}, {"a": 3}], ["a"], 3, "ballot 2: grade 3 for proposal 'a' is not on a scale"),
        ([{"a": -1}], ["a"], 3, "grade -1"),
        ([{"a": "1"}], ["a"], 3, "grade '1'"),
        ([], ["a", "a"], 3, "proposal 'a' is listed twice"),
        ([], ["a"], 0, "the grade scale is empty"),
    ],
)
def test_tally_ballots_refuses_bad_ballots(
    ballots: list[dict[str, object]], proposals: list[str], n_grades: int, message: str
) -> None:
    with pytest.raises(TallyError, match=message):
        tally_ballots(ballots, proposals, n_grades)  # type: ignore[arg-type]


def test_tally_ballots_refuses_an_ungraded_grade_off_the_scale() -> None:
    with pytest.raises(TallyError, match="ungraded grade 3"):
        tally_ballots([], ["a"], 3, ungraded=3)


# -- Agreement with the textbook procedure ----------------------------------------------


def compositions(votes: int, grades: int) -> Iterator[list[int]]:
    """Every tally of ``votes`` votes on ``grades`` grades."""
    for cuts in itertools.combinations(range(votes + grades - 1), grades - 1):
        bounds = (-1, *cuts, votes + grades - 1)
        yield [high - low - 1 for low, high in itertools.pairwise(bounds)]


@pytest.mark.parametrize(("grades", "max_votes"), [(2, 12), (3, 10), (4, 8), (5, 6), (7, 5)])
def test_agrees_with_removing_votes_on_every_small_electorate(grades: int, max_votes: int) -> None:
    # Ranking every possible tally at once compares every pair of them.
    for votes in range(1, max_votes + 1):
        tallies = {str(tally): tally for tally in compositions(votes, grades)}
        assert ranks(rank(tallies)) == rank_by_removing_votes(tallies)


PROPOSAL_IDS = st.sampled_from(["a", "b", "c", "d", "e", SCRIPT, SEEDLING, RTL, OVERRIDE])


@st.composite
def profiles(
    draw: st.DrawFn, max_grades: int = 5, max_count: int = 4, max_proposals: int = 5
) -> dict[str, list[int]]:
    n_grades = draw(st.integers(1, max_grades))
    names = draw(st.lists(PROPOSAL_IDS, min_size=1, max_size=max_proposals, unique=True))
    tally = st.lists(st.integers(0, max_count), min_size=n_grades, max_size=n_grades)
    return {name: draw(tally.filter(any)) for name in names}


@st.composite
def policies(draw: st.DrawFn, tallies: dict[str, list[int]]) -> dict[str, object]:
    """Keyword arguments for ``rank``: a missing-votes policy that fits ``tallies``."""
    if draw(st.booleans()):
        return {"missing": MissingVotes.NORMALISE}
    n_grades = len(next(iter(tallies.values())))
    options: dict[str, object] = {"default_grade": draw(st.integers(0, n_grades - 1))}
    if draw(st.booleans()):
        most = max(sum(tally) for tally in tallies.values())
        options["participants"] = most + draw(st.integers(0, 3))
    return options


SETTINGS = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.data())
def test_agrees_with_removing_votes_on_random_profiles(data: st.DataObject) -> None:
    # Small counts keep lcm(totals) small under NORMALISE, where the reference expands.
    tallies = data.draw(profiles(max_grades=5, max_count=3, max_proposals=4))
    options = data.draw(policies(tallies))
    assert ranks(rank(tallies, **options)) == rank_by_removing_votes(tallies, **options)  # type: ignore[arg-type]


@SETTINGS
@given(st.data())
def test_ranking_does_not_depend_on_input_order(data: st.DataObject) -> None:
    tallies = data.draw(profiles())
    options = data.draw(policies(tallies))
    rule = data.draw(st.sampled_from(Rule))
    shuffled = dict(data.draw(st.permutations(list(tallies.items()))))
    assert rank(shuffled, rule=rule, **options) == rank(tallies, rule=rule, **options)  # type: ignore[arg-type]


@SETTINGS
@given(st.data())
def test_a_vote_above_the_median_never_lowers_a_rank(data: st.DataObject) -> None:
    tallies = data.draw(profiles())
    options = data.draw(policies(tallies))
    if "participants" in options:
        options["participants"] = int(options["participants"]) + 1  # type: ignore[call-overload]
    elif options.get("missing") is not MissingVotes.NORMALISE:
        # The same electorate before and after: without a participants count, the added vote
        # could raise the largest total, and with it the votes filled in for every other
        # proposal. Filled at a good default grade, they could then overtake this one
        # ({"a": [0, 0, 2, 0, 0], "b": [0, 0, 0, 3, 1]}, default grade 4, a vote for b at 4).
        options["participants"] = max(sum(tally) for tally in tallies.values()) + 1
    rule = data.draw(st.sampled_from(Rule))
    before = {r.proposal: r for r in rank(tallies, rule=rule, **options)}  # type: ignore[arg-type]
    proposal = data.draw(st.sampled_from(sorted(tallies)))
    n_grades = len(tallies[proposal])
    lowest = before[proposal].majority_grade + 1
    if options.get("missing") is not MissingVotes.NORMALISE:
        # With the electorate fixed, the new vote takes the place of a missing one, which
        # counted at the default grade: a vote below the default would lower that voter's
        # judgment, not add support ({"a": [1, 4, 0, 0], "c": [1, 4, 0, 0]}, 6 voters, default
        # grade 3: a vote for a at 2 rightly puts c ahead).
        lowest = max(lowest, int(options.get("default_grade", 0)))  # type: ignore[call-overload]
    if lowest > n_grades - 1:
        return  # nothing above the median that is not below the default
    raised = dict(tallies)
    raised[proposal] = list(tallies[proposal])
    raised[proposal][data.draw(st.integers(lowest, n_grades - 1))] += 1
    after = {r.proposal: r for r in rank(raised, rule=rule, **options)}  # type: ignore[arg-type]
    assert after[proposal].rank <= before[proposal].rank


@SETTINGS
@given(profiles(), st.sampled_from([2, 3, 7, 10**9, 10**12 + 39]), st.sampled_from(MissingVotes))
def test_scaling_every_tally_keeps_the_ranking(
    tallies: dict[str, list[int]], factor: int, missing: MissingVotes
) -> None:
    scaled = {name: [count * factor for count in tally] for name, tally in tallies.items()}
    assert ranks(rank(scaled, missing=missing)) == ranks(rank(tallies, missing=missing))


@SETTINGS
@given(st.lists(st.integers(0, 6), min_size=1, max_size=7).filter(any))
def test_majority_grade_and_gauge_against_expanded_ballots(tally: list[int]) -> None:
    votes = sorted(grade for grade, count in enumerate(tally) for _ in range(count))
    assert majority_grade(tally) == votes[(len(votes) - 1) // 2]
    steps = gauge(tally)
    assert steps[0][0] == majority_grade(tally)
    assert steps[-1][1] == 0
    assert all(size != 0 for _, size in steps[:-1])
    grades = [grade for grade, _ in steps]
    assert len(set(grades)) == len(grades)
    assert set(grades) <= {grade for grade, count in enumerate(tally) if count}


@SETTINGS
@given(profiles())
def test_usual_judgment_respects_majority_grades(tallies: dict[str, list[int]]) -> None:
    for result in rank(tallies, rule=Rule.USUAL):
        assert result.score is not None
        grade = result.majority_grade
        assert grade - Fraction(1, 2) < result.score <= grade + Fraction(1, 2)
    usual = rank(tallies, rule=Rule.USUAL)
    assert [r.majority_grade for r in usual] == sorted(
        (r.majority_grade for r in usual), reverse=True
    )
