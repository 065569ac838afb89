"""The editor's live stream: who may follow it, presence heartbeats, saves announced to others."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.live import registry
from rebours.live.consumers import LiveConsumer
from rebours.proposals.actions import do_update_proposal
from rebours.proposals.models import Proposal
from rebours.workshops.models import Person, Workshop
from tests.support.hostile import hostile, hostile_document


def viewer_for(key: str | None, workshop: Workshop) -> registry.Viewer:
    from rebours.workshops.permissions import participant_session_key

    if key is None:
        return registry.Viewer(user=AnonymousUser(), session={})
    person = Person.objects.get(workshop=workshop, key=key)
    return registry.Viewer(
        user=AnonymousUser(), session={participant_session_key(workshop): person.pk}
    )


@pytest.fixture
def proposal(db):
    do_import_workshop(Package(document=hostile_document()), actor=None)
    return Proposal.objects.get(key="p-1")


def test_only_editors_follow_a_proposal_stream(proposal):
    stream = f"proposal:{proposal.pk}"
    assert registry.can_read(viewer_for("bo-2", proposal.workshop), stream)
    assert not registry.can_read(viewer_for(None, proposal.workshop), stream)
    assert not registry.can_read(viewer_for("bo-2", proposal.workshop), "proposal:999999")
    assert not registry.can_read(viewer_for("bo-2", proposal.workshop), "proposal:nope")


def test_presence_is_announced_not_stored(
    proposal, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "rebours.live.events.broadcast", lambda stream, message: sent.append((stream, message))
    )
    viewer = viewer_for("ana", proposal.workshop)
    with django_capture_on_commit_callbacks(execute=True):
        result = registry.run_command(
            viewer, "proposal.presence", {"proposal": proposal.pk, "tab": "t1", "field": "summary"}
        )
    assert result["who"].startswith("p")
    ((stream, message),) = sent
    assert stream == f"proposal:{proposal.pk}"
    assert message["seq"] is None
    assert message["payload"]["field"] == "summary"
    assert message["payload"]["name"] == Person.objects.get(key="ana").display_name
    from rebours.live.events import events_after

    assert events_after(stream, 0) == []


@pytest.mark.parametrize(
    "data",
    [
        {"proposal": "nope", "tab": "t1", "field": "summary"},
        {"proposal": None, "tab": "t1", "field": "summary"},
        {"tab": "t1", "field": "password"},
        {"tab": "", "field": "summary"},
        {"tab": "x" * 41, "field": "summary"},
        {"tab": "t1", "field": 5},
    ],
)
def test_presence_refuses_bad_commands(proposal, data):
    data.setdefault("proposal", proposal.pk)
    with pytest.raises(registry.CommandRefused):
        registry.run_command(viewer_for("ana", proposal.workshop), "proposal.presence", data)


def test_outsiders_cannot_announce_themselves(proposal):
    with pytest.raises(registry.CommandRefused):
        registry.run_command(
            viewer_for(None, proposal.workshop),
            "proposal.presence",
            {"proposal": proposal.pk, "tab": "t1", "field": "summary"},
        )


async def connect(viewer: registry.Viewer):
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = viewer.user
    communicator.scope["session"] = dict(viewer.session)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_two_editors_see_each_other_and_each_others_saves():
    await database_sync_to_async(do_import_workshop)(
        Package(document=hostile_document()), actor=None
    )
    proposal = await database_sync_to_async(Proposal.objects.get)(key="p-1")
    workshop = await database_sync_to_async(lambda: proposal.workshop)()
    ana = await database_sync_to_async(viewer_for)("ana", workshop)
    bo = await database_sync_to_async(viewer_for)("bo-2", workshop)
    stream = f"proposal:{proposal.pk}"
    first, second = await connect(ana), await connect(bo)
    for communicator in (first, second):
        await communicator.send_json_to({"type": "subscribe", "streams": {stream: 0}})
        assert (await communicator.receive_json_from(timeout=5))["type"] == "subscribed"
    await second.send_json_to(
        {
            "type": "command",
            "id": "c1",
            "name": "proposal.presence",
            "data": {"proposal": proposal.pk, "tab": "bo-tab", "field": "description"},
        }
    )
    seen = await first.receive_json_from(timeout=5)
    assert (seen["kind"], seen["seq"], seen["payload"]["field"]) == (
        "proposal.presence",
        None,
        "description",
    )
    await database_sync_to_async(do_update_proposal)(
        proposal, {"description": hostile("Bo")}, base_version=1, actor=None
    )
    for communicator in (first, second):
        frames = [await communicator.receive_json_from(timeout=5)]
        while frames[-1]["type"] != "event" or frames[-1]["kind"] != "proposal.updated":
            frames.append(await communicator.receive_json_from(timeout=5))
        assert frames[-1]["payload"]["values"] == {"description": hostile("Bo")}
        await communicator.disconnect()
