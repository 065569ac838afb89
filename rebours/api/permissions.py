"""Who may make API tokens: any active signed-in account, for itself.

A token acts with the rights of its account and no more, so making one gives nobody anything they
did not have; people who joined a workshop with its link have no account, hence no token. In the
table (`rebours.workshops.policy`, `create_api_tokens`) the roles that come with an account
(facilitators, organisers, staff) have it in every phase.
"""

from rebours.workshops.permissions import User


def can_create_tokens(user: User) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_active", False))
