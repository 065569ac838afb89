"""Writing proposals. Every save names the version it started from; a stale one is a conflict."""

import string
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from rebours.live.events import publish
from rebours.proposals.models import TITLE_MAX_LENGTH, Kind, Origin, Proposal
from rebours.proposals.search import search_text_for
from rebours.workshops.models import Theme

TEXT_FIELDS = ("title", "summary", "description", "how_it_works", "image_alt")
LIST_FIELDS = ("objectives", "obstacles")
EDITABLE_FIELDS = (*TEXT_FIELDS, "kind", *LIST_FIELDS, "roles", "pathway")
TEXT_MAX_LENGTH = 10_000
LIST_MAX_ITEMS = 30


class ProposalInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass
class ProposalConflict(Exception):
    """The proposal changed since the version the save started from."""

    current: dict[str, Any]
    base_version: int

    def __str__(self) -> str:
        return (
            f"the proposal is at version {self.current['version']}, "
            f"this save started from version {self.base_version}"
        )


def snapshot(proposal: Proposal) -> dict[str, Any]:
    """The editable fields of a proposal and its version: what editors compare and merge."""
    data = {name: getattr(proposal, name) for name in EDITABLE_FIELDS}
    data["version"] = proposal.version
    return data


def stream_for(proposal: Proposal) -> str:
    return f"proposal:{proposal.pk}"


def _text(field: str, value: Any, *, limit: int = TEXT_MAX_LENGTH) -> str:
    if not isinstance(value, str):
        raise ProposalInvalid(field, "must be text")
    if "\x00" in value:
        raise ProposalInvalid(field, "contains a NUL character")
    if len(value) > limit:
        raise ProposalInvalid(field, f"is longer than {limit} characters")
    return value.replace("\r\n", "\n")


def _items(field: str, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ProposalInvalid(field, "must be a list")
    if len(value) > LIST_MAX_ITEMS:
        raise ProposalInvalid(field, f"has more than {LIST_MAX_ITEMS} items")
    cleaned = [_text(field, item, limit=1000).strip() for item in value]
    return [item for item in cleaned if item]


def check_changes(changes: dict[str, Any], *, horizon_year: int) -> dict[str, Any]:
    """Validate the fields of an edit; return them cleaned. Unknown fields are refused."""
    cleaned: dict[str, Any] = {}
    for field, value in changes.items():
        if field not in EDITABLE_FIELDS:
            raise ProposalInvalid(field, "is not a field of the template")
        if field == "title":
            title = _text(field, value, limit=TITLE_MAX_LENGTH).strip()
            if not title:
                raise ProposalInvalid(field, "must not be empty")
            cleaned[field] = title
        elif field in TEXT_FIELDS:
            cleaned[field] = _text(field, value)
        elif field == "kind":
            if value not in ("", *Kind.values):
                raise ProposalInvalid(field, f"must be one of {', '.join(Kind.values)}")
            cleaned[field] = value
        elif field in LIST_FIELDS:
            cleaned[field] = _items(field, value)
        elif field == "roles":
            cleaned[field] = _roles(value)
        elif field == "pathway":
            cleaned[field] = _pathway(value, horizon_year)
    return cleaned


def _roles(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or len(value) > LIST_MAX_ITEMS:
        raise ProposalInvalid("roles", f"must be a list of at most {LIST_MAX_ITEMS} rows")
    rows = []
    for row in value:
        if not isinstance(row, dict) or set(row) - {"actor", "does"}:
            raise ProposalInvalid("roles", "each row has an actor and what they do")
        actor = _text("roles", row.get("actor", ""), limit=300).strip()
        does = _text("roles", row.get("does", ""), limit=2000).strip()
        if actor and does:
            rows.append({"actor": actor, "does": does})
        elif actor or does:
            raise ProposalInvalid("roles", "each row needs both an actor and what they do")
    return rows


def _pathway(value: Any, horizon_year: int) -> list[dict[str, Any]]:
    if not isinstance(value, list) or len(value) > LIST_MAX_ITEMS:
        raise ProposalInvalid("pathway", f"must be a list of at most {LIST_MAX_ITEMS} milestones")
    milestones = []
    for row in value:
        if not isinstance(row, dict) or set(row) - {"year", "milestone"}:
            raise ProposalInvalid("pathway", "each milestone has a year and a text")
        year = row.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= horizon_year:
            raise ProposalInvalid("pathway", f"years run from 1900 to the horizon, {horizon_year}")
        text = _text("pathway", row.get("milestone", ""), limit=1000).strip()
        if not text:
            raise ProposalInvalid("pathway", "each milestone needs a text")
        milestones.append({"year": year, "milestone": text})
    return milestones


def _free_key(theme: Theme, title: str) -> str:
    base = slugify(title)[:50].strip("-") or "proposition"
    taken = set(Proposal.objects.filter(workshop=theme.workshop).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _free_letter(theme: Theme) -> str:
    taken = set(theme.proposals.values_list("letter", flat=True))
    return next((c for c in string.ascii_lowercase if c not in taken), "")


def do_create_proposal(
    theme: Theme,
    *,
    actor: Any,
    title: str,
    origin: str = Origin.GROUP,
    fields: dict[str, Any] | None = None,
) -> Proposal:
    """A new proposal sheet in `theme`, at version 1, announced on the theme's board."""
    cleaned = check_changes(
        {"title": title, **(fields or {})}, horizon_year=theme.workshop.horizon_year
    )
    with transaction.atomic():
        theme = Theme.objects.select_for_update().select_related("workshop").get(pk=theme.pk)
        proposal = Proposal(
            workshop=theme.workshop,
            theme=theme,
            key=_free_key(theme, cleaned["title"]),
            letter=_free_letter(theme),
            origin=origin,
            position=theme.proposals.count(),
            updated_by=actor if getattr(actor, "is_authenticated", False) else None,
            **cleaned,
        )
        proposal.search_text = search_text_for(proposal)
        proposal.save()
        publish(
            f"board:{theme.pk}",
            "proposal.created",
            {
                "id": proposal.pk,
                "key": proposal.key,
                "title": proposal.title,
                "letter": proposal.letter,
            },
        )
    return proposal


def do_update_proposal(
    proposal: Proposal, changes: dict[str, Any], *, base_version: int, actor: Any
) -> Proposal:
    """Apply `changes` if nobody saved since `base_version`; otherwise raise ProposalConflict."""
    cleaned = check_changes(changes, horizon_year=proposal.workshop.horizon_year)
    with transaction.atomic():
        current = (
            Proposal.objects.select_for_update()
            .select_related("theme", "workshop")
            .get(pk=proposal.pk)
        )
        if current.version != base_version:
            raise ProposalConflict(current=snapshot(current), base_version=base_version)
        for field, value in cleaned.items():
            setattr(current, field, value)
        current.version += 1
        current.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        current.search_text = search_text_for(current)
        current.save()
        publish(
            stream_for(current),
            "proposal.updated",
            {"version": current.version, "fields": sorted(cleaned)},
        )
    return current
