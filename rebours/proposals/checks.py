"""Checking what an edit of a proposal may contain: fields of the template, lengths, years.

Pure validation, shared by the editor, the API and the importer's rules; nothing here writes.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from rebours.proposals.models import TITLE_MAX_LENGTH, Kind
from rebours.workshops.models import Workshop

TEXT_FIELDS = ("title", "summary", "description", "how_it_works", "image_alt")
LIST_FIELDS = ("objectives", "obstacles")
EDITABLE_FIELDS = (*TEXT_FIELDS, "kind", *LIST_FIELDS, "roles", "pathway")
TEXT_MAX_LENGTH = 10_000
ITEM_MAX_LENGTH = 1000
ACTOR_MAX_LENGTH = 300
ROLE_MAX_LENGTH = 2000
LIST_MAX_ITEMS = 30


class ProposalInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def check_text(field: str, value: Any, *, limit: int = TEXT_MAX_LENGTH) -> str:
    if not isinstance(value, str):
        raise ProposalInvalid(field, _("must be text"))
    if "\x00" in value:
        raise ProposalInvalid(field, _("contains a NUL character"))
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(value) > limit:
        raise ProposalInvalid(
            field,
            _("is %(length)s characters long; the limit is %(limit)s")
            % {"length": len(value), "limit": limit},
        )
    return value


def _items(field: str, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ProposalInvalid(field, _("must be a list"))
    if len(value) > LIST_MAX_ITEMS:
        raise ProposalInvalid(field, _("has more than %(n)s items") % {"n": LIST_MAX_ITEMS})
    cleaned = [check_text(field, item, limit=ITEM_MAX_LENGTH).strip() for item in value]
    return [item for item in cleaned if item]


def year_bounds(workshop: Workshop) -> tuple[int, int]:
    """The years a milestone may carry: from the day of the workshop to its horizon."""
    start = workshop.held_on.year if workshop.held_on else datetime.date.today().year
    return min(start, workshop.horizon_year), workshop.horizon_year


def check_changes(
    changes: dict[str, Any],
    *,
    horizon_year: int,
    first_year: int = 1900,
    known_years: Iterable[int] = (),
) -> dict[str, Any]:
    """Validate the fields of an edit; return them cleaned. Unknown fields are refused.

    Milestone years run from `first_year` to `horizon_year`; years in `known_years` (those the
    pathway already has) stay allowed, so an older pathway can still be edited.
    """
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise ProposalInvalid(name, _("is not a field of the template"))
        if name == "title":
            title = check_text(name, value, limit=TITLE_MAX_LENGTH).strip()
            if not title:
                raise ProposalInvalid(name, _("must not be empty"))
            cleaned[name] = title
        elif name in TEXT_FIELDS:
            cleaned[name] = check_text(name, value)
        elif name == "kind":
            if value not in ("", *Kind.values):
                raise ProposalInvalid(
                    name, _("must be one of %(kinds)s") % {"kinds": ", ".join(Kind.values)}
                )
            cleaned[name] = value
        elif name in LIST_FIELDS:
            cleaned[name] = _items(name, value)
        elif name == "roles":
            cleaned[name] = _roles(value)
        elif name == "pathway":
            cleaned[name] = _pathway(value, first_year, horizon_year, set(known_years))
    return cleaned


def _roles(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or len(value) > LIST_MAX_ITEMS:
        raise ProposalInvalid(
            "roles", _("must be a list of at most %(n)s rows") % {"n": LIST_MAX_ITEMS}
        )
    rows = []
    for row in value:
        if not isinstance(row, dict) or set(row) - {"actor", "does"}:
            raise ProposalInvalid("roles", _("each row has an actor and what they do"))
        actor = check_text("roles", row.get("actor", ""), limit=ACTOR_MAX_LENGTH).strip()
        does = check_text("roles", row.get("does", ""), limit=ROLE_MAX_LENGTH).strip()
        if actor and does:
            rows.append({"actor": actor, "does": does})
        elif actor or does:
            raise ProposalInvalid("roles", _("each row needs both an actor and what they do"))
    return rows


def _pathway(
    value: Any, first_year: int, horizon_year: int, known: set[int]
) -> list[dict[str, Any]]:
    if not isinstance(value, list) or len(value) > LIST_MAX_ITEMS:
        raise ProposalInvalid(
            "pathway", _("must be a list of at most %(n)s milestones") % {"n": LIST_MAX_ITEMS}
        )
    milestones: list[dict[str, Any]] = []
    for row in value:
        if not isinstance(row, dict) or set(row) - {"year", "milestone"}:
            raise ProposalInvalid("pathway", _("each milestone has a year and a text"))
        year = row.get("year")
        if (
            not isinstance(year, int)
            or isinstance(year, bool)
            or not (first_year <= year <= horizon_year or year in known)
        ):
            raise ProposalInvalid(
                "pathway",
                _("years run from %(first)s to the horizon, %(horizon)s")
                % {"first": first_year, "horizon": horizon_year},
            )
        text = check_text("pathway", row.get("milestone", ""), limit=ITEM_MAX_LENGTH).strip()
        if not text:
            raise ProposalInvalid("pathway", _("each milestone needs a text"))
        milestones.append({"year": year, "milestone": text})
    # Stored from the horizon back to today, the order the method reads them in.
    milestones.sort(key=lambda m: m["year"], reverse=True)
    return milestones
