"""Who may write a proposal: the members of its group (any role in its theme) and organisers."""

from typing import Any

from rebours.proposals.models import Proposal
from rebours.workshops.models import Person, Theme
from rebours.workshops.permissions import User, current_person, is_organiser, theme_roles


def editor_person(user: User, session: Any, theme: Theme) -> Person | None:
    """The Person acting for `user`/`session` in the workshop of `theme`, if any."""
    return current_person(user, session, theme.workshop)


def can_edit_theme(user: User, session: Any, theme: Theme) -> bool:
    """Members of the theme's group write its proposals; organisers write every proposal."""
    if is_organiser(user, theme.workshop):
        return True
    return bool(theme_roles(editor_person(user, session, theme), theme))


def can_edit(user: User, session: Any, proposal: Proposal) -> bool:
    return proposal.merged_into_id is None and can_edit_theme(user, session, proposal.theme)


def can_restore(user: User, proposal: Proposal) -> bool:
    """Bringing back an old version overrides the group's latest words: organisers only."""
    return is_organiser(user, proposal.workshop)


def can_view_history(user: User, session: Any, proposal: Proposal) -> bool:
    """The history names the people who wrote: the group and the organisers read it."""
    return can_edit_theme(user, session, proposal.theme)
