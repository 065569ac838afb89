"""Tokens: only a digest is stored; valid, revoked, wrong and missing tokens; the command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rebours.api.actions import TokenRefused, do_create_token, do_revoke_token
from rebours.api.models import ApiToken
from rebours.api.queries import token_digest
from tests.api.conftest import bearer
from tests.support.hostile import hostile

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def test_only_the_digest_is_stored(users):
    token, secret = do_create_token(users["member"], "export", actor=None)
    assert secret.startswith("rbs_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == token_digest(secret) != secret
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert stored.prefix == secret[:10]


def test_a_valid_token_names_its_account(client, users, tokens):
    response = client.get(ME, headers=bearer(tokens["member"]))
    assert response.status_code == 200
    assert response.json() == {
        "username": "ana",
        "authenticated_by": "token",
        "token": "member script",
    }
    token = ApiToken.objects.get(name="member script")
    assert token.last_used_at is not None


def test_last_use_is_recorded_to_the_minute(client, users, tokens):
    token = ApiToken.objects.get(name="member script")
    long_ago = timezone.now() - timedelta(hours=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
    client.get(ME, headers=bearer(tokens["member"]))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first > long_ago
    client.get(ME, headers=bearer(tokens["member"]))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first


def test_a_revoked_token_is_refused_everywhere(client, workshop, users, tokens):
    token = ApiToken.objects.get(name="member script")
    do_revoke_token(token, actor=None)
    do_revoke_token(token, actor=None)  # twice is harmless
    for url in (ME, "/api/v1/workshops", "/api/v1/workshops/hostile/proposals/p-1"):
        response = client.get(url, headers=bearer(tokens["member"]))
        assert response.status_code == 401, url
        assert response.json() == {"error": "invalid or revoked token"}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer rbs_wrong",
        "bearer rbs_wrong",
        "Bearer not-even-ours",
        "Bearer " + "x" * 5000,
        "Bearer",
        "Bearer   ",
        "Bearer " + hostile("token"),
    ],
)
def test_a_wrong_token_is_refused_even_on_a_public_read(client, workshop, tokens, header):
    response = client.get("/api/v1/workshops", headers={"Authorization": header})
    assert response.status_code == 401
    assert "error" in response.json()


@pytest.mark.parametrize("header", ["Basic YW5hOnNlY3JldA==", "Digest x", "rbs_no_scheme"])
def test_other_schemes_are_left_to_whoever_uses_them(client, workshop, header):
    # A proxy's Basic authentication in front of the site must not break the API.
    assert client.get("/api/v1/workshops", headers={"Authorization": header}).status_code == 200
    assert client.get(ME, headers={"Authorization": header}).status_code == 401


def test_a_token_of_an_inactive_account_is_refused(client, users, tokens):
    users["member"].is_active = False
    users["member"].save()
    assert client.get(ME, headers=bearer(tokens["member"])).status_code == 401


def test_without_a_token_reads_are_public_and_me_is_401(client, workshop):
    assert client.get("/api/v1/workshops").status_code == 200
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["error"].startswith("authentication required")


def test_the_session_works_too(client, users):
    client.force_login(users["organiser"])
    assert client.get(ME).json() == {
        "username": "cy",
        "authenticated_by": "session",
        "token": None,
    }


def test_the_export_with_tokens(client, workshop, tokens):
    url = "/api/v1/workshops/hostile/export"
    response = client.get(url, headers=bearer(tokens["organiser"]))
    assert response.status_code == 200
    assert response.json()["format"] == "rebours.workshop/1"
    member = client.get(url, headers=bearer(tokens["member"]))
    assert member.status_code == 403
    assert member.json() == {"error": "exporting a whole workshop is for its organisers"}
    assert client.get(url).status_code == 401


def test_names_are_checked(users):
    for name in ("", "   ", "x" * 101, "tab\x07bell", 3):
        with pytest.raises(TokenRefused):
            do_create_token(users["member"], name, actor=None)
    token, _ = do_create_token(users["member"], "  " + hostile("name")[:60] + "  ", actor=None)
    assert token.name == " ".join(hostile("name")[:60].split())


def test_the_command_creates_lists_and_revokes(client, users):
    out, err = StringIO(), StringIO()
    call_command("api_token", "create", "ana", "nightly export", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert "shown once" in err.getvalue()
    assert client.get(ME, headers=bearer(secret)).status_code == 200

    listing = StringIO()
    call_command("api_token", "list", "ana", stdout=listing)
    assert "nightly export" in listing.getvalue() and secret not in listing.getvalue()

    call_command("api_token", "revoke", "ana", "nightly export", stdout=StringIO())
    assert client.get(ME, headers=bearer(secret)).status_code == 401
    with pytest.raises(CommandError, match="no live token"):
        call_command("api_token", "revoke", "ana", "nightly export", stdout=StringIO())
    with pytest.raises(CommandError, match="no account"):
        call_command("api_token", "create", "ghost", "x", stdout=StringIO())
