"""Browser tests: Debian's Chromium driven by Playwright, against a real server subprocess."""

import os
from pathlib import Path

import pytest

from tests.support.server import REPO, start_server

CHROMIUM = os.environ.get("REBOURS_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = REPO / "test-output" / "screenshots"

# Playwright's sync API runs its own loop; the ORM would refuse to be called from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def demo_server():
    server = start_server(demo=True)
    yield server
    server.stop()


@pytest.fixture
def shoot(request):
    """Save a full-page screenshot under test-output/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot


@pytest.fixture
def dialogs(page):
    """Every JavaScript dialog that opens (an alert would mean a script ran): should stay empty."""
    opened: list[str] = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    return opened
