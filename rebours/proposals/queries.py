from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from rebours.core.text import fold
from rebours.proposals.models import Proposal
from rebours.workshops.models import Workshop

SEARCH_MAX_TERMS = 12


def proposal_by_key(workshop: Workshop, key: str) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("theme", "review", "workshop"), workshop=workshop, key=key
    )


def neighbours(proposal: Proposal) -> tuple[Proposal | None, Proposal | None]:
    """The proposals before and after this one in the workshop's order."""
    ordered = list(
        Proposal.objects.filter(workshop=proposal.workshop)
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
    queryset = Proposal.objects.filter(workshop__published=True).select_related(
        "theme", "workshop", "review"
    )
    if workshop is not None:
        queryset = queryset.filter(workshop=workshop)
    if not terms:
        return queryset.none()
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return queryset.filter(condition).order_by("workshop__title", "theme__position", "position")
