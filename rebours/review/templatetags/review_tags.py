"""Template helpers for pages of other apps that link to the review."""

from django import template

from rebours.review import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def can_review(context, workshop) -> bool:
    request = context.get("request")
    return request is not None and permissions.can_review(request.user, workshop)


@register.inclusion_tag("review/_nav_link.html", takes_context=True)
def review_nav_link(context, workshop, section: str = "") -> dict:
    """The workshop menu's link to the review, for organisers only."""
    return {
        "workshop": workshop,
        "current": section == "review",
        "show": can_review(context, workshop),
    }
