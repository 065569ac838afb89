"""Schemathesis against the OpenAPI description, in process, on the demo and the hostile workshop.

Every operation gets requests generated from its schema (valid ones and invalid ones); each
answer must not be a server error and must match what the description says (status, content
type, body). Generation is deterministic and bounded so the run stays short on two cores.

The schema is read from the app itself through WSGI, at import time (it needs no database);
the data are loaded once for the module and each operation's test runs in a savepoint, so
writes made while testing one operation are rolled back before the next.
"""

import json
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings

from rebours.api.actions import do_create_token
from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.exchange.demo import DEMO_DIR, load_demo
from tests.api.conftest import account
from tests.support.hostile import hostile_document

MAX_EXAMPLES = 10


def _known_values() -> dict[str, list[Any]]:
    """Slugs and keys of the two workshops, so that most requests reach real data."""
    demo = json.loads((DEMO_DIR / "workshop.json").read_text(encoding="utf-8"))
    hostile = hostile_document()
    documents = (demo, hostile)
    return {
        "slugs": [doc["workshop"]["slug"] for doc in documents],
        "themes": sorted({t["id"] for doc in documents for t in doc["themes"]}),
        "proposals": sorted({p["id"] for doc in documents for p in doc["proposals"]}),
        # Every proposal starts at version 1: a first change goes through, the next ones conflict.
        "versions": [1],
    }


def _bind(parameter: str, dictionary: str, probability: float = 0.9) -> dict[str, Any]:
    return {parameter: {"dictionary": dictionary, "probability": probability}}


CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
        "dictionaries": {name: {"values": values} for name, values in _known_values().items()},
        "parameters": _bind("path.slug", "slugs"),
        "operations": [
            {
                "include-operation-id": ["get_theme", "create_proposal"],
                "parameters": {**_bind("path.slug", "slugs"), **_bind("path.key", "themes")},
            },
            {
                "include-operation-id": ["get_proposal", "update_proposal"],
                "parameters": {
                    **_bind("path.slug", "slugs"),
                    **_bind("path.key", "proposals"),
                    **_bind("body.base_version", "versions", 0.5),
                },
            },
            {
                # A milestone's year must lie between the workshop's day and its horizon, which
                # differ from one workshop to the next and so cannot be in the schema: a
                # valid-looking pathway may be refused with 422 naming the field. Every other
                # rule is in the schema.
                "include-operation-id": ["create_proposal", "update_proposal"],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
                    }
                },
            },
        ],
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo, the hostile workshop and a staff token, for the whole module, then undone."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        do_import_workshop(Package(document=hostile_document()), actor=None)
        _token, secret = do_create_token(account("schemathesis", is_staff=True), "st", actor=None)
        yield {"Authorization": f"Bearer {secret}"}
        transaction.set_rollback(True)


@pytest.fixture
def shared_connection():
    """Let the in-process WSGI app use the test's connection, inside the test's transaction.

    Django closes the database connection around each request; the test client prevents that
    for its own requests, and this does the same for the WSGI calls Schemathesis makes.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The examples of one operation share its savepoint on purpose: they may build on each other.
shared_fixtures = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@schema.parametrize()
@shared_fixtures
def test_every_operation_with_a_token(case, loaded, db, shared_connection):
    case.call_and_validate(headers=loaded)


@schema.include(method="GET").exclude(operation_id="me").parametrize()
@shared_fixtures
def test_every_read_as_the_public(case, loaded, db, shared_connection):
    case.call_and_validate()
