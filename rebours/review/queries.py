"""Reading the review for the pages: the queue, the audit, the duplicates."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from rebours.proposals.models import Proposal
from rebours.review.models import Duplicate, TriageChange
from rebours.workshops.models import Theme, Workshop


@dataclass
class Queue:
    to_review: list[Proposal]
    reviewed: list[Proposal]
    themes: list[Theme]

    @property
    def total(self) -> int:
        return len(self.to_review) + len(self.reviewed)


def queue(workshop: Workshop) -> Queue:
    """Proposals not triaged yet first (in the workshop's order), then the triaged ones."""
    proposals = (
        Proposal.objects.filter(workshop=workshop, merged_into__isnull=True)
        .select_related("theme", "review", "review__reviewer", "workshop")
        .order_by("theme__position", "position", "id")
    )
    to_review: list[Proposal] = []
    reviewed: list[Proposal] = []
    for proposal in proposals:
        review = getattr(proposal, "review", None)
        (reviewed if review is not None and review.triage else to_review).append(proposal)
    return Queue(to_review=to_review, reviewed=reviewed, themes=list(workshop.themes.all()))


def triage_history(proposal: Proposal) -> QuerySet[TriageChange]:
    return proposal.triage_changes.select_related("by")


def workshop_audit(workshop: Workshop) -> QuerySet[TriageChange]:
    return TriageChange.objects.filter(proposal__workshop=workshop).select_related("proposal", "by")


def duplicates(workshop: Workshop) -> QuerySet[Duplicate]:
    return (
        Duplicate.objects.filter(kept__workshop=workshop)
        .select_related("kept", "other", "marked_by", "merged_by")
        .prefetch_related(Prefetch("kept__theme"), Prefetch("other__theme"))
    )
