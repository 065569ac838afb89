"""What the routers share: documented error responses and public addresses."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from rebours.api.schemas import ErrorOut

ERROR_DESCRIPTIONS = {
    400: "The request body is not JSON.",
    401: "A credential was sent and is wrong or revoked, or this operation needs one.",
    403: "The caller may not do this (or the CSRF token is missing from a session write).",
    404: "No such workshop, or one the caller may not see, or no such item in it.",
    422: "A parameter or field is invalid; `field` names it.",
    429: "Too many writes in a minute from this token, session or address: wait and retry.",
}


def errors(*codes: int) -> dict[int, Any]:
    """Response declarations for the error statuses an operation may answer."""
    return {code: ErrorOut for code in codes}


def absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))
