"""LEXIMIN panels: hand-worked examples, invariants, determinism, infeasibility, replacements."""

import random
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import highspy
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebours.recruitment import greedy as greedy_module
from rebours.recruitment.lottery import round_to_lottery, slot_for_seed
from rebours.recruitment.problem import build_problem
from rebours.recruitment.sortition import (
    DrawError,
    InfeasibleQuotasError,
    Quota,
    Volunteer,
    check_feasibility,
    draw,
    estimate_greedy_probabilities,
    greedy,
    leximin,
    maximin,
    replace,
)

REPO = Path(__file__).resolve().parents[2]
TOL = 1e-6


def person(volunteer_id, household=None, **features):
    return Volunteer(volunteer_id, features, household)


def assert_valid(distribution, pool, quotas, k, household=False):
    """Every panel meets every quota; probabilities sum to one; selections sum to k."""
    problem = build_problem(pool, quotas, k, household=household)
    index = {volunteer_id: i for i, volunteer_id in enumerate(problem.ids)}
    for panel in distribution.panels:
        assert problem.meets_quotas([index[i] for i in panel]), sorted(panel)
    assert all(p > 0 for p in distribution.probabilities)
    assert sum(distribution.probabilities) == pytest.approx(1.0, abs=1e-9)
    assert sum(distribution.selection_probability.values()) == pytest.approx(k, abs=1e-6)
    # The reported selection probabilities are those of the panels, not of the LP levels.
    recomputed = dict.fromkeys(problem.ids, 0.0)
    for panel, p in zip(distribution.panels, distribution.probabilities, strict=True):
        for i in panel:
            recomputed[i] += p
    for i, p in recomputed.items():
        assert distribution.selection_probability[i] == pytest.approx(p, abs=1e-9)


# ------------------------------------------------------------------------------------------
# Hand-worked examples


WOMEN_MEN = [
    person("a", gender="woman"),
    person("b", gender="woman"),
    person("c", gender="man"),
    person("d", gender="man"),
]
ONE_EACH = [Quota("gender", "woman", 1, 1), Quota("gender", "man", 1, 1)]


def test_two_women_two_men_one_each():
    # Every panel is one woman and one man: four panels. By symmetry everyone can get 1/2,
    # and nobody can get more since each gender has one seat for two people.
    result = leximin(WOMEN_MEN, ONE_EACH, 2)
    assert_valid(result, WOMEN_MEN, ONE_EACH, 2)
    for p in result.selection_probability.values():
        assert p == pytest.approx(0.5, abs=TOL)


def test_one_woman_required_among_four():
    # Pool: one woman w and three men; panel of 2 with exactly one woman and one man. The woman
    # is on every panel (probability 1); the men share the other seat: 1/3 each. Sum = 2.
    pool = [person("w", gender="woman")] + [person(f"m{j}", gender="man") for j in range(3)]
    result = leximin(pool, ONE_EACH, 2)
    assert_valid(result, pool, ONE_EACH, 2)
    assert result.selection_probability["w"] == pytest.approx(1.0, abs=TOL)
    for j in range(3):
        assert result.selection_probability[f"m{j}"] == pytest.approx(1 / 3, abs=TOL)


def test_two_features_interacting():
    # w1 young woman, w2 old woman, m1 young man, m2 and m3 old men. Panel of 2: one woman,
    # one man, at least one young, at most one old. Feasible panels: w1m1, w1m2, w1m3, w2m1
    # (w2m2 and w2m3 have two old people). With probabilities a, b, c, d for these panels:
    # P(w2) = d, P(m2) = b, P(m3) = c, P(m1) = a + d, P(w1) = a + b + c.
    # b + c + d <= 1, so min(b, c, d) <= 1/3: the maximin level is 1/3, reached only with
    # b = c = d = 1/3 and a = 0, which gives m1 = 1/3 too and w1 = 2/3. LEXIMIN is forced.
    pool = [
        person("w1", gender="woman", age="young"),
        person("w2", gender="woman", age="old"),
        person("m1", gender="man", age="young"),
        person("m2", gender="man", age="old"),
        person("m3", gender="man", age="old"),
    ]
    quotas = [*ONE_EACH, Quota("age", "young", 1, 2), Quota("age", "old", 0, 1)]
    result = leximin(pool, quotas, 2)
    assert_valid(result, pool, quotas, 2)
    expected = {"w1": 2 / 3, "w2": 1 / 3, "m1": 1 / 3, "m2": 1 / 3, "m3": 1 / 3}
    for volunteer_id, p in expected.items():
        assert result.selection_probability[volunteer_id] == pytest.approx(p, abs=TOL)
    assert len(result.panels) == 3  # w1m1 has probability 0
    assert maximin(pool, quotas, 2).min_probability == pytest.approx(1 / 3, abs=TOL)


def test_second_level_is_optimised():
    # Two women and four men, one seat each. Level 1: the men can all get 1/4 and no more.
    # MAXIMIN only asks the women for >= 1/4, so (3/4, 1/4) would do; LEXIMIN raises them to
    # the second level, 1/2 each.
    pool = [person("w1", gender="woman"), person("w2", gender="woman")] + [
        person(f"m{j}", gender="man") for j in range(4)
    ]
    result = leximin(pool, ONE_EACH, 2)
    assert_valid(result, pool, ONE_EACH, 2)
    assert result.levels[0] == pytest.approx(0.25, abs=TOL)
    assert result.selection_probability["w1"] == pytest.approx(0.5, abs=TOL)
    assert result.selection_probability["w2"] == pytest.approx(0.5, abs=TOL)
    assert result.complete


def test_volunteer_in_no_feasible_panel_gets_zero():
    # The only "other" person can never be selected (max 0): probability 0, reported.
    pool = [*WOMEN_MEN, person("x", gender="other")]
    quotas = [*ONE_EACH, Quota("gender", "other", 0, 0)]
    result = leximin(pool, quotas, 2)
    assert_valid(result, pool, quotas, 2)
    assert result.zero_probability == ("x",)
    assert result.selection_probability["x"] == 0.0
    assert result.selection_probability["a"] == pytest.approx(0.5, abs=TOL)


def test_household_at_most_one():
    # a and b share a household; c lives alone. Panels of 2 without quota pressure:
    # {a, c} and {b, c} only ({a, b} is one household). c = 1, a = b = 1/2.
    pool = [
        person("a", household="h1", kind="any"),
        person("b", household="h1", kind="any"),
        person("c", kind="any"),
    ]
    quotas = [Quota("kind", "any", 0, 2)]
    result = leximin(pool, quotas, 2, household=True)
    assert_valid(result, pool, quotas, 2, household=True)
    assert result.selection_probability == pytest.approx({"a": 0.5, "b": 0.5, "c": 1.0}, abs=TOL)
    # Without the household rule, everyone gets 2/3.
    free = leximin(pool, quotas, 2)
    assert free.selection_probability == pytest.approx(dict.fromkeys("abc", 2 / 3), abs=TOL)


# ------------------------------------------------------------------------------------------
# Brute force reference: all feasible panels, LEXIMIN by one LP per level and per volunteer.


def _lp_max(panels, n, objective, lower, level_rows):
    """max objective . coverage (or z when objective is None) over distributions."""
    model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    m = len(panels)
    # Columns: lambda_P, then z.
    model.addVars(m + 1, np.zeros(m + 1), np.append(np.ones(m), 1.0))
    model.addRow(1.0, 1.0, m, np.arange(m, dtype=np.int32), np.ones(m))
    for i in range(n):
        cols = [j for j, panel in enumerate(panels) if i in panel]
        values = [1.0] * len(cols)
        if i in level_rows:
            cols.append(m)
            values.append(-1.0)
        if i in lower or i in level_rows:
            model.addRow(
                lower.get(i, 0.0),
                highspy.kHighsInf,
                len(cols),
                np.array(cols, dtype=np.int32),
                np.array(values),
            )
    cost = np.zeros(m + 1)
    if objective is None:
        cost[m] = 1.0
    else:
        for j, panel in enumerate(panels):
            cost[j] = 1.0 if objective in panel else 0.0
    model.changeColsCost(m + 1, np.arange(m + 1, dtype=np.int32), cost)
    model.changeObjectiveSense(highspy.ObjSense.kMaximize)
    model.run()
    assert model.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return model.getInfo().objective_function_value


def brute_leximin(pool, quotas, k, household=False):
    """Sorted LEXIMIN probabilities, computed without column generation."""
    problem = build_problem(pool, quotas, k, household=household)
    n = problem.n
    panels = [set(c) for c in combinations(range(n), k) if problem.meets_quotas(c)]
    reachable = set().union(*panels)
    fixed: dict[int, float] = {}
    free = set(reachable)
    while free:
        z = _lp_max(panels, n, None, fixed, free)
        # A free volunteer stays free only if some distribution keeps this level for all and
        # gives them more.
        lower = dict(fixed) | dict.fromkeys(free, z - 1e-9)
        stuck = {i for i in free if _lp_max(panels, n, i, lower, set()) <= z + 1e-7}
        for i in stuck or free:
            fixed[i] = z
        free -= stuck or free
    return sorted([fixed.get(i, 0.0) for i in range(n)])


@st.composite
def small_instances(draw_):
    """Small pools with quotas that some random 'witness' panel meets (so always feasible)."""
    n = draw_(st.integers(3, 8))
    k = draw_(st.integers(1, min(n, 4)))
    features = {"f": ["x", "y", "z"][: draw_(st.integers(2, 3))], "g": ["p", "q"]}
    use_household = draw_(st.booleans())
    pool = []
    for i in range(n):
        values = {name: draw_(st.sampled_from(options)) for name, options in features.items()}
        household = f"h{draw_(st.integers(0, n - 1))}" if use_household else None
        pool.append(Volunteer(f"v{i}", values, household))
    witness = draw_(st.permutations(range(n)))
    chosen, households = [], set()
    for i in witness:
        key = pool[i].household or pool[i].id
        if len(chosen) < k and key not in households:
            chosen.append(i)
            households.add(key)
    if len(chosen) < k:
        use_household = False
        chosen = list(witness[:k])
    quotas = []
    for name, options in features.items():
        for value in options:
            count = sum(1 for i in chosen if pool[i].features[name] == value)
            low = count - draw_(st.integers(0, count))
            high = count + draw_(st.integers(0, k - count))
            quotas.append(Quota(name, value, low, high))
    return pool, quotas, k, use_household


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_leximin_against_maximin_and_brute_force(instance):
    pool, quotas, k, household = instance
    lex = leximin(pool, quotas, k, household)
    mx = maximin(pool, quotas, k, household)
    assert_valid(lex, pool, quotas, k, household)
    assert_valid(mx, pool, quotas, k, household)
    reachable = [i for i in lex.selection_probability if i not in lex.zero_probability]
    lex_sorted = sorted(lex.selection_probability[i] for i in reachable)
    mx_sorted = sorted(mx.selection_probability[i] for i in reachable)
    # LEXIMIN's minimum is MAXIMIN's, and LEXIMIN's sorted vector is lexicographically >=.
    assert lex_sorted[0] == pytest.approx(mx_sorted[0], abs=TOL)
    for a, b in zip(lex_sorted, mx_sorted, strict=True):
        if abs(a - b) > TOL:
            assert a > b
            break
    # And it is the LEXIMIN computed without column generation.
    expected = brute_leximin(pool, quotas, k, household)
    assert sorted(lex.selection_probability.values()) == pytest.approx(expected, abs=1e-5)


# ------------------------------------------------------------------------------------------
# Larger random pool: invariants


def random_pool(n, seed, household=False):
    rng = random.Random(seed)
    pool = []
    for i in range(n):
        features = {
            "gender": rng.choices(["woman", "man", "non-binary"], [48, 48, 4])[0],
            "age": rng.choice(["18-34", "35-59", "60+"]),
            "area": rng.choices(["city", "town", "rural"], [50, 30, 20])[0],
        }
        hh = f"h{rng.randrange(n * 3 // 4)}" if household else None
        pool.append(Volunteer(f"p{i:03d}", features, hh))
    return pool


RANDOM_QUOTAS = [
    Quota("gender", "woman", 4, 6),
    Quota("gender", "man", 4, 6),
    Quota("gender", "non-binary", 0, 1),
    Quota("age", "18-34", 3, 4),
    Quota("age", "35-59", 3, 4),
    Quota("age", "60+", 3, 4),
    Quota("area", "city", 4, 6),
    Quota("area", "town", 2, 4),
    Quota("area", "rural", 1, 3),
]


@pytest.mark.parametrize("household", [False, True])
def test_random_pool_invariants(household):
    pool = random_pool(40, seed=3, household=household)
    lex = leximin(pool, RANDOM_QUOTAS, 10, household)
    mx = maximin(pool, RANDOM_QUOTAS, 10, household)
    assert_valid(lex, pool, RANDOM_QUOTAS, 10, household)
    assert_valid(mx, pool, RANDOM_QUOTAS, 10, household)
    assert lex.min_probability == pytest.approx(mx.min_probability, abs=TOL)
    assert min(lex.selection_probability.values()) >= mx.min_probability - TOL
    assert lex.complete
    # Levels never go down.
    assert all(b >= a - TOL for a, b in zip(lex.levels, lex.levels[1:], strict=False))


# ------------------------------------------------------------------------------------------
# Lottery and reproducibility


def test_lottery_rounding_keeps_slots_and_probabilities():
    pool = random_pool(40, seed=5)
    distribution = leximin(pool, RANDOM_QUOTAS, 10)
    lottery = round_to_lottery(distribution.panels, distribution.probabilities, 1000)
    assert sum(count for _, count in lottery.counts) == 1000
    assert len(lottery.slots()) == 1000
    # Each panel gets floor or ceil of p * m slots.
    share = {
        tuple(sorted(p)): q
        for p, q in zip(distribution.panels, distribution.probabilities, strict=True)
    }
    for panel, count in lottery.counts:
        assert abs(count - share[panel] * 1000) < 1 + 1e-6
    # Lottery probabilities are multiples of 1/m and close to the distribution's.
    for volunteer_id, p in lottery.selection_probability.items():
        assert p * 1000 == pytest.approx(round(p * 1000), abs=1e-9)
        assert (
            abs(p - distribution.selection_probability[volunteer_id])
            <= lottery.max_deviation + 1e-6
        )
    assert lottery.max_deviation < 0.01
    # The canonical order: panels sorted by their sorted ids.
    keys = [panel for panel, _ in lottery.counts]
    assert keys == sorted(keys)
    assert slot_for_seed(0, 1000) == 1
    assert slot_for_seed(999, 1000) == 1000
    assert slot_for_seed(1000, 1000) == 1


def test_same_seed_same_panel_and_different_seeds_differ():
    pool = random_pool(40, seed=7)
    first = draw(pool, RANDOM_QUOTAS, 10, seed=2024)
    again = draw(list(reversed(pool)), list(reversed(RANDOM_QUOTAS)), 10, seed=2024)
    # Input order does not matter: volunteers and quotas are put in canonical order.
    assert first.panel == again.panel
    assert first.probabilities == again.probabilities
    assert first.lottery.slot == 2024 % 1000 + 1
    # Neighbouring seeds pick neighbouring slots, often of the same panel: spread them out.
    panels = {draw(pool, RANDOM_QUOTAS, 10, seed=s).panel for s in range(0, 1000, 167)}
    assert len(panels) > 3
    build = build_problem(pool, RANDOM_QUOTAS, 10)
    position = {v: i for i, v in enumerate(build.ids)}
    assert build.meets_quotas([position[i] for i in first.panel])
    assert first.min_probability == min(first.probabilities.values())
    assert first.min_probability > 0


FRESH_PROCESS_DRAW = """
import json, random, sys
sys.path.insert(0, sys.argv[1])
from rebours.recruitment.sortition import Quota, Volunteer, draw
rng = random.Random(1)
pool = [
    Volunteer(f"p{i:02d}", {"g": rng.choice("wmx"), "a": rng.choice("yo")}, None)
    for i in range(24)
]
quotas = [Quota("g", "w", 2, 4), Quota("g", "m", 2, 4), Quota("g", "x", 0, 2),
          Quota("a", "y", 3, 5), Quota("a", "o", 3, 5)]
result = draw(pool, quotas, 8, seed=int(sys.argv[2]))
print(json.dumps({"panel": result.panel, "p": result.probabilities}, sort_keys=True))
"""


def test_draw_is_reproducible_in_a_fresh_process():
    # The whole computation (HiGHS included) must be deterministic across processes, not just
    # within one process that might cache something.
    def run(seed):
        return subprocess.run(
            [sys.executable, "-c", FRESH_PROCESS_DRAW, str(REPO), str(seed)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    first, second = run(41), run(41)
    assert first == second
    # Nothing but the JSON on stdout (no solver banner).
    assert first.startswith("{")


def test_bad_seed_and_method():
    with pytest.raises(DrawError, match="non-negative integer"):
        draw(WOMEN_MEN, ONE_EACH, 2, seed=-1)
    with pytest.raises(DrawError, match="non-negative integer"):
        draw(WOMEN_MEN, ONE_EACH, 2, seed=True)
    with pytest.raises(DrawError, match="unknown method"):
        draw(WOMEN_MEN, ONE_EACH, 2, seed=1, method="lottery")


def test_maximin_draw_and_greedy_draw():
    pool = random_pool(30, seed=11)
    mx = draw(pool, RANDOM_QUOTAS, 10, seed=5, method="maximin")
    assert mx.method == "maximin"
    assert len(mx.panel) == 10
    gr = draw(pool, RANDOM_QUOTAS, 10, seed=5, method="greedy", greedy_runs=50)
    assert gr.lottery is None
    assert len(gr.panel) == 10
    assert sum(gr.probabilities.values()) == pytest.approx(10)
    assert gr.panel == draw(pool, RANDOM_QUOTAS, 10, seed=5, method="greedy", greedy_runs=50).panel


# ------------------------------------------------------------------------------------------
# Infeasibility explanations


def kinds(issues):
    return [issue.kind for issue in issues]


def test_feasible_has_no_issues():
    assert check_feasibility(WOMEN_MEN, ONE_EACH, 2) == []


def test_min_above_max():
    issues = check_feasibility(WOMEN_MEN, [Quota("gender", "woman", 2, 1), ONE_EACH[1]], 2)
    assert kinds(issues) == ["min_above_max"]
    assert issues[0].amount == 1
    assert "'woman'" in issues[0].message and "over by 1" in issues[0].message


def test_absent_value_and_short():
    quotas = [
        Quota("gender", "woman", 3, 3),
        Quota("gender", "man", 0, 2),
        Quota("gender", "other", 1, 1),
    ]
    issues = check_feasibility(WOMEN_MEN, quotas, 4)
    by_kind = {issue.kind: issue for issue in issues}
    assert by_kind["short"].value == "woman"
    assert by_kind["short"].amount == 1
    assert "short by 1" in by_kind["short"].message
    assert by_kind["absent_value"].value == "other"
    assert "no volunteer has value 'other'" in by_kind["absent_value"].message


def test_sums_of_mins_and_maxes():
    over = check_feasibility(
        WOMEN_MEN, [Quota("gender", "woman", 2, 2), Quota("gender", "man", 2, 2)], 3
    )
    assert kinds(over) == ["mins_above_size"]
    assert "over by 1" in over[0].message
    under = check_feasibility(
        WOMEN_MEN, [Quota("gender", "woman", 0, 1), Quota("gender", "man", 0, 1)], 3
    )
    assert kinds(under) == ["maxes_below_size"]
    assert under[0].amount == 1
    # Maxes above what the pool can give count only as far as the pool goes.
    capped = check_feasibility(
        WOMEN_MEN, [Quota("gender", "woman", 0, 9), Quota("gender", "man", 0, 0)], 3
    )
    assert kinds(capped) == ["maxes_below_size"]


def test_value_without_quota_and_missing_value():
    pool = [*WOMEN_MEN, person("e", gender="other"), Volunteer("f", {}, None)]
    issues = check_feasibility(pool, ONE_EACH, 2)
    assert set(kinds(issues)) == {"value_without_quota", "missing_value"}
    message = next(i.message for i in issues if i.kind == "value_without_quota")
    assert "value 'other' of feature 'gender' has no quota" in message


def test_pool_too_small_and_households():
    wide = [Quota("gender", "woman", 0, 4), Quota("gender", "man", 0, 4)]
    issues = check_feasibility(WOMEN_MEN, wide, 5)
    assert issues[0].kind == "pool_too_small"
    assert "short by 1" in issues[0].message
    same = [person(i, household="h", gender="woman") for i in "abc"]
    issues = check_feasibility(same, [Quota("gender", "woman", 0, 2)], 2, household=True)
    assert issues[0].kind == "pool_too_small"
    assert "the pool has 1 household," in issues[0].message


def test_jointly_infeasible_quotas_are_relaxed():
    # Young people are all women and old people all men; one seat each for gender but two
    # young seats required: each quota alone is fine, together impossible.
    pool = [
        person("a", gender="woman", age="young"),
        person("b", gender="woman", age="young"),
        person("c", gender="man", age="old"),
        person("d", gender="man", age="old"),
    ]
    quotas = [*ONE_EACH, Quota("age", "young", 2, 2), Quota("age", "old", 0, 0)]
    issues = check_feasibility(pool, quotas, 2)
    assert issues[0].kind == "integer_programme"
    assert issues[0].amount == 2
    assert sum(issue.amount for issue in issues[1:]) == 2
    assert all(issue.kind in {"relax_min", "relax_max"} for issue in issues[1:])
    with pytest.raises(InfeasibleQuotasError, match="no panel of 2 meets them all"):
        leximin(pool, quotas, 2)


def test_duplicates_and_negative():
    pool = [*WOMEN_MEN, person("a", gender="woman")]
    assert "duplicate_id" in kinds(check_feasibility(pool, ONE_EACH, 2))
    assert "duplicate_quota" in kinds(check_feasibility(WOMEN_MEN, [*ONE_EACH, ONE_EACH[0]], 2))
    assert "negative" in kinds(
        check_feasibility(WOMEN_MEN, [Quota("gender", "woman", -1, 1), ONE_EACH[1]], 2)
    )
    assert kinds(check_feasibility(WOMEN_MEN, ONE_EACH, 0)) == ["size"]


# ------------------------------------------------------------------------------------------
# Replacements


def test_replacement_keeps_quotas_and_members():
    pool = random_pool(40, seed=13)
    first = draw(pool, RANDOM_QUOTAS, 10, seed=77)
    declined = list(first.panel[:2])
    result = replace(pool, RANDOM_QUOTAS, 10, first.panel, declined, seed=78)
    assert len(result.panel) == 10
    assert set(result.kept) == set(first.panel) - set(declined)
    assert set(result.kept) <= set(result.panel)
    assert not set(declined) & set(result.panel)
    assert len(result.added) == 2
    problem = build_problem(pool, RANDOM_QUOTAS, 10)
    position = {v: i for i, v in enumerate(problem.ids)}
    assert problem.meets_quotas([position[i] for i in result.panel])
    # Candidates only: the chances of being called sum to the number of seats to fill.
    assert set(result.probabilities).isdisjoint(first.panel)
    assert sum(result.probabilities.values()) == pytest.approx(2)
    again = replace(pool, RANDOM_QUOTAS, 10, first.panel, declined, seed=78)
    assert again.panel == result.panel


def test_replacement_must_keep_quotas_even_when_impossible():
    # The only other woman declined too: nobody can take the woman's seat.
    pool = [person("w1", gender="woman"), person("m1", gender="man"), person("m2", gender="man")]
    with pytest.raises(InfeasibleQuotasError, match="short by 1"):
        replace(pool, ONE_EACH, 2, ["w1", "m1"], ["w1"], seed=1)


def test_replacement_errors():
    with pytest.raises(DrawError, match="nobody declined"):
        replace(WOMEN_MEN, ONE_EACH, 2, ["a", "c"], [], seed=1)
    with pytest.raises(DrawError, match="not on the panel"):
        replace(WOMEN_MEN, ONE_EACH, 2, ["a", "c"], ["b"], seed=1)
    with pytest.raises(DrawError, match="not 2"):
        replace(WOMEN_MEN, ONE_EACH, 2, ["a"], ["a"], seed=1)


# ------------------------------------------------------------------------------------------
# Greedy


def test_greedy_meets_quotas_and_estimates_sum_to_k():
    pool = random_pool(30, seed=17)
    panel = greedy(pool, RANDOM_QUOTAS, 10, random.Random(1))
    problem = build_problem(pool, RANDOM_QUOTAS, 10)
    position = {v: i for i, v in enumerate(problem.ids)}
    assert problem.meets_quotas([position[i] for i in panel])
    estimate = estimate_greedy_probabilities(pool, RANDOM_QUOTAS, 10, runs=40, seed=3)
    assert sum(estimate.values()) == pytest.approx(10)
    assert estimate == estimate_greedy_probabilities(pool, RANDOM_QUOTAS, 10, runs=40, seed=3)


def test_greedy_can_get_stuck():
    # Quotas: exactly one a1, exactly one b2, at least one b1. Feasible panels: {p0, p1} and
    # {p2, p1}. p3 (a1, b1) is in none (it would need an (a2, b2) partner), but it passes the
    # counting test. b1 is the most under-filled category (1 needed, 2 candidates), so the
    # first pick is p1 or p3, and picking p3 gets stuck.
    pool = [
        person("p0", a="a1", b="b2"),
        person("p1", a="a2", b="b1"),
        person("p2", a="a1", b="b2"),
        person("p3", a="a1", b="b1"),
    ]
    quotas = [
        Quota("a", "a1", 1, 1),
        Quota("a", "a2", 0, 1),
        Quota("b", "b1", 1, 2),
        Quota("b", "b2", 1, 1),
    ]
    problem = build_problem(pool, quotas, 2)
    outcomes = []
    for seed in range(20):
        try:
            panel = greedy_module.greedy_panel(problem, random.Random(seed), attempts=1)
        except DrawError as error:
            assert "stuck 1 times" in str(error)
            panel = None
        outcomes.append(panel)
    assert None in outcomes
    assert {o for o in outcomes if o is not None} <= {(0, 1), (1, 2)}
    # With retries it gets through; LEXIMIN knows p3 can never be selected.
    assert greedy(pool, quotas, 2, random.Random(0)) in {
        frozenset({"p0", "p1"}),
        frozenset({"p1", "p2"}),
    }
    assert leximin(pool, quotas, 2).zero_probability == ("p3",)


# ------------------------------------------------------------------------------------------
# Hostile text


def test_hostile_ids_and_values():
    rtl = "\u202eevil\u200f"
    pool = [
        person("<script>alert(1)</script>", gender="<b>woman</b>"),
        person("🙂", gender="<b>woman</b>"),
        person(rtl, gender="man 🧔"),
        person("'; DROP TABLE--", gender="man 🧔"),
    ]
    quotas = [Quota("gender", "<b>woman</b>", 1, 1), Quota("gender", "man 🧔", 1, 1)]
    result = draw(pool, quotas, 2, seed=9)
    assert len(result.panel) == 2
    assert result.probabilities[rtl] == pytest.approx(0.5)
    issues = check_feasibility(pool, [Quota("gender", "<b>woman</b>", 1, 1)], 2)
    message = next(i.message for i in issues if i.kind == "value_without_quota")
    # repr() makes the invisible right-to-left mark visible in messages.
    assert "'man 🧔'" in message
    weird = check_feasibility([person("x", gender=rtl)], [Quota("gender", "w", 0, 1)], 1)
    assert "\\u202e" in weird[0].message and "\u202e" not in weird[0].message
