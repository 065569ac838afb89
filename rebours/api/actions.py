"""Creating, revoking and recording the use of API tokens."""

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from rebours.api.models import NAME_MAX_LENGTH, ApiToken
from rebours.api.queries import TOKEN_PREFIX, token_digest

# A token used again within this time keeps its recorded time: one write per minute at most,
# so that a script polling the API does not turn every read into a database write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenRefused(ValueError):
    """A token could not be created or revoked; the message is for the person who tried."""


def check_token_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TokenRefused("the name must be text")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise TokenRefused("the name must not be empty")
    if len(cleaned) > NAME_MAX_LENGTH:
        raise TokenRefused(f"the name is longer than {NAME_MAX_LENGTH} characters")
    if any(ord(c) < 32 for c in cleaned):
        raise TokenRefused("the name contains control characters")
    return cleaned


def do_create_token(user: AbstractBaseUser, name: Any, *, actor: Any) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the secret, which is never stored or shown again."""
    cleaned = check_token_name(name)
    if not user.is_active:
        raise TokenRefused("the account is inactive")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user_id=user.pk, name=cleaned, digest=token_digest(secret), prefix=secret[:10]
        )
    return token, secret


def do_revoke_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Stop `token` from authenticating, at once and for good (revoking twice is harmless)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def do_record_token_use(token: ApiToken, *, actor: Any = None) -> None:
    """Remember when `token` was last used, to the minute."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
