"""A real Rebours server in a subprocess, with its own data folder, for browser tests.

The server is started the way a person starts it (`python -m rebours serve`), on a free port of
127.0.0.1. With DATABASE_URL pointing at PostgreSQL, it gets a fresh database of its own.
`RunningServer.kill()` and `restart()` stop it as a supervisor or a crash would and start it
again on the same port and data, for the fault tests.
"""

import contextlib
import os
import shutil
import signal
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


def on_postgres() -> bool:
    """Whether the suite runs on the scaled profile (DATABASE_URL names PostgreSQL)."""
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@dataclass
class RunningServer:
    url: str
    env: dict[str, str]
    data_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    database: str | None = None
    port: int = 0
    workers: int = 1
    starts: int = 0
    grouped: bool = False  # each `rebours serve` leads its own process group (restartable)

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

    def serve(self) -> None:
        """Start `rebours serve` on this server's port and wait until it answers.

        A restartable server's process leads a process group of its own (with several workers,
        uvicorn's children are in it), so that `kill(SIGKILL)` takes them all down at once, as
        a crash would.
        """
        self.starts += 1
        log = open(self.data_dir / f"server-{self.starts}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rebours",
                "serve",
                "--no-migrate",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
            ],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0 if self.grouped else None,
        )
        self.processes.append(process)
        _wait_until_up(self, self.url, process)

    def kill(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        """Stop the serving processes and wait until they are gone.

        SIGTERM goes to the main process, as `kill PID` or a supervisor sends it: uvicorn stops
        accepting, closes websockets (code 1012), lets requests finish for up to five seconds
        and passes the signal on to its workers. SIGKILL goes to the whole process group at
        once: nothing finishes, as when the machine or the OOM killer takes the processes.
        """
        if sig == signal.SIGKILL and not self.grouped and self.workers > 1:
            raise RuntimeError("start the server with restartable=True to kill all its workers")
        alive = [p for p in self.processes if p.poll() is None]
        for process in alive:
            if sig == signal.SIGKILL and self.grouped:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            else:
                process.send_signal(sig)
        for process in alive:
            process.wait(timeout=timeout)
        if self.grouped:
            # Whatever is left of a group whose leader is gone (a worker) still holds the port.
            for process in alive:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        self.processes = [p for p in self.processes if p.poll() is None]

    def restart(self) -> None:
        """Start serving again on the same port, database and data folder."""
        self.serve()

    def up(self) -> bool:
        return any(p.poll() is None for p in self.processes)

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


def _wait_until_up(server: RunningServer, url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                logs = "\n".join(
                    f"--- {path.name}\n{path.read_text()[-3000:]}"
                    for path in sorted(server.data_dir.glob("server*.log"))
                )
                server.stop()
                raise RuntimeError(f"the server at {url} did not start:\n{logs}") from None
            time.sleep(0.2)


def start_another_process(server: RunningServer) -> str:
    """One more `rebours serve` process on the same database and settings; returns its URL.

    With REDIS_URL in the server's environment, live events cross from one process to the other.
    """
    port = free_port()
    log = open(server.data_dir / f"server-{port}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "rebours", "serve", "--no-migrate", "--port", str(port)],
        env=server.env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server.processes.append(process)
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(server, url, process)
    return url


def start_server(
    *,
    demo: bool = True,
    workers: int = 1,
    extra_env: dict[str, str] | None = None,
    restartable: bool = False,
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
        url=f"http://127.0.0.1:{port}",
        env=env,
        data_dir=data_dir,
        database=name,
        port=port,
        workers=workers,
        grouped=restartable,
    )
    try:
        server.rebours("migrate", "--verbosity", "0")
        if demo:
            server.rebours("demo", "--no-serve")
    except BaseException:
        server.stop()
        raise
    server.serve()
    return server
