"""Who may do what in recruitment: the pool and the draws are for the workshop's organisers.

Volunteers see only the public registration form, and nothing of anyone else's answers.
"""

from rebours.recruitment.models import RecruitmentSettings
from rebours.workshops.models import Workshop
from rebours.workshops.permissions import User, is_organiser


def can_manage(user: User, workshop: Workshop) -> bool:
    """The pool (with contacts), the quotas, the draws, replacements and the bundle."""
    return is_organiser(user, workshop)


def can_register(settings: RecruitmentSettings) -> bool:
    return settings.pk is not None and settings.registration_open
