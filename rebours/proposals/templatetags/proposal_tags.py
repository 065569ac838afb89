"""Template helpers other apps' pages use to offer the proposal editor to those who may use it."""

from django import template

from rebours.proposals import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def can_add_proposal(context, theme) -> bool:
    """Whether the person reading the page may start a new proposal in `theme`."""
    request = context.get("request")
    if request is None:
        return False
    return permissions.can_edit_theme(request.user, request.session, theme)


@register.simple_tag(takes_context=True)
def can_edit_proposal(context, proposal) -> bool:
    request = context.get("request")
    if request is None:
        return False
    return permissions.can_edit(request.user, request.session, proposal)


@register.inclusion_tag("proposals/_nav_link.html")
def proposals_nav_link(workshop, section: str = "") -> dict:
    """The workshop menu's link to the catalogue (its words live in this app's catalogue)."""
    return {"workshop": workshop, "current": section == "catalogue"}


@register.inclusion_tag("proposals/_new_link.html", takes_context=True)
def new_proposal_link(context, theme) -> dict:
    """ "New proposal" on a theme's page, for its group and the organisers."""
    return {"theme": theme, "show": can_add_proposal(context, theme)}
