"""From a distribution over panels to a public, checkable lottery over m panel slots.

A distribution with irrational-looking probabilities cannot be drawn by a physical lottery,
and sampling it with a pseudo-random generator is reproducible but opaque. Following the idea of
Flanigan, Kehne and Procaccia ("Fair sortition made transparent", NeurIPS 2021), we round it to
a *uniform* lottery over m slots (m = 1000 by default): each panel gets a whole number of slots,
the slots are listed in a canonical order, and a public number picks one slot.

Rounding (ours): each panel first gets floor(p * m) slots; the leftover fractions, which sum to
a whole number r, are rounded to 0 or 1 by a *derandomised pipage rounding*. Panels with a
fractional part are taken in canonical order and paired; each pairing moves fractional mass
from one panel to the other until one of them is whole, in whichever of the two directions
keeps the largest change of any selection probability (among the people on exactly one of the
two panels) smallest. Each step makes at least one panel whole, so the result has exactly r
rounded-up panels and Σ slots = m; selection probabilities move by a few multiples of 1/m at
most, and the resulting maximum deviation is reported.

The arithmetic is done on integers (millionths of a slot), so that the rounding gives the same
slots on every machine: the draw can be re-run by anyone.

Slot picking: slot number = 1 + (seed mod m). With m = 1000, a public draw of a three-digit
number 000-999 can serve directly as the seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Fractions of a slot are counted in millionths: fine enough not to matter next to 1/m, coarse
# enough that float noise of 1e-12 in the probabilities cannot change a single unit.
_UNITS = 1_000_000

DEFAULT_SLOTS = 1000


@dataclass(frozen=True)
class Lottery:
    """A uniform lottery over m slots, each holding one panel (ids sorted)."""

    m: int
    # (panel, number of slots) in canonical order: panels sorted by their sorted ids.
    counts: tuple[tuple[tuple[str, ...], int], ...]
    selection_probability: dict[str, float]
    # Largest |lottery probability - distribution probability| over all volunteers.
    max_deviation: float

    def slot(self, number: int) -> tuple[str, ...]:
        """The panel in slot `number` (1-based), slots listed in canonical order."""
        if not 1 <= number <= self.m:
            raise ValueError(f"slot {number} is outside 1..{self.m}")
        for panel, count in self.counts:
            if number <= count:
                return panel
            number -= count
        raise AssertionError("the slot counts do not add up to m")

    def slots(self) -> list[tuple[str, ...]]:
        return [panel for panel, count in self.counts for _ in range(count)]


def slot_for_seed(seed: int, m: int) -> int:
    """The published rule: slot number 1 + (seed mod m)."""
    return 1 + seed % m


def _quantise(probabilities: Sequence[float], total: int) -> list[int]:
    """Integers proportional to the probabilities that sum exactly to `total`.

    Largest-remainder rounding, ties broken by position (the canonical panel order).
    """
    mass = sum(probabilities)
    exact = [p / mass * total for p in probabilities]
    units = [int(x) for x in exact]
    missing = total - sum(units)
    order = sorted(range(len(exact)), key=lambda j: (-(exact[j] - units[j]), j))
    for j in order[:missing]:
        units[j] += 1
    return units


def round_to_lottery(
    panels: Sequence[frozenset[str]], probabilities: Sequence[float], m: int = DEFAULT_SLOTS
) -> Lottery:
    """Round a distribution over panels to a uniform lottery over `m` slots (see module doc)."""
    if m < 1:
        raise ValueError("the lottery needs at least one slot")
    if len(panels) != len(probabilities) or not panels:
        raise ValueError("a lottery needs panels with one probability each")
    order = sorted(range(len(panels)), key=lambda j: sorted(panels[j]))
    keys = [tuple(sorted(panels[j])) for j in order]
    units = _quantise([probabilities[j] for j in order], m * _UNITS)
    whole = [u // _UNITS for u in units]
    frac = [u % _UNITS for u in units]
    # Deviation of each volunteer's expected slot count from the target, in units. It starts
    # at zero because `whole + frac` is exactly the quantised distribution.
    deviation: dict[str, int] = {}
    for key in keys:
        for person in key:
            deviation.setdefault(person, 0)
    members = [frozenset(key) for key in keys]

    def worst_after(a: int, b: int, delta: int) -> int:
        # delta units move from panel b to panel a.
        only_a = members[a] - members[b]
        only_b = members[b] - members[a]
        worst = 0
        for person in only_a:
            worst = max(worst, abs(deviation[person] + delta))
        for person in only_b:
            worst = max(worst, abs(deviation[person] - delta))
        return worst

    def move(a: int, b: int, delta: int) -> None:
        frac[a] += delta
        frac[b] -= delta
        for person in members[a] - members[b]:
            deviation[person] += delta
        for person in members[b] - members[a]:
            deviation[person] -= delta

    pending: int | None = None
    for j in range(len(keys)):
        if frac[j] == 0:
            continue
        if pending is None:
            pending = j
            continue
        a, b = pending, j
        up = min(_UNITS - frac[a], frac[b])  # towards rounding a up and b down
        down = min(frac[a], _UNITS - frac[b])  # towards rounding a down and b up
        if worst_after(a, b, up) <= worst_after(a, b, -down):
            move(a, b, up)
        else:
            move(a, b, -down)
        remaining = [x for x in (a, b) if 0 < frac[x] < _UNITS]
        for x in (a, b):
            if frac[x] == _UNITS:
                whole[x] += 1
                frac[x] = 0
        pending = remaining[0] if remaining else None
    # The fractions summed to a whole number of slots, so nothing can be left half-rounded.
    assert pending is None and sum(whole) == m
    counts = tuple((key, count) for key, count in zip(keys, whole, strict=True) if count > 0)
    target: dict[str, float] = {}
    for key, u in zip(keys, units, strict=True):
        for person in key:
            target[person] = target.get(person, 0.0) + u / (m * _UNITS)
    selection: dict[str, float] = dict.fromkeys(target, 0.0)
    for key, count in counts:
        for person in key:
            selection[person] += count / m
    max_deviation = max(abs(selection[p] - target[p]) for p in target)
    return Lottery(m=m, counts=counts, selection_probability=selection, max_deviation=max_deviation)
