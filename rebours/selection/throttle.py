"""How many public voters one address may create: a fixed window counted in the cache.

A room shares one address behind the venue's router, so the limit is generous; it stops a script
from filling the public college, not a crowd. Addresses are REMOTE_ADDR: behind a reverse proxy,
configure the proxy to pass the client's address there.
"""

import time

from django.core.cache import cache

PUBLIC_VOTERS_PER_WINDOW = 60
WINDOW_SECONDS = 600


def allow_public_voter(workshop_id: int, address: str, *, now: float | None = None) -> bool:
    """Count one more public voter from `address`; False once the window's limit is reached."""
    window = int((time.time() if now is None else now) // WINDOW_SECONDS)
    key = f"rebours.selection.public.{workshop_id}.{address or '-'}.{window}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= PUBLIC_VOTERS_PER_WINDOW
