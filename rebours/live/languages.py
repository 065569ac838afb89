"""The language a websocket client reads, found as Django's LocaleMiddleware finds it for pages:
the language cookie first, then the browser's Accept-Language, then the site's default."""

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real


def language_from_scope(scope: dict[str, Any]) -> str:
    cookie = (scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME)
    candidates = [cookie] if cookie else []
    for name, value in scope.get("headers") or []:
        if name == b"accept-language":
            header = value.decode("latin-1")
            candidates += [lang for lang, _q in trans_real.parse_accept_lang_header(header)]
    for candidate in candidates:
        try:
            return translation.get_supported_language_variant(candidate)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
