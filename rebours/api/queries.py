"""Reading API tokens."""

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from rebours.api.models import ApiToken

TOKEN_PREFIX = "rbs_"  # noqa: S105 - the mark every token starts with, not a secret


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def active_token(secret: str) -> ApiToken | None:
    """The live token whose digest matches `secret`, with its user; None for anything else.

    Looking up by digest needs no constant-time comparison: a timing difference could only leak
    the digest of a guess, which says nothing about any real token.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def tokens_of(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk)
