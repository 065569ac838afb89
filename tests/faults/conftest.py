"""Fault tests: servers stopped and started again, writes that fail half-way."""

import contextlib

import pytest

# Browser fixtures (Debian's Chromium, screenshots, dialogs) are shared with tests/browser.
from tests.browser.conftest import browser_type_launch_args, dialogs, shoot  # noqa: F401
from tests.support.redis import redis_server
from tests.support.server import on_postgres, start_server


@pytest.fixture(scope="module")
def server():
    """A restartable server: PostgreSQL, its own Redis and two workers on the scaled profile."""
    with redis_server() if on_postgres() else contextlib.nullcontext() as redis_url:
        extra = {"REDIS_URL": redis_url} if redis_url else {}
        running = start_server(
            demo=False, workers=2 if redis_url else 1, extra_env=extra, restartable=True
        )
        try:
            yield running
        finally:
            running.stop()
