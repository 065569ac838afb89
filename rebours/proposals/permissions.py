"""Who may write a proposal: the members of its group (any role in its theme) and organisers.

The rules, and the phases they hold in, are the table's (`rebours.workshops.policy`): while the
vote is open, proposals stay as the voters read them (only organisers still correct them), and
no proposal is added to the ballot.
"""

from typing import Any

from django.utils.translation import gettext as _

from rebours.proposals.models import Proposal
from rebours.workshops.models import Person, Theme
from rebours.workshops.permissions import User, current_person, may, only_the_phase_refuses
from rebours.workshops.policy import Action, Phase


def editor_person(user: User, session: Any, theme: Theme) -> Person | None:
    """The Person acting for `user`/`session` in the workshop of `theme`, if any."""
    return current_person(user, session, theme.workshop)


def can_edit_theme(user: User, session: Any, theme: Theme) -> bool:
    """Members of the theme's group add its proposals; organisers add to every theme."""
    return may(user, session, theme.workshop, Action.ADD_PROPOSAL, theme=theme)


def can_edit(user: User, session: Any, proposal: Proposal) -> bool:
    return proposal.merged_into_id is None and may(
        user, session, proposal.workshop, Action.EDIT_PROPOSAL, theme=proposal.theme
    )


def can_upload_image(user: User, session: Any, proposal: Proposal) -> bool:
    return proposal.merged_into_id is None and may(
        user, session, proposal.workshop, Action.UPLOAD_IMAGE, theme=proposal.theme
    )


def can_restore(user: User, proposal: Proposal) -> bool:
    """Bringing back an old version overrides the group's latest words: organisers only."""
    return may(user, None, proposal.workshop, Action.RESTORE_VERSION, theme=proposal.theme)


def can_view_history(user: User, session: Any, proposal: Proposal) -> bool:
    """The history names the people who wrote: the group and the organisers read it."""
    return may(user, session, proposal.workshop, Action.READ_HISTORY, theme=proposal.theme)


def refusal(user: User, session: Any, proposal_or_theme: Proposal | Theme, action: Action) -> str:
    """Why the caller may not take `action` on this proposal (or in this theme), for a person."""
    theme = (
        proposal_or_theme.theme if isinstance(proposal_or_theme, Proposal) else proposal_or_theme
    )
    phase = only_the_phase_refuses(user, session, theme.workshop, action, theme=theme)
    if phase == Phase.SELECTION_OPEN:
        return _("The vote is open: proposals stay as the voters read them until it closes.")
    if action == Action.ADD_PROPOSAL:
        return _("Only the members of this group and the organisers add proposals.")
    return _("Only the members of this group and the organisers edit it.")


def can_read_stream(user: User, session: Any, proposal: Proposal) -> bool:
    """The live stream carries the text being written and who writes it: the group and the
    organisers follow it (while the vote is open too, when only organisers write)."""
    return proposal.merged_into_id is None and can_view_history(user, session, proposal)
