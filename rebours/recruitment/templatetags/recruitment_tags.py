"""Template helpers: the workshop menu's link to recruitment, and small number formats."""

from django import template
from django.utils.formats import number_format

from rebours.recruitment import permissions

register = template.Library()


@register.inclusion_tag("recruitment/_nav_link.html", takes_context=True)
def recruitment_nav_link(context, workshop, section: str = "") -> dict:
    """The workshop menu's link to recruitment, for organisers only."""
    request = context.get("request")
    return {
        "workshop": workshop,
        "current": section == "recruitment",
        "show": request is not None and permissions.can_manage(request.user, workshop),
    }


@register.filter
def percent(value) -> str:
    """A probability as a percentage with one decimal ("33,3" in French), or "–" if unknown."""
    if value is None or value == "":
        return "–"
    return number_format(100 * float(value), 1)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, "")
