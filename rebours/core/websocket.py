"""Who may open a websocket: pages of this site, not pages of another one.

A browser sends the page's Origin when it opens a websocket, and the site's cookies with it: a
page elsewhere could otherwise open /ws/live/ as the person reading it and act for them
(cross-site websocket hijacking). The handshake is accepted when its Origin is the site itself
(the same host and port as the Host it was sent to) or one of CSRF_TRUSTED_ORIGINS, and its Host
is one of ALLOWED_HOSTS (as for HTTP: a rebound DNS name does not pass). Without an Origin the
client is not a browser page (a script, the benchmark): it is accepted, with whatever cookie it
holds, as over HTTP.
"""

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def origin_allowed(origin: str | None, host: str | None) -> bool:
    domain, _port = split_domain_port(host or "")
    allowed_hosts = settings.ALLOWED_HOSTS or (
        [".localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else []
    )
    if not domain or not validate_host(domain, allowed_hosts):
        return False
    if origin is None:
        return True
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    parts = urlsplit(origin)
    return parts.scheme in {"http", "https"} and parts.netloc.lower() == (host or "").lower()


class SameOriginValidator:
    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if origin_allowed(_header(scope, b"origin"), _header(scope, b"host")):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
