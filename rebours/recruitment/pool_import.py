"""Reading a pool file that an organiser uploads (reads only; `do_import_pool` writes).

Columns: `id` (the volunteer's id in the organiser's own list), `name`, `contact`, one column
per category of the registration form (named by the category's key, any case) and, optionally,
`household`. Other columns are ignored and reported. `pool_io` checks the file's structure and
its ids (naming the line of a duplicate); this module then checks every name, contact and
answer, naming the line and the column. One error and nothing is imported.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from rebours.recruitment import checks, pool_io
from rebours.recruitment.checks import RecruitmentError
from rebours.recruitment.sortition import DrawError

MAX_ROWS = 20_000


@dataclass
class ImportedVolunteer:
    line: int
    source_id: str
    name: str
    contact: str
    attributes: dict[str, str]
    household: str


@dataclass
class ParsedPool:
    volunteers: list[ImportedVolunteer] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecruitmentError(
            _("The file is not UTF-8 text (byte %(position)d). Save it as “CSV UTF-8”.")
            % {"position": error.start + 1}
        ) from None


def records_of(text: str) -> list[tuple[int, list[str]]]:
    """(line where the record starts, stripped cells) of every non-empty record, header first.

    The separator is chosen as pool_io chooses it (the most frequent of , ; tab in the first
    line), so that line numbers and cells agree with its own reading of the file.
    """
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter if counts[delimiter] else ","
    )
    records: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return records
        cells = [cell.strip() for cell in row]
        if any(cells):
            records.append((start, cells))


def _error(line: int, column: str, message: str) -> RecruitmentError:
    return RecruitmentError(
        _("Line %(line)d, column “%(column)s”: %(message)s")
        % {"line": line, "column": column, "message": message}
    )


def parse_pool_file(text: str, categories: list[dict[str, Any]]) -> ParsedPool:
    """Every volunteer of the file, checked; `RecruitmentError` naming the line otherwise."""
    records = records_of(text)
    has_household = bool(records) and "household" in [c.casefold() for c in records[0][1]]
    try:
        pool_io.parse_pool(text, household_column="household" if has_household else None)
    except DrawError as error:
        raise RecruitmentError(str(error)) from None
    header, rows = records[0][1], records[1:]
    if len(rows) > MAX_ROWS:
        raise RecruitmentError(
            _("The file holds %(count)d volunteers; at most %(max)d are imported at once.")
            % {"count": len(rows), "max": MAX_ROWS}
        )
    position = {name.casefold(): i for i, name in enumerate(header)}
    for required in ("name", "contact"):
        if required not in position:
            raise RecruitmentError(
                _("Line 1: the file has no “%(column)s” column.") % {"column": required}
            )
    for category in categories:
        if category["key"].casefold() not in position:
            raise RecruitmentError(
                _("Line 1: the file has no “%(column)s” column (a category of the form).")
                % {"column": category["key"]}
            )
    known = {"id", "name", "contact", "household"} | {c["key"].casefold() for c in categories}
    parsed = ParsedPool(ignored_columns=[name for name in header if name.casefold() not in known])
    for line, cells in rows:
        try:
            name = checks.check_name(cells[position["name"]])
        except RecruitmentError as error:
            raise _error(line, header[position["name"]], error.message) from None
        try:
            contact = checks.check_contact(cells[position["contact"]])
        except RecruitmentError as error:
            raise _error(line, header[position["contact"]], error.message) from None
        attributes: dict[str, str] = {}
        for category in categories:
            column = position[category["key"].casefold()]
            value = checks.clean_text(cells[column])
            if value not in category["values"]:
                allowed = ", ".join(_("“%(value)s”") % {"value": v} for v in category["values"])
                raise _error(
                    line,
                    header[column],
                    _("“%(value)s” is not one of %(allowed)s.")
                    % {"value": value, "allowed": allowed},
                )
            attributes[category["key"]] = value
        household = ""
        if has_household:
            try:
                household = checks.check_household(cells[position["household"]])
            except RecruitmentError as error:
                raise _error(line, header[position["household"]], error.message) from None
        parsed.volunteers.append(
            ImportedVolunteer(
                line=line,
                source_id=cells[position["id"]][:200],
                name=name,
                contact=contact,
                attributes=attributes,
                household=household,
            )
        )
    return parsed
