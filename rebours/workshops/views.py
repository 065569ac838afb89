from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rebours.workshops import queries
from rebours.workshops.models import LessonKind


def workshop_list(request: HttpRequest) -> HttpResponse:
    workshops = queries.published_workshops()
    return render(request, "workshops/list.html", {"workshops": workshops})


def workshop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = queries.workshop_by_slug(slug, request)
    lessons = list(workshop.lessons.all())
    return render(
        request,
        "workshops/detail.html",
        {
            "workshop": workshop,
            "figures": queries.figures(workshop),
            "articles": workshop.articles.select_related("theme"),
            "themes": queries.themes_with_proposals(workshop),
            "agenda": workshop.agenda.all(),
            "worked": [x for x in lessons if x.kind == LessonKind.WORKED],
            "did_not_work": [x for x in lessons if x.kind == LessonKind.DID_NOT_WORK],
            "contacts": workshop.contacts.all(),
        },
    )


def theme_detail(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    workshop = queries.workshop_by_slug(slug, request)
    theme = queries.theme_by_key(workshop, key)
    team: dict[str, list] = {"facilitator": [], "designer": [], "member": []}
    for membership in theme.memberships.all():
        team[membership.role].append(membership.person)
    return render(
        request,
        "workshops/theme.html",
        {"workshop": workshop, "theme": theme, "team": team, "proposals": theme.proposals.all()},
    )
