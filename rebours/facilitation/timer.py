"""The agenda timer as plain arithmetic on timestamps, so that every screen agrees.

Nothing ticks on the server. An item's timer is described by when it started, when it was paused
(if it is), and how long it lasts; any screen computes the remaining time from the server's clock.
Times are seconds since the epoch (floats), as sent to the browsers.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Timer:
    started_at: float
    duration: float  # seconds: the item's minutes plus what was added or taken
    paused_at: float | None = None

    def elapsed(self, now: float) -> float:
        end = self.paused_at if self.paused_at is not None else now
        return max(0.0, end - self.started_at)

    def remaining(self, now: float) -> float:
        """Seconds left; negative once the item runs over (screens show the overrun)."""
        return self.duration - self.elapsed(now)

    def paused(self, now: float) -> "Timer":
        return self if self.paused_at is not None else Timer(self.started_at, self.duration, now)

    def resumed(self, now: float) -> "Timer":
        # Moving the start forward by the length of the pause keeps the elapsed time unchanged.
        if self.paused_at is None:
            return self
        return Timer(self.started_at + (now - self.paused_at), self.duration, None)

    def extended(self, seconds: float) -> "Timer":
        return Timer(self.started_at, self.duration + seconds, self.paused_at)


def clock_text(seconds: float) -> str:
    """12:05, 1:02:03, or -0:30 once over: whole seconds, rounded up while time remains."""
    whole = int(-(-seconds // 1)) if seconds > 0 else int(seconds)
    sign = "-" if whole < 0 else ""
    whole = abs(whole)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"
