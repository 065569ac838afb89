"""Fault tests: servers stopped and started again, writes that fail half-way."""

# Browser fixtures (Debian's Chromium, screenshots, dialogs) are shared with tests/browser.
from tests.browser.conftest import browser_type_launch_args, dialogs, shoot  # noqa: F401
