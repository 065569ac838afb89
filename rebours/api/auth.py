"""Who is calling: a bearer token (scripts), the session (the browser, with CSRF), or nobody.

Every operation names the ways it accepts. Reads accept all three; writes need a token or a
session. A bearer token that is present but wrong is refused with 401 even on a public read, so
that a script with a revoked token learns it at once instead of silently reading as the public.
Other `Authorization` schemes are not ours (a proxy's Basic authentication in front of the site,
say) and are left alone.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from rebours.api.actions import do_record_token_use
from rebours.api.errors import ApiError
from rebours.api.models import ApiToken
from rebours.api.queries import active_token

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Principal:
    """The caller of one request. `session` is set only for session callers: a participant who
    joined a workshop without an account is known through it."""

    user: AbstractBaseUser | AnonymousUser
    session: Any = None
    token: ApiToken | None = None

    def __bool__(self) -> bool:  # ninja takes a falsy result for "not authenticated"
        return True


class BearerToken(HttpBearer):
    """`Authorization: Bearer rbs_…`, a token made with `rebours manage api_token create` or on
    the tokens page."""

    def __call__(self, request: HttpRequest) -> Principal | None:
        scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        if not secret.strip():
            raise ApiError(401, "the Authorization header must be `Bearer <token>`")
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        found = active_token(token)
        if found is None:
            raise ApiError(401, "invalid or revoked token")
        do_record_token_use(found)
        return Principal(user=found.user, token=found)


class SessionCookie(APIKeyCookie):
    """The site's session cookie. Writes must also carry the CSRF token (`X-CSRFToken`)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, only for the requests that need it

    def __call__(self, request: HttpRequest) -> Principal | None:
        if request.COOKIES.get(self.param_name) is None:
            return None
        # An expired or unknown session is no credential: the caller is nobody.
        if not request.user.is_authenticated and request.session.is_empty():
            return None
        if request.method in UNSAFE_METHODS and check_csrf(request) is not None:
            raise ApiError(
                403, "CSRF check failed: send the csrftoken cookie's value in X-CSRFToken"
            )
        return self.authenticate(request, request.COOKIES[self.param_name])

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal:
        return Principal(user=request.user, session=request.session)


def anonymous(request: HttpRequest) -> Principal:
    """Anyone: what reads fall back to when no credential is sent."""
    return Principal(user=AnonymousUser())


READ = [BearerToken(), SessionCookie(), anonymous]
WRITE = [BearerToken(), SessionCookie()]


def principal(request: HttpRequest) -> Principal:
    caller = getattr(request, "auth", None)
    return caller if isinstance(caller, Principal) else Principal(user=AnonymousUser())
