"""The solver pieces of LEXIMIN column generation, with HiGHS (driver: `column_generation`).

Three kinds of HiGHS models stay in memory and only their objectives, bounds and rows change:

* the *panel finder*, an integer programme whose solutions are exactly the feasible panels;
* the *dual LP* of a LEXIMIN level over the panels found so far;
* a final *primal LP* that turns the fixed selection probabilities into panel probabilities.

A swap local search (`SwapSearch`) proposes panels cheaply before the MIP is asked.

Determinism: volunteers and quotas are numbered canonically (see `problem.build_problem`),
panels are added in the order they are found, and HiGHS runs single-threaded with a fixed
random seed, so the same inputs give the same distribution bit for bit on the same platform and
HiGHS version. No time limit may cut a computation whose result is drawn from.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

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

    def search(
        self, weights: np.ndarray, threshold: float, known: Callable[[Panel], bool]
    ) -> Panel | None:
        """A panel heavier than `threshold` for which `known` is False, or None."""
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
        if float(weights[list(panel)].sum()) <= threshold or known(panel):
            return None
        return panel


class DualLP:
    """The dual of one LEXIMIN level over the panels found so far, over volunteer *types*.

    Volunteers of one type are interchangeable (see `column_generation.volunteer_types`), so
    there is an optimal dual with one weight u_t per type. Variables: u_t >= 0 and a free y0.
    Minimise y0 - sum_t offset_t m_t u_t subject to sum_{t normalised} m_t u_t = 1 and, for
    every panel P with c_t(P) members of type t, sum_t c_t(P) u_t <= y0. For a level, the
    normalised types are the free ones and offset_t is the probability of a fixed type; the
    optimum is then the largest probability all free volunteers can reach while the fixed keep
    theirs (LP duality), and u gives the pricing weights. With every volunteer its own type
    this is the dual LP of the individual problem.

    Panels with the same composition give the same row, so only new compositions are added.
    """

    def __init__(
        self,
        type_of: np.ndarray,
        normalised: np.ndarray,
        offset: np.ndarray,
        excluded: np.ndarray,
    ) -> None:
        self.type_of = type_of
        self.types = types = len(normalised)
        self.sizes = np.bincount(type_of, minlength=types).astype(float)
        self.identity = types == len(type_of)
        self.model = model = new_highs()
        upper = np.where(excluded, 0.0, INF)
        model.addVars(types + 1, np.append(np.zeros(types), -INF), np.append(upper, INF))
        model.changeColsCost(
            types + 1, _indices(range(types + 1)), np.append(-offset * self.sizes, 1.0)
        )
        cols = _indices(np.flatnonzero(normalised))
        model.addRow(1.0, 1.0, len(cols), cols, self.sizes[cols])
        model.changeObjectiveSense(highspy.ObjSense.kMinimize)
        self.compositions: set[bytes] = set()
        # The panel behind each row after the normalisation row, in order.
        self.row_panels: list[Panel] = []
        self.seconds = 0.0
        self.restarts = 0

    def key(self, panel: Panel) -> bytes:
        if self.identity:
            return np.asarray(panel, dtype=np.int64).tobytes()
        return np.bincount(self.type_of[list(panel)], minlength=self.types).tobytes()

    def known(self, panel: Panel) -> bool:
        return self.key(panel) in self.compositions

    def add_panel(self, panel: Panel) -> bool:
        """Add the panel's row; False if a panel of the same composition is already there."""
        key = self.key(panel)
        if key in self.compositions:
            return False
        self.compositions.add(key)
        counts = np.bincount(self.type_of[list(panel)], minlength=self.types)
        cols = np.flatnonzero(counts)
        self.model.addRow(
            -INF,
            0.0,
            len(cols) + 1,
            np.append(cols, self.types).astype(np.int32),
            np.append(counts[cols].astype(float), -1.0),
        )
        self.row_panels.append(panel)
        return True

    def fix(self, types: Sequence[int], probability: float) -> None:
        for t in types:
            self.model.changeCoeff(0, t, 0.0)
            self.model.changeColCost(t, -probability * self.sizes[t])

    def solve(self, deadline: Deadline) -> tuple[np.ndarray, float, float]:
        """Dual weights per type, y0 (the heaviest current panel's weight), and the value."""
        model = self.model
        clock = time.perf_counter()
        # A warm-started re-solve takes tens to hundreds of iterations. On these very
        # degenerate LPs HiGHS's dual simplex can very rarely stall from its warm start
        # (hundreds of thousands of iterations), so cap the iterations and, past the cap,
        # solve from scratch, then by interior point. Iteration counts, unlike times, are
        # deterministic, so this keeps the draw reproducible.
        cap = 10 * (model.getNumRow() + model.getNumCol()) + 1000
        model.setOptionValue("simplex_iteration_limit", cap)
        deadline.apply(model)
        model.run()
        status = model.getModelStatus()
        if status == highspy.HighsModelStatus.kIterationLimit:
            self.restarts += 1
            model.clearSolver()
            deadline.apply(model)
            model.run()
            status = model.getModelStatus()
            if status == highspy.HighsModelStatus.kIterationLimit:
                model.setOptionValue("solver", "ipm")
                model.setOptionValue("simplex_iteration_limit", highspy.kHighsIInf)
                model.clearSolver()
                deadline.apply(model)
                model.run()
                model.setOptionValue("solver", "choose")
                status = model.getModelStatus()
        self.seconds += time.perf_counter() - clock
        if status == highspy.HighsModelStatus.kTimeLimit:
            raise SolverTimeout("the LEXIMIN dual ran out of time")
        if status != highspy.HighsModelStatus.kOptimal:
            raise DrawError(
                f"HiGHS failed on the LEXIMIN dual: {model.modelStatusToString(status)}"
            )
        values = np.asarray(model.getSolution().col_value)
        return (
            values[: self.types],
            float(values[self.types]),
            float(model.getInfo().objective_function_value),
        )

    def support(self) -> tuple[list[Panel], np.ndarray]:
        """The level's primal solution, read from the last solve: the panels with positive
        probability (the duals of their rows) and those probabilities. Call it before
        changing the model."""
        duals = np.abs(np.asarray(self.model.getSolution().row_dual)[1:])
        chosen = np.flatnonzero(duals > 1e-12)
        return [self.row_panels[j] for j in chosen], duals[chosen]


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
