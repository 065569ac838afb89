"""What every request goes through: security headers, the language, the limit on writes."""

import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from rebours.core.ratelimit import client_address, hit

# Scripts and styles come only from our own static files; no inline script runs, so a script
# that slipped into a text field could not execute even if escaping failed somewhere.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class LanguageMiddleware:
    """French unless the visitor chose otherwise (the switch in the header sets a cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted: Rebours
    speaks French first, and the same link shows the same page to everyone in a room.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Paths with a limiter of their own: the live commands over HTTP (live/throttle.py).
OWN_LIMITS = ("/live/command",)


def writer_key(request: HttpRequest) -> str:
    """Who a write is counted against: the API token it carries, else the browser's session,
    else the address (a room behind one router shares that one, hence a generous limit)."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "token." + hashlib.sha256(secret.strip().encode()).hexdigest()[:32]
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return f"session.{session.session_key}"
    return f"address.{client_address(request)}"


class WriteRateLimitMiddleware:
    """At most HTTP_WRITES_PER_MINUTE writes a minute per token, session or address; beyond,
    429 with Retry-After. Reads are never counted; the websocket has its own token bucket."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils.translation import gettext as _

        if request.method in UNSAFE_METHODS and not request.path.startswith(OWN_LIMITS):
            limit = settings.HTTP_WRITES_PER_MINUTE
            if not hit(f"write.{writer_key(request)}", limit, 60):
                message = _("Too many changes sent in a short time: please slow down.")
                response: HttpResponse
                if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
                    response = JsonResponse({"error": "too many requests: slow down"}, status=429)
                else:
                    response = HttpResponse(message, status=429, content_type="text/plain")
                response["Retry-After"] = "60"
                return response
        return self.get_response(request)
