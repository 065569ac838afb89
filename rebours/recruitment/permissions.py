"""Who may do what in recruitment, as the permission table says (rebours.workshops.policy).

The pool and the draws are for the workshop's organisers; volunteers see only the public
registration form, and nothing of anyone else's answers.
"""

from typing import Any

from rebours.recruitment.models import RecruitmentSettings
from rebours.workshops.models import Workshop
from rebours.workshops.permissions import User, may
from rebours.workshops.policy import Action


def can_manage(user: User, workshop: Workshop) -> bool:
    """The pool (with contacts), the quotas, the draws, replacements and the bundle."""
    return may(user, None, workshop, Action.MANAGE_RECRUITMENT)


def can_register(user: User, session: Any, settings: RecruitmentSettings) -> bool:
    """The public form, while the organisers keep registration open."""
    return (
        settings.pk is not None
        and settings.registration_open
        and may(user, session, settings.workshop, Action.REGISTER_VOLUNTEER)
    )
