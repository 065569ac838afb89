"""Computing draws in the background, in one worker thread inside the server process.

LEXIMIN takes seconds on the demo's pool and can take many minutes on pools of a thousand: too
long for a request. The organiser's page follows the draw's status instead (as the booklet's
publishing does). One worker: two lotteries at once would only compete for the same cores.
While this process holds draws, a heartbeat thread touches them every few seconds; if the
process dies they fall silent and the pages show them as failed after queries.STALE_AFTER.
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_heartbeat: threading.Thread | None = None
_active: set[int] = set()
_futures: dict[int, Future] = {}


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recruitment")
    return _executor


def submit(draw_id: int, work: Callable[[int], object]) -> Future:
    """Run `work(draw_id)` (an action computing or re-running a draw) in the background."""
    global _heartbeat
    with _lock:
        _active.add(draw_id)
        if _heartbeat is None or not _heartbeat.is_alive():
            _heartbeat = threading.Thread(target=_beat, name="recruitment-heartbeat", daemon=True)
            _heartbeat.start()
        future = _pool().submit(_run, draw_id, work)
        _futures[draw_id] = future
        return future


def wait(draw_id: int, timeout: float | None = None) -> object:
    """Block until this process has finished its latest job on `draw_id` (tests, scripts)."""
    with _lock:
        future = _futures.get(draw_id)
    if future is None:
        raise LookupError(f"draw {draw_id} was not submitted in this process")
    return future.result(timeout=timeout)


def _run(draw_id: int, work: Callable[[int], object]) -> object:
    close_old_connections()
    try:
        return work(draw_id)
    finally:
        with _lock:
            _active.discard(draw_id)
            # Keep finished futures only for a short while: a server runs for months.
            for done in [k for k, f in _futures.items() if f.done() and k != draw_id][:-20]:
                _futures.pop(done, None)
        connection.close()


def _beat() -> None:
    from rebours.recruitment.actions import do_touch_draws

    while True:
        threading.Event().wait(HEARTBEAT_SECONDS)
        with _lock:
            ids = sorted(_active)
        if not ids:
            continue
        try:
            do_touch_draws(ids)
        except Exception:  # a busy database must not kill the heartbeat
            logger.warning("recruitment heartbeat failed", exc_info=True)
        finally:
            connection.close()
