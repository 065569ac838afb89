"""In Chromium: the API's documentation page under the site's strict CSP, and the tokens page."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.support.hostile import hostile_document
from tests.support.server import start_server

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-tests"

# Records every Content-Security-Policy violation the page meets, from its first byte.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture(scope="module")
def api_server(tmp_path_factory):
    server = start_server(demo=False)
    document = tmp_path_factory.mktemp("doc") / "hostile.json"
    document.write_text(json.dumps(hostile_document()), encoding="utf-8")
    server.rebours("import", str(document))
    server.python(
        "from django.contrib.auth import get_user_model;"
        f"get_user_model().objects.create_user('ana', password='{PASSWORD}')"
    )
    yield server
    server.stop()


def test_the_documentation_page_runs_under_the_csp(page, api_server, shoot, dialogs):
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{api_server.url}/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    assert page.locator(".opblock").count() == 15
    # Try an operation on the hostile workshop: its text shows as data, nothing runs.
    summary = page.locator(".opblock-summary", has_text="/api/v1/workshops/{slug}/proposals/{key}")
    summary.first.click()
    page.get_by_text("Try it out").first.click()
    page.locator("input[placeholder=slug]").fill("hostile")
    page.locator("input[placeholder=key]").fill("p-1")
    page.locator(".execute").first.click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200")
    shoot(page, "api-docs")
    assert page.evaluate("window.__violations") == []
    assert dialogs == []


def test_a_token_from_the_page_opens_the_api_and_closes_it_when_revoked(
    page, api_server, shoot, dialogs
):
    page.goto(f"{api_server.url}/accounts/login/")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.get_by_role("link", name="Jetons d’API").click()
    page.fill("input[name=name]", "<script>alert('name')</script>")
    page.get_by_role("button", name="Créer un jeton").click()
    secret = page.locator("code.token-secret").inner_text()
    assert re.fullmatch(r"rbs_[\w-]+", secret)
    shoot(page, "api-tokens")
    headers = {"Authorization": f"Bearer {secret}"}
    me = page.request.get(f"{api_server.url}/api/v1/me", headers=headers)
    assert me.status == 200 and me.json()["username"] == "ana"

    page.reload()
    expect(page.locator("code.token-secret")).to_have_count(0)  # shown once
    page.get_by_role("button", name=re.compile("Révoquer")).click()
    expect(page.get_by_text(re.compile("révoqué le"))).to_be_visible()
    assert page.request.get(f"{api_server.url}/api/v1/me", headers=headers).status == 401
    assert dialogs == []
