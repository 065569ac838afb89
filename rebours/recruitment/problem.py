"""Plain data for panel selection, and its indexed form for the solvers.

This module is pure (no Django): the draw must be re-runnable by anyone from the published
inputs, with nothing but Python, numpy and HiGHS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np


class DrawError(ValueError):
    """Any problem that prevents a draw; the message is one line, safe to show to the organiser."""


class InfeasibleQuotasError(DrawError):
    """The quotas cannot all be met by any panel of the requested size."""

    def __init__(self, issues: Sequence[Infeasibility]) -> None:
        self.issues = tuple(issues)
        super().__init__("; ".join(issue.message for issue in self.issues))


@dataclass(frozen=True, slots=True)
class Volunteer:
    """One person of the pool: an opaque id, one value per feature, an optional household."""

    id: str
    features: Mapping[str, str]
    household: str | None = None


@dataclass(frozen=True, slots=True)
class Quota:
    """At least `min` and at most `max` panel members have `value` for `feature`."""

    feature: str
    value: str
    min: int
    max: int


@dataclass(frozen=True, slots=True)
class Infeasibility:
    """One reason why no panel can meet the quotas.

    `kind` is a stable machine-readable tag; `amount` says by how much (people) when that makes
    sense; `message` is a one-line explanation for the organiser.
    """

    kind: str
    message: str
    feature: str | None = None
    value: str | None = None
    amount: int | None = None


@dataclass(frozen=True)
class Problem:
    """The selection problem with volunteers and quotas numbered in a canonical order.

    Volunteers are sorted by id and quotas by (feature, value), so that the integer and linear
    programmes are built identically on every run: this is what makes a draw reproducible.
    """

    ids: tuple[str, ...]
    k: int
    quotas: tuple[Quota, ...]
    # incidence[i, q] == 1 when volunteer i has the value of quota q.
    incidence: np.ndarray
    # feature_of[q]: index of the feature of quota q in `features`.
    feature_of: np.ndarray
    features: tuple[str, ...]
    mins: np.ndarray
    maxs: np.ndarray
    # Groups of two or more volunteer indices of which at most one may be selected.
    households: tuple[tuple[int, ...], ...] = ()
    # Volunteers who must be on every panel (the members kept when drawing replacements).
    forced: frozenset[int] = field(default_factory=frozenset)

    @property
    def n(self) -> int:
        return len(self.ids)

    def panel_ids(self, panel: Iterable[int]) -> frozenset[str]:
        return frozenset(self.ids[i] for i in panel)

    def meets_quotas(self, panel: Sequence[int]) -> bool:
        """Whether a panel (volunteer indices) has size k, meets every quota and household rule."""
        members = sorted(set(panel))
        if len(members) != self.k or len(members) != len(panel):
            return False
        counts = self.incidence[members].sum(axis=0)
        if np.any(counts < self.mins) or np.any(counts > self.maxs):
            return False
        chosen = set(members)
        if any(len(chosen.intersection(group)) > 1 for group in self.households):
            return False
        return self.forced <= chosen


def canonical_quotas(quotas: Iterable[Quota]) -> tuple[Quota, ...]:
    return tuple(sorted(quotas, key=lambda q: (q.feature, q.value)))


def build_problem(
    pool: Sequence[Volunteer],
    quotas: Iterable[Quota],
    k: int,
    *,
    household: bool = False,
    forced: Iterable[str] = (),
) -> Problem:
    """Index a validated pool and quota list (see `check_feasibility` for the validation)."""
    volunteers = sorted(pool, key=lambda v: v.id)
    ids = tuple(v.id for v in volunteers)
    ordered = canonical_quotas(quotas)
    features = tuple(sorted({q.feature for q in ordered}))
    feature_index = {f: j for j, f in enumerate(features)}
    quota_index = {(q.feature, q.value): j for j, q in enumerate(ordered)}
    incidence = np.zeros((len(ids), len(ordered)), dtype=np.int64)
    for i, volunteer in enumerate(volunteers):
        for feature in features:
            value = volunteer.features.get(feature)
            j = quota_index.get((feature, value)) if value is not None else None
            if j is not None:
                incidence[i, j] = 1
    groups: tuple[tuple[int, ...], ...] = ()
    if household:
        by_household: dict[str, list[int]] = {}
        for i, volunteer in enumerate(volunteers):
            if volunteer.household is not None:
                by_household.setdefault(volunteer.household, []).append(i)
        groups = tuple(
            tuple(members) for _, members in sorted(by_household.items()) if len(members) > 1
        )
    position = {volunteer_id: i for i, volunteer_id in enumerate(ids)}
    return Problem(
        ids=ids,
        k=k,
        quotas=ordered,
        incidence=incidence,
        feature_of=np.array([feature_index[q.feature] for q in ordered], dtype=np.int64),
        features=features,
        mins=np.array([q.min for q in ordered], dtype=np.int64),
        maxs=np.array([q.max for q in ordered], dtype=np.int64),
        households=groups,
        forced=frozenset(position[f] for f in forced),
    )
