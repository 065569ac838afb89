"""Benchmark our LEXIMIN and MAXIMIN against sortition-algorithms' MAXIMIN and the greedy draw.

    python bench/sortition.py [--sizes 200,1000,2000] [--time-limit SECONDS] [--greedy-runs N]
                              [--json]

For each pool size, a seeded pool is generated (5 to 7 features, about 20 quota values, the pool
skewed away from the population the quotas describe, as volunteer pools are), then timed:
our LEXIMIN, our MAXIMIN, sortition-algorithms' MAXIMIN (in a child process, killed at the time
limit), and the greedy draw's smallest selection probability, estimated from repeated draws.
Smallest probabilities are over the volunteers who are in at least one feasible panel.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from rebours.recruitment import column_generation
from rebours.recruitment import greedy as greedy_module
from rebours.recruitment.problem import Quota, Volunteer, build_problem
from rebours.recruitment.sortition import check_feasibility

# Feature: (values, population shares %, pool shares %). Volunteer pools over-represent the
# educated, the old and the urban: that is what makes quotas, and fairness, hard.
FEATURES: dict[str, tuple[list[str], list[int], list[int]]] = {
    "gender": (["woman", "man", "other"], [50, 48, 2], [54, 44, 2]),
    "age": (["16-29", "30-44", "45-64", "65+"], [22, 25, 32, 21], [12, 22, 36, 30]),
    "education": (["none", "secondary", "degree"], [35, 40, 25], [15, 35, 50]),
    "urbanity": (["urban", "rural"], [70, 30], [78, 22]),
    "region": (["north", "south", "east", "west"], [20, 30, 25, 25], [15, 35, 30, 20]),
    "employment": (["working", "unemployed", "retired"], [55, 10, 35], [50, 8, 42]),
    "tenure": (["owner", "renter"], [58, 42], [66, 34]),
}

CORRELATED = {"employment": "retired", "tenure": "owner"}

# Pool size: (panel size, number of features).
CASES = {200: (20, 5), 1000: (60, 6), 2000: (110, 7)}


def generate(n: int, k: int, n_features: int, seed: int) -> tuple[list[Volunteer], list[Quota]]:
    rng = random.Random(seed)
    names = list(FEATURES)[:n_features]
    pool = []
    for i in range(n):
        values = {}
        for name in names:
            options, _, pool_share = FEATURES[name]
            weights = list(pool_share)
            # A little correlation, as in real pools: the old are more often retired owners.
            if values.get("age") == "65+" and name in CORRELATED:
                weights[options.index(CORRELATED[name])] *= 4
            values[name] = rng.choices(options, weights)[0]
        pool.append(Volunteer(f"v{i:05d}", values, None))
    quotas = []
    for name in names:
        options, population, _ = FEATURES[name]
        slack = max(1, round(0.04 * k))
        for value, share in zip(options, population, strict=True):
            target = share / 100 * k
            quotas.append(
                Quota(name, value, max(0, int(target) - slack), int(np.ceil(target)) + slack)
            )
    return pool, quotas


def _their_maximin(pool: list[Volunteer], quotas: list[Quota], k: int, out: Any) -> None:
    """Run sortition-algorithms' MAXIMIN in a child process; put (seconds, marginals)."""
    # It logs to stdout (and HiGHS prints its banner): keep our stdout for the results.
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from requests.structures import CaseInsensitiveDict
    from sortition_algorithms.committee_generation import find_distribution_maximin
    from sortition_algorithms.features import FeatureValueMinMax
    from sortition_algorithms.people import People

    features: Any = CaseInsensitiveDict()
    for quota in quotas:
        features.setdefault(quota.feature, CaseInsensitiveDict())
        features[quota.feature][quota.value] = FeatureValueMinMax(min=quota.min, max=quota.max)
    people = People(columns_to_keep=[])
    for row, volunteer in enumerate(pool, start=2):
        people.add(volunteer.id, dict(volunteer.features), features, row)
    started = time.monotonic()
    committees, probabilities, _ = find_distribution_maximin(features, people, k, [])
    seconds = time.monotonic() - started
    marginals: dict[str, float] = {}
    for committee, p in zip(committees, probabilities, strict=True):
        for person in committee:
            marginals[person] = marginals.get(person, 0.0) + p
    out.put((seconds, marginals, len([p for p in probabilities if p > 0])))


def their_maximin(
    pool: list[Volunteer], quotas: list[Quota], k: int, time_limit: float
) -> tuple[float | None, dict[str, float] | None, int | None]:
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    child = context.Process(target=_their_maximin, args=(pool, quotas, k, out), daemon=True)
    child.start()
    try:
        seconds, marginals, support = out.get(timeout=time_limit)
    except queue.Empty:
        child.kill()
        child.join()
        return None, None, None
    child.join()
    return seconds, marginals, support


def run_case(n: int, time_limit: float, greedy_runs: int, seed: int) -> dict[str, Any]:
    k, n_features = CASES.get(n, (max(10, n // 20), 6))
    pool, quotas = generate(n, k, n_features, seed)
    issues = check_feasibility(pool, quotas, k)
    if issues:
        raise SystemExit(f"generated instance n={n} is infeasible: {issues[0].message}")
    problem = build_problem(pool, quotas, k)
    row: dict[str, Any] = {
        "pool": n,
        "panel": k,
        "features": n_features,
        "quota_values": len(quotas),
        "seed": seed,
        "time_limit": time_limit,
    }
    lex = column_generation.solve(problem, leximin=True, time_limit=time_limit)
    reachable = [i for i in range(problem.n) if i not in set(lex.excluded)]
    row["zero_probability"] = len(lex.excluded)
    row["leximin_seconds"] = round(lex.stats["seconds"], 2)
    row["leximin_complete"] = lex.complete
    row["leximin_levels"] = len(lex.levels)
    row["leximin_min"] = float(lex.selection[reachable].min())
    row["leximin_panels"] = len(lex.panels)
    row["leximin_mip_solves"] = int(lex.stats["mip_solves"])
    row["leximin_lp_solves"] = int(lex.stats["lp_solves"])
    mx = column_generation.solve(problem, leximin=False, time_limit=time_limit)
    row["maximin_seconds"] = round(mx.stats["seconds"], 2)
    row["maximin_complete"] = mx.complete
    row["maximin_min"] = float(mx.selection[reachable].min())
    row["maximin_panels"] = len(mx.panels)
    seconds, marginals, support = their_maximin(pool, quotas, k, time_limit)
    row["theirs_seconds"] = None if seconds is None else round(seconds, 2)
    row["theirs_min"] = (
        None if marginals is None else min(marginals.get(problem.ids[i], 0.0) for i in reachable)
    )
    row["theirs_panels"] = support
    if seconds:
        row["ratio_maximin"] = round(mx.stats["seconds"] / seconds, 2)
        row["ratio_leximin"] = round(lex.stats["seconds"] / seconds, 2)
    started = time.monotonic()
    estimate, _ = greedy_module.estimate(problem, greedy_runs, random.Random(seed))
    row["greedy_runs"] = greedy_runs
    row["greedy_seconds"] = round(time.monotonic() - started, 2)
    row["greedy_min"] = float(estimate[reachable].min())
    row["greedy_never_selected"] = int(np.sum(estimate[reachable] == 0))
    return row


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'pool':>5} {'k':>4} {'feat':>4} | {'lex s':>8} {'lex min':>8} {'levels':>6} | "
        f"{'max s':>8} {'max min':>8} | {'their s':>8} {'their min':>9} | "
        f"{'ours/theirs':>11} {'lex/theirs':>10} | {'greedy min':>10} {'runs':>5}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        lex_s = _fmt(row["leximin_seconds"], 1) + ("" if row["leximin_complete"] else "*")
        max_s = _fmt(row["maximin_seconds"], 1) + ("" if row["maximin_complete"] else "*")
        their_s = _fmt(row["theirs_seconds"], 1) if row["theirs_seconds"] is not None else "timeout"
        print(
            f"{row['pool']:>5} {row['panel']:>4} {row['features']:>4} | {lex_s:>8} "
            f"{_fmt(row['leximin_min']):>8} {row['leximin_levels']:>6} | {max_s:>8} "
            f"{_fmt(row['maximin_min']):>8} | {their_s:>8} {_fmt(row['theirs_min']):>9} | "
            f"{_fmt(row.get('ratio_maximin'), 2):>11} {_fmt(row.get('ratio_leximin'), 2):>10} | "
            f"{_fmt(row['greedy_min']):>10} {row['greedy_runs']:>5}"
        )
    print("* stopped by the time limit: the distribution is valid but not proven optimal")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,1000,2000", help="comma-separated pool sizes")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per solve")
    parser.add_argument("--greedy-runs", type=int, default=300, help="greedy draws per pool")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    rows = []
    for n in sizes:
        row = run_case(n, args.time_limit, args.greedy_runs, args.seed)
        rows.append(row)
        if args.json:
            print(json.dumps(row), flush=True)
    if not args.json:
        print_table(rows)


if __name__ == "__main__":
    main()
