"""A throwaway redis-server on a free port of 127.0.0.1, in its own folder, for one test module."""

import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tests.support.server import free_port


@contextmanager
def redis_server():
    """Yield the redis:// URL of a fresh Redis; stop it and remove its folder afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="rebours-redis-"))
    port = free_port()
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--pidfile",
            str(folder / "redis.pid"),
            "--logfile",
            str(folder / "redis.log"),
            "--dir",
            str(folder),
        ],
        check=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError((folder / "redis.log").read_text()) from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        pid_file = folder / "redis.pid"
        if pid_file.exists():
            subprocess.run(["kill", pid_file.read_text().strip()], check=False)
            time.sleep(0.2)
        shutil.rmtree(folder, ignore_errors=True)
