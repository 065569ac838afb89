"""Run a draw from the texts of the input files to a JSON-ready report (pure, no Django).

The `draw` management command is a thin shell around `run_draw`, so that everything it does can
be tested without a Django project.
"""

from __future__ import annotations

import secrets
from typing import Any

from rebours.recruitment import pool_io
from rebours.recruitment.problem import DrawError
from rebours.recruitment.sortition import METHODS, draw, estimate_greedy_probabilities

# Seeds generated when none is given: large enough to be unguessable, and any value works
# with the slot rule 1 + (seed mod m).
_SEED_BOUND = 10**12


def new_seed() -> int:
    """A fresh unpredictable seed, for when the organiser does not publish one beforehand."""
    return secrets.randbelow(_SEED_BOUND)


def _rounded(value: float) -> float:
    # Probabilities of a lottery over 1000 slots are exact at 1e-9; solver noise beyond that
    # would only make the report harder to read and compare.
    return round(value, 9)


def run_draw(
    pool_text: str,
    quotas_text: str,
    *,
    size: int,
    method: str = "leximin",
    seed: int,
    household_column: str | None = None,
    greedy_runs: int = 0,
) -> dict[str, Any]:
    """Parse the inputs, draw, and describe the result as a JSON-serialisable dict.

    With `greedy_runs` > 0 (and a LEXIMIN or MAXIMIN draw), the report also compares with the
    greedy draw's smallest probability, estimated from that many draws.
    """
    if method not in METHODS:
        raise DrawError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    pool, quotas = pool_io.parse_inputs(pool_text, quotas_text, household_column=household_column)
    household = household_column is not None
    result = draw(pool, quotas, size, method=method, seed=seed, household=household)
    report: dict[str, Any] = {
        "method": result.method,
        "seed": result.seed,
        "panel": list(result.panel),
        "probabilities": {i: _rounded(p) for i, p in sorted(result.probabilities.items())},
        "min_probability": _rounded(result.min_probability),
        "panels_in_distribution": result.panels_in_distribution,
        "pool_size": len(pool),
        "panel_size": size,
        "household_column": household_column,
        "solver": result.solver,
    }
    if result.lottery is not None:
        report["lottery"] = {
            "m": result.lottery.m,
            "slot": result.lottery.slot,
            "rule": result.lottery.rule,
            "panels_in_lottery": result.lottery.panels_in_lottery,
            "max_deviation": _rounded(result.lottery.max_deviation),
        }
    if result.distribution is not None:
        distribution = result.distribution
        report["distribution_min_probability"] = _rounded(distribution.min_probability)
        report["zero_probability"] = list(distribution.zero_probability)
    if greedy_runs > 0 and method != "greedy":
        estimate = estimate_greedy_probabilities(
            pool, quotas, size, greedy_runs, seed, household=household
        )
        report["greedy_comparison"] = {
            "runs": greedy_runs,
            "min_probability": _rounded(min(estimate.values())),
        }
    return report
