"""A small sampling profiler for the benchmark's processes (a py-spy of forty lines).

cProfile sees one thread only, and a Rebours server works in two: the event loop and asgiref's
database thread. This looks at every thread's stack 200 times a second and, at exit, writes for
each thread how busy it was, its self time by layer (the innermost frame in a known package),
and its hottest frames.
"""

import atexit
import collections
import sys
import threading
import time

# --- where the time goes --------------------------------------------------------------------

# A thread whose innermost Python frame is one of these is waiting. With uvloop, the event loop
# waits (and runs its own C code) under asyncio's runner: only Python frames above it are work.
IDLE = ("selectors.py", "threading.py:wait", "queue.py:get", "thread.py:_worker", "runners.py:run")
CATEGORIES = [
    ("sqlite (in the database library)", "sqlite3/base.py"),
    ("Django ORM: building and reading queries", "django/db/"),
    ("Rebours actions and permissions", "rebours/board/"),
    ("Rebours actions and permissions", "rebours/facilitation/"),
    ("Rebours actions and permissions", "rebours/workshops/"),
    ("live: event log and consumer", "rebours/live/"),
    ("sessions and auth", "django/contrib/"),
    ("channel layer", "channels/layers"),
    ("channels consumer machinery", "channels/"),
    ("asgiref thread hand-offs", "asgiref/"),
    ("websocket protocol (uvicorn, websockets)", "websockets/"),
    ("websocket protocol (uvicorn, websockets)", "uvicorn/"),
    ("JSON", "json/"),
    ("asyncio event loop", "asyncio/"),
]


def start_sampler(path: str) -> None:
    """Sample every thread's stack 200 times a second; at exit, write where the busy ones were."""
    leaves: collections.Counter = collections.Counter()
    categories: collections.Counter = collections.Counter()
    totals: collections.Counter = collections.Counter()

    def sample() -> None:
        me = threading.get_ident()
        main = threading.main_thread().ident
        while True:
            time.sleep(0.005)
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                where = "event loop" if ident == main else "database thread"
                top = f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_code.co_name}"
                totals[where, "all"] += 1
                if any(top.startswith(idle) or top == idle for idle in IDLE):
                    continue
                totals[where, "busy"] += 1
                leaves[
                    where,
                    f"{frame.f_code.co_filename.split('site-packages/')[-1]}:{frame.f_code.co_name}",
                ] += 1
                # Self time by layer: the innermost frame that belongs to a known layer.
                walker, label = frame, "other"
                while walker is not None and label == "other":
                    filename = walker.f_code.co_filename
                    label = next((lab for lab, needle in CATEGORIES if needle in filename), "other")
                    walker = walker.f_back
                categories[where, label] += 1

    def report() -> None:
        with open(path, "w") as out:
            for where in ("event loop", "database thread"):
                all_ = totals[where, "all"] or 1
                busy = totals[where, "busy"]
                out.write(f"{where}: busy {100 * busy / all_:.0f}% of {all_} samples\n")
                for (w, label), n in categories.most_common():
                    if w == where:
                        out.write(f"  {100 * n / (busy or 1):5.1f}%  {label}\n")
                out.write("  hottest frames:\n")
                for (w, leaf), n in leaves.most_common(40):
                    if w == where:
                        out.write(f"    {100 * n / (busy or 1):5.1f}%  {leaf}\n")

    threading.Thread(target=sample, daemon=True, name="bench-sampler").start()
    atexit.register(report)
