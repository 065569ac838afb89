"""`rebours` with the sampling profiler on, in this process and in uvicorn's worker processes.

    BENCH_SAMPLES=/tmp/samples/name python bench/serve_sampled.py serve --workers 2 …

uvicorn starts its workers with multiprocessing's spawn, which imports this file again in each
of them (as `__mp_main__`): each process samples its own threads and writes its report to
`$BENCH_SAMPLES.<pid>` when it exits. bench/load.py uses it with `--samples`.
"""

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sampler import start_sampler

if os.environ.get("BENCH_SAMPLES"):
    start_sampler(f"{os.environ['BENCH_SAMPLES']}.{os.getpid()}")
    # uvicorn stops on SIGTERM, puts this handler back and raises the signal again: exit
    # through Python then, so that the report is written (the default would skip atexit).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))

if __name__ == "__main__":
    if not os.environ.get("BENCH_SAMPLES"):
        print(__doc__.strip())  # not a benchmark of its own (`make bench` runs every file)
        sys.exit(0)
    from rebours.cli import main

    sys.exit(main())
