"""Rendering booklets in the background, in a small thread pool inside the server process.

A booklet takes a while to lay out (about twenty seconds for the demo's 27 proposals on these
machines), too long for a request. One worker by default: two PDFs at once would only compete
for the same cores. While this process holds versions (queued or rendering), a heartbeat thread
touches them every few seconds; if the process dies, they fall silent and the pages show them
as failed after queries.STALE_AFTER. Nothing is lost: the organiser publishes again.
"""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_heartbeat: threading.Thread | None = None
_active: set[int] = set()
_futures: dict[int, Future] = {}
_wake = threading.Event()


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        workers = int(getattr(settings, "BOOKLET_WORKERS", 1))
        _executor = ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="booklet")
    return _executor


def submit(version_id: int) -> Future:
    """Render the version `version_id` in the background; the future resolves to it."""
    global _heartbeat
    with _lock:
        _active.add(version_id)
        if _heartbeat is None or not _heartbeat.is_alive():
            _heartbeat = threading.Thread(target=_beat, name="booklet-heartbeat", daemon=True)
            _heartbeat.start()
        future = _pool().submit(_run, version_id)
        _futures[version_id] = future
        return future


def active() -> set[int]:
    with _lock:
        return set(_active)


def wait(version_id: int, timeout: float | None = None):
    """Block until this process has rendered `version_id` (for tests and scripts)."""
    with _lock:
        future = _futures.get(version_id)
    if future is None:
        raise LookupError(f"version {version_id} was not submitted in this process")
    return future.result(timeout=timeout)


def _run(version_id: int):
    from rebours.booklet.actions import do_render_version

    close_old_connections()
    try:
        return do_render_version(version_id)
    finally:
        with _lock:
            _active.discard(version_id)
            # Keep finished futures only for a short while: a server runs for months.
            for done in [k for k, f in _futures.items() if f.done() and k != version_id][:-20]:
                _futures.pop(done, None)
        connection.close()


def _beat() -> None:
    from rebours.booklet.actions import do_touch_versions

    while True:
        _wake.wait(HEARTBEAT_SECONDS)
        with _lock:
            ids = sorted(_active)
        if not ids:
            continue
        try:
            do_touch_versions(ids)
        except Exception:  # a busy database must not kill the heartbeat
            logger.warning("booklet heartbeat failed", exc_info=True)
        finally:
            connection.close()
