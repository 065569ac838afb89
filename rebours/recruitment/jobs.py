"""Computing draws in the background (see core/jobs.py).

LEXIMIN takes seconds on the demo's pool and can take many minutes on pools of a thousand: too
long for a request. One worker: two lotteries at once would only compete for the same cores. A
draw whose process died is shown failed after queries.STALE_AFTER.
"""

from collections.abc import Callable
from concurrent.futures import Future

from rebours.core.jobs import BackgroundJobs


def _touch(ids: list[int]) -> None:
    from rebours.recruitment.actions import do_touch_draws

    do_touch_draws(ids)


_jobs = BackgroundJobs("recruitment", touch=_touch)
active = _jobs.active
wait = _jobs.wait


def submit(draw_id: int, work: Callable[[int], object]) -> Future:
    """Run `work(draw_id)` (an action computing or re-running a draw) in the background."""
    return _jobs.submit(draw_id, work)
