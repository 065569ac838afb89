"""The workshop menu's link to its personal data page, for its organisers."""

from django import template

from rebours.workshops.permissions import can_manage_personal_data

register = template.Library()


@register.inclusion_tag("privacy/_nav_link.html", takes_context=True)
def privacy_nav_link(context, workshop, section: str = "") -> dict:
    request = context.get("request")
    return {
        "workshop": workshop,
        "current": section == "privacy",
        "show": request is not None and can_manage_personal_data(request.user, workshop),
    }
