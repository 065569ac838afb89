"""LEXIMIN and MAXIMIN distributions over feasible panels, by column generation with HiGHS.

The method follows Flanigan, Gölz, Gupta, Hennig and Procaccia, "Fair algorithms for selecting
citizens' assemblies" (Nature, 2021); the code is ours. Three HiGHS models stay in memory for the
whole computation and only their objectives, bounds and rows change:

* the *panel finder*, an integer programme whose solutions are exactly the feasible panels;
* the *dual LP* of the current LEXIMIN level, over the panels found so far;
* a final *primal LP* that turns the fixed selection probabilities into panel probabilities.

Determinism: volunteers and quotas are numbered canonically (see `problem.build_problem`), panels
are added in the order they are found, and HiGHS runs single-threaded with a fixed random seed, so
the same inputs give the same distribution bit for bit on the same platform and HiGHS version.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

from rebours.recruitment.problem import DrawError, Infeasibility, InfeasibleQuotasError, Problem

INF = highspy.kHighsInf

Panel = tuple[int, ...]


class SolverTimeout(DrawError):
    """A solve ran out of the time it was given."""


class _QuietHighs(highspy.Highs):
    def enableCallbacks(self) -> None:
        # highspy prints a banner to the C stdout the first time a callback is installed while
        # output is on. The draw command may write its JSON result to stdout, so turn output
        # off before the base constructor installs its callback.
        self.setOptionValue("output_flag", False)
        super().enableCallbacks()


def new_highs() -> highspy.Highs:
    """A silent, single-threaded HiGHS instance with a fixed seed: a reproducible solver."""
    model = _QuietHighs()
    for name, value in (
        ("output_flag", False),
        ("threads", 1),
        ("random_seed", 0),
    ):
        model.setOptionValue(name, value)
    return model


def solver_version() -> str:
    version = (
        highspy.HIGHS_VERSION_MAJOR,
        highspy.HIGHS_VERSION_MINOR,
        highspy.HIGHS_VERSION_PATCH,
    )
    return "HiGHS " + ".".join(str(part) for part in version)


def _indices(values: Iterable[int]) -> np.ndarray:
    return np.fromiter(values, dtype=np.int32)


class Deadline:
    """Wall-clock budget shared by all the solves of one computation."""

    def __init__(self, seconds: float | None) -> None:
        self.end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float:
        if self.end is None:
            return INF
        return max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end

    def apply(self, model: highspy.Highs) -> None:
        """Give a model the time left. HiGHS compares its time limit with the run time it has
        accumulated over all its runs, and our models are re-run many times."""
        remaining = self.remaining()
        if remaining < INF:
            remaining += model.getRunTime()
        model.setOptionValue("time_limit", remaining)


class PanelFinder:
    """The integer programme whose feasible solutions are exactly the feasible panels.

    Binary x_i per volunteer, sum x_i = k, one ranged row per quota, at most one per household,
    x_i = 1 for forced members. Only the objective (and bounds of excluded volunteers) change.
    """

    def __init__(self, problem: Problem, *, abs_gap: float) -> None:
        self.problem = problem
        n = problem.n
        self.model = model = new_highs()
        # The pricing step must be solved to (near) optimality: a sub-optimal panel weight would
        # make us stop a level too early. The absolute gap is a fraction of the LEXIMIN tolerance.
        model.setOptionValue("mip_rel_gap", 0.0)
        model.setOptionValue("mip_abs_gap", abs_gap)
        lower = np.zeros(n)
        for i in problem.forced:
            lower[i] = 1.0
        model.addVars(n, lower, np.ones(n))
        self.all_cols = _indices(range(n))
        model.changeColsIntegrality(
            n, self.all_cols, np.full(n, highspy.HighsVarType.kInteger.value, dtype=np.uint8)
        )
        model.addRow(problem.k, problem.k, n, self.all_cols, np.ones(n))
        for q, quota in enumerate(problem.quotas):
            members = _indices(np.flatnonzero(problem.incidence[:, q]))
            model.addRow(quota.min, quota.max, len(members), members, np.ones(len(members)))
        for group in problem.households:
            model.addRow(-INF, 1.0, len(group), _indices(group), np.ones(len(group)))
        model.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.solves = 0
        self.seconds = 0.0

    def exclude(self, volunteers: Sequence[int]) -> None:
        """Forbid volunteers who are in no feasible panel: this only shrinks the search."""
        if volunteers:
            cols = _indices(volunteers)
            self.model.changeColsBounds(len(cols), cols, np.zeros(len(cols)), np.zeros(len(cols)))

    def best(
        self, weights: np.ndarray, deadline: Deadline
    ) -> tuple[Panel | None, float, float, bool]:
        """The feasible panel of largest total weight (None if there is none), its weight, an
        upper bound on the weight of any feasible panel (the MIP dual bound), and whether that
        bound is proven (False when the time limit stopped the search)."""
        model = self.model
        model.changeColsCost(self.problem.n, self.all_cols, np.asarray(weights, dtype=float))
        deadline.apply(model)
        clock = time.perf_counter()
        model.run()
        self.seconds += time.perf_counter() - clock
        self.solves += 1
        status = model.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None, -INF, -INF, True
        info = model.getInfo()
        has_solution = info.primal_solution_status == highspy.kSolutionStatusFeasible
        if status == highspy.HighsModelStatus.kTimeLimit and not has_solution:
            raise SolverTimeout("the panel search ran out of time")
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit):
            raise DrawError(
                f"HiGHS failed on the panel search: {model.modelStatusToString(status)}"
            )
        values = np.asarray(model.getSolution().col_value)
        panel = tuple(int(i) for i in np.flatnonzero(values > 0.5))
        if not self.problem.meets_quotas(panel):
            # Integrality tolerances could in theory let a fractional point through: never hand
            # out a panel that we have not checked ourselves.
            raise DrawError("HiGHS returned a panel that does not meet the quotas")
        # Recompute the weight ourselves rather than trusting the MIP objective, which is only
        # within the gap tolerance of it.
        weight = float(np.asarray(weights, dtype=float)[list(panel)].sum())
        proven = status == highspy.HighsModelStatus.kOptimal
        return panel, weight, max(weight, float(info.mip_dual_bound)), proven


def cover(
    problem: Problem, finder: PanelFinder, deadline: Deadline
) -> tuple[list[Panel], np.ndarray]:
    """Initial panels that together contain every volunteer who is in some feasible panel.

    Repeatedly ask for the panel with the most volunteers not yet covered; when the best such
    panel contains none of them, the remaining volunteers are in no feasible panel at all.
    """
    n = problem.n
    covered = np.zeros(n, dtype=bool)
    for i in problem.forced:
        covered[i] = True
    panels: list[Panel] = []
    while True:
        weights = (~covered).astype(float)
        if not weights.any() and panels:
            break
        panel, _, bound, proven = finder.best(weights, deadline)
        if panel is None:
            raise InfeasibleQuotasError(
                [Infeasibility("integer_programme", "no panel of this size meets every quota")]
            )
        gained = [i for i in panel if not covered[i]]
        if not gained:
            if not panels:
                panels.append(panel)
            if proven and bound < 0.5:
                break
            # The time limit stopped the search before it could prove nobody else fits.
            raise SolverTimeout("covering the pool with panels ran out of time")
        panels.append(panel)
        covered[gained] = True
    return panels, covered


class SwapSearch:
    """A cheap pricing heuristic: local search over single swaps.

    From the heaviest panel found so far (for the given weights), repeatedly make the swap of
    one member for one outsider that adds the most weight while keeping every quota and the
    household rule, until no swap adds weight. A pricing MIP costs tens of milliseconds and
    more on large pools; this costs a few numpy operations, and most of the panels column
    generation needs are found this way. The MIP is still what certifies each level: the
    heuristic only ever proposes panels.
    """

    def __init__(self, problem: Problem, allowed: np.ndarray) -> None:
        self.problem = problem
        self.allowed = allowed.copy()
        self.movable = np.ones(problem.n, dtype=bool)
        self.movable[sorted(problem.forced)] = False
        nq = len(problem.quotas)
        # value_of[i, f]: index of the quota holding volunteer i's value of feature f.
        self.value_of = np.zeros((problem.n, len(problem.features)), dtype=np.int64)
        for q in range(nq):
            holders = np.flatnonzero(problem.incidence[:, q])
            self.value_of[holders, problem.feature_of[q]] = q
        self.household = np.arange(problem.n)
        for group in problem.households:
            self.household[list(group)] = group[0]
        # Members of the panels found so far, one row each (every panel has exactly k).
        self.rows = np.zeros((0, problem.k), dtype=np.int64)
        self.count = 0

    def add(self, panel: Panel) -> None:
        if self.count == len(self.rows):
            grown = np.zeros((max(16, 2 * len(self.rows)), self.problem.k), dtype=np.int64)
            grown[: self.count] = self.rows[: self.count]
            self.rows = grown
        self.rows[self.count] = panel
        self.count += 1

    def search(self, weights: np.ndarray, threshold: float, known: set[Panel]) -> Panel | None:
        """A panel heavier than `threshold` and not in `known`, or None."""
        if self.count == 0:
            return None
        problem = self.problem
        start = int(np.argmax(weights[self.rows[: self.count]].sum(axis=1)))
        in_panel = np.zeros(problem.n, dtype=bool)
        in_panel[self.rows[start]] = True
        counts = problem.incidence[in_panel].sum(axis=0)
        occupied = np.bincount(self.household[in_panel], minlength=problem.n)
        for _ in range(problem.k):
            members = np.flatnonzero(in_panel & self.movable)
            if len(members) == 0:
                break
            floor = weights[members].min()
            outsiders = np.flatnonzero(self.allowed & ~in_panel & (weights > floor + 1e-12))
            if len(outsiders) == 0:
                break
            if len(outsiders) > 3 * problem.k:
                # The heaviest outsiders are where the gains are; a heuristic can skip the rest.
                top = np.argpartition(-weights[outsiders], 3 * problem.k)[: 3 * problem.k]
                outsiders = np.sort(outsiders[top])
            can_lose = counts - 1 >= problem.mins
            can_gain = counts + 1 <= problem.maxs
            # Only features with a quota at one of its bounds can forbid a swap.
            tight = ~(can_lose & can_gain)
            binding = np.unique(problem.feature_of[tight])
            ok = np.ones((len(members), len(outsiders)), dtype=bool)
            if len(binding):
                out_values = self.value_of[np.ix_(members, binding)][:, None, :]
                in_values = self.value_of[np.ix_(outsiders, binding)][None, :, :]
                ok = np.all(
                    (out_values == in_values) | (can_lose[out_values] & can_gain[in_values]),
                    axis=2,
                )
            if problem.households:
                taken = occupied[self.household[outsiders]]
                same = self.household[members][:, None] == self.household[outsiders][None, :]
                ok &= (taken == 0)[None, :] | ((taken == 1)[None, :] & same)
            gain = np.where(ok, weights[outsiders][None, :] - weights[members][:, None], 0.0)
            best = int(np.argmax(gain))
            a, b = divmod(best, len(outsiders))
            if gain[a, b] <= 1e-12:
                break
            leaving, joining = int(members[a]), int(outsiders[b])
            in_panel[leaving] = False
            in_panel[joining] = True
            counts += problem.incidence[joining] - problem.incidence[leaving]
            occupied[self.household[leaving]] -= 1
            occupied[self.household[joining]] += 1
        panel = tuple(int(i) for i in np.flatnonzero(in_panel))
        if panel in known or float(weights[list(panel)].sum()) <= threshold:
            return None
        return panel


class DualLP:
    """The dual of one LEXIMIN level over the panels found so far.

    Variables: y_i >= 0 per volunteer and a free y0. Minimise y0 - sum_{i fixed} p_i y_i
    subject to sum_{i free} y_i = 1 and, for every panel P, sum_{i in P} y_i <= y0. Its optimum
    is the largest probability the free volunteers can all reach while every fixed volunteer
    keeps at least p_i (LP duality), and its y is the pricing weight of the panel finder.
    """

    def __init__(self, n: int, free: np.ndarray, excluded: Sequence[int]) -> None:
        self.n = n
        self.model = model = new_highs()
        upper = np.full(n + 1, INF)
        upper[list(excluded)] = 0.0
        lower = np.zeros(n + 1)
        lower[n] = -INF
        model.addVars(n + 1, lower, upper)
        model.changeColCost(n, 1.0)
        free_cols = _indices(np.flatnonzero(free))
        model.addRow(1.0, 1.0, len(free_cols), free_cols, np.ones(len(free_cols)))
        model.changeObjectiveSense(highspy.ObjSense.kMinimize)
        self.seconds = 0.0

    def add_panel(self, panel: Panel) -> None:
        cols = np.append(_indices(panel), np.int32(self.n))
        values = np.append(np.ones(len(panel)), -1.0)
        self.model.addRow(-INF, 0.0, len(cols), cols, values)

    def fix(self, volunteers: Sequence[int], probability: float) -> None:
        for i in volunteers:
            self.model.changeCoeff(0, i, 0.0)
            self.model.changeColCost(i, -probability)

    def solve(self, deadline: Deadline) -> tuple[np.ndarray, float, float]:
        model = self.model
        deadline.apply(model)
        clock = time.perf_counter()
        model.run()
        self.seconds += time.perf_counter() - clock
        status = model.getModelStatus()
        if status == highspy.HighsModelStatus.kTimeLimit:
            raise SolverTimeout("the LEXIMIN dual ran out of time")
        if status != highspy.HighsModelStatus.kOptimal:
            raise DrawError(
                f"HiGHS failed on the LEXIMIN dual: {model.modelStatusToString(status)}"
            )
        values = np.asarray(model.getSolution().col_value)
        return (
            values[: self.n],
            float(values[self.n]),
            float(model.getInfo().objective_function_value),
        )


def primal(
    n: int, panels: Sequence[Panel], lower: dict[int, float], shifted: Iterable[int]
) -> np.ndarray:
    """Panel probabilities: maximise t subject to, for each constrained volunteer i,
    P(i selected) - [i shifted] t >= lower_i, and probabilities summing to one.

    With everyone fixed and shifted this realises the LEXIMIN probabilities (t is then ~0);
    with only the free volunteers shifted it is the MAXIMIN primal of the current level.
    """
    model = new_highs()
    rows = sorted(lower)
    row_of = {i: r for r, i in enumerate(rows, start=1)}
    shifted_rows = [row_of[i] for i in sorted(set(shifted))]
    lo = np.array([1.0] + [lower[i] for i in rows])
    hi = np.array([1.0] + [INF] * len(rows))
    model.addRows(
        len(lo), lo, hi, 0, np.zeros(1, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0)
    )
    starts: list[int] = []
    index: list[int] = []
    for panel in panels:
        starts.append(len(index))
        index.append(0)
        index.extend(row_of[i] for i in panel if i in row_of)
    m = len(panels)
    model.addCols(
        m,
        np.zeros(m),
        np.zeros(m),
        np.ones(m),
        len(index),
        np.array(starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.ones(len(index)),
    )
    t_rows = np.array(shifted_rows, dtype=np.int32)
    model.addCol(1.0, -INF, 1.0, len(t_rows), t_rows, -np.ones(len(t_rows)))
    model.changeObjectiveSense(highspy.ObjSense.kMaximize)
    model.run()
    status = model.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise DrawError(
            f"HiGHS failed on the panel probabilities: {model.modelStatusToString(status)}"
        )
    return np.asarray(model.getSolution().col_value)[:m]


def clean(probabilities: np.ndarray) -> np.ndarray:
    """Clip solver noise (tiny negatives, 1e-12 leftovers) and renormalise to sum one."""
    cleaned = np.where(probabilities > 1e-10, probabilities, 0.0)
    total = cleaned.sum()
    if total <= 0:
        raise DrawError("the panel probabilities are all zero")
    return cleaned / total


@dataclass
class Solution:
    panels: list[Panel]
    probabilities: np.ndarray
    selection: np.ndarray
    levels: list[float]
    complete: bool
    excluded: list[int]
    stats: dict[str, float] = field(default_factory=dict)


class _ColumnGeneration:
    """State shared by the levels: the panel finder, the dual LP and the panels found so far."""

    def __init__(
        self, problem: Problem, tolerance: float, deadline: Deadline, use_heuristic: bool = True
    ) -> None:
        self.problem = problem
        self.tolerance = tolerance
        self.deadline = deadline
        # Ask HiGHS for a proof of optimality well inside our tolerance, so that the stopping
        # test below is decided by the problem and not by the MIP gap.
        self.finder = PanelFinder(problem, abs_gap=tolerance / 100)
        self.panels, covered = cover(problem, self.finder, deadline)
        self.known = set(self.panels)
        self.excluded = [int(i) for i in np.flatnonzero(~covered)]
        self.finder.exclude(self.excluded)
        self.free = covered.copy()
        self.free[sorted(problem.forced)] = False
        self.fixed: dict[int, float] = dict.fromkeys(sorted(problem.forced), 1.0)
        self.dual = DualLP(problem.n, self.free, self.excluded)
        self.dual.fix(sorted(problem.forced), 1.0)
        self.swaps = SwapSearch(problem, covered) if use_heuristic else None
        for panel in self.panels:
            self.dual.add_panel(panel)
            if self.swaps is not None:
                self.swaps.add(panel)
        self.lp_solves = 0
        self.heuristic_panels = 0

        self.worst_excess = 0.0

    def _add(self, panel: Panel) -> bool:
        if panel in self.known:
            return False
        self.known.add(panel)
        self.panels.append(panel)
        self.dual.add_panel(panel)
        if self.swaps is not None:
            self.swaps.add(panel)
        return True

    def _heuristic(self, weights: np.ndarray, threshold: float) -> Panel | None:
        if self.swaps is None:
            return None
        panel = self.swaps.search(weights, threshold, self.known)
        if panel is not None:
            self.heuristic_panels += 1
        return panel

    def level(self, extra_pricing: int) -> tuple[np.ndarray, float, float]:
        """Solve the current level: returns the dual weights, the level value and the gap
        certified by the last pricing (an upper bound on how far the value is from optimal)."""
        tolerance = self.tolerance
        while True:
            y, y0, value = self.dual.solve(self.deadline)
            self.lp_solves += 1
            # Solver noise below 1e-12 would only slow the MIP down.
            weights = np.where(y > 1e-12, y, 0.0)
            # Cheap first: a panel found by local search is as good a column as the MIP's.
            guess = self._heuristic(weights, y0 + tolerance)
            if guess is not None:
                self._add(guess)
                guess_weight = float(weights[list(guess)].sum())
                self._more_columns(weights, y0, guess, guess_weight, extra_pricing)
                continue
            # Only the MIP can prove that no panel is heavier than the level.
            panel, weight, bound, proven = self.finder.best(weights, self.deadline)
            if panel is None:
                raise DrawError("the panel search found no panel although one was found before")
            if weight <= y0 + tolerance:
                if not proven:
                    # Stopped by the time limit before proving that no panel is better.
                    raise SolverTimeout("the panel search ran out of time")
                return y, value, max(0.0, bound - y0)
            if not self._add(panel):
                # The MIP finds a known panel heavier than the LP allows: this is rounding in
                # the two solvers, and adding it again would loop forever. Accept the level.
                return y, value, weight - y0
            self._more_columns(weights, y0, panel, weight, extra_pricing)

    def _more_columns(
        self, weights: np.ndarray, y0: float, panel: Panel, weight: float, rounds: int
    ) -> None:
        """Find more improving panels before the next (expensive) LP solve.

        Re-solving the LP means refactorising a dense basis (every panel has k members), so
        each LP solve costs as much as many pricing MIPs. Instead, update the weights by hand:
        shrink the weights of the panel just found until it is no heavier than the level,
        renormalise the free weights to one, and price again. These weights are only a guess
        of the next LP's, so a panel found this way is merely added; optimality is still only
        ever certified by pricing the true LP weights (in `level`).
        """
        free = self.free
        w = weights.copy()
        for _ in range(rounds):
            members = list(panel)
            w[members] *= y0 / weight
            total = float(w[free].sum())
            if total <= 1e-9:
                return
            w /= total
            y0 /= total
            if self.swaps is not None:
                found = self._heuristic(w, y0 + self.tolerance)
                found_weight = float(w[list(found)].sum()) if found is not None else 0.0
            else:
                found, found_weight, _, _ = self.finder.best(w, self.deadline)
            if found is None or found_weight <= y0 + self.tolerance or not self._add(found):
                return
            panel, weight = found, found_weight

    def fix(self, y: np.ndarray, value: float, gap: float) -> None:
        """Fix the free volunteers whose probability cannot exceed this level.

        With y optimal, complementary slackness says that a free volunteer with positive
        weight is at exactly this level in every optimal distribution. Our y is optimal up to
        `gap`, which bounds that volunteer's possible excess by gap / y_i: we fix only those
        for whom this bound is within the tolerance. The free weights sum to one, so the
        heaviest volunteer usually qualifies; if even they do not (the gap was not closed
        enough), we still fix them, so that every level makes progress, and record the bound.
        """
        candidates = np.flatnonzero(self.free)
        chosen = [int(i) for i in candidates if y[i] > 1e-9 and gap <= self.tolerance * y[i]]
        if not chosen:
            heaviest = int(candidates[np.argmax(y[candidates])])
            chosen = [heaviest]
            self.worst_excess = max(self.worst_excess, gap / max(float(y[heaviest]), 1e-12))
        for i in chosen:
            self.fixed[i] = value
        self.free[chosen] = False
        self.dual.fix(chosen, value)


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

    If the time limit runs out after the first panels are found, the result is the best
    distribution over the panels found so far (volunteers fixed so far keep their level, the
    others share the largest common probability) and `complete` is False.
    """
    started = time.monotonic()
    deadline = Deadline(time_limit)
    state = _ColumnGeneration(problem, tolerance, deadline, use_heuristic)
    levels: list[float] = []
    complete = True
    try:
        while state.free.any():
            y, value, gap = state.level(extra_pricing)
            levels.append(value)
            if not leximin:
                break
            state.fix(y, value, gap)
    except SolverTimeout:
        complete = False
    n = problem.n
    free_list = [int(i) for i in np.flatnonzero(state.free)]
    lower = dict(state.fixed)
    lower.update(dict.fromkeys(free_list, 0.0))
    # MAXIMIN, or LEXIMIN stopped early: the free volunteers share the largest common level.
    # Everyone fixed: ask for each probability plus a common t (which comes out ~0), so that
    # rounding in the levels can never make this LP infeasible.
    shifted = free_list or [i for i in state.fixed if i not in problem.forced]
    panels = state.panels
    if shifted:
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
        excluded=state.excluded,
        stats={
            "seconds": time.monotonic() - started,
            "mip_solves": state.finder.solves,
            "mip_seconds": state.finder.seconds,
            "lp_solves": state.lp_solves,
            "lp_seconds": state.dual.seconds,
            "panels_generated": len(state.known),
            "heuristic_panels": state.heuristic_panels,
            "levels": len(levels),
            "worst_excess": state.worst_excess,
        },
    )
