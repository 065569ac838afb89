"""Majority judgment on tallies: no Django import, exact integer arithmetic.

The rule
--------
Each voter grades each proposal on a common scale of grades, ordered worst to best
(index 0 is the worst grade). A *tally* lists, for one proposal, how many voters gave
each grade: ``tally[g]`` is the number of votes at grade ``g``.

The *majority grade* of a proposal is the lower median of its votes: with ``n`` votes,
it is the first grade, counting from the worst, at which the running count reaches
``(n + 1) // 2``. With an even number of votes the lower of the two middle grades is
taken, so a grade needs the support of at least half the voters (all who gave it or
better) to be the majority grade.

The gauge (tie-break)
---------------------
Proposals with the same majority grade ``a`` are separated by the *majority gauge*:
``p`` votes strictly above ``a`` (adhesion) and ``q`` votes strictly below ``a``
(contestation). The larger group decides the direction: adhesion if ``p > q``, which
is recorded as the signed size ``+p``; contestation otherwise, recorded as ``-q`` (an
exact tie ``p == q`` counts as contestation, as the lower median requires). The votes
at ``a`` are then moved into the nearest grade *that has votes* on the deciding side,
which becomes the new majority grade, and the step repeats until every vote sits at a
single grade (recorded with size 0). A proposal is thus described by its gauge, a
sequence of ``(grade, signed size)`` pairs with at most one pair per grade that holds
votes.

Two gauges are compared lexicographically as tuples of integers, larger is better:

* a higher grade is better;
* at the same grade, a larger signed size is better. So ``+p`` beats any ``-q``;
  between two adhesions the larger ``p`` wins; between two contestations the smaller
  ``q`` wins (``-2`` beats ``-5``); and ``0`` (nobody above or below) sits between.

Proposals with equal gauges share a rank and the next rank is skipped (competition
ranking: 1, 2, 2, 4); within a shared rank proposals are listed by identifier.

Why this equals Balinski and Laraki's "remove one median vote at a time": when all
proposals have the same number of votes, the textbook order reads each proposal's
sorted votes outward from the median, alternating between the lower half (descending)
and the upper half (ascending) in a pattern that depends only on the number of votes.
Two proposals first differ when one of them leaves its current grade earlier than the
other; the signed size says on which side that happens (up for ``+p``, down for ``-q``)
and when (earlier for a larger ``p`` or ``q``), and the next pair says where it goes.
Moving the median block into the nearest grade with votes changes the values read on
both proposals in the same way until that moment, so the comparison of what follows is
unchanged. ``rank_by_removing_votes`` implements the textbook procedure literally and
the tests check that both agree, exhaustively on small electorates and on random ones.

Worked example, grades 0 to 4, ten voters each::

    A = [1, 2, 3, 2, 2]   majority grade 2, q = 3 below, p = 4 above -> (2, +4)
                          move the 3 votes at 2 up to 3: [1, 2, 0, 5, 2]
                          grade 3, q = 3, p = 2 -> (3, -3); move 5 down to 1
                          [1, 7, 0, 0, 2]: grade 1, q = 1, p = 2 -> (1, +2) ...
    B = [2, 1, 3, 2, 2]   (2, +4), (3, -3), then [2, 6, 0, 0, 2]: grade 1 with
                          q = 2, p = 2, a tie, so contestation -> (1, -2) ...

A and B agree on the first two pairs; at the third, ``+2 > -2`` so A ranks above B
(B gave one more "to reject" and one less "poor" than A).

Missing votes
-------------
Majority judgment compares proposals on the same number of votes, so when the totals
differ a policy must be chosen explicitly (``MissingVotes``):

``FILL``
    Every missing vote counts at ``default_grade`` (by default the worst grade): the
    total is ``participants`` if given, otherwise the largest total among proposals.
    This treats "did not grade" as a judgment, which is the usual reading of a ballot
    where unanswered lines mean "to reject".
``NORMALISE``
    Compare shares instead of counts: each tally is weighted by ``L // total`` where
    ``L`` is the least common multiple of all totals, so every proposal is compared as
    if it had ``L`` votes with exactly the same distribution. No rounding happens at any
    point. This ignores abstentions entirely, which favours proposals few people graded.

Usual judgment
--------------
``Rule.USUAL`` ranks by Fabre's usual judgment, a score that breaks ties with one
number instead of a sequence (see ``usual_score``).

Complexity: ``O(grades**2)`` integer operations per proposal, whatever the number of
voters, since only tallies are read; Python integers make billions of voters exact.
"""

from __future__ import annotations

import enum
import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

__all__ = [
    "Gauge",
    "MajorityResult",
    "MissingVotes",
    "Rule",
    "TallyError",
    "gauge",
    "majority_grade",
    "rank",
    "rank_by_removing_votes",
    "tally_ballots",
    "usual_score",
    "validate_tallies",
]

Gauge = tuple[tuple[int, int], ...]
"""A proposal's ``(grade, signed group size)`` pairs, see the module docstring."""


class TallyError(ValueError):
    """A tally, ballot or option that cannot be ranked; the message says which and why."""


class Rule(enum.Enum):
    MAJORITY = "majority"
    USUAL = "usual"


class MissingVotes(enum.Enum):
    FILL = "fill"
    NORMALISE = "normalise"


@dataclass(frozen=True)
class MajorityResult:
    """One proposal's place in a ranking.

    ``tally`` is the tally that was ranked: after filling under ``MissingVotes.FILL``,
    as given under ``MissingVotes.NORMALISE``. ``adhesion``, ``contestation`` and
    ``gauge`` are counted in votes of that tally (under ``NORMALISE`` they are compared
    after weighting, see the module docstring). ``score`` is the usual-judgment score
    when the ranking used ``Rule.USUAL``, else ``None``.
    """

    proposal: str
    rank: int
    majority_grade: int
    tally: tuple[int, ...]
    gauge: Gauge
    adhesion: int
    contestation: int
    score: Fraction | None = None

    @property
    def votes(self) -> int:
        return sum(self.tally)


def _name(proposal: str | None) -> str:
    return "tally" if proposal is None else f"proposal {proposal!r}"


def _checked_tally(
    tally: Sequence[int], n_grades: int | None, proposal: str | None = None
) -> tuple[int, ...]:
    """Return ``tally`` as a tuple of Python ints, or raise ``TallyError`` saying why not."""
    if isinstance(tally, str | bytes) or not isinstance(tally, Sequence):
        raise TallyError(f"{_name(proposal)}: a tally is a list of counts, one per grade")
    counts: list[int] = []
    for grade, count in enumerate(tally):
        # operator.index accepts numpy integers but refuses floats: a count of 2.5
        # voters is a data error, not something to round.
        if isinstance(count, bool):
            raise TallyError(f"{_name(proposal)}: count for grade {grade} is not an integer")
        try:
            value = operator.index(count)
        except TypeError:
            raise TallyError(
                f"{_name(proposal)}: count for grade {grade} is not an integer"
            ) from None
        if value < 0:
            raise TallyError(f"{_name(proposal)}: count for grade {grade} is negative ({value})")
        counts.append(value)
    if not counts:
        raise TallyError(f"{_name(proposal)}: the grade scale is empty")
    if n_grades is not None and len(counts) != n_grades:
        raise TallyError(f"{_name(proposal)}: has {len(counts)} grades, expected {n_grades}")
    if not any(counts):
        # Refused rather than ranked at the default grade: a proposal nobody graded
        # usually means a wrong file or a misspelt proposal identifier.
        raise TallyError(f"{_name(proposal)}: has no votes")
    return tuple(counts)


def validate_tallies(
    tallies: Mapping[str, Sequence[int]], n_grades: int | None = None
) -> dict[str, tuple[int, ...]]:
    """Check every tally and return them as tuples of ints, in the same order.

    When ``n_grades`` is ``None`` the first tally sets the length the others must have.
    """
    checked: dict[str, tuple[int, ...]] = {}
    expected = n_grades
    if expected is not None and expected < 1:
        raise TallyError("the grade scale is empty")
    for proposal, tally in tallies.items():
        if not isinstance(proposal, str):
            raise TallyError(f"proposal identifier {proposal!r} is not a string")
        checked[proposal] = _checked_tally(tally, expected, proposal)
        expected = len(checked[proposal])
    return checked


def _lower_median(counts: Sequence[int], total: int) -> int:
    threshold = (total + 1) // 2
    running = 0
    for grade, count in enumerate(counts):
        running += count
        if running >= threshold:
            return grade
    raise AssertionError("unreachable: the counts add up to the total")


def majority_grade(tally: Sequence[int]) -> int:
    """The lower median grade of ``tally`` (index into the scale, 0 = worst)."""
    counts = _checked_tally(tally, None)
    return _lower_median(counts, sum(counts))


def _gauge(counts: tuple[int, ...]) -> Gauge:
    work = list(counts)
    total = sum(work)
    steps: list[tuple[int, int]] = []
    while True:
        grade = _lower_median(work, total)
        below = sum(work[:grade])
        above = total - below - work[grade]
        if above > below:
            steps.append((grade, above))
            target = next(g for g in range(grade + 1, len(work)) if work[g])
        elif below:
            steps.append((grade, -below))
            target = next(g for g in range(grade - 1, -1, -1) if work[g])
        else:
            steps.append((grade, 0))
            return tuple(steps)
        # The target is the nearest grade with votes, never an empty one in between:
        # moving into an empty grade would repeat the same group size under another
        # grade and misorder proposals whose next grade really is adjacent.
        work[target] += work[grade]
        work[grade] = 0


def gauge(tally: Sequence[int]) -> Gauge:
    """The ``(grade, signed group size)`` sequence of ``tally``, best compared as a tuple.

    >>> gauge([1, 2, 3, 2, 2])
    ((2, 4), (3, -3), (1, 2), (4, -1), (0, 0))
    """
    return _gauge(_checked_tally(tally, None))


def _usual_score(counts: tuple[int, ...]) -> Fraction:
    total = sum(counts)
    grade = _lower_median(counts, total)
    below = sum(counts[:grade])
    above = total - below - counts[grade]
    # 1 - p - q is the share at the majority grade, (counts[grade] / total). It is never
    # zero: the lower median is a grade where the running count reaches half the votes,
    # so at least one vote sits there. Shares cancel the total, leaving integer counts.
    return grade + Fraction(above - below, 2 * counts[grade])


def usual_score(tally: Sequence[int]) -> Fraction:
    """Fabre's usual judgment: ``a + (p - q) / (2 * (1 - p - q))``, exactly.

    ``a`` is the majority grade, ``p`` and ``q`` the shares of votes strictly above and
    strictly below it. Source: A. Fabre, "Tie-breaking the highest median: alternatives
    to the majority judgment", Social Choice and Welfare 56 (2021), 101-124, and the
    author's R package HighestMedianRules (rule "n"), which uses the same lower median.

    The score lies in ``(a - 1/2, a + 1/2]``, so it never reorders different majority
    grades. The denominator ``1 - p - q`` is the share at the majority grade, which is
    never zero for a tally with votes (see ``_usual_score``); no convention is needed.

    >>> usual_score([1, 2, 3, 2, 2])
    Fraction(13, 6)
    """
    return _usual_score(_checked_tally(tally, None))


def _prepare(
    tallies: Mapping[str, Sequence[int]],
    missing: MissingVotes,
    default_grade: int,
    participants: int | None,
) -> tuple[dict[str, tuple[int, ...]], dict[str, int]]:
    """Validate and apply the missing-votes policy.

    Returns the tallies to rank and, per proposal, the integer weight that brings every
    tally to a common total (all 1 under ``FILL``).
    """
    checked = validate_tallies(tallies)
    missing = MissingVotes(missing)
    if not checked:
        return {}, {}
    n_grades = len(next(iter(checked.values())))
    totals = {proposal: sum(tally) for proposal, tally in checked.items()}
    if isinstance(default_grade, bool) or not isinstance(default_grade, int):
        raise TallyError(f"default grade {default_grade!r} is not an integer")
    if not 0 <= default_grade < n_grades:
        raise TallyError(f"default grade {default_grade} is not on a scale of {n_grades} grades")
    if missing is MissingVotes.NORMALISE:
        if participants is not None:
            raise TallyError("a participants count only applies when missing votes are filled")
        common = math.lcm(*totals.values())
        return checked, {proposal: common // total for proposal, total in totals.items()}
    if participants is None:
        target = max(totals.values())
    else:
        if isinstance(participants, bool) or not isinstance(participants, int):
            raise TallyError(f"participants {participants!r} is not an integer")
        target = participants
        for proposal, total in totals.items():
            if total > target:
                raise TallyError(
                    f"proposal {proposal!r}: has {total} votes, more than the {target} participants"
                )
    filled: dict[str, tuple[int, ...]] = {}
    for proposal, tally in checked.items():
        counts = list(tally)
        counts[default_grade] += target - totals[proposal]
        filled[proposal] = tuple(counts)
    return filled, dict.fromkeys(filled, 1)


def _competition_ranks(keyed: list[tuple[str, Any]]) -> list[tuple[str, int]]:
    """Rank (proposal, key) pairs by key, best first; equal keys share the better rank."""
    # Identifier order first, then a stable sort on the key: ties stay in identifier
    # order, so the output never depends on the input order.
    ordered = sorted(keyed, key=lambda item: item[0])
    ordered.sort(key=lambda item: item[1], reverse=True)
    ranked: list[tuple[str, int]] = []
    for position, (proposal, key) in enumerate(ordered, start=1):
        if ranked and key == ordered[position - 2][1]:
            ranked.append((proposal, ranked[-1][1]))
        else:
            ranked.append((proposal, position))
    return ranked


def rank(
    tallies: Mapping[str, Sequence[int]],
    *,
    rule: Rule = Rule.MAJORITY,
    missing: MissingVotes = MissingVotes.FILL,
    default_grade: int = 0,
    participants: int | None = None,
) -> list[MajorityResult]:
    """Rank proposals from their tallies, best first.

    ``tallies`` maps a proposal identifier to its counts per grade, worst grade first.
    ``missing``, ``default_grade`` and ``participants`` choose how proposals with fewer
    votes are completed (see the module docstring); ``participants`` is refused under
    ``NORMALISE`` and ``default_grade`` is unused there. Proposals that tie share a rank
    and are listed by identifier. Raises ``TallyError`` on any invalid input.
    """
    rule = Rule(rule)
    prepared, weights = _prepare(tallies, missing, default_grade, participants)
    gauges = {proposal: _gauge(tally) for proposal, tally in prepared.items()}
    scores: dict[str, Fraction] = {}
    keys: list[tuple[str, Any]] = []
    for proposal, steps in gauges.items():
        if rule is Rule.USUAL:
            scores[proposal] = _usual_score(prepared[proposal])
            keys.append((proposal, scores[proposal]))
        else:
            weight = weights[proposal]
            keys.append((proposal, tuple((grade, size * weight) for grade, size in steps)))
    results = []
    for proposal, position in _competition_ranks(keys):
        tally = prepared[proposal]
        grade, _ = gauges[proposal][0]
        results.append(
            MajorityResult(
                proposal=proposal,
                rank=position,
                majority_grade=grade,
                tally=tally,
                gauge=gauges[proposal],
                adhesion=sum(tally[grade + 1 :]),
                contestation=sum(tally[:grade]),
                score=scores.get(proposal),
            )
        )
    return results


def rank_by_removing_votes(
    tallies: Mapping[str, Sequence[int]],
    *,
    missing: MissingVotes = MissingVotes.FILL,
    default_grade: int = 0,
    participants: int | None = None,
) -> list[tuple[str, int]]:
    """Reference majority judgment, as Balinski and Laraki define it; slow on purpose.

    Each proposal's *majority value* is the sequence of its lower medians as one vote at
    the median is removed at a time, until no vote is left; majority values are compared
    lexicographically. Under ``NORMALISE`` every tally is multiplied by its weight first,
    so a proposal can have ``lcm(totals)`` votes: keep the inputs small.

    Costs ``O(votes * grades)`` per proposal. Returns ``(proposal, rank)`` pairs in the
    same order and with the same ties as ``rank``, so the two can be compared directly.
    """
    prepared, weights = _prepare(tallies, missing, default_grade, participants)
    keyed: list[tuple[str, Any]] = []
    for proposal, tally in prepared.items():
        counts = [count * weights[proposal] for count in tally]
        remaining = sum(counts)
        medians: list[int] = []
        while remaining:
            grade = _lower_median(counts, remaining)
            medians.append(grade)
            counts[grade] -= 1
            remaining -= 1
        keyed.append((proposal, tuple(medians)))
    return _competition_ranks(keyed)


def tally_ballots(
    ballots: Iterable[Mapping[str, int]],
    proposals: Sequence[str],
    n_grades: int,
    *,
    ungraded: int | None = 0,
) -> dict[str, list[int]]:
    """Count ballots into tallies, one per proposal, in the order of ``proposals``.

    Each ballot maps proposal identifiers to grade indices (0 = worst). A proposal left
    out of a ballot counts at grade ``ungraded``, or is not counted at all when
    ``ungraded`` is ``None`` (then choose a ``MissingVotes`` policy when ranking).
    """
    if isinstance(n_grades, bool) or not isinstance(n_grades, int) or n_grades < 1:
        raise TallyError("the grade scale is empty")
    if ungraded is not None and not 0 <= ungraded < n_grades:
        raise TallyError(f"ungraded grade {ungraded} is not on a scale of {n_grades} grades")
    counts: dict[str, list[int]] = {}
    for proposal in proposals:
        if proposal in counts:
            raise TallyError(f"proposal {proposal!r} is listed twice")
        counts[proposal] = [0] * n_grades
    for number, ballot in enumerate(ballots, start=1):
        for proposal, grade in ballot.items():
            if proposal not in counts:
                raise TallyError(f"ballot {number}: unknown proposal {proposal!r}")
            if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade < n_grades:
                raise TallyError(
                    f"ballot {number}: grade {grade!r} for proposal {proposal!r} is not"
                    f" on a scale of {n_grades} grades"
                )
            counts[proposal][grade] += 1
        if ungraded is not None and len(ballot) < len(counts):
            for proposal, tally in counts.items():
                if proposal not in ballot:
                    tally[ungraded] += 1
    return counts
