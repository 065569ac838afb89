"""Spreading a drawn panel across the workshop's groups so that every group is mixed (pure).

The lottery makes the panel as a whole look like the quotas; the day happens in groups, and a
group of eight retired men from one town would undo that. So the panel is split with a second,
small optimisation: an integer programme (HiGHS) that puts each person in exactly one group,
keeps group sizes within one of each other, and, for every attribute value (gender = woman,
territory = Var…), wants each group to hold either ⌊c/G⌋ or ⌈c/G⌉ of the c people who have it.
Each person more or fewer than that costs one unit; the solver minimises the total.

Why an integer programme rather than dealing people round-robin in the order of a sort key:
round-robin balances the first attribute of the key exactly and the others only by luck, while
the programme balances all of them together, and when a perfect spread exists (cost 0: every
value's counts differ by at most one between groups) it finds it. With several correlated
attributes a perfect spread may not exist; the programme then returns the least uneven one it
finds within its node limit. The round-robin assignment is given to the solver as a starting
point, so the result is never worse than it.

Deterministic: people and values are numbered in sorted order, HiGHS runs single-threaded with
a fixed seed, and the search is bounded by a node count, not by time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from rebours.recruitment.panels import INF, new_highs

# Enough for the solver to close the gap on panels of a few hundred people in eight groups; a
# time limit would make the result depend on the machine's speed.
NODE_LIMIT = 2000


@dataclass(frozen=True)
class Spread:
    """Which group each person goes to, and how far from perfectly mixed the result is."""

    groups: dict[str, str]
    # Total number of people above ⌈c/G⌉ or below ⌊c/G⌋ over every value and group; 0 means
    # every value's counts differ by at most one between any two groups.
    excess: int


def round_robin(
    people: Mapping[str, Mapping[str, str]], groups: Sequence[str], order: Sequence[str]
) -> dict[str, str]:
    """Deal people to groups in turn, sorted by their values of the attributes in `order`."""
    ids = sorted(people, key=lambda i: (tuple(people[i].get(f, "") for f in order), i))
    return {person: groups[n % len(groups)] for n, person in enumerate(ids)}


def excess(
    people: Mapping[str, Mapping[str, str]], groups: Sequence[str], assignment: Mapping[str, str]
) -> int:
    """The cost the optimisation minimises, for any assignment (used by tests and the page)."""
    total = 0
    for members in _value_members(people).values():
        lo, hi = len(members) // len(groups), -(-len(members) // len(groups))
        for group in groups:
            count = sum(1 for person in members if assignment[person] == group)
            total += max(0, count - hi) + max(0, lo - count)
    return total


def _value_members(people: Mapping[str, Mapping[str, str]]) -> dict[tuple[str, str], list[str]]:
    members: dict[tuple[str, str], list[str]] = {}
    for person in sorted(people):
        for feature, value in sorted(people[person].items()):
            members.setdefault((feature, value), []).append(person)
    return members


def spread(
    people: Mapping[str, Mapping[str, str]],
    groups: Sequence[str],
    *,
    order: Sequence[str] = (),
    node_limit: int = NODE_LIMIT,
) -> Spread:
    """Assign each person (id -> {attribute: value}) to one of `groups`, as mixed as possible.

    `order` lists the attributes of the round-robin starting point, most important first (by
    default, every attribute in sorted order).
    """
    if not groups:
        raise ValueError("there is no group to spread people across")
    if len(set(groups)) != len(groups):
        raise ValueError("the groups must be distinct")
    if not people:
        return Spread({}, 0)
    features = sorted({f for values in people.values() for f in values})
    start = round_robin(people, groups, list(order) or features)
    if len(groups) == 1:
        return Spread(start, 0)
    ids = sorted(people)
    n, g = len(ids), len(groups)
    position = {person: i for i, person in enumerate(ids)}
    model = new_highs()
    model.setOptionValue("mip_max_nodes", node_limit)
    x = n * g  # x[i * g + j] = 1 when person i is in group j

    def cols(values: Sequence[int]) -> np.ndarray:
        return np.array(values, dtype=np.int32)

    model.addVars(x, np.zeros(x), np.ones(x))
    model.changeColsIntegrality(
        x, cols(list(range(x))), np.full(x, highspy.HighsVarType.kInteger.value, dtype=np.uint8)
    )
    for i in range(n):
        model.addRow(1.0, 1.0, g, cols([i * g + j for j in range(g)]), np.ones(g))
    for j in range(g):
        model.addRow(n // g, -(-n // g), n, cols([i * g + j for i in range(n)]), np.ones(n))
    values = _value_members(people)
    slack = x
    model.addVars(
        2 * len(values) * g, np.zeros(2 * len(values) * g), np.full(2 * len(values) * g, INF)
    )
    model.changeColsCost(
        2 * len(values) * g,
        cols(list(range(slack, slack + 2 * len(values) * g))),
        np.ones(2 * len(values) * g),
    )
    for v, members in enumerate(values.values()):
        lo, hi = len(members) // g, -(-len(members) // g)
        for j in range(g):
            in_group = [position[person] * g + j for person in members]
            below, above = slack + 2 * (v * g + j), slack + 2 * (v * g + j) + 1
            ones = [1.0] * len(in_group)
            model.addRow(
                lo, INF, len(in_group) + 1, cols([*in_group, below]), np.array([*ones, 1.0])
            )
            model.addRow(
                -INF, hi, len(in_group) + 1, cols([*in_group, above]), np.array([*ones, -1.0])
            )
    model.changeObjectiveSense(highspy.ObjSense.kMinimize)
    # The round-robin deal as a starting point: the answer can only be as good or better.
    initial = np.zeros(x + 2 * len(values) * g)
    index = {group: j for j, group in enumerate(groups)}
    for person, group in start.items():
        initial[position[person] * g + index[group]] = 1.0
    for v, members in enumerate(values.values()):
        lo, hi = len(members) // g, -(-len(members) // g)
        for j, group in enumerate(groups):
            count = sum(1 for person in members if start[person] == group)
            initial[slack + 2 * (v * g + j)] = max(0, lo - count)
            initial[slack + 2 * (v * g + j) + 1] = max(0, count - hi)
    solution = highspy.HighsSolution()
    solution.col_value = list(initial)
    model.setSolution(solution)
    model.run()
    start_excess = excess(people, groups, start)
    if not model.getSolution().value_valid:
        return Spread(start, start_excess)
    chosen = np.asarray(model.getSolution().col_value)[:x].reshape(n, g)
    result = {ids[i]: groups[int(np.argmax(chosen[i]))] for i in range(n)}
    found = excess(people, groups, result)
    if found > start_excess:
        return Spread(start, start_excess)
    return Spread(result, found)
