"""Cross-site requests: every form carries its CSRF token, every state-changing view refuses a
POST without one, the API's session writes need it too, and websockets open from this site's
pages only."""

import json
import re
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from rebours.asgi import application
from tests.support.server import REPO

TEMPLATES = sorted((REPO / "rebours").glob("*/templates/**/*.html"))
FORM = re.compile(r"<form\b[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL)
POST = re.compile(r"""method\s*=\s*["']?post""", re.IGNORECASE)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 40


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_post_form_carries_the_csrf_token(template: Path):
    text = template.read_text(encoding="utf-8")
    for match in FORM.finditer(text):
        opening = match.group(0)[: match.group(0).index(">") + 1]
        if POST.search(opening):
            assert "{% csrf_token %}" in match.group(1), f"{template.name}: {opening}"


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _patterns(entry, route)
        else:
            found.append((route, entry))
    return found


def concrete(route: str) -> str:
    """A path that matches `route`, with made-up values (the CSRF check comes before the view)."""
    path = re.sub(r"<int:\w+>", "1", route)
    path = re.sub(r"<(?:slug|str):\w+>", "x", path)
    path = re.sub(r"<path:\w+>", "x", path)
    path = re.sub(r"\^|\$|\(\?P<\w+>[^)]*\)", "x", path)
    return "/" + path.replace("\\", "")


ROUTES = [
    (route, entry)
    for route, entry in _patterns(get_resolver())
    if not route.startswith(("admin/", "media/", "^media"))
]


@pytest.fixture
def signed_in(db):
    """A staff account (allowed almost everything), in a browser without the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.create_user("csrf", is_staff=True))
    return client


@pytest.mark.parametrize(("route", "entry"), ROUTES, ids=[r for r, _e in ROUTES])
def test_a_post_without_the_token_is_refused(signed_in, route, entry):
    path = concrete(route)
    response = signed_in.post(path, {"x": "1"})
    if route.startswith("api/"):
        # The API checks the token itself for session callers; read-only paths do not take POST.
        assert response.status_code in (403, 405), (path, response.status_code)
        if response.status_code == 403:
            assert b"CSRF" in response.content
        return
    assert response.status_code == 403, (path, response.status_code)
    assert b"CSRF" in response.content


def test_with_the_token_the_same_post_goes_through(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_api_writes_from_the_session_need_the_token(db):
    from rebours.exchange.actions import do_import_workshop
    from rebours.exchange.containers import Package
    from tests.support.hostile import hostile_document

    do_import_workshop(Package(document=hostile_document()), actor=None)
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.create_user("api", is_staff=True))
    client.get("/")
    url = "/api/v1/workshops/hostile/themes/t-1/proposals"
    body = json.dumps({"title": "Sans jeton"})
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    accepted = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert accepted.status_code == 201


# --- websockets ----------------------------------------------------------------------------


async def opens(headers) -> bool:
    socket = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _ = await socket.connect()
    if connected:
        await socket.disconnect()
    return connected


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("headers", "accepted"),
    [
        ([(b"host", b"atelier.example.org"), (b"origin", b"https://atelier.example.org")], True),
        ([(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000")], True),
        ([(b"host", b"127.0.0.1:8000")], True),  # not a browser page
        ([(b"host", b"atelier.example.org"), (b"origin", b"https://evil.example")], False),
        ([(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:9999")], False),
        ([(b"host", b"atelier.example.org"), (b"origin", b"null")], False),
        ([(b"host", b"a.example.org"), (b"origin", b"https://evil.a.example.org")], False),
    ],
    ids=["same site", "same port", "no origin", "other site", "other port", "null", "subdomain"],
)
async def test_websockets_open_from_this_site_only(headers, accepted):
    assert await opens(headers) is accepted


@pytest.mark.django_db(transaction=True)
async def test_trusted_origins_and_allowed_hosts(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://front.example.org"]
    assert await opens([(b"host", b"api.example.org"), (b"origin", b"https://front.example.org")])
    settings.ALLOWED_HOSTS = ["atelier.example.org"]
    assert not await opens([(b"host", b"rebound.example"), (b"origin", b"http://rebound.example")])
    assert await opens(
        [(b"host", b"atelier.example.org"), (b"origin", b"https://atelier.example.org")]
    )
