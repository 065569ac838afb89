"""The page where a signed-in person makes and revokes their tokens."""

import re

import pytest
from django.test import Client

from rebours.api.models import ApiToken
from tests.api.conftest import bearer
from tests.support.hostile import SCRIPT, hostile

pytestmark = pytest.mark.django_db

PAGE = "/accounts/api-tokens/"


def test_the_page_is_for_signed_in_people(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_creating_shows_the_token_once(client, users, language):
    client.cookies["django_language"] = language
    client.force_login(users["member"])
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    name = hostile("script")[:90]
    created = client.post(PAGE, {"name": name}, follow=True)
    assert created.redirect_chain == [(PAGE, 302)]  # reloading the page makes no second token
    html = created.content.decode()
    [secret] = re.findall(r'<code class="token-secret">(rbs_[^<]+)</code>', html)
    assert SCRIPT not in html  # the name is escaped
    assert client.get("/api/v1/me", headers=bearer(secret)).json()["username"] == "ana"
    again = client.get(PAGE).content.decode()
    assert secret not in again and secret[:10] in again
    if language == "fr":
        assert "Jetons d’API" in again


def test_revoking(client, users):
    client.force_login(users["member"])
    client.post(PAGE, {"name": "one"})
    token = ApiToken.objects.get(name="one")
    response = client.post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert client.get(f"{PAGE}{token.pk}/revoke/").status_code == 405


def test_nobody_revokes_someone_elses_token(client, users, tokens):
    theirs = ApiToken.objects.get(name="organiser script")
    client.force_login(users["member"])
    assert client.post(f"{PAGE}{theirs.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert "organiser script" not in client.get(PAGE).content.decode()


def test_the_forms_need_their_csrf_token(users):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["member"])
    assert browser.post(PAGE, {"name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(name="x").exists()


def test_an_empty_name_is_refused(client, users):
    client.force_login(users["member"])
    response = client.post(PAGE, {"name": "   "})
    assert response.status_code == 200
    assert not ApiToken.objects.filter(user=users["member"]).exists()
