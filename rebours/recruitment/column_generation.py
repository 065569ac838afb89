"""LEXIMIN and MAXIMIN distributions over feasible panels, by column generation.

The method follows Flanigan, Gölz, Gupta, Hennig and Procaccia, "Fair algorithms for selecting
citizens' assemblies" (Nature, 2021); the code is ours. The solver pieces are in `panels`.

1. *Cover*: find panels until every volunteer who can be on a feasible panel is on one; the
   others have probability 0.
2. *Levels*: for the current level, solve the dual LP over the panels found so far, price its
   weights (swap local search first, then the exact MIP), add improving panels, and repeat
   until the MIP proves that no panel beats the LP by more than the tolerance. The LP's value
   is the level; the free volunteers with positive dual weight are fixed at it; repeat until
   everyone is fixed.
3. *Realise*: one primal LP over all panels found gives panel probabilities that achieve the
   fixed selection probabilities.

Volunteers with the same value for every feature, no housemate and not forced onto the panel
are interchangeable: swapping two of them maps feasible panels to feasible panels. The
LEXIMIN selection probabilities are unique, hence the same for all volunteers of such a *type*,
and each level has an optimal dual with one weight per type. LEXIMIN therefore runs its levels
on a dual LP with one column per type, far smaller than one per volunteer (a pool of 1,000
with six features has about 350 types): this is what makes the later levels affordable, since
the LP basis is dense. Type averages are not yet individual probabilities, so a last *final
stage* runs column generation once on the individual LP "every volunteer gets at least their
level", seeded with panels whose members rotate within each type.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from rebours.recruitment.panels import (
    Deadline,
    DualLP,
    Panel,
    PanelFinder,
    SolverTimeout,
    SwapSearch,
    clean,
    cover,
    primal,
)
from rebours.recruitment.problem import DrawError, Problem


def volunteer_types(problem: Problem) -> np.ndarray:
    """type_of[i]: volunteers of one type are interchangeable (see the module doc).

    Forced volunteers and volunteers with a housemate are types of their own. Types are
    numbered in the order of their first volunteer, so the numbering is canonical.
    """
    with_housemates = {i for group in problem.households for i in group}
    numbers: dict[object, int] = {}
    type_of = np.empty(problem.n, dtype=np.int64)
    for i in range(problem.n):
        # Forced volunteers and housemates are not interchangeable: each is a type of its own.
        key: object = (
            i if i in problem.forced or i in with_housemates else problem.incidence[i].tobytes()
        )
        type_of[i] = numbers.setdefault(key, len(numbers))
    return type_of


def rotations(type_of: np.ndarray, panels: list[Panel], passes: int) -> list[Panel]:
    """Copies of `panels` in which the members of each type take turns.

    Within each type, seats are handed out round-robin over the panels, so that across the
    copies every member of a type appears about equally often. Compositions are unchanged,
    so every copy meets the same quotas (households and forced members are types of one).
    """
    members = [np.flatnonzero(type_of == t) for t in range(int(type_of.max()) + 1)]
    copies: list[Panel] = []
    for shift in range(1, passes + 1):
        pointer = [shift % len(group) for group in members]
        for panel in panels:
            seats: dict[int, int] = {}
            for i in panel:
                t = int(type_of[i])
                seats[t] = seats.get(t, 0) + 1
            chosen: list[int] = []
            for t, count in seats.items():
                group = members[t]
                start = pointer[t]
                chosen.extend(int(group[(start + r) % len(group)]) for r in range(count))
                pointer[t] = (start + count) % len(group)
            copies.append(tuple(sorted(chosen)))
    return copies


@dataclass
class Solution:
    panels: list[Panel]
    probabilities: np.ndarray
    selection: np.ndarray
    levels: list[float]
    complete: bool
    excluded: list[int]
    stats: dict[str, float] = field(default_factory=dict)


class _Search:
    """Every panel found so far, and the two ways of finding more."""

    def __init__(
        self, problem: Problem, tolerance: float, deadline: Deadline, use_heuristic: bool
    ) -> None:
        self.problem = problem
        self.tolerance = tolerance
        self.deadline = deadline
        # Ask HiGHS for a proof of optimality well inside our tolerance, so that stopping is
        # decided by the problem and not by the MIP gap.
        self.finder = PanelFinder(problem, abs_gap=tolerance / 100)
        initial, self.covered = cover(problem, self.finder, deadline)
        self.excluded = [int(i) for i in np.flatnonzero(~self.covered)]
        self.finder.exclude(self.excluded)
        self.swaps = SwapSearch(problem, self.covered) if use_heuristic else None
        self.panels: list[Panel] = []
        self.seen: set[Panel] = set()
        for panel in initial:
            self.record(panel)
        self.lp_solves = 0
        self.lp_seconds = 0.0
        self.heuristic_panels = 0

    def record(self, panel: Panel) -> None:
        if panel not in self.seen:
            self.seen.add(panel)
            self.panels.append(panel)
            if self.swaps is not None:
                self.swaps.add(panel)

    def _offer(self, dual: DualLP, panel: Panel) -> bool:
        """Add a panel to the LP; False if its composition is already there."""
        if not dual.add_panel(panel):
            return False
        self.record(panel)
        return True

    def converge(
        self,
        dual: DualLP,
        normalised: np.ndarray,
        extra_pricing: int,
        good_enough: float | None = None,
    ) -> tuple[np.ndarray, float, float]:
        """Grow the LP until pricing proves it optimal (or its value reaches `good_enough`).

        Returns the dual weights per type, the LP value and the certified gap (an upper bound
        on how much better than the value any distribution could do).
        """
        tolerance = self.tolerance
        type_of = dual.type_of
        while True:
            clock = time.perf_counter()
            u, y0, value = dual.solve(self.deadline)
            self.lp_seconds += time.perf_counter() - clock
            self.lp_solves += 1
            if good_enough is not None and value >= good_enough:
                return u, value, 0.0
            # Solver noise below 1e-12 would only slow the MIP down.
            weights = np.where(u > 1e-12, u, 0.0)[type_of]
            # Cheap first: a panel found by local search is as good a column as the MIP's
            # when the LP is individual (and so expensive). Over types the LP is cheap, and
            # the MIP's most violated panels converge in far fewer rounds than local search.
            if self.swaps is not None and dual.identity:
                guess = self.swaps.search(weights, y0 + tolerance, dual.known)
                if guess is not None and self._offer(dual, guess):
                    self.heuristic_panels += 1
                    guess_weight = float(weights[list(guess)].sum())
                    self._more(dual, normalised, weights, y0, guess, guess_weight, extra_pricing)
                    continue
            # Only the MIP can prove that no panel is heavier than the level.
            panel, weight, bound, proven = self.finder.best(weights, self.deadline)
            if panel is None:
                raise DrawError("the panel search found no panel although one was found before")
            if weight <= y0 + tolerance:
                if not proven:
                    # Stopped by the time limit before proving that no panel is better.
                    raise SolverTimeout("the panel search ran out of time")
                return u, value, max(0.0, bound - y0)
            if not self._offer(dual, panel):
                # The MIP finds a panel heavier than the LP allows for its composition: this
                # is rounding in the two solvers, and adding it again would loop forever.
                return u, value, weight - y0
            self._more(dual, normalised, weights, y0, panel, weight, extra_pricing)

    def _more(
        self,
        dual: DualLP,
        normalised: np.ndarray,
        weights: np.ndarray,
        y0: float,
        panel: Panel,
        weight: float,
        rounds: int,
    ) -> None:
        """Find more improving panels before the next (expensive) LP solve.

        Re-solving the LP means refactorising a dense basis (every panel has k members), so it
        costs far more than a pricing step. Instead, update the weights by hand: shrink the
        weights of the panel just found until it is no heavier than the level, renormalise,
        and price again. These weights only guess the next LP's, so panels found this way are
        merely added; optimality is only ever certified by pricing the LP's own weights.
        """
        w = weights.copy()
        type_of = dual.type_of
        for _ in range(rounds):
            # Shrink whole types, not just the panel's members: the weights must stay equal
            # within a type, or the next panels only reshuffle members of known compositions.
            present = np.zeros(dual.types, dtype=bool)
            present[type_of[list(panel)]] = True
            w[present[type_of]] *= y0 / weight
            total = float(w[normalised].sum())
            if total <= 1e-9:
                return
            w /= total
            y0 /= total
            if self.swaps is not None and dual.identity:
                found = self.swaps.search(w, y0 + self.tolerance, dual.known)
                found_weight = float(w[list(found)].sum()) if found is not None else 0.0
                if found is not None:
                    self.heuristic_panels += 1
            else:
                found, found_weight, _, _ = self.finder.best(w, self.deadline)
            if found is None or found_weight <= y0 + self.tolerance:
                return
            if not self._offer(dual, found):
                return
            panel, weight = found, found_weight


def solve(
    problem: Problem,
    *,
    leximin: bool,
    tolerance: float = 1e-6,
    time_limit: float | None = None,
    extra_pricing: int = 10,
    use_heuristic: bool = True,
) -> Solution:
    """LEXIMIN (or, with leximin=False, MAXIMIN) distribution over feasible panels.

    If the time limit runs out after the first panels are found, the result is still a valid
    distribution over the panels found so far (every panel meets the quotas), as fair as the
    last LP could make it, with `complete` False.
    """
    started = time.monotonic()
    deadline = Deadline(time_limit)
    n = problem.n
    search = _Search(problem, tolerance, deadline, use_heuristic)
    covered = search.covered
    # MAXIMIN is a single level: volunteers individually, no final stage needed.
    type_of = volunteer_types(problem) if leximin else np.arange(n)
    types = int(type_of.max()) + 1
    sizes = np.bincount(type_of, minlength=types)
    excluded_types = np.zeros(types, dtype=bool)
    excluded_types[type_of[~covered]] = True
    forced_types = np.zeros(types, dtype=bool)
    forced_types[type_of[sorted(problem.forced)]] = True
    free = ~excluded_types & ~forced_types
    offset = forced_types.astype(float)
    fixed: dict[int, float] = {int(t): 1.0 for t in np.flatnonzero(forced_types)}
    dual = DualLP(type_of, free.copy(), offset, excluded_types)
    for panel in search.panels:
        dual.add_panel(panel)
    levels: list[float] = []
    complete = True
    worst_excess = 0.0
    final_value: float | None = None
    # The primal solution of the last LP solved, when it is one over individuals.
    realised: tuple[list[Panel], np.ndarray] | None = None
    try:
        while free.any():
            u, value, gap = search.converge(dual, free[type_of], extra_pricing)
            levels.append(value)
            # Read the level's primal now: fixing changes the model.
            last_support = dual.support()
            if dual.identity:
                realised = last_support
            if not leximin:
                break
            # Complementary slackness: a free type with positive dual weight is at exactly this
            # level in every optimal distribution. u is optimal up to `gap`, which bounds the
            # type's possible excess by gap / (m_t u_t): fix only the types for which this is
            # within the tolerance. The normalised weights sum to one, so the heaviest type
            # usually qualifies; if not, fix it anyway so that every level makes progress, and
            # record the bound.
            candidates = np.flatnonzero(free)
            mass = u[candidates] * sizes[candidates]
            chosen = [
                int(t)
                for t, m in zip(candidates, mass, strict=True)
                if m > 1e-9 and gap <= tolerance * m
            ]
            if not chosen:
                heaviest = int(candidates[np.argmax(mass)])
                chosen = [heaviest]
                worst_excess = max(worst_excess, gap / max(float(mass.max()), 1e-12))
            for t in chosen:
                fixed[t] = value
            free[chosen] = False
            dual.fix(chosen, value)
        if leximin and types < n:
            final_value, realised = _final_stage(
                problem, search, last_support[0], type_of, fixed, covered, extra_pricing
            )
    except SolverTimeout:
        complete = False
    lower = {int(i): fixed.get(int(type_of[i]), 0.0) for i in np.flatnonzero(covered)}
    lower.update(dict.fromkeys(sorted(problem.forced), 1.0))
    still_free = [int(i) for i in np.flatnonzero(covered) if free[type_of[i]]]
    # MAXIMIN, or LEXIMIN stopped early: the free volunteers share the largest common level.
    # Everyone fixed: ask for each probability plus a common t (which comes out ~0), so that
    # rounding in the levels can never make this LP infeasible.
    shifted = still_free or [i for i in lower if i not in problem.forced]
    if not complete and leximin and types < n:
        # Stopped before the final stage: type averages may not be reachable individually yet,
        # so everyone shares the shift and the LP stays feasible.
        shifted = [i for i in lower if i not in problem.forced]
    panels = search.panels
    if complete and realised is not None:
        # The last LP's own primal solution realises the levels: no need to solve it again.
        panels, raw = realised
        probabilities = clean(raw)
    elif shifted:
        probabilities = clean(primal(n, panels, lower, shifted))
    else:
        # Everyone on the panel is forced: there is nothing to draw.
        probabilities = np.zeros(len(panels))
        probabilities[0] = 1.0
    kept = [j for j, p in enumerate(probabilities) if p > 0]
    panels = [panels[j] for j in kept]
    probabilities = probabilities[kept] / probabilities[kept].sum()
    selection = np.zeros(n)
    for panel, p in zip(panels, probabilities, strict=True):
        selection[list(panel)] += p
    return Solution(
        panels=panels,
        probabilities=probabilities,
        selection=selection,
        levels=levels,
        complete=complete,
        excluded=search.excluded,
        stats={
            "seconds": time.monotonic() - started,
            "types": types,
            "mip_solves": search.finder.solves,
            "mip_seconds": search.finder.seconds,
            "lp_solves": search.lp_solves,
            "lp_seconds": search.lp_seconds,
            "panels_generated": len(search.panels),
            "heuristic_panels": search.heuristic_panels,
            "levels": len(levels),
            "lp_restarts": dual.restarts,
            "worst_excess": worst_excess,
            "final_stage_value": final_value if final_value is not None else 0.0,
        },
    )


def _final_stage(
    problem: Problem,
    search: _Search,
    last_panels: list[Panel],
    type_of: np.ndarray,
    fixed: dict[int, float],
    covered: np.ndarray,
    extra_pricing: int,
) -> tuple[float, tuple[list[Panel], np.ndarray]]:
    """Find panels on which every volunteer, not just every type on average, gets their level.

    This is column generation on the individual LP "maximise t such that each volunteer's
    probability is at least their level + t", stopped as soon as t >= -tolerance (t cannot be
    positive, since the levels add up to k). Returns the t reached and the LP's distribution.
    """
    n = problem.n
    identity = np.arange(n)
    offset = np.zeros(n)
    for i in np.flatnonzero(covered):
        offset[i] = fixed[int(type_of[i])]
    forced = np.zeros(n, dtype=bool)
    forced[sorted(problem.forced)] = True
    normalised = covered & ~forced
    dual = DualLP(identity, normalised, offset, ~covered)
    # The last level's distribution uses every composition needed; rotate its members.
    seeds = rotations(type_of, last_panels, passes=2)
    for panel in [*search.panels, *seeds]:
        if dual.add_panel(panel):
            search.record(panel)
    _, value, _ = search.converge(dual, normalised, extra_pricing, good_enough=-search.tolerance)
    return value, dual.support()
