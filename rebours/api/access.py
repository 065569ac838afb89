"""Fetch what a request names and check that its caller may see or change it (`access_*`).

Permission rules come from the apps' permissions modules; this module only combines them:
- a workshop is visible when published, and to its organisers and its people when it is not
  (anyone else gets 404, as if it did not exist);
- a proposal is written by the members of its theme's group (any role) and by organisers.
"""

from django.db.models import QuerySet

from rebours.api.auth import Principal
from rebours.api.errors import ApiError
from rebours.proposals.models import Proposal
from rebours.workshops.models import Theme, Workshop
from rebours.workshops.permissions import current_person, is_organiser, theme_roles


def is_insider(caller: Principal, workshop: Workshop) -> bool:
    """Organisers and the workshop's people (through their account or the session they joined)."""
    if is_organiser(caller.user, workshop):
        return True
    return current_person(caller.user, caller.session, workshop) is not None


def visible_workshops(caller: Principal) -> QuerySet[Workshop]:
    """Published workshops, and the unpublished ones the caller organises or took part in."""
    published = Workshop.objects.filter(published=True)
    if not caller.user.is_authenticated:
        return published.order_by("-held_on", "title", "id")
    if getattr(caller.user, "is_staff", False):
        return Workshop.objects.order_by("-held_on", "title", "id")
    theirs = [
        w.pk
        for w in Workshop.objects.filter(published=False, people__user_id=caller.user.pk).distinct()
        if is_insider(caller, w)
    ]
    return Workshop.objects.filter(
        pk__in=[*published.values_list("pk", flat=True), *theirs]
    ).order_by("-held_on", "title", "id")


def access_workshop(caller: Principal, slug: str) -> Workshop:
    workshop = Workshop.objects.filter(slug=slug).first()
    if workshop is None or not (workshop.published or is_insider(caller, workshop)):
        raise ApiError(404, f'no workshop "{slug}"')
    return workshop


def access_theme(caller: Principal, slug: str, key: str) -> Theme:
    workshop = access_workshop(caller, slug)
    theme = workshop.themes.filter(key=key).select_related("workshop", "article").first()
    if theme is None:
        raise ApiError(404, f'no theme "{key}" in workshop "{slug}"')
    return theme


def access_proposal(caller: Principal, slug: str, key: str) -> Proposal:
    workshop = access_workshop(caller, slug)
    proposal = (
        Proposal.objects.filter(workshop=workshop, key=key)
        .select_related("theme", "workshop", "review")
        .first()
    )
    if proposal is None:
        raise ApiError(404, f'no proposal "{key}" in workshop "{slug}"')
    return proposal


def can_write_theme(caller: Principal, theme: Theme) -> bool:
    # The same rule as the proposal editor's: organisers, or anyone with a role in the group.
    if is_organiser(caller.user, theme.workshop):
        return True
    person = current_person(caller.user, caller.session, theme.workshop)
    return bool(theme_roles(person, theme))


def check_can_write(caller: Principal, theme: Theme) -> None:
    if not can_write_theme(caller, theme):
        raise ApiError(
            403, "only the members of the theme's group and the organisers write its proposals"
        )
