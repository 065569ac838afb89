"""The computations behind a draw, from its stored snapshot: no database writes.

`compute_draw` is what the background job runs and what a re-run repeats; `compute_replacement`
draws replacements; `replay` re-runs a draw and every replacement after it. All of them start
from the bundle's own CSV texts (see snapshot.py), so the page, the re-run and `rebours draw` on
the downloaded bundle compute from identical inputs.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from rebours.recruitment import pool_io, queries, snapshot
from rebours.recruitment.drawing import run_draw
from rebours.recruitment.explain import explain
from rebours.recruitment.models import Draw, Method, Replacement
from rebours.recruitment.models import Volunteer as VolunteerRow
from rebours.recruitment.sortition import (
    Quota,
    Volunteer,
    check_feasibility,
    estimate_greedy_probabilities,
    replace,
)
from rebours.workshops.models import Workshop

# Greedy draws behind the comparison curve of a LEXIMIN or MAXIMIN draw: enough for a chart
# (each estimate within a few points), few enough to take seconds on the demo's pool.
DEFAULT_GREEDY_RUNS = 300


def greedy_runs() -> int:
    return int(getattr(settings, "RECRUITMENT_GREEDY_RUNS", DEFAULT_GREEDY_RUNS))


def _rounded(value: float) -> float:
    return round(value, 9)


@dataclass(frozen=True)
class Inputs:
    pool_text: str
    quotas_text: str
    household_column: str | None
    pool: list[Volunteer]
    quotas: list[Quota]


def inputs(draw: Draw) -> Inputs:
    """The draw's files as the bundle holds them, and parsed as the draw command parses them."""
    features = snapshot.draw_features(draw.quotas)
    pool_text = snapshot.pool_csv(draw.pool, features, household=draw.household)
    quotas_text = snapshot.quotas_csv(draw.quotas)
    column = snapshot.HOUSEHOLD_COLUMN if draw.household else None
    pool, quotas = pool_io.parse_inputs(pool_text, quotas_text, household_column=column)
    return Inputs(pool_text, quotas_text, column, pool, quotas)


def compute_draw(draw: Draw) -> tuple[dict[str, Any], dict[str, float]]:
    """(the report `rebours draw` prints, greedy selection probabilities for the comparison)."""
    given = inputs(draw)
    seed = pool_io.parse_seed(draw.seed)
    report = run_draw(
        given.pool_text,
        given.quotas_text,
        size=draw.size,
        method=draw.method,
        seed=seed,
        household_column=given.household_column,
    )
    if draw.method == Method.GREEDY:
        greedy = dict(report["probabilities"])
    else:
        estimate = estimate_greedy_probabilities(
            given.pool, given.quotas, draw.size, greedy_runs(), seed, household=draw.household
        )
        greedy = {i: _rounded(p) for i, p in sorted(estimate.items())}
    return report, greedy


@dataclass(frozen=True)
class ReplacementResult:
    panel: list[str]
    added: list[str]
    kept: list[str]
    probabilities: dict[str, float]
    lottery: dict[str, Any]


def compute_replacement(
    draw: Draw,
    *,
    panel: Sequence[str],
    declined: Sequence[str],
    excluded: Sequence[str],
    seed: str,
) -> ReplacementResult:
    """Replacements for `declined` (members of `panel`), keeping every quota.

    `excluded` are the people who declined in earlier rounds: they leave the pool here. The pure
    `replace` only removes the decliners it is given, and those must be on the panel it is
    given; passing the current panel and leaving earlier decliners out of the pool keeps them
    from being drawn back in.
    """
    given = inputs(draw)
    gone = set(excluded)
    pool = [v for v in given.pool if v.id not in gone]
    result = replace(
        pool,
        given.quotas,
        draw.size,
        list(panel),
        list(declined),
        pool_io.parse_seed(seed),
        draw.household,
    )
    lottery = result.lottery
    return ReplacementResult(
        panel=list(result.panel),
        added=list(result.added),
        kept=list(result.kept),
        probabilities={i: _rounded(p) for i, p in sorted(result.probabilities.items())},
        lottery={
            "m": lottery.m,
            "slot": lottery.slot,
            "rule": lottery.rule,
            "panels_in_lottery": lottery.panels_in_lottery,
            "max_deviation": _rounded(lottery.max_deviation),
        },
    )


def replay(draw: Draw, replacements: Sequence[Replacement]) -> dict[str, Any]:
    """Recompute the draw and its replacements from the snapshot; say whether each matches."""
    report, _greedy = compute_draw(draw)
    panel = list(report["panel"])
    steps: list[dict[str, Any]] = [{"what": "draw", "panel": panel, "matches": panel == draw.panel}]
    current = draw.panel
    excluded: list[str] = []
    for replacement in replacements:
        again = compute_replacement(
            draw,
            panel=current,
            declined=replacement.declined,
            excluded=excluded,
            seed=replacement.seed,
        )
        steps.append(
            {
                "what": "replacement",
                "position": replacement.position,
                "panel": again.panel,
                "matches": again.panel == list(replacement.panel),
            }
        )
        current = list(replacement.panel)
        excluded += list(replacement.declined)
    return {"steps": steps, "matches": all(step["matches"] for step in steps)}


@dataclass(frozen=True)
class DrawInputs:
    pool: list[dict[str, Any]]
    quotas: list[dict[str, Any]]
    issues: list[str]


def prepare_draw(workshop: Workshop, *, size: int, household: bool) -> DrawInputs:
    """The snapshot a draw would take now, and why the quotas cannot be met (empty if they can).

    Reads only: the draw page calls it to explain infeasible quotas before anyone draws.
    """
    rules = queries.quotas(workshop)
    everyone = list(VolunteerRow.objects.filter(workshop=workshop))
    pool_rows = snapshot.eligible(everyone, today=queries.today())
    pool = snapshot.pool_snapshot(pool_rows, snapshot.features_of(rules), household=household)
    quotas = snapshot.quota_snapshot(rules, pool, size)
    if not rules:
        return DrawInputs(pool, quotas, [_("There are no quotas yet.")])
    if not pool:
        return DrawInputs(pool, quotas, [_("Nobody in the pool may be drawn yet.")])
    names = {v.pseudonym: v.name for v in pool_rows}
    found = check_feasibility(*snapshot.to_pure(pool, quotas), size, household)
    issues = [
        explain(issue, quotas=quotas, pool=pool, size=size, names=names, household=household)
        for issue in found
    ]
    return DrawInputs(pool, quotas, issues)
