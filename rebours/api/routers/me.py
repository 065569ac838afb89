"""Who the API takes the caller for: a quick check that a token works."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from rebours.api.auth import WRITE, principal
from rebours.api.errors import ApiError
from rebours.api.routers.common import errors
from rebours.api.schemas import MeOut

router = Router(tags=["account"], auth=WRITE)


@router.get("/me", response={200: MeOut, **errors(401)})
def me(request: HttpRequest) -> dict[str, Any]:
    """The account behind the credential sent; 401 without one."""
    caller = principal(request)
    if not caller.user.is_authenticated:
        raise ApiError(401, "not signed in: send a token or sign in")
    return {
        "username": caller.user.get_username(),
        "authenticated_by": "token" if caller.token is not None else "session",
        "token": caller.token.name if caller.token is not None else None,
    }
