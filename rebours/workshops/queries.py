"""Reading workshops for the pages: one place for the queries and the figures."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from rebours.proposals.models import Proposal
from rebours.workshops.models import Role, Theme, ThemeMembership, Workshop
from rebours.workshops.permissions import can_read_workshop


@dataclass(frozen=True)
class Figures:
    hours: float | None
    participants: int
    proposals: int
    themes: int


def published_workshops() -> QuerySet[Workshop]:
    return Workshop.objects.filter(published=True).annotate(
        proposal_count=Count("proposals", distinct=True),
        theme_count=Count("themes", distinct=True),
    )


def workshop_by_slug(slug: str, request: HttpRequest | None = None) -> Workshop:
    """A workshop for its pages. Published ones are everyone's; an unpublished one reads only for
    those the table lets read it (its organisers and people), given the request; for anyone else
    it does not exist (404)."""
    workshop = get_object_or_404(Workshop, slug=slug)
    if workshop.published:
        return workshop
    if request is not None and can_read_workshop(request.user, request.session, workshop):
        return workshop
    raise Http404


def figures(workshop: Workshop) -> Figures:
    # Participants are everyone who took part in the day: every role but the organisers'.
    people = workshop.people.all()
    participants = sum(1 for p in people if set(p.roles or []) - {Role.ORGANISER})
    return Figures(
        hours=workshop.hours,
        participants=participants,
        proposals=workshop.proposals.count(),
        themes=workshop.themes.count(),
    )


def themes_with_proposals(workshop: Workshop) -> QuerySet[Theme]:
    return workshop.themes.prefetch_related(
        Prefetch("proposals", queryset=Proposal.objects.select_related("review", "workshop")),
    ).select_related("article")


def theme_by_key(workshop: Workshop, key: str) -> Theme:
    return get_object_or_404(
        workshop.themes.select_related("article").prefetch_related(
            Prefetch("memberships", queryset=ThemeMembership.objects.select_related("person")),
            Prefetch("proposals", queryset=Proposal.objects.select_related("review", "workshop")),
        ),
        key=key,
    )
