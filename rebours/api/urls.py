import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, re_path
from django.utils import translation

from rebours.api.api import api
from rebours.api.errors import error_response, not_found


def _api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every API view answers JSON, in English.

    Ninja answers a wrong method in plain text and its root raises Django's HTML 404. Messages
    that come from the apps' actions are translated for the pages; a script reads them in English
    whatever language cookie the browser holds, so that it can rely on them.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            with translation.override("en"):
                response = view(request, *args, **kwargs)
        except Http404:
            return not_found(request)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            response = error_response(405, f"method {request.method} not allowed; use {allowed}")
            response["Allow"] = allowed
        return response

    return wrapped


patterns, _app, _namespace = api.urls
for pattern in patterns:
    assert isinstance(pattern, URLPattern)
    pattern.callback = _api_view(pattern.callback)

app_name = "api"
urlpatterns = [*patterns, re_path(r"^.*$", not_found, name="not-found")]
