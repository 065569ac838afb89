"""Creating, revoking and recording the use of API tokens."""

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from rebours.api.models import NAME_MAX_LENGTH, ApiToken
from rebours.api.queries import TOKEN_PREFIX, token_digest
from rebours.audit.actions import record
from rebours.audit.models import AuditAction

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
        # API tokens belong to an account, not to a workshop: the organisers of the workshops the
        # account organises read the entry in their log (audit.queries.entries_for).
        record(
            None,
            actor=actor if actor is not None else user,
            action=AuditAction.TOKEN_CREATED,
            target=f"{user.get_username()}: {cleaned}",
            details={"prefix": token.prefix, "via": "command line" if actor is None else "page"},
        )
    return token, secret


def do_revoke_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Stop `token` from authenticating, at once and for good (revoking twice is harmless)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(
                None,
                actor=actor if actor is not None else token.user,
                action=AuditAction.TOKEN_REVOKED,
                target=f"{token.user.get_username()}: {token.name}",
                details={"prefix": token.prefix},
            )
    return token


def do_record_token_use(token: ApiToken, *, actor: Any = None) -> None:
    """Remember when `token` was last used, to the minute."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def do_delete_tokens(user: AbstractBaseUser, *, actor: Any) -> int:
    """Delete every token of `user` (their account is going): how many."""
    with transaction.atomic():
        deleted, _detail = ApiToken.objects.filter(user_id=user.pk).delete()
    return deleted
