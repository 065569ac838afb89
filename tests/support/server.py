"""A real Rebours server in a subprocess, with its own data folder, for browser tests.

The server is started the way a person starts it (`python -m rebours serve`), on a free port of
127.0.0.1. With DATABASE_URL pointing at PostgreSQL, it gets a fresh database of its own.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_database_url() -> tuple[str | None, str | None]:
    """(url, name) of a new database when the suite runs on PostgreSQL, else (None, None)."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return None, None
    import psycopg

    name = f"rebours_srv_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(base)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _drop_database(name: str) -> None:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class RunningServer:
    url: str
    env: dict[str, str]
    data_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    database: str | None = None

    def rebours(
        self, *args: str, check: bool = True, input: str | None = None
    ) -> subprocess.CompletedProcess:
        """Run a `rebours` subcommand against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "rebours", *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=check,
            input=input,
            timeout=300,
        )

    def python(self, code: str) -> str:
        """Run Python with Django set up on this server's database; return what it printed."""
        result = self.rebours("manage", "shell", "-c", code)
        return result.stdout

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.database:
            _drop_database(self.database)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def start_server(
    *, demo: bool = True, workers: int = 1, extra_env: dict[str, str] | None = None
) -> RunningServer:
    data_dir = Path(tempfile.mkdtemp(prefix="rebours-srv-"))
    env = {**os.environ, "REBOURS_DATA_DIR": str(data_dir), "DEBUG": "0", "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    url_db, name = _fresh_database_url()
    if url_db:
        env["DATABASE_URL"] = url_db
    env.update(extra_env or {})
    port = free_port()
    server = RunningServer(
        url=f"http://127.0.0.1:{port}", env=env, data_dir=data_dir, database=name
    )
    server.rebours("migrate", "--verbosity", "0")
    if demo:
        server.rebours("demo", "--no-serve")
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rebours",
            "serve",
            "--no-migrate",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server.processes.append(process)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(server.url + "/", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log_text = (data_dir / "server.log").read_text()
                server.stop()
                raise RuntimeError(f"the server did not start:\n{log_text}") from None
            time.sleep(0.2)
    return server
