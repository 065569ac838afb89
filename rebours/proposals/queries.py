from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from rebours.core.text import fold
from rebours.proposals.models import Kind, Proposal
from rebours.workshops.models import Workshop

SEARCH_MAX_TERMS = 12


def proposal_by_key(workshop: Workshop, key: str) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("theme", "review", "workshop"), workshop=workshop, key=key
    )


# The triage values, as stored by the review app ("none": not triaged yet).
TRIAGES = ("programme", "rework", "not_original", "none")


@dataclass(frozen=True)
class CatalogueFilters:
    triage: str = ""
    theme: str = ""
    kind: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, Any], workshop: Workshop) -> "CatalogueFilters":
        """The filters of a catalogue URL; values that mean nothing are ignored."""
        triage = str(query.get("triage", ""))
        theme = str(query.get("theme", ""))
        kind = str(query.get("kind", ""))
        return cls(
            triage=triage if triage in TRIAGES else "",
            theme=theme if theme and workshop.themes.filter(key=theme).exists() else "",
            kind=kind if kind in Kind.values else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.triage or self.theme or self.kind)


def catalogue(workshop: Workshop, filters: CatalogueFilters | None = None) -> QuerySet[Proposal]:
    """The proposals a reader sees: not those merged into another one, in the workshop's order."""
    queryset = (
        Proposal.objects.filter(workshop=workshop, merged_into__isnull=True)
        .select_related("theme", "review", "workshop")
        .order_by("theme__position", "position", "id")
    )
    if filters is None:
        return queryset
    if filters.triage == "none":
        queryset = queryset.filter(Q(review__isnull=True) | Q(review__triage=""))
    elif filters.triage:
        queryset = queryset.filter(review__triage=filters.triage)
    if filters.theme:
        queryset = queryset.filter(theme__key=filters.theme)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset


def triage_counts(workshop: Workshop) -> dict[str, int]:
    """How many proposals sit in each triage class ("none" for those not triaged yet)."""
    rows = (
        Proposal.objects.filter(workshop=workshop, merged_into__isnull=True)
        .values("review__triage")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(TRIAGES, 0)
    for row in rows:
        counts[row["review__triage"] or "none"] += row["n"]
    counts["all"] = sum(counts[t] for t in TRIAGES)
    return counts


def neighbours(proposal: Proposal) -> tuple[Proposal | None, Proposal | None]:
    """The proposals before and after this one in the workshop's order."""
    ordered = list(
        Proposal.objects.filter(workshop=proposal.workshop)
        .filter(Q(merged_into__isnull=True) | Q(pk=proposal.pk))
        .order_by("theme__position", "position", "id")
        .only("id", "key", "title", "letter")
    )
    index = next(i for i, p in enumerate(ordered) if p.id == proposal.id)
    before = ordered[index - 1] if index > 0 else None
    after = ordered[index + 1] if index + 1 < len(ordered) else None
    return before, after


def search(text: str, *, workshop: Workshop | None = None) -> QuerySet[Proposal]:
    """Proposals containing every word of `text`, ignoring case and accents."""
    terms = fold(text).split()[:SEARCH_MAX_TERMS]
    queryset = Proposal.objects.filter(
        workshop__published=True, merged_into__isnull=True
    ).select_related("theme", "workshop", "review")
    if workshop is not None:
        queryset = queryset.filter(workshop=workshop)
    if not terms:
        return queryset.none()
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return queryset.filter(condition).order_by("workshop__title", "theme__position", "position")
