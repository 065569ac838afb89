"""Benchmark majority judgment on tallies against the textbook procedure.

    python bench/tally.py [--ballots N] [--proposals P] [--seed S] [--reference-ballots M]

Generates N ballots grading P proposals on 7 grades (each proposal with its own random
opinion profile, about 2% of grades left blank and filled at the worst grade), then times:

(a) tallying the ballots with numpy;
(b) ranking from the tallies with ``rebours.selection.majority.rank`` (the gauge);
(c) the literal reference ``rank_by_removing_votes``, which removes one median vote at a
    time: O(votes x grades) in pure Python, about 7 s for the default million ballots
    here. ``--reference-ballots M`` runs it on the first M ballots only, compared with
    (b) on the same sample, to keep larger runs bounded;
(d) the textbook majority values of all N ballots, built with numpy by reading each
    proposal's sorted votes in the order the removals visit them, compared as bytes: an
    independent check of (b) at full size.

Proposal 1 is a shuffled copy of proposal 0 (same tally, so they must share a rank) and
proposal 2 is proposal 0 with one vote moved between two grades on the same side of the
median, so their first gauge pair is equal and the tie-break has to go deeper.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from rebours.selection.majority import MajorityResult, rank, rank_by_removing_votes

GRADES = 7
BLANK = 255  # a grade left blank on a ballot
T = TypeVar("T")


def make_ballots(n_ballots: int, n_proposals: int, seed: int) -> np.ndarray:
    """Ballots as an (n_ballots, n_proposals) array of grade indices, BLANK if ungraded."""
    rng = np.random.default_rng(seed)
    ballots = np.empty((n_ballots, n_proposals), dtype=np.uint8)
    for proposal in range(n_proposals):
        cumulative = np.cumsum(rng.dirichlet(np.full(GRADES, 2.0)))
        grades = np.searchsorted(cumulative, rng.random(n_ballots), side="right")
        column = np.minimum(grades, GRADES - 1).astype(np.uint8)
        column[rng.random(n_ballots) < 0.02] = BLANK
        ballots[:, proposal] = column
    if n_proposals >= 3 and n_ballots >= 2:
        ballots[:, 1] = rng.permutation(ballots[:, 0])
        ballots[:, 2] = ballots[:, 0]
        nudge_one_vote(ballots[:, 2])
    return ballots


def nudge_one_vote(column: np.ndarray) -> None:
    """Move the earliest possible vote one grade, staying on its side of the median."""
    counts = np.bincount(column, minlength=256)[:GRADES]
    threshold = (int(counts.sum()) + 1) // 2
    median = int(np.searchsorted(np.cumsum(counts), threshold))
    for source, target in ((GRADES - 1, GRADES - 2), (0, 1)):
        # Both grades strictly above, or both strictly below, the majority grade.
        if min(source, target) > median or max(source, target) < median:
            candidates = np.flatnonzero(column == source)
            if candidates.size:
                column[candidates[0]] = target
                return


def tally(ballots: np.ndarray) -> dict[str, list[int]]:
    return {
        f"p{proposal:02d}": np.bincount(ballots[:, proposal], minlength=256)[:GRADES].tolist()
        for proposal in range(ballots.shape[1])
    }


def removal_order(n: int) -> np.ndarray:
    """Positions (in sorted order) of the votes as lower medians are removed one by one.

    With c = (n + 1) // 2 votes in the lower half, the removals alternate between the
    lower half, read downwards from the median, and the upper half, read upwards; with
    an odd n the lower half gives two votes first.
    """
    lower_half = (n + 1) // 2
    lower = np.arange(lower_half - 1, -1, -1)
    upper = np.arange(lower_half, n)
    order = np.empty(n, dtype=np.int64)
    if n % 2:
        order[0] = lower[0]
        order[1::2] = lower[1:]
        order[2::2] = upper
    else:
        order[0::2] = lower
        order[1::2] = upper
    return order


def textbook_ranking(tallies: dict[str, list[int]], participants: int) -> list[tuple[str, int]]:
    """Balinski and Laraki's majority values, expanded vote by vote, compared as bytes."""
    order = removal_order(participants)
    scale = np.arange(GRADES, dtype=np.uint8)
    keyed = []
    for proposal, counts in tallies.items():
        filled = list(counts)
        filled[0] += participants - sum(counts)  # blanks count at the worst grade
        keyed.append((proposal, np.repeat(scale, filled)[order].tobytes()))
    keyed.sort(key=lambda item: item[0])
    keyed.sort(key=lambda item: item[1], reverse=True)
    ranked: list[tuple[str, int]] = []
    for position, (proposal, key) in enumerate(keyed, start=1):
        tied = ranked and key == keyed[position - 2][1]
        ranked.append((proposal, ranked[-1][1] if tied else position))
    return ranked


def timed(function: Callable[[], T], repeat: int = 1) -> tuple[T, float]:
    """The result of ``function`` and its best wall-clock time over ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return result, best


def pairs(results: list[MajorityResult]) -> list[tuple[str, int]]:
    return [(result.proposal, result.rank) for result in results]


def seconds(value: float) -> str:
    return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--proposals", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--reference-ballots", type=int, default=None, metavar="M")
    options = parser.parse_args()
    n = options.ballots
    sample = n if options.reference_ballots is None else min(options.reference_ballots, n)
    if n < 1 or options.proposals < 1 or sample < 1:
        parser.error("ballots, proposals and reference ballots must be positive")

    print(
        f"majority judgment: {n:,} ballots x {options.proposals} proposals,"
        f" {GRADES} grades, seed {options.seed}"
    )
    ballots, generated = timed(lambda: make_ballots(n, options.proposals, options.seed))
    print(f"    generating the ballots: {seconds(generated)}")

    tallies, tallying = timed(lambda: tally(ballots))
    print(f"(a) tallying {n:,} ballots with numpy: {seconds(tallying)}")

    ours, ranking = timed(lambda: rank(tallies, participants=n), repeat=20)
    print(f"(b) ranking from tallies with the gauge: {seconds(ranking)} (best of 20)")

    if sample == n:
        sample_tallies, ours_sample, fast = tallies, ours, ranking
        scope = f"all {n:,} ballots"
    else:
        sample_tallies = tally(ballots[:sample])
        ours_sample, fast = timed(lambda: rank(sample_tallies, participants=sample), repeat=20)
        scope = f"first {sample:,} ballots only"
    reference, slow = timed(lambda: rank_by_removing_votes(sample_tallies, participants=sample))
    same_sample = pairs(ours_sample) == reference
    print(
        f"(c) reference, one median vote removed at a time, {scope}: {seconds(slow)};"
        f" ratio to the gauge on the same tallies ({seconds(fast)}): {slow / fast:,.0f}x;"
        f" same ranking: {'yes' if same_sample else 'NO'}"
    )
    if sample < n:
        print(
            f"    the reference on all {n:,} ballots would take about"
            f" {seconds(slow * n / sample)} (it is linear in the number of votes)"
        )

    textbook, expanded = timed(lambda: textbook_ranking(tallies, n))
    same_full = pairs(ours) == textbook
    same_textbook_sample = (
        textbook == reference
        if sample == n
        else textbook_ranking(sample_tallies, sample) == reference
    )
    print(
        f"(d) textbook majority values expanded with numpy, all {n:,} ballots:"
        f" {seconds(expanded)}; ratio to (b) {expanded / ranking:,.0f}x;"
        f" same ranking: {'yes' if same_full else 'NO'}"
        f" (equal to (c) on its ballots: {'yes' if same_textbook_sample else 'NO'})"
    )

    if options.proposals >= 3:
        by_name = {result.proposal: result for result in ours}
        first, copy, nudged = by_name["p00"], by_name["p01"], by_name["p02"]
        depth = next(
            (i for i, (a, b) in enumerate(zip(first.gauge, nudged.gauge, strict=False)) if a != b),
            None,
        )
        print(
            f"    p00 and its shuffled copy p01 share rank {first.rank} ({copy.rank});"
            f" p02 (one vote moved) ranks {nudged.rank},"
            f" its gauge first differs at pair {None if depth is None else depth + 1}"
        )
    print("    top 5:", ", ".join(f"{r.rank}. {r.proposal} {r.gauge[0]}" for r in ours[:5]))

    if not (same_sample and same_full and same_textbook_sample):
        print("rankings DISAGREE", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
