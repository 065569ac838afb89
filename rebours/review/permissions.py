"""Who reviews: the organisers of the workshop (staff, or an account linked to an organiser).

The rules are the table's (`rebours.workshops.policy`): reviewing and writing "our opinion" at
any time; merging duplicates except while the vote is open (it would take a graded proposal off
the ballot).
"""

from rebours.workshops.models import Workshop
from rebours.workshops.permissions import User, may
from rebours.workshops.policy import Action


def can_review(user: User, workshop: Workshop) -> bool:
    return may(user, None, workshop, Action.REVIEW)


def can_write_opinion(user: User, workshop: Workshop) -> bool:
    return may(user, None, workshop, Action.WRITE_OPINION)


def can_merge(user: User, workshop: Workshop) -> bool:
    return may(user, None, workshop, Action.MERGE_DUPLICATES)
