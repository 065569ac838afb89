from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rebours.proposals import queries
from rebours.proposals.models import Proposal
from rebours.proposals.timeline import timeline_for
from rebours.workshops.models import Workshop
from rebours.workshops.queries import workshop_by_slug


def proposal_detail(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    workshop = workshop_by_slug(slug)
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
        },
    )


def mosaic(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = workshop_by_slug(slug)
    proposals = (
        Proposal.objects.filter(workshop=workshop)
        .select_related("theme")
        .order_by("theme__position", "position")
    )
    return render(request, "proposals/mosaic.html", {"workshop": workshop, "proposals": proposals})


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
