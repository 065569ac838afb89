"""The limiter (core/ratelimit.py) and what it guards: signing in, joining, writes."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from rebours.core import ratelimit
from rebours.core.middleware import writer_key
from tests.support.hostile import hostile

PASSWORD = "a long enough password 42"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # A fast hasher: these tests sign in many times, and what they test is the counting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def test_hit_counts_within_a_window_and_starts_again_in_the_next():
    assert [ratelimit.hit("k", 2, 60, now=1000.0) for _ in range(3)] == [True, True, False]
    assert ratelimit.attempts("k", 60, now=1010.0) == 3
    assert ratelimit.exceeded("k", 2, 60, now=1010.0)
    assert ratelimit.hit("k", 2, 60, now=1080.0)  # the next minute
    assert not ratelimit.exceeded("other", 2, 60, now=1000.0)


def test_key_parts_keep_caller_input_out_of_cache_keys():
    part = ratelimit.key_part(hostile("user") + "\n\x00 " * 100)
    assert len(part) == 32 and part.isalnum()
    assert ratelimit.key_part(" Olivier ") == ratelimit.key_part("olivier")


@pytest.fixture
def account(db):
    return get_user_model().objects.create_user("olivier", password=PASSWORD)


def sign_in(client, username, password, address="192.0.2.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_failed_sign_ins_per_user_name_are_limited(settings, account):
    settings.LOGIN_FAILURES_PER_USERNAME = 3
    client = Client()
    codes = [sign_in(client, "olivier", "wrong", f"192.0.2.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 200]  # the form again, with its error
    # From a fourth address, even the right password is not checked any more.
    response = sign_in(client, "Olivier", PASSWORD, "192.0.2.99")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert (
        "Trop de connexions" in response.content.decode() or "Too many" in response.content.decode()
    )
    # Another account is not held back.
    get_user_model().objects.create_user("lionel", password=PASSWORD)
    assert sign_in(Client(), "lionel", PASSWORD, "192.0.2.99").status_code == 302


def test_failed_sign_ins_per_address_are_limited(settings, account):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    for n in range(4):
        assert sign_in(Client(), f"nobody{n}", "wrong").status_code == 200
    assert sign_in(Client(), "olivier", PASSWORD).status_code == 429
    assert sign_in(Client(), "olivier", PASSWORD, "198.51.100.1").status_code == 302


def test_a_successful_sign_in_does_not_count(settings, account):
    settings.LOGIN_FAILURES_PER_USERNAME = 2
    for _ in range(5):
        client = Client()
        assert sign_in(client, "olivier", PASSWORD).status_code == 302


def test_the_limited_page_names_the_wait_in_the_visitors_language(settings, account):
    settings.LOGIN_FAILURES_PER_USERNAME = 1
    sign_in(Client(), "olivier", "wrong")
    client = Client()
    client.cookies["django_language"] = "en"
    html = sign_in(client, "olivier", "wrong").content.decode()
    assert "Too many failed sign-ins" in html and "15 minutes" in html
    client.cookies["django_language"] = "fr"
    assert "Trop de connexions" in sign_in(client, "olivier", "wrong").content.decode()


def test_writes_are_limited_per_session(settings, db):
    settings.HTTP_WRITES_PER_MINUTE = 3
    client = Client()
    client.get("/")
    session = client.session
    session["x"] = 1
    session.save()
    url = reverse("set_language")
    codes = [client.post(url, {"language": "en"}).status_code for _ in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    refused = client.post(url, {"language": "en"})
    assert refused["Retry-After"] == "60" and "Content-Security-Policy" in refused
    # Another browser, from the same address, is not held back; reads never are.
    assert Client().post(url, {"language": "en"}).status_code == 302
    assert client.get("/").status_code == 200


def test_api_writes_are_limited_per_token_and_answer_json(settings, db):
    settings.HTTP_WRITES_PER_MINUTE = 1
    headers = {"HTTP_AUTHORIZATION": "Bearer rbs_nope"}
    url = "/api/v1/workshops/none/themes/none/proposals"
    body = json.dumps({"title": "x"})
    assert Client().post(url, body, content_type="application/json", **headers).status_code == 401
    refused = Client().post(url, body, content_type="application/json", **headers)
    assert refused.status_code == 429
    assert refused.json() == {"error": "too many requests: slow down"}


def test_who_a_write_is_counted_against(rf):
    request = rf.post("/", HTTP_AUTHORIZATION="Bearer rbs_abc", REMOTE_ADDR="192.0.2.1")
    assert writer_key(request).startswith("token.")
    assert writer_key(rf.post("/", REMOTE_ADDR="192.0.2.1")) == "address.192.0.2.1"
