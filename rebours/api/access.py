"""Fetch what a request names and check that its caller may see or change it (`access_*`).

Permission rules come from the apps' permissions modules; this module only applies them:
- a workshop is visible when published, and to its organisers and its people when it is not
  (anyone else gets 404, as if it did not exist);
- a proposal is written by the members of its theme's group (any role) and by organisers, as
  in the editor (`proposals.permissions`).
"""

from django.db.models import QuerySet

from rebours.api.auth import Principal
from rebours.api.errors import ApiError
from rebours.proposals.models import Proposal
from rebours.proposals.permissions import can_edit, can_edit_theme
from rebours.workshops.models import Person, Theme, Workshop
from rebours.workshops.permissions import (
    can_read_workshop,
    current_person,
    may,
    only_the_phase_refuses,
)
from rebours.workshops.policy import Action, Phase


def is_insider(caller: Principal, workshop: Workshop) -> bool:
    """Organisers and the workshop's people (through their account or the session they joined):
    those the table lets read a workshop before it is published."""
    return may(caller.user, caller.session, workshop, Action.READ_UNPUBLISHED)


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
    if workshop is None or not can_read_workshop(caller.user, caller.session, workshop):
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
        .select_related("theme", "workshop", "review", "merged_into")
        .first()
    )
    if proposal is None:
        raise ApiError(404, f'no proposal "{key}" in workshop "{slug}"')
    return proposal


WRITERS_ONLY = "only the members of the theme's group and the organisers write its proposals"
VOTE_OPEN = "the vote is open: proposals stay as the voters read them until it closes"


def _refused(caller: Principal, theme: Theme, action: Action) -> ApiError:
    phase = only_the_phase_refuses(caller.user, caller.session, theme.workshop, action, theme=theme)
    return ApiError(403, VOTE_OPEN if phase == Phase.SELECTION_OPEN else WRITERS_ONLY)


def access_writable_theme(caller: Principal, slug: str, key: str) -> Theme:
    theme = access_theme(caller, slug, key)
    if not can_edit_theme(caller.user, caller.session, theme):
        raise _refused(caller, theme, Action.ADD_PROPOSAL)
    return theme


def access_writable_proposal(caller: Principal, slug: str, key: str) -> Proposal:
    proposal = access_proposal(caller, slug, key)
    if proposal.merged_into_id is not None:
        merged_into = Proposal.objects.only("key").get(pk=proposal.merged_into_id).key
        raise ApiError(403, f'this proposal was merged into "{merged_into}"; change that one')
    if not can_edit(caller.user, caller.session, proposal):
        raise _refused(caller, proposal.theme, Action.EDIT_PROPOSAL)
    return proposal


def acting_person(caller: Principal, workshop: Workshop) -> Person | None:
    """Who the history names for a write: the caller's person in the workshop, if any."""
    return current_person(caller.user, caller.session, workshop)
