"""The strict Content-Security-Policy: every answer carries it, and no template needs it relaxed
(no inline script but JSON data blocks, no style attribute, no `on…` handler)."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from rebours.core.middleware import CONTENT_SECURITY_POLICY
from rebours.workshops.policy import Phase, Role
from tests.support.policy_world import build_world
from tests.support.server import REPO

TEMPLATES = sorted((REPO / "rebours").glob("*/templates/**/*.html"))
# Templates written for WeasyPrint or for a file saved to disk, never served under the CSP.
NOT_SERVED = {"booklet/print.html", "booklet/file.html"}
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
TAG = re.compile(r"<[a-zA-Z][^>]*>", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def name(template: Path) -> str:
    return str(template.relative_to(REPO))


@pytest.mark.parametrize("template", TEMPLATES, ids=name)
def test_templates_need_no_inline_script_style_or_handler(template):
    text = template.read_text(encoding="utf-8")
    served = not any(name(template).endswith(n) for n in NOT_SERVED)
    for match in SCRIPT.finditer(text):
        attributes = match.group(1)
        assert "src=" in attributes or 'type="application/json"' in attributes, (
            f"{name(template)}: inline {match.group(0)}"
        )
    for tag in TAG.findall(text):
        assert not HANDLER.search(tag), f"{name(template)}: handler in {tag[:120]}"
        if served:
            assert not STYLE_ATTRIBUTE.search(tag), f"{name(template)}: style in {tag[:120]}"
    if served:
        assert "<style" not in text.lower(), f"{name(template)}: a <style> block"


def test_the_templates_that_are_not_served_exist():
    names = {name(t).split("/templates/")[1] for t in TEMPLATES}
    assert names >= NOT_SERVED


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


VALUES = {
    "slug": "csp",
    "key": "p1",
    "theme_key": "g1",
    "number": "1",
    "pk": "1",
    "token_id": "1",
}


def concrete(route: str, join_token: str) -> str:
    path = route.replace("<str:token>", join_token)
    if "/themes/" in path or "/boards/" in path:
        path = path.replace("<str:key>", "g1")
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: VALUES.get(m.group(1), "x"), path)
    path = re.sub(r"\^|\$|\(\?P<\w+>[^)]*\)|\.\*", "x", path)
    return "/" + path


@pytest.mark.django_db
def test_every_page_sends_the_policy():
    world = build_world(Phase.LIVE_DIVERGE, "csp")
    routes = [
        r for r in _routes(get_resolver()) if not r.startswith(("admin/", "media/", "^media"))
    ]
    assert len(routes) > 60
    clients = {"visitor": Client(), "organiser": Client()}
    clients["organiser"].force_login(world.actors[Role.ORGANISER].user)
    seen = set()
    for route in routes:
        path = concrete(route, world.workshop.join_settings.token)
        for who, client in clients.items():
            response = client.get(path)
            seen.add(response.status_code)
            assert response.headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, (
                who,
                path,
                response.status_code,
            )
            assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert {200, 302, 404} <= seen  # pages, redirections and refusals alike


def test_the_policy_allows_scripts_and_styles_from_the_site_only():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
