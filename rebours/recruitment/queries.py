"""Reading the pool, the quotas and the draws for the pages."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from rebours.recruitment.models import (
    Draw,
    DrawStatus,
    Quota,
    RecruitmentSettings,
    Replacement,
    Volunteer,
)
from rebours.workshops.models import Workshop

# The computing process touches its draws every few seconds (core.jobs.HEARTBEAT_SECONDS). One not
# heard of for this long lost its process: a restart, a crash, a kill.
STALE_AFTER = datetime.timedelta(seconds=90)


def settings_of(workshop: Workshop) -> RecruitmentSettings:
    """The workshop's recruitment settings (unsaved defaults when the organiser set none)."""
    found = RecruitmentSettings.objects.filter(workshop=workshop).first()
    return found or RecruitmentSettings(workshop=workshop)


def today() -> datetime.date:
    return timezone.localdate()


def volunteers(workshop: Workshop) -> list[Volunteer]:
    """The pool, oldest registration first, each with `duplicates`: others with its contact."""
    pool = list(Volunteer.objects.filter(workshop=workshop).select_related("person"))
    by_contact: dict[str, list[Volunteer]] = {}
    for volunteer in pool:
        by_contact.setdefault(volunteer.contact_key, []).append(volunteer)
    for volunteer in pool:
        volunteer.duplicates = [  # type: ignore[attr-defined]
            other for other in by_contact[volunteer.contact_key] if other.pk != volunteer.pk
        ]
    return pool


def duplicate_count(workshop: Workshop) -> int:
    """How many volunteers share their contact with someone else in the pool."""
    shared = (
        Volunteer.objects.filter(workshop=workshop)
        .values("contact_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return sum(row["n"] for row in shared)


def quotas(workshop: Workshop) -> list[Quota]:
    return list(Quota.objects.filter(workshop=workshop))


def draws(workshop: Workshop) -> list[Draw]:
    return list(Draw.objects.filter(workshop=workshop).select_related("created_by"))


def replacements(draw: Draw) -> list[Replacement]:
    return list(draw.replacements.select_related("created_by").order_by("position", "pk"))


def current_panel(draw: Draw, done: list[Replacement] | None = None) -> list[str]:
    """The panel after every replacement so far."""
    done = replacements(draw) if done is None else done
    return list(done[-1].panel) if done else draw.panel


def declined(done: list[Replacement]) -> list[str]:
    return [person for replacement in done for person in replacement.declined]


def is_stale(draw: Draw, *, now: datetime.datetime | None = None) -> bool:
    """Whether a draw (or its re-run) still in progress lost its process (see STALE_AFTER)."""
    busy = not draw.is_finished or draw.rerun_status in ("queued", "running")
    if not busy:
        return False
    last = draw.heartbeat_at or draw.created_at
    return (now or timezone.now()) - last > STALE_AFTER


def stale_draws(workshop: Workshop) -> list[Draw]:
    now = timezone.now()
    return [d for d in Draw.objects.filter(workshop=workshop) if is_stale(d, now=now)]


@dataclass
class QuotaRow:
    feature: str
    label: str
    value: str
    pool: int
    quota: Quota | None
    panel: int | None = None
    outside: bool = False  # the panel count is outside the quota's bounds


@dataclass
class QuotaTable:
    rows: list[QuotaRow] = field(default_factory=list)
    pool_size: int = 0
    panel_size: int | None = None


def quota_table(
    workshop: Workshop,
    categories: list[dict[str, Any]],
    pool: list[Volunteer],
    panel: list[str] | None = None,
) -> QuotaTable:
    """A row per category value (and per quota on a value no category offers any more), with
    the pool's count, the quota and, given a panel (pseudonyms), the panel's count."""
    rules = {(q.feature, q.value): q for q in quotas(workshop)}
    counts = Counter((f, v) for person in pool for f, v in (person.attributes or {}).items())
    members = set(panel or [])
    on_panel = Counter(
        (f, v)
        for person in pool
        if person.pseudonym in members
        for f, v in (person.attributes or {}).items()
    )
    table = QuotaTable(pool_size=len(pool), panel_size=len(members) if panel is not None else None)
    seen: set[tuple[str, str]] = set()
    for category in categories:
        for value in category["values"]:
            key = (category["key"], value)
            seen.add(key)
            table.rows.append(
                QuotaRow(category["key"], category["label"], value, counts[key], rules.get(key))
            )
    for key, rule in rules.items():
        if key not in seen:
            table.rows.append(QuotaRow(key[0], key[0], key[1], counts[key], rule))
    if panel is not None:
        for row in table.rows:
            row.panel = on_panel[(row.feature, row.value)]
            if row.quota is not None:
                top = row.quota.max if row.quota.max is not None else len(members)
                row.outside = not row.quota.min <= row.panel <= top
    return table


def latest_done_draw(workshop: Workshop) -> Draw | None:
    return Draw.objects.filter(workshop=workshop, status=DrawStatus.DONE).first()
