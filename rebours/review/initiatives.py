"""Reading a CSV of existing initiatives: title, description, url, place.

Strict, so that an import either takes the whole file or nothing: the first fault is reported
with the line it is on (as a spreadsheet numbers lines, the header being line 1).
Comma or semicolon separated (French spreadsheets write semicolons), UTF-8 with or without
the byte-order mark spreadsheets add.
"""

import csv
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ("title", "description", "url", "place")
REQUIRED = ("title",)
# The French headers a spreadsheet made in French would carry.
ALIASES = {
    "titre": "title",
    "nom": "title",
    "lien": "url",
    "adresse web": "url",
    "site": "url",
    "lieu": "place",
    "territoire": "place",
}
LIMITS = {"title": 300, "description": 10_000, "url": 500, "place": 200}


@dataclass(frozen=True)
class InitiativeRow:
    line: int
    title: str
    description: str
    url: str
    place: str


class InitiativesInvalid(ValueError):
    """The file cannot be imported; `line` is where the first fault is (0: the whole file)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InitiativesInvalid(
            line,
            _(
                "this line is not UTF-8 text (byte %(byte)s); save the file as “CSV UTF-8” "
                "and import it again"
            )
            % {"byte": f"0x{data[exc.start]:02x}"},
        ) from None


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _header(cells: list[str]) -> list[str]:
    names = []
    for cell in cells:
        name = cell.strip().lower()
        name = ALIASES.get(name, name)
        if name not in COLUMNS:
            raise InitiativesInvalid(
                1,
                _("unknown column “%(name)s”; the columns are %(columns)s")
                % {"name": cell.strip()[:40], "columns": ", ".join(COLUMNS)},
            )
        if name in names:
            raise InitiativesInvalid(1, _("the column “%(name)s” appears twice") % {"name": name})
        names.append(name)
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise InitiativesInvalid(1, _("the column “%(name)s” is missing") % {"name": missing[0]})
    return names


def _url(line: int, value: str) -> str:
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in value:
        raise InitiativesInvalid(
            line, _("“%(url)s” is not a web address (http:// or https://)") % {"url": value[:80]}
        )
    return value


def parse_initiatives(data: bytes) -> list[InitiativeRow]:
    """Every initiative of the file, or InitiativesInvalid for the first faulty line."""
    if len(data) > MAX_BYTES:
        raise InitiativesInvalid(
            0, _("the file is over %(limit)s MB") % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    text = _decode(data)
    if not text.strip():
        raise InitiativesInvalid(0, _("the file is empty"))
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InitiativesInvalid(
            line, _("this line contains a NUL character: is it really a CSV file?")
        )
    first_line = text.splitlines()[0]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True
    )
    rows: list[InitiativeRow] = []
    names: list[str] | None = None
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if names is None:
                names = _header(cells)
                continue
            if len(cells) != len(names):
                raise InitiativesInvalid(
                    start,
                    _("%(found)s cells where the header has %(expected)s columns")
                    % {"found": len(cells), "expected": len(names)},
                )
            values = dict.fromkeys(COLUMNS, "")
            for name, cell in zip(names, cells, strict=True):
                value = cell.strip()
                if len(value) > LIMITS[name]:
                    raise InitiativesInvalid(
                        start,
                        _("the %(column)s is %(length)s characters long; the limit is %(limit)s")
                        % {"column": name, "length": len(value), "limit": LIMITS[name]},
                    )
                values[name] = value
            if not values["title"]:
                raise InitiativesInvalid(start, _("the title is empty"))
            values["url"] = _url(start, values["url"])
            rows.append(InitiativeRow(line=start, **values))
            if len(rows) > MAX_ROWS:
                raise InitiativesInvalid(start, _("more than %(n)s initiatives") % {"n": MAX_ROWS})
    except csv.Error as exc:
        raise InitiativesInvalid(
            line, _("the CSV is malformed (%(error)s)") % {"error": exc}
        ) from None
    if names is None:
        raise InitiativesInvalid(0, _("the file is empty"))
    if not rows:
        raise InitiativesInvalid(0, _("the file has a header but no initiative"))
    return rows
