"""The HTTP fallback: the same event log and the same commands, without websockets."""

import json

import pytest
from django.db import transaction

from rebours.live import registry
from rebours.live.events import publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def test_stream(monkeypatch):
    monkeypatch.setitem(registry._readers, "test", lambda viewer, stream: stream != "test:secret")

    def echo(viewer, data):
        with transaction.atomic():
            return {"seq": publish("test:1", "echo", {"text": data.get("text")}).seq}

    monkeypatch.setitem(registry._commands, "test.echo", echo)


def test_events_after_a_number(client):
    with transaction.atomic():
        for i in range(5):
            publish("test:1", "said", {"i": i})
    body = client.get("/live/events", {"since": "test:1:2"}).json()
    stream = body["streams"]["test:1"]
    assert [e["seq"] for e in stream["events"]] == [3, 4, 5]
    assert stream["last_seq"] == 5


def test_forbidden_and_malformed(client):
    assert client.get("/live/events", {"since": "test:secret:0"}).status_code == 403
    assert client.get("/live/events", {"since": "nonsense"}).status_code == 400
    assert client.get("/live/events", {"since": "test:1:-1"}).status_code == 400


def test_command_over_http(client):
    response = client.post(
        "/live/command",
        json.dumps({"name": "test.echo", "data": {"text": "é"}}),
        content_type="application/json",
    )
    assert response.json() == {"result": {"seq": 1}}
    bad = client.post("/live/command", "{not json", content_type="application/json")
    assert bad.status_code == 400
    unknown = client.post(
        "/live/command", json.dumps({"name": "x", "data": {}}), content_type="application/json"
    )
    assert unknown.status_code == 400 and "unknown command" in unknown.json()["error"]
