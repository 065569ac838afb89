"""Fair stratified lottery for recruitment panels: the public API (pure, no Django).

A *pool* of volunteers, *quotas* (min and max per feature value) and a panel size k define the
feasible panels. `leximin` computes the fairest distribution over them (the smallest selection
probability as large as possible, then the second smallest, and so on), `draw` turns it into a
public lottery and picks a panel from a published seed, and `replace` draws replacements for
people who decline. `greedy` is the simple stratified draw used in practice, for comparison.
See docs/sortition.md for the method and how to re-run a draw.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import highspy
import numpy as np

from rebours.recruitment import column_generation as _colgen
from rebours.recruitment import greedy as _greedy
from rebours.recruitment import lottery as _lottery
from rebours.recruitment import panels as _panels
from rebours.recruitment.problem import (
    DrawError,
    Infeasibility,
    InfeasibleQuotasError,
    Problem,
    Quota,
    Volunteer,
    build_problem,
    canonical_quotas,
)

__all__ = [
    "Distribution",
    "DrawError",
    "DrawResult",
    "Infeasibility",
    "InfeasibleQuotasError",
    "LotteryDetails",
    "Quota",
    "Replacement",
    "Volunteer",
    "check_feasibility",
    "draw",
    "estimate_greedy_probabilities",
    "greedy",
    "leximin",
    "maximin",
    "replace",
]

Method = Literal["leximin", "maximin", "greedy"]
METHODS: tuple[str, ...] = ("leximin", "maximin", "greedy")

# Number of greedy draws behind the probabilities reported for a greedy draw.
GREEDY_RUNS = 1000


@dataclass(frozen=True)
class Distribution:
    """A probability distribution over feasible panels.

    `selection_probability` covers the whole pool (0.0 for people in no feasible panel, who are
    also listed in `zero_probability`). `complete` is False when a time limit stopped LEXIMIN
    early: the distribution is then valid (every panel meets the quotas) but only MAXIMIN-like
    for the volunteers that were not fixed yet.
    """

    panels: list[frozenset[str]]
    probabilities: list[float]
    selection_probability: dict[str, float]
    method: str
    complete: bool = True
    levels: tuple[float, ...] = ()
    zero_probability: tuple[str, ...] = ()
    stats: Mapping[str, float] = field(default_factory=dict)

    @property
    def min_probability(self) -> float:
        return min(self.selection_probability.values())


@dataclass(frozen=True)
class LotteryDetails:
    """How the panel was picked: slot `slot` of `m` slots listed in canonical order."""

    m: int
    slot: int
    panels_in_lottery: int
    max_deviation: float
    rule: str = "slot = 1 + (seed mod m); slots list each panel (ids sorted) in sorted order"


@dataclass(frozen=True)
class DrawResult:
    """One drawn panel, with the probabilities that everyone had of being on it.

    For LEXIMIN and MAXIMIN, `probabilities` are those of the lottery actually drawn (the
    distribution rounded to m slots, see `lottery`), so multiples of 1/m. For greedy, they are
    estimated from repeated draws, and `panels_in_distribution` counts the distinct panels
    those draws produced.
    """

    panel: tuple[str, ...]
    probabilities: dict[str, float]
    min_probability: float
    panels_in_distribution: int
    seed: int
    method: str
    lottery: LotteryDetails | None = None
    distribution: Distribution | None = None
    solver: str = field(default_factory=_panels.solver_version)


@dataclass(frozen=True)
class Replacement:
    """The completed panel after some members declined.

    `probabilities` are the chances each candidate (pool minus the original panel) had of
    being among the replacements, under the rounded lottery.
    """

    panel: tuple[str, ...]
    added: tuple[str, ...]
    declined: tuple[str, ...]
    kept: tuple[str, ...]
    probabilities: dict[str, float]
    seed: int
    lottery: LotteryDetails


# --------------------------------------------------------------------------------------------
# Feasibility


def _feature_checks(
    pool: Sequence[Volunteer], quotas: Sequence[Quota], k: int, household: bool
) -> list[Infeasibility]:
    issues: list[Infeasibility] = []
    by_feature: dict[str, list[Quota]] = {}
    for quota in quotas:
        by_feature.setdefault(quota.feature, []).append(quota)
    for feature, feature_quotas in sorted(by_feature.items()):
        quoted = {q.value for q in feature_quotas}
        missing = [v.id for v in pool if feature not in v.features]
        if missing:
            issues.append(
                Infeasibility(
                    "missing_value",
                    f"{len(missing)} volunteer(s) have no value for feature {feature!r} "
                    f"(first: {missing[0]!r})",
                    feature=feature,
                    amount=len(missing),
                )
            )
        counts = Counter(v.features[feature] for v in pool if feature in v.features)
        for value, count in sorted(counts.items()):
            if value not in quoted:
                issues.append(
                    Infeasibility(
                        "value_without_quota",
                        f"value {value!r} of feature {feature!r} has no quota "
                        f"({count} volunteer(s) have it); add a quota row (min 0 to exclude them)",
                        feature=feature,
                        value=value,
                        amount=count,
                    )
                )
        # How many people with each value could sit together on one panel.
        reachable: dict[str, int] = {}
        for value in quoted:
            holders = [v for v in pool if v.features.get(feature) == value]
            if household:
                reachable[value] = len({_household_key(v) for v in holders})
            else:
                reachable[value] = len(holders)
        for quota in sorted(feature_quotas, key=lambda q: q.value):
            available = reachable[quota.value]
            if available == 0 and quota.min > 0:
                issues.append(
                    Infeasibility(
                        "absent_value",
                        f"no volunteer has value {quota.value!r} of feature {feature!r}, but its "
                        f"quota asks for at least {quota.min}: short by {quota.min}",
                        feature=feature,
                        value=quota.value,
                        amount=quota.min,
                    )
                )
            elif available < quota.min:
                short = quota.min - available
                where = _count(available, "household" if household else "volunteer")
                issues.append(
                    Infeasibility(
                        "short",
                        f"quota {feature!r}={quota.value!r} asks for at least {quota.min} but only "
                        f"{where} have that value: short by {short}",
                        feature=feature,
                        value=quota.value,
                        amount=short,
                    )
                )
        total_min = sum(q.min for q in feature_quotas)
        if total_min > k:
            issues.append(
                Infeasibility(
                    "mins_above_size",
                    f"the minimums of feature {feature!r} add up to {total_min}, more than the "
                    f"panel size {k}: over by {total_min - k}",
                    feature=feature,
                    amount=total_min - k,
                )
            )
        total_max = sum(min(q.max, reachable[q.value]) for q in feature_quotas)
        if total_max < k:
            issues.append(
                Infeasibility(
                    "maxes_below_size",
                    f"the maximums of feature {feature!r}, capped by the volunteers who have each "
                    f"value, add up to {total_max}, less than the panel size {k}: "
                    f"short by {k - total_max}",
                    feature=feature,
                    amount=k - total_max,
                )
            )
    return issues


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _household_key(volunteer: Volunteer) -> tuple[bool, str]:
    # A volunteer without a household is a household of their own.
    if volunteer.household is None:
        return (False, volunteer.id)
    return (True, volunteer.household)


def check_feasibility(
    pool: Sequence[Volunteer],
    quotas: Sequence[Quota],
    k: int,
    household: bool = False,
    *,
    keep: Sequence[str] = (),
) -> list[Infeasibility]:
    """Explain, before any draw, why no panel could meet the quotas (empty list: feasible).

    Simple counting checks come first, each naming the quota and by how much it fails. A value
    of a quoted feature without a quota row is an error rather than an implicit max 0: an
    unquoted value is far more often a spelling slip than a wish to exclude people, and an
    explicit row with max 0 says the latter. If the simple checks pass but the quotas still
    cannot hold together, the integer programme is relaxed (slack on every quota bound, total
    slack minimised with HiGHS) and each quota that needed slack is reported with the amount.
    `keep` lists people who must be on the panel (used for replacements).
    """
    issues: list[Infeasibility] = []
    if k < 1:
        issues.append(Infeasibility("size", f"the panel size must be at least 1, not {k}"))
        return issues
    ids = Counter(v.id for v in pool)
    duplicates = sorted(i for i, c in ids.items() if c > 1)
    if duplicates:
        issues.append(
            Infeasibility(
                "duplicate_id",
                f"{len(duplicates)} id(s) appear more than once in the pool "
                f"(first: {duplicates[0]!r})",
                amount=len(duplicates),
            )
        )
    keys = Counter((q.feature, q.value) for q in quotas)
    for (feature, value), count in sorted(keys.items()):
        if count > 1:
            issues.append(
                Infeasibility(
                    "duplicate_quota",
                    f"quota {feature!r}={value!r} is given {count} times",
                    feature=feature,
                    value=value,
                )
            )
    for quota in canonical_quotas(quotas):
        if quota.min < 0 or quota.max < 0:
            issues.append(
                Infeasibility(
                    "negative",
                    f"quota {quota.feature!r}={quota.value!r} has a negative bound",
                    feature=quota.feature,
                    value=quota.value,
                )
            )
        elif quota.min > quota.max:
            issues.append(
                Infeasibility(
                    "min_above_max",
                    f"quota {quota.feature!r}={quota.value!r} has min {quota.min} above max "
                    f"{quota.max}: over by {quota.min - quota.max}",
                    feature=quota.feature,
                    value=quota.value,
                    amount=quota.min - quota.max,
                )
            )
    unknown = sorted(set(keep) - set(ids))
    if unknown:
        issues.append(Infeasibility("unknown_member", f"{unknown[0]!r} is not in the pool"))
    if issues:
        return issues
    seats = len({_household_key(v) for v in pool}) if household else len(pool)
    if seats < k:
        where = _count(seats, "household" if household else "volunteer")
        issues.append(
            Infeasibility(
                "pool_too_small",
                f"the pool has {where}, fewer than the panel size {k}: short by {k - seats}",
                amount=k - seats,
            )
        )
    issues.extend(_feature_checks(pool, quotas, k, household))
    if issues:
        return issues
    problem = build_problem(pool, quotas, k, household=household, forced=keep)
    finder = _panels.PanelFinder(problem, abs_gap=1e-9)
    panel, _, _, _ = finder.best(np.zeros(problem.n), _panels.Deadline(None))
    if panel is None:
        issues.extend(_relaxation(problem))
    return issues


def _relaxation(problem: Problem) -> list[Infeasibility]:
    """Which quotas must give, and by how much, for some panel to exist."""
    model = _panels.new_highs()
    n, nq = problem.n, len(problem.quotas)
    lower = np.zeros(n)
    lower[sorted(problem.forced)] = 1.0
    model.addVars(n, lower, np.ones(n))
    cols = np.arange(n, dtype=np.int32)
    model.changeColsIntegrality(
        n, cols, np.full(n, highspy.HighsVarType.kInteger.value, dtype=np.uint8)
    )
    # Slack columns: below[q] lets quota q's count fall short of its min, above[q] lets it
    # exceed its max. Each unit of slack is one person too few or too many.
    model.addVars(2 * nq, np.zeros(2 * nq), np.full(2 * nq, _panels.INF))
    model.changeColsCost(2 * nq, np.arange(n, n + 2 * nq, dtype=np.int32), np.ones(2 * nq))
    model.addRow(problem.k, problem.k, n, cols, np.ones(n))
    for q, quota in enumerate(problem.quotas):
        members = np.flatnonzero(problem.incidence[:, q]).astype(np.int32)
        ones = np.ones(len(members))
        model.addRow(
            quota.min,
            _panels.INF,
            len(members) + 1,
            np.append(members, n + q),
            np.append(ones, 1.0),
        )
        model.addRow(
            -_panels.INF,
            quota.max,
            len(members) + 1,
            np.append(members, n + nq + q),
            np.append(ones, -1.0),
        )
    for group in problem.households:
        model.addRow(
            -_panels.INF, 1.0, len(group), np.array(group, dtype=np.int32), np.ones(len(group))
        )
    model.changeObjectiveSense(highspy.ObjSense.kMinimize)
    model.run()
    if model.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return [
            Infeasibility(
                "integer_programme",
                "no panel of this size exists even with every quota relaxed "
                "(check the household rule and the members to keep)",
            )
        ]
    slack = np.asarray(model.getSolution().col_value)[n:]
    issues = [
        Infeasibility(
            "integer_programme",
            f"each quota can be met on its own, but no panel of {problem.k} meets them all "
            f"together; the smallest relaxation needs {round(float(slack.sum()))} change(s)",
            amount=round(float(slack.sum())),
        )
    ]
    for q, quota in enumerate(problem.quotas):
        short, over = round(float(slack[q])), round(float(slack[nq + q]))
        if short > 0:
            issues.append(
                Infeasibility(
                    "relax_min",
                    f"quota {quota.feature!r}={quota.value!r}: "
                    f"lower its min {quota.min} by {short}",
                    feature=quota.feature,
                    value=quota.value,
                    amount=short,
                )
            )
        if over > 0:
            issues.append(
                Infeasibility(
                    "relax_max",
                    f"quota {quota.feature!r}={quota.value!r}: raise its max {quota.max} by {over}",
                    feature=quota.feature,
                    value=quota.value,
                    amount=over,
                )
            )
    return issues


def _require_feasible(
    pool: Sequence[Volunteer],
    quotas: Sequence[Quota],
    k: int,
    household: bool,
    keep: Sequence[str] = (),
) -> Problem:
    issues = check_feasibility(pool, quotas, k, household, keep=keep)
    if issues:
        raise InfeasibleQuotasError(issues)
    return build_problem(pool, quotas, k, household=household, forced=keep)


# --------------------------------------------------------------------------------------------
# Distributions


def _distribution(problem: Problem, solution: _colgen.Solution, method: str) -> Distribution:
    selection = {volunteer_id: 0.0 for volunteer_id in problem.ids}
    for i, p in enumerate(solution.selection):
        selection[problem.ids[i]] = float(p)
    return Distribution(
        panels=[problem.panel_ids(panel) for panel in solution.panels],
        probabilities=[float(p) for p in solution.probabilities],
        selection_probability=selection,
        method=method,
        complete=solution.complete,
        levels=tuple(solution.levels),
        zero_probability=tuple(problem.ids[i] for i in solution.excluded),
        stats=dict(solution.stats),
    )


def leximin(
    pool: Sequence[Volunteer],
    quotas: Sequence[Quota],
    k: int,
    household: bool = False,
    *,
    tolerance: float = 1e-6,
    time_limit: float | None = None,
) -> Distribution:
    """The LEXIMIN distribution over feasible panels (column generation, see `panels`).

    Raises `InfeasibleQuotasError` (with explanations) if no panel meets the quotas.
    """
    problem = _require_feasible(pool, quotas, k, household)
    solution = _colgen.solve(problem, leximin=True, tolerance=tolerance, time_limit=time_limit)
    return _distribution(problem, solution, "leximin")


def maximin(
    pool: Sequence[Volunteer],
    quotas: Sequence[Quota],
    k: int,
    household: bool = False,
    *,
    tolerance: float = 1e-6,
    time_limit: float | None = None,
) -> Distribution:
    """A MAXIMIN distribution: the smallest selection probability is as large as possible.

    Only the first LEXIMIN level is optimised. The other probabilities are those of one
    optimal vertex of the final LP over the panels generated: each is at least the maximin
    value, but nothing more is promised (they can be needlessly unequal), which is the reason
    to prefer `leximin`.
    """
    problem = _require_feasible(pool, quotas, k, household)
    solution = _colgen.solve(problem, leximin=False, tolerance=tolerance, time_limit=time_limit)
    return _distribution(problem, solution, "maximin")


# --------------------------------------------------------------------------------------------
# Greedy


def greedy(
    pool: Sequence[Volunteer],
    quotas: Sequence[Quota],
    k: int,
    rng: random.Random,
    *,
    household: bool = False,
    attempts: int = 100,
) -> frozenset[str]:
    """One panel drawn by the greedy stratified draw (algorithm in `greedy`'s module doc)."""
    problem = _require_feasible(pool, quotas, k, household)
    return problem.panel_ids(_greedy.greedy_panel(problem, rng, attempts))


def estimate_greedy_probabilities(
    pool: Sequence[Volunteer],
    quotas: Sequence[Quota],
    k: int,
    runs: int,
    seed: int,
    *,
    household: bool = False,
) -> dict[str, float]:
    """Selection probabilities of the greedy draw, estimated by `runs` draws from `seed`."""
    problem = _require_feasible(pool, quotas, k, household)
    # A public seed and a reproducible generator are the point here, not secrecy.
    estimate, _ = _greedy.estimate(problem, runs, random.Random(seed))  # noqa: S311
    return {volunteer_id: float(p) for volunteer_id, p in zip(problem.ids, estimate, strict=True)}


# --------------------------------------------------------------------------------------------
# Draws


def _check_seed(seed: int) -> None:
    # bool is an int in Python; a seed of True is a bug, not a published number.
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DrawError(f"the seed must be a non-negative integer, not {seed!r}")


def _lottery_draw(
    distribution: Distribution, seed: int, m: int
) -> tuple[tuple[str, ...], dict[str, float], LotteryDetails]:
    lottery = _lottery.round_to_lottery(distribution.panels, distribution.probabilities, m)
    slot = _lottery.slot_for_seed(seed, m)
    probabilities = dict.fromkeys(distribution.selection_probability, 0.0)
    probabilities.update(lottery.selection_probability)
    details = LotteryDetails(
        m=m, slot=slot, panels_in_lottery=len(lottery.counts), max_deviation=lottery.max_deviation
    )
    return lottery.slot(slot), probabilities, details


def draw(
    pool: Sequence[Volunteer],
    quotas: Sequence[Quota],
    k: int,
    *,
    method: str = "leximin",
    seed: int,
    household: bool = False,
    m: int = _lottery.DEFAULT_SLOTS,
    greedy_runs: int = GREEDY_RUNS,
    tolerance: float = 1e-6,
    time_limit: float | None = None,
) -> DrawResult:
    """Draw one panel, reproducibly from `seed`.

    LEXIMIN and MAXIMIN: compute the distribution, round it to a lottery over `m` slots and
    take slot 1 + (seed mod m). Greedy: one greedy draw with `random.Random(seed)`; its
    probabilities are estimated from `greedy_runs` further draws with `random.Random(seed + 1)`.
    A draw must be re-runnable, and a computation cut by a time limit depends on the
    machine's speed, so a LEXIMIN that does not finish within `time_limit` is an error.
    """
    _check_seed(seed)
    if method not in METHODS:
        raise DrawError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if method == "greedy":
        problem = _require_feasible(pool, quotas, k, household)
        # A public seed and a reproducible generator are the point here, not secrecy.
        rng = random.Random(seed)  # noqa: S311
        panel = problem.panel_ids(_greedy.greedy_panel(problem, rng))
        estimator = random.Random(seed + 1)  # noqa: S311
        estimate, distinct = _greedy.estimate(problem, greedy_runs, estimator)
        probabilities = {i: float(p) for i, p in zip(problem.ids, estimate, strict=True)}
        return DrawResult(
            panel=tuple(sorted(panel)),
            probabilities=probabilities,
            min_probability=min(probabilities.values()),
            panels_in_distribution=distinct,
            seed=seed,
            method="greedy",
        )
    solve = leximin if method == "leximin" else maximin
    distribution = solve(pool, quotas, k, household, tolerance=tolerance, time_limit=time_limit)
    if not distribution.complete:
        raise DrawError(
            f"{method} did not finish within the time limit; a draw must be reproducible, so "
            "it needs a finished computation (raise or remove the time limit)"
        )
    chosen, probabilities, details = _lottery_draw(distribution, seed, m)
    return DrawResult(
        panel=chosen,
        probabilities=probabilities,
        min_probability=min(probabilities.values()),
        panels_in_distribution=len(distribution.panels),
        seed=seed,
        method=method,
        lottery=details,
        distribution=distribution,
    )


def replace(
    pool: Sequence[Volunteer],
    quotas: Sequence[Quota],
    k: int,
    panel: Iterable[str],
    declined: Iterable[str],
    seed: int,
    household: bool = False,
    *,
    m: int = _lottery.DEFAULT_SLOTS,
    tolerance: float = 1e-6,
) -> Replacement:
    """Draw replacements for the members who declined, keeping every quota.

    Rule: the members who accepted stay; the decliners leave the pool; among all panels of size
    k that contain everyone who stays and meet every quota (and the household rule), take the
    LEXIMIN distribution, which makes the candidates' chances of being called as even as the
    quotas allow, round it to a lottery of `m` slots and take slot 1 + (seed mod m), exactly as
    for the first draw. Pass every decliner so far in `declined` when replacing again.
    """
    _check_seed(seed)
    members = list(dict.fromkeys(panel))
    gone = list(dict.fromkeys(declined))
    if not gone:
        raise DrawError("nobody declined: there is nobody to replace")
    outsiders = [i for i in gone if i not in members]
    if outsiders:
        raise DrawError(f"{outsiders[0]!r} declined but is not on the panel")
    if len(members) != k:
        raise DrawError(f"the panel has {len(members)} members, not {k}")
    kept = [i for i in members if i not in set(gone)]
    remaining = [v for v in pool if v.id not in set(gone)]
    problem = _require_feasible(remaining, quotas, k, household, keep=kept)
    solution = _colgen.solve(problem, leximin=True, tolerance=tolerance)
    distribution = _distribution(problem, solution, "leximin")
    new_panel, probabilities, details = _lottery_draw(distribution, seed, m)
    on_panel = set(members)
    return Replacement(
        panel=new_panel,
        added=tuple(sorted(set(new_panel) - set(kept))),
        declined=tuple(sorted(gone)),
        kept=tuple(sorted(kept)),
        probabilities={i: p for i, p in probabilities.items() if i not in on_panel},
        seed=seed,
        lottery=details,
    )
