"""How the settings decide on HTTPS-only cookies and HSTS, from the environment (pure, tested).

Session and CSRF cookies are marked Secure unless DEBUG is on: browsers then send them over HTTPS
only. Chromium and Firefox treat http://localhost and http://127.0.0.1 as secure, so the demo and
the tests, served there over plain http, keep them; a browser reaching a server over plain http
at any other address (a room's local network) drops them, and nobody could join or sign in:
`SECURE_COOKIES=0` is the escape hatch for that case (docs/deployment.md). HSTS is sent only
behind an HTTPS proxy, which is where the site is known to be HTTPS.
"""

from collections.abc import Mapping

TRUE = {"1", "true", "yes", "on"}
HSTS_DEFAULT_SECONDS = 60 * 60 * 24 * 365


def flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in TRUE


def secure_cookies(environ: Mapping[str, str], *, debug: bool) -> bool:
    """An explicit SECURE_COOKIES wins; otherwise Secure cookies whenever DEBUG is off."""
    return flag(environ.get("SECURE_COOKIES"), default=not debug)


def hsts_seconds(environ: Mapping[str, str]) -> int:
    """HSTS (a year unless HSTS_SECONDS says otherwise) only with BEHIND_HTTPS_PROXY=1."""
    if not flag(environ.get("BEHIND_HTTPS_PROXY"), default=False):
        return 0
    return int(environ.get("HSTS_SECONDS") or HSTS_DEFAULT_SECONDS)


def is_loopback(host: str) -> bool:
    """Whether browsers reach `host` as a secure context over plain http."""
    return host in {"localhost", "127.0.0.1", "::1"} or host.startswith("127.")
