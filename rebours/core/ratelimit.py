"""Counting attempts in fixed windows of time, in Django's cache: the one limiter of HTTP.

`hit(key, limit, window)` counts one attempt for `key` in the current window of `window`
seconds and says whether it stays within `limit`. With Redis configured the cache is shared by
every server process, so a limit holds for the whole site; with the default local-memory cache
it holds per process. Windows are fixed (a burst at the edge of two windows may pass twice the
limit): enough to stop a script, never in the way of a room of people.

Keys name what is counted: `join.<address>`, `login.user.<digest>`… (`key_part` keeps caller
input out of cache keys). Used by joining, signing in, public voters, the live commands over
HTTP and every other write (`WriteRateLimitMiddleware`); the recruitment app's public
registration form will use it too.
"""

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest

PREFIX = "rebours.rate"


def _slot(key: str, window: int, now: float | None = None) -> str:
    return f"{PREFIX}.{key}.{window}.{int((time.time() if now is None else now) // window)}"


def hit(key: str, limit: int, window: int, *, now: float | None = None) -> bool:
    """Count one attempt for `key`; False once the window holds more than `limit` of them."""
    slot = _slot(key, window, now)
    # add() only sets a missing key, so that concurrent first attempts do not reset the count.
    cache.add(slot, 0, timeout=window * 2)
    try:
        count = cache.incr(slot)
    except ValueError:  # expired between add and incr
        cache.set(slot, 1, timeout=window * 2)
        count = 1
    return count <= limit


def attempts(key: str, window: int, *, now: float | None = None) -> int:
    """How many attempts `key` made in the current window (counting none)."""
    return int(cache.get(_slot(key, window, now)) or 0)


def exceeded(key: str, limit: int, window: int, *, now: float | None = None) -> bool:
    """Whether `key` already used its `limit` in the current window (counting none)."""
    return attempts(key, window, now=now) >= limit


def key_part(text: str) -> str:
    """A fixed-length stand-in for caller input (a user name) in a cache key."""
    return hashlib.sha256(text.strip().casefold().encode()).hexdigest()[:32]


def client_address(request: HttpRequest) -> str:
    """The address limits count by. Behind a reverse proxy, uvicorn puts the client's address in
    REMOTE_ADDR when the proxy is in FORWARDED_ALLOW_IPS (docs/deployment.md)."""
    return request.META.get("REMOTE_ADDR") or "unknown"
