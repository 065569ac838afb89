"""Who reviews: the organisers of the workshop (staff, or an account linked to an organiser)."""

from rebours.workshops.models import Workshop
from rebours.workshops.permissions import User, is_organiser


def can_review(user: User, workshop: Workshop) -> bool:
    return is_organiser(user, workshop)
