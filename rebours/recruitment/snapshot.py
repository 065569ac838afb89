"""A draw's inputs as plain data, and as the CSV files that anyone can re-run.

The draw computes from exactly the texts the public bundle holds (`pool_csv`, `quotas_csv`),
parsed by `pool_io` like `rebours draw` parses them: what the page shows and what the command
prints come from the same bytes. Only reads; nothing here writes to the database.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from rebours.recruitment.models import Quota, Volunteer
from rebours.recruitment.sortition import Quota as PureQuota
from rebours.recruitment.sortition import Volunteer as PureVolunteer

HOUSEHOLD_COLUMN = "household"


def eligible(volunteers: Iterable[Volunteer], *, today: date) -> list[Volunteer]:
    """Who may be drawn: both consents given, and the data still within its retention date."""
    return [
        v
        for v in volunteers
        if v.consent_lottery
        and v.consent_processing
        and (v.retention_until is None or v.retention_until >= today)
    ]


def pool_snapshot(
    volunteers: Sequence[Volunteer], features: Sequence[str], *, household: bool
) -> list[dict[str, Any]]:
    """[{"id", "features", "household"}] sorted by pseudonym: quoted categories only.

    Households become numbers ("h-1", "h-2"… in the order of the sorted pool): an address
    would identify people, a number only says who lives together.
    """
    ordered = sorted(volunteers, key=lambda v: v.pseudonym)
    numbers: dict[str, str] = {}
    snapshot = []
    for volunteer in ordered:
        group = None
        if household and volunteer.household_key:
            group = numbers.setdefault(volunteer.household_key, f"h-{len(numbers) + 1}")
        attributes = volunteer.attributes or {}
        snapshot.append(
            {
                "id": volunteer.pseudonym,
                "features": {f: attributes[f] for f in features if attributes.get(f)},
                "household": group,
            }
        )
    return snapshot


def quota_snapshot(
    quotas: Sequence[Quota], pool: Sequence[dict[str, Any]], size: int
) -> list[dict[str, Any]]:
    """The quota rows of a draw, in canonical order; no maximum means the panel size.

    A row whose value nobody in the pool has and whose minimum is 0 constrains nothing, so it
    is left out (the draw command refuses quota values absent from the pool file). A row whose
    minimum is above 0 stays, and the feasibility check explains why it cannot be met.
    """
    present = {(f, v) for row in pool for f, v in row["features"].items()}
    rows = []
    for quota in quotas:
        if quota.min == 0 and (quota.feature, quota.value) not in present:
            continue
        rows.append(
            {
                "feature": quota.feature,
                "value": quota.value,
                "min": quota.min,
                "max": size if quota.max is None else quota.max,
            }
        )
    return sorted(rows, key=lambda q: (q["feature"], q["value"]))


def features_of(quotas: Iterable[Quota]) -> list[str]:
    return sorted({q.feature for q in quotas})


def to_pure(
    pool: Sequence[dict[str, Any]], quotas: Sequence[dict[str, Any]]
) -> tuple[list[PureVolunteer], list[PureQuota]]:
    volunteers = [
        PureVolunteer(id=row["id"], features=dict(row["features"]), household=row.get("household"))
        for row in pool
    ]
    rules = [PureQuota(q["feature"], q["value"], int(q["min"]), int(q["max"])) for q in quotas]
    return volunteers, rules


def _csv(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue()


def pool_csv(pool: Sequence[dict[str, Any]], features: Sequence[str], *, household: bool) -> str:
    """The pool file of the bundle: pseudonymous ids, quoted categories, households if used."""
    header = ["id", *features] + ([HOUSEHOLD_COLUMN] if household else [])
    rows: list[list[str]] = [header]
    for row in pool:
        cells = [row["id"], *(row["features"].get(f, "") for f in features)]
        if household:
            cells.append(row.get("household") or "")
        rows.append(cells)
    return _csv(rows)


def quotas_csv(quotas: Sequence[dict[str, Any]]) -> str:
    rows = [["feature", "value", "min", "max"]]
    rows += [[q["feature"], q["value"], str(q["min"]), str(q["max"])] for q in quotas]
    return _csv(rows)


def draw_features(quotas: Sequence[dict[str, Any]]) -> list[str]:
    return sorted({q["feature"] for q in quotas})


def command_line(*, size: int, method: str, seed: str, household: bool) -> str:
    """The command that re-runs the draw from the bundle's files, in its folder."""
    parts = [
        "rebours draw --pool pool.csv --quotas quotas.csv",
        f"--size {size} --method {method} --seed {seed}",
    ]
    if household:
        parts.append(f"--household {HOUSEHOLD_COLUMN}")
    return " ".join(parts)
