"""Workshops, their themes and their press review from the future; the organisers' export."""

import json
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from rebours.api.access import access_theme, access_workshop, visible_workshops
from rebours.api.auth import READ, principal
from rebours.api.errors import ApiError
from rebours.api.pagination import PageParams, paginate
from rebours.api.routers.common import absolute, errors
from rebours.api.schemas import (
    ArticlePage,
    ThemeDetailOut,
    ThemePage,
    WorkshopOut,
    WorkshopPage,
)
from rebours.exchange.export import export_document
from rebours.workshops.models import LessonKind, PressArticle, Theme, ThemeMembership, Workshop
from rebours.workshops.permissions import can_export
from rebours.workshops.queries import figures

router = Router(tags=["workshops"], auth=READ)


def workshop_summary(request: HttpRequest, workshop: Workshop) -> dict[str, Any]:
    return {
        "slug": workshop.slug,
        "title": workshop.title,
        "subtitle": workshop.subtitle,
        "horizon_year": workshop.horizon_year,
        "held_on": workshop.held_on,
        "venue": workshop.venue,
        "language": workshop.language,
        "published": workshop.published,
        "url": absolute(request, "workshops:detail", workshop.slug),
    }


@router.get("/workshops", response={200: WorkshopPage, **errors(401, 422)})
def list_workshops(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Published workshops, newest first (and unpublished ones to their organisers and people)."""
    workshops = visible_workshops(principal(request))
    return paginate(request, workshops, page, lambda w: workshop_summary(request, w))


@router.get("/workshops/{slug}", response={200: WorkshopOut, **errors(401, 404)})
def get_workshop(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One workshop: its figures, agenda, retrospective and contacts."""
    workshop = access_workshop(principal(request), slug)
    lessons = list(workshop.lessons.all())
    numbers = figures(workshop)
    return {
        **workshop_summary(request, workshop),
        "organiser": workshop.organiser,
        "introduction": workshop.introduction,
        "hours": workshop.hours,
        "figures": {
            "hours": numbers.hours,
            "participants": numbers.participants,
            "proposals": numbers.proposals,
            "themes": numbers.themes,
        },
        "agenda": [
            {
                "key": item.key,
                "kind": item.kind,
                "title": item.title,
                "starts_at": item.starts_at.strftime("%H:%M") if item.starts_at else None,
                "minutes": item.minutes,
            }
            for item in workshop.agenda.all()
        ],
        "retrospective": {
            "worked": [x.text for x in lessons if x.kind == LessonKind.WORKED],
            "did_not_work": [x.text for x in lessons if x.kind == LessonKind.DID_NOT_WORK],
        },
        "contacts": [
            {"name": c.name, "role": c.role, "email": c.email, "url": c.url}
            for c in workshop.contacts.all()
        ],
    }


def theme_data(theme: Theme) -> dict[str, Any]:
    count = getattr(theme, "proposal_count", None)
    return {
        "key": theme.key,
        "title": theme.title,
        "challenge": theme.challenge,
        "question": theme.question,
        "introduction": theme.introduction,
        "article": theme.article.key if theme.article is not None else None,
        "opinion": theme.opinion,
        "proposals": (
            theme.proposals.filter(merged_into__isnull=True).count() if count is None else count
        ),
    }


@router.get("/workshops/{slug}/themes", response={200: ThemePage, **errors(401, 404, 422)})
def list_themes(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    """The workshop's themes (its groups), in the workshop's order."""
    workshop = access_workshop(principal(request), slug)
    themes = (
        workshop.themes.select_related("article")
        .annotate(proposal_count=Count("proposals", filter=Q(proposals__merged_into__isnull=True)))
        .order_by("position", "id")
    )
    return paginate(request, themes, page, theme_data)


@router.get("/workshops/{slug}/themes/{key}", response={200: ThemeDetailOut, **errors(401, 404)})
def get_theme(request: HttpRequest, slug: str, key: str) -> dict[str, Any]:
    """One theme, with its group as the theme's page lists it."""
    theme = access_theme(principal(request), slug, key)
    team: dict[str, list[str]] = {"facilitator": [], "designer": [], "member": []}
    memberships = ThemeMembership.objects.filter(theme=theme).select_related("person")
    for membership in memberships.order_by("position", "id"):
        team.setdefault(membership.role, []).append(membership.person.display_name)
    return {
        **theme_data(theme),
        "team": {
            "facilitators": team["facilitator"],
            "designers": team["designer"],
            "members": team["member"],
        },
    }


def article_data(article: PressArticle) -> dict[str, Any]:
    return {
        "key": article.key,
        "headline": article.headline,
        "lede": article.lede,
        "dated": article.dated,
        "theme": article.theme.key if article.theme is not None else None,
    }


@router.get("/workshops/{slug}/press-review", response={200: ArticlePage, **errors(401, 404, 422)})
def list_press_review(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    """The press review from the future: good-news articles dated at the horizon."""
    workshop = access_workshop(principal(request), slug)
    articles = workshop.articles.select_related("theme").order_by("position", "id")
    return paginate(request, articles, page, article_data)


@router.get(
    "/workshops/{slug}/export",
    response=errors(401, 403, 404),
    openapi_extra={
        "responses": {
            200: {
                "description": "The exchange format's document (rebours.workshop/1).",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    },
)
def export_workshop(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole workshop in the exchange format, as `rebours export` prints it (organisers)."""
    caller = principal(request)
    workshop = access_workshop(caller, slug)
    if not can_export(caller.user, workshop):
        status = 403 if caller.user.is_authenticated else 401
        raise ApiError(status, "exporting a whole workshop is for its organisers")
    body = json.dumps(export_document(workshop), ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/json; charset=utf-8")
