"""HTTPS-only cookies and HSTS: the rule (core/https.py), the settings it makes, and the warning
`serve` gives when browsers elsewhere on the network would drop the cookies."""

import os
import subprocess
import sys

import pytest

from rebours.core.https import hsts_seconds, is_loopback, secure_cookies
from rebours.core.management.commands.serve import plain_http_warning
from tests.support.server import REPO


@pytest.mark.parametrize(
    ("environ", "debug", "secure"),
    [
        ({}, False, True),  # production by default
        ({}, True, False),  # DEBUG serves http
        ({"SECURE_COOKIES": "0"}, False, False),  # the escape hatch
        ({"SECURE_COOKIES": "no"}, False, False),
        ({"SECURE_COOKIES": "1"}, True, True),  # explicit wins over DEBUG
        ({"SECURE_COOKIES": " "}, False, True),  # empty means unset
    ],
)
def test_secure_cookies(environ, debug, secure):
    assert secure_cookies(environ, debug=debug) is secure


def test_hsts_only_behind_an_https_proxy():
    assert hsts_seconds({}) == 0
    assert hsts_seconds({"HSTS_SECONDS": "60"}) == 0
    assert hsts_seconds({"BEHIND_HTTPS_PROXY": "1"}) == 31_536_000
    assert hsts_seconds({"BEHIND_HTTPS_PROXY": "true", "HSTS_SECONDS": "600"}) == 600


def settings_under(env: dict[str, str], tmp_path) -> list[str]:
    code = (
        "from django.conf import settings; import django; django.setup(); "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS, settings.SECURE_PROXY_SSL_HEADER is not None)"
    )
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECURE_COOKIES", "BEHIND_HTTPS_PROXY", "HSTS_SECONDS"}
    }
    environ.update(
        {"DJANGO_SETTINGS_MODULE": "rebours.settings", "REBOURS_DATA_DIR": str(tmp_path), **env}
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=environ, cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_settings_follow_the_environment(tmp_path):
    assert settings_under({}, tmp_path) == ["True", "True", "0", "False"]
    assert settings_under({"SECURE_COOKIES": "0"}, tmp_path) == ["False", "False", "0", "False"]
    assert settings_under({"DEBUG": "1"}, tmp_path) == ["False", "False", "0", "False"]
    behind = settings_under({"BEHIND_HTTPS_PROXY": "1"}, tmp_path)
    assert behind == ["True", "True", "31536000", "True"]


def test_loopback_addresses():
    assert all(is_loopback(h) for h in ("localhost", "127.0.0.1", "127.0.1.1", "::1"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.10", "atelier.example.org"))


def test_serve_warns_when_the_room_would_lose_its_cookies(settings):
    settings.SESSION_COOKIE_SECURE = True
    assert plain_http_warning("127.0.0.1") == ""
    assert "SECURE_COOKIES=0" in plain_http_warning("0.0.0.0")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert plain_http_warning("0.0.0.0") == ""
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.SESSION_COOKIE_SECURE = False
    assert plain_http_warning("0.0.0.0") == ""
