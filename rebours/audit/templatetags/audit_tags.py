"""The workshop menu's link to the audit log, for the organisers who may read it."""

from django import template

from rebours.audit.permissions import can_read_audit

register = template.Library()


@register.inclusion_tag("audit/_nav_link.html", takes_context=True)
def audit_nav_link(context, workshop, section: str = "") -> dict:
    request = context.get("request")
    return {
        "workshop": workshop,
        "current": section == "audit",
        "show": request is not None and can_read_audit(request.user, workshop),
    }
