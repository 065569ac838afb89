"""Pure parsing of the draw's inputs: the pool CSV, the quotas CSV and the seed.

Every error is a `DrawError` whose message is one line naming the file, the line and the column,
with user text quoted by `repr` so that invisible characters (right-to-left marks, zero-width
spaces) show up instead of silently garbling the message.

Pool file: a header with an `id` column (any case) and one column per feature; an optional
household column named by the caller. Columns that no quota mentions are allowed and ignored
(names, e-mails...). Cells are stripped of surrounding spaces; values are otherwise compared
exactly (so "Femme" and "femme" differ), while column names match quota features ignoring case.

Quotas file: columns `feature,value,min,max` or Sortition Foundation's `category,name,min,max`,
in any order and any case; their optional `min_flex,max_flex` columns are accepted and ignored.

Both files may be comma-, semicolon- or tab-separated (spreadsheets in French locales export
with semicolons); the separator is taken from the header line. A UTF-8 byte-order mark is
ignored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rebours.recruitment.problem import DrawError, Quota, Volunteer


class PoolFileError(DrawError):
    """The pool file cannot be used as it is."""


class QuotasFileError(DrawError):
    """The quotas file cannot be used as it is."""


class SeedError(DrawError):
    """The seed is not a non-negative whole number."""


QUOTA_HEADERS = (("feature", "value", "min", "max"), ("category", "name", "min", "max"))
IGNORED_QUOTA_COLUMNS = ("min_flex", "max_flex")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_SEED = re.compile(r"[0-9]+")
# Far beyond any real seed, and below Python's int-parsing limit of 4300 digits.
_MAX_SEED_DIGITS = 1000


def parse_seed(text: str) -> int:
    """A published seed: a whole number of 0 or more, written in decimal digits."""
    cleaned = text.strip()
    if not _SEED.fullmatch(cleaned) or len(cleaned) > _MAX_SEED_DIGITS:
        raise SeedError(f"the seed must be a whole number of 0 or more, not {text!r}")
    return int(cleaned)


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, cells) for each CSV record."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DrawError(f"line {start}: malformed CSV ({error})") from None
        yield start, [cell.strip() for cell in row]


def _header(rows: Iterator[tuple[int, list[str]]], what: str, error: type[DrawError]) -> list[str]:
    for _, cells in rows:
        if any(cells):
            break
    else:
        raise error(f"{what}: the file is empty")
    for position, name in enumerate(cells, start=1):
        if not name:
            raise error(f"{what}, line 1, column {position}: empty column name")
    seen: dict[str, int] = {}
    for position, name in enumerate(cells, start=1):
        key = name.casefold()
        if key in seen:
            raise error(
                f"{what}, line 1: column {name!r} appears twice "
                f"(columns {seen[key]} and {position})"
            )
        seen[key] = position
    return cells


@dataclass(frozen=True)
class _QuotaLine:
    quota: Quota
    line: int


def _parse_quota_lines(text: str) -> list[_QuotaLine]:
    what = "quotas file"
    rows = _rows(text)
    header = _header(rows, what, QuotasFileError)
    names = [name.casefold() for name in header]
    known = {c for schema in QUOTA_HEADERS for c in schema} | set(IGNORED_QUOTA_COLUMNS)
    expected = " or ".join(",".join(schema) for schema in QUOTA_HEADERS)
    for name, original in zip(names, header, strict=True):
        if name not in known:
            raise QuotasFileError(
                f"{what}, line 1: unknown column {original!r} (expected {expected})"
            )
    schema = next((s for s in QUOTA_HEADERS if set(s) <= set(names)), None)
    if schema is None:
        raise QuotasFileError(f"{what}, line 1: the columns must be {expected}")
    mixed = set(names) & ({"feature", "value", "category", "name"} - set(schema))
    if mixed:
        raise QuotasFileError(
            f"{what}, line 1: column {sorted(mixed)[0]!r} mixes the two formats ({expected})"
        )
    position = {name: names.index(name) for name in schema}
    feature_col, value_col = schema[0], schema[1]
    quotas: list[_QuotaLine] = []
    first_line: dict[tuple[str, str], int] = {}
    spelling: dict[str, str] = {}
    for line, cells in rows:
        if not any(cells):
            continue
        if len(cells) != len(header):
            raise QuotasFileError(
                f"{what}, line {line}: expected {len(header)} fields, found {len(cells)}"
            )
        feature, value = cells[position[feature_col]], cells[position[value_col]]
        for column, cell in ((feature_col, feature), (value_col, value)):
            if not cell:
                raise QuotasFileError(f"{what}, line {line}, column {column!r}: empty")
        bounds: dict[str, int] = {}
        for column in ("min", "max"):
            cell = cells[position[column]]
            if not _INTEGER.fullmatch(cell):
                raise QuotasFileError(
                    f"{what}, line {line}, column {column!r}: {cell!r} is not a whole number"
                )
            bounds[column] = int(cell)
            if bounds[column] < 0:
                raise QuotasFileError(
                    f"{what}, line {line}, column {column!r}: {cell!r} is negative"
                )
        if bounds["min"] > bounds["max"]:
            raise QuotasFileError(
                f"{what}, line {line}: min {bounds['min']} is above max {bounds['max']} "
                f"for {feature!r}={value!r}"
            )
        # One spelling per feature: the first one met ("Gender" and "gender" are one feature).
        feature = spelling.setdefault(feature.casefold(), feature)
        key = (feature, value)
        if key in first_line:
            raise QuotasFileError(
                f"{what}, line {line}: quota {feature!r}={value!r} already given on line "
                f"{first_line[key]}"
            )
        first_line[key] = line
        quotas.append(_QuotaLine(Quota(feature, value, bounds["min"], bounds["max"]), line))
    if not quotas:
        raise QuotasFileError(f"{what}: no quota rows")
    return quotas


def parse_quotas(text: str) -> list[Quota]:
    """Quotas from the text of a quotas CSV file."""
    return [entry.quota for entry in _parse_quota_lines(text)]


def parse_pool(
    text: str, *, household_column: str | None = None, quotas: list[Quota] | None = None
) -> list[Volunteer]:
    """Volunteers from the text of a pool CSV file.

    With `quotas`, also check each volunteer against them (naming the line and column), and
    store each quoted feature under the quota's spelling of its name.
    """
    return _parse_pool(text, household_column, quotas, {})


def _parse_pool(
    text: str,
    household_column: str | None,
    quotas: list[Quota] | None,
    quota_lines: dict[tuple[str, str], int],
) -> list[Volunteer]:
    what = "pool file"
    rows = _rows(text)
    header = _header(rows, what, PoolFileError)
    folded = [name.casefold() for name in header]
    if "id" not in folded:
        raise PoolFileError(f"{what}, line 1: no 'id' column")
    id_col = folded.index("id")
    household_col: int | None = None
    if household_column is not None:
        if household_column.strip().casefold() not in folded:
            raise PoolFileError(f"{what}, line 1: no column {household_column!r} for households")
        household_col = folded.index(household_column.strip().casefold())
        if household_col == id_col:
            raise PoolFileError(f"{what}: the household column cannot be the id column")
    feature_cols = [c for c in range(len(header)) if c not in (id_col, household_col)]
    # Quoted features, spelled as in the quotas file, mapped to their pool column.
    quoted: dict[str, int] = {}
    values: dict[str, set[str]] = {}
    if quotas is not None:
        for quota in quotas:
            values.setdefault(quota.feature, set()).add(quota.value)
        for feature in values:
            if feature.casefold() not in folded:
                raise PoolFileError(f"{what}, line 1: no column for the quota feature {feature!r}")
            column = folded.index(feature.casefold())
            if column in (id_col, household_col):
                raise PoolFileError(
                    f"{what}, line 1: column {header[column]!r} cannot be both a quota feature "
                    "and the id or household column"
                )
            quoted[feature] = column
    name_of = {c: header[c] for c in feature_cols}
    for feature, column in quoted.items():
        name_of[column] = feature
    volunteers: list[Volunteer] = []
    first_line: dict[str, int] = {}
    seen_values: set[tuple[str, str]] = set()
    for line, cells in rows:
        if not any(cells):
            continue
        if len(cells) != len(header):
            raise PoolFileError(
                f"{what}, line {line}: expected {len(header)} fields, found {len(cells)}"
            )
        volunteer_id = cells[id_col]
        if not volunteer_id:
            raise PoolFileError(f"{what}, line {line}, column {header[id_col]!r}: empty id")
        if volunteer_id in first_line:
            raise PoolFileError(
                f"{what}, line {line}, column {header[id_col]!r}: id {volunteer_id!r} already "
                f"on line {first_line[volunteer_id]}"
            )
        first_line[volunteer_id] = line
        for feature, column in quoted.items():
            value = cells[column]
            if not value:
                raise PoolFileError(
                    f"{what}, line {line}, column {header[column]!r}: empty value "
                    f"(every volunteer needs a value for each quota feature)"
                )
            if value not in values[feature]:
                raise PoolFileError(
                    f"{what}, line {line}, column {header[column]!r}: value {value!r} has no "
                    "quota (add a quota row for it; max 0 excludes such volunteers)"
                )
            seen_values.add((feature, value))
        household = None
        if household_col is not None:
            household = cells[household_col] or None
        volunteers.append(
            Volunteer(
                id=volunteer_id,
                features={name_of[c]: cells[c] for c in feature_cols},
                household=household,
            )
        )
    if not volunteers:
        raise PoolFileError(f"{what}: no volunteers")
    if quotas is not None:
        for quota in quotas:
            if (quota.feature, quota.value) not in seen_values:
                where = quota_lines.get((quota.feature, quota.value))
                place = f", line {where}" if where else ""
                raise QuotasFileError(
                    f"quotas file{place}: value {quota.value!r} of feature {quota.feature!r} does "
                    "not occur in the pool (check its spelling, or remove the row)"
                )
    return volunteers


def parse_inputs(
    pool_text: str, quotas_text: str, *, household_column: str | None = None
) -> tuple[list[Volunteer], list[Quota]]:
    """Pool and quotas, checked against each other."""
    entries = _parse_quota_lines(quotas_text)
    quotas = [entry.quota for entry in entries]
    lines = {(entry.quota.feature, entry.quota.value): entry.line for entry in entries}
    pool = _parse_pool(pool_text, household_column, quotas, lines)
    return pool, quotas
