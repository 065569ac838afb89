"""The simple greedy stratified draw, as commonly used before LEXIMIN, for comparison.

What is implemented, exactly (one attempt):

1. Start with an empty panel; every volunteer is a candidate.
2. A candidate is *admissible* when adding them keeps these counting conditions true, for every
   quota category (feature value) and every feature, with r the seats left after them:
   no category goes over its max; every category can still reach its min from the candidates
   left; the unmet mins of each feature add up to at most r; the room left under the maxes of
   each feature (capped by the candidates left) is at least r. In household mode, the rest of
   the candidate's household leaves the candidate list with them, and is counted so.
   These conditions are necessary for the quotas to stay satisfiable, not sufficient (features
   interact), so an attempt can still get stuck.
3. Among categories below their min, take the most under-filled relative to the candidates who
   could fill it: the largest (min - selected) / (candidates with that value); ties go to the
   first category in (feature, value) order. Draw uniformly at random (with the given
   `random.Random`) among the admissible candidates of that category; if it has none, try the
   next category in that order; if no category is below its min (or none has an admissible
   candidate), draw uniformly among all admissible candidates.
4. Repeat until k are selected. If no candidate is admissible, the attempt is stuck.

`greedy_panel` makes up to `attempts` attempts and raises `DrawError` if all get stuck.
Selection probabilities of this draw have no closed form; `estimate` counts repeated draws.
"""

from __future__ import annotations

import random

import numpy as np

from rebours.recruitment.problem import DrawError, Problem

Panel = tuple[int, ...]


def _stuck(attempts: int) -> str:
    return f"the greedy draw got stuck {attempts} times in a row; the quotas are too tight for it"


class _Feature:
    """One-hot map from quotas to features, for per-feature sums."""

    def __init__(self, problem: Problem) -> None:
        nq = len(problem.quotas)
        self.matrix = np.zeros((nq, len(problem.features)), dtype=np.int64)
        self.matrix[np.arange(nq), problem.feature_of] = 1


def _attempt(problem: Problem, rng: random.Random, features: _Feature) -> Panel | None:
    n, k = problem.n, problem.k
    incidence = problem.incidence
    mins, maxs = problem.mins, problem.maxs
    available = np.ones(n, dtype=bool)
    household_of = np.arange(n)
    if problem.households:
        for group in problem.households:
            household_of[list(group)] = group[0]
    selected = np.zeros(len(problem.quotas), dtype=np.int64)
    chosen: list[int] = []
    for step in range(k):
        seats_after = k - step - 1
        candidates = np.flatnonzero(available)
        if len(candidates) == 0:
            return None
        left = incidence[candidates].sum(axis=0)
        # What leaves the candidate list when each candidate is picked: them and, in
        # household mode, their housemates.
        if problem.households:
            per_household = np.zeros((n, len(problem.quotas)), dtype=np.int64)
            np.add.at(per_household, household_of[candidates], incidence[candidates])
            leaving = per_household[household_of[candidates]]
        else:
            leaving = incidence[candidates]
        after = selected + incidence[candidates]
        left_after = left - leaving
        need = np.maximum(mins - after, 0)
        ok = np.all(after <= maxs, axis=1) & np.all(left_after >= need, axis=1)
        room = np.minimum(maxs - after, left_after)
        ok &= np.all(need @ features.matrix <= seats_after, axis=1)
        ok &= np.all(room @ features.matrix >= seats_after, axis=1)
        admissible = candidates[ok]
        if len(admissible) == 0:
            return None
        pick_from = admissible
        below = np.flatnonzero(selected < mins)
        if len(below):
            ratio = (mins[below] - selected[below]) / np.maximum(left[below], 1)
            # Largest ratio first; stable sort keeps (feature, value) order among ties.
            for q in below[np.argsort(-ratio, kind="stable")]:
                in_category = admissible[incidence[admissible, q] == 1]
                if len(in_category):
                    pick_from = in_category
                    break
        person = int(pick_from[rng.randrange(len(pick_from))])
        chosen.append(person)
        selected += incidence[person]
        available[person] = False
        if problem.households:
            available[household_of == household_of[person]] = False
    panel = tuple(sorted(chosen))
    return panel if problem.meets_quotas(panel) else None


def greedy_panel(problem: Problem, rng: random.Random, attempts: int = 100) -> Panel:
    features = _Feature(problem)
    for _ in range(attempts):
        panel = _attempt(problem, rng, features)
        if panel is not None:
            return panel
    raise DrawError(_stuck(attempts))


def estimate(
    problem: Problem, runs: int, rng: random.Random, attempts: int = 100
) -> tuple[np.ndarray, int]:
    """Fraction of `runs` greedy draws that select each volunteer, and how many distinct
    panels those draws produced."""
    if runs < 1:
        raise DrawError("estimating greedy probabilities needs at least one run")
    counts = np.zeros(problem.n)
    features = _Feature(problem)
    seen: set[Panel] = set()
    for _ in range(runs):
        for _ in range(attempts):
            panel = _attempt(problem, rng, features)
            if panel is not None:
                break
        else:
            raise DrawError(_stuck(attempts))
        seen.add(panel)
        counts[list(panel)] += 1
    return counts / runs, len(seen)
