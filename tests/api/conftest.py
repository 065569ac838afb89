"""The hostile workshop, people with accounts, and their tokens."""

import jsonschema
import pytest
from django.contrib.auth import get_user_model

from rebours.api.actions import do_create_token
from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.workshops.actions import do_link_account
from rebours.workshops.models import Person

# Browser fixtures (Debian's Chromium, screenshots, dialogs) are shared with tests/browser.
from tests.browser.conftest import browser_type_launch_args, dialogs, shoot  # noqa: F401
from tests.support.hostile import hostile_document

User = get_user_model()


@pytest.fixture
def workshop(db):
    return do_import_workshop(Package(document=hostile_document()), actor=None).workshop


def account(username, workshop=None, person_key=None, **extra):
    user = User.objects.create_user(username, **extra)  # no password: tokens and force_login
    if person_key is not None:
        do_link_account(Person.objects.get(workshop=workshop, key=person_key), user, actor=None)
    return user


@pytest.fixture
def users(workshop):
    """ana works in theme t-1; cy_3 organises; bo-2 is only a member of t-1; nobody has no role."""
    return {
        "member": account("ana", workshop, "ana"),
        "organiser": account("cy", workshop, "cy_3"),
        "nobody": account("nobody"),
    }


@pytest.fixture
def tokens(users):
    return {
        name: do_create_token(user, f"{name} script", actor=None)[1] for name, user in users.items()
    }


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def assert_matches(client, body, name):
    """`body` is valid against the component `name` of the served OpenAPI description."""
    components = client.get("/api/v1/openapi.json").json()["components"]
    schema = {**components["schemas"][name], "components": components}
    jsonschema.Draft202012Validator(schema).validate(body)
