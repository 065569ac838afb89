"""How many public voters one address may create: a fixed window counted by core.ratelimit.

A room shares one address behind the venue's router, so the limit is generous; it stops a script
from filling the public college, not a crowd. Addresses are REMOTE_ADDR: behind a reverse proxy,
configure the proxy to pass the client's address there.
"""

from rebours.core.ratelimit import hit

PUBLIC_VOTERS_PER_WINDOW = 60
WINDOW_SECONDS = 600


def allow_public_voter(workshop_id: int, address: str, *, now: float | None = None) -> bool:
    """Count one more public voter from `address`; False once the window's limit is reached."""
    return hit(
        f"selection.public.{workshop_id}.{address or '-'}",
        PUBLIC_VOTERS_PER_WINDOW,
        WINDOW_SECONDS,
        now=now,
    )
