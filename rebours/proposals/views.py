from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rebours.proposals import actions, permissions, queries
from rebours.proposals.timeline import timeline_for
from rebours.review.originality import originality_of
from rebours.workshops.models import Workshop
from rebours.workshops.permissions import is_organiser
from rebours.workshops.queries import workshop_by_slug


def proposal_detail(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    workshop = workshop_by_slug(slug, request)
    proposal = queries.proposal_by_key(workshop, key)
    before, after = queries.neighbours(proposal)
    return render(
        request,
        "proposals/detail.html",
        {
            "workshop": workshop,
            "proposal": proposal,
            "theme": proposal.theme,
            "review": getattr(proposal, "review", None),
            "timeline": timeline_for(proposal),
            "before": before,
            "after": after,
            "can_edit": permissions.can_edit(request.user, request.session, proposal),
            "is_organiser": is_organiser(request.user, workshop),
            "check": originality_of(proposal),
        },
    )


def mosaic(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = workshop_by_slug(slug, request)
    proposals = list(queries.catalogue(workshop))
    # Images imported with a workshop come without their mosaic-sized copy: make it once.
    actions.do_ensure_thumbnails(proposals, actor=request.user)
    return render(request, "proposals/mosaic.html", {"workshop": workshop, "proposals": proposals})


def catalogue(request: HttpRequest, slug: str) -> HttpResponse:
    """Every proposal of a workshop, filtered by triage, theme or kind (`?triage=programme`)."""
    workshop = workshop_by_slug(slug, request)
    chosen = queries.CatalogueFilters.from_query(request.GET, workshop)
    proposals = list(queries.catalogue(workshop, chosen))
    actions.do_ensure_thumbnails(proposals, actor=request.user)
    return render(
        request,
        "proposals/catalogue.html",
        {
            "workshop": workshop,
            "proposals": proposals,
            "filters": chosen,
            "counts": queries.triage_counts(workshop),
            "themes": workshop.themes.all(),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    slug = request.GET.get("w", "")
    workshop = Workshop.objects.filter(slug=slug, published=True).first() if slug else None
    results = list(queries.search(text, workshop=workshop)[:200]) if text else []
    return render(
        request,
        "proposals/search.html",
        {
            "q": text,
            "results": results,
            "workshop": workshop,
            "workshops": Workshop.objects.filter(published=True),
        },
    )
