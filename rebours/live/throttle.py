"""A token bucket per connection: a burst is fine, a flood is refused without hurting others.

Commands sent over HTTP (no connection to hang a bucket on) are counted per session, or per
address without one, by `rebours.core.ratelimit`.
"""

import time
from dataclasses import dataclass, field

from django.http import HttpRequest

from rebours.core.ratelimit import client_address, hit

HTTP_COMMANDS_PER_WINDOW = 60
HTTP_WINDOW_SECONDS = 10


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def allow_http_command(request: HttpRequest) -> bool:
    who = request.session.session_key or client_address(request)
    return hit(f"cmd.{who}", HTTP_COMMANDS_PER_WINDOW, HTTP_WINDOW_SECONDS)
