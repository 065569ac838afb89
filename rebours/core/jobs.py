"""Long work in the background, in a small thread pool inside the server process.

Some actions take too long for a request: laying out a booklet (about twenty seconds for the
demo), computing a LEXIMIN draw (seconds to many minutes). The action stores a record in a
"queued" state and, after its commit, hands its id to a `BackgroundJobs`; a worker thread then
calls the action that does the work, which stores the outcome on the record. Pages follow the
record's status.

While this process holds records (queued or running), a heartbeat thread calls `touch(ids)`
every few seconds; if the process dies, the records fall silent and the pages show them as
failed once they are stale (each app's queries.STALE_AFTER). Nothing is half-done: the
organiser starts again.
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
# Finished futures kept for `wait()`: a server runs for months.
KEEP_FINISHED = 20


class BackgroundJobs:
    """A pool of worker threads for one kind of record, with its heartbeat."""

    def __init__(
        self,
        name: str,
        touch: Callable[[list[int]], object],
        workers: Callable[[], int] = lambda: 1,
    ) -> None:
        self.name = name
        self._touch = touch
        self._workers = workers
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._heartbeat: threading.Thread | None = None
        self._active: set[int] = set()
        self._futures: dict[int, Future] = {}

    def submit(self, record_id: int, work: Callable[[int], object]) -> Future:
        """Run `work(record_id)` in a worker thread; the future resolves to what it returns."""
        with self._lock:
            self._active.add(record_id)
            if self._heartbeat is None or not self._heartbeat.is_alive():
                self._heartbeat = threading.Thread(
                    target=self._beat, name=f"{self.name}-heartbeat", daemon=True
                )
                self._heartbeat.start()
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=max(self._workers(), 1), thread_name_prefix=self.name
                )
            future = self._executor.submit(self._run, record_id, work)
            self._futures[record_id] = future
            return future

    def active(self) -> set[int]:
        """The records this process holds, queued or running."""
        with self._lock:
            return set(self._active)

    def wait(self, record_id: int, timeout: float | None = None) -> object:
        """Block until this process has finished its latest job on `record_id` (tests, scripts)."""
        with self._lock:
            future = self._futures.get(record_id)
        if future is None:
            raise LookupError(f"{self.name}: {record_id} was not submitted in this process")
        return future.result(timeout=timeout)

    def _run(self, record_id: int, work: Callable[[int], object]) -> object:
        close_old_connections()
        try:
            return work(record_id)
        finally:
            with self._lock:
                self._active.discard(record_id)
                finished = [k for k, f in self._futures.items() if f.done() and k != record_id]
                for done in finished[:-KEEP_FINISHED]:
                    self._futures.pop(done, None)
            connection.close()

    def _beat(self) -> None:
        pause = threading.Event()
        while True:
            pause.wait(HEARTBEAT_SECONDS)
            ids = sorted(self.active())
            if not ids:
                continue
            try:
                self._touch(ids)
            except Exception:  # a busy database must not kill the heartbeat
                logger.warning("%s heartbeat failed", self.name, exc_info=True)
            finally:
                connection.close()
