"""The permission table through the websocket: a member's note on the group's board is taken
while the day runs and refused once it is over, as the table says."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections

from rebours.asgi import application
from rebours.board.models import Note
from rebours.workshops import policy
from rebours.workshops.policy import Action, Phase, Role
from tests.support.hostile import hostile
from tests.support.policy_world import build_world

CELLS = {(role, action, phase): allowed for role, action, phase, allowed in policy.cells()}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("phase", [Phase.LIVE_DIVERGE, Phase.REVIEW], ids=str)
async def test_a_note_over_the_websocket_follows_the_table(phase):
    world = await database_sync_to_async(build_world)(phase, f"ws-{phase.value}")
    member = world.actors[Role.MEMBER]

    def session_key():
        store = SessionStore()
        store.update(member.session)
        store.create()
        return store.session_key

    key = await database_sync_to_async(session_key)()
    headers = [(b"host", b"localhost"), (b"cookie", f"sessionid={key}".encode())]
    socket = WebsocketCommunicator(application, "/ws/live/", headers)
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
    text = hostile("over the socket")
    await socket.send_json_to(
        {
            "type": "command",
            "id": "c1",
            "name": "note.create",
            "data": {"board": world.theme.pk, "text": text},
        }
    )
    answer = await socket.receive_json_from(timeout=5)
    await socket.disconnect()
    stored = await database_sync_to_async(Note.objects.filter(text=text).exists)()
    allowed = CELLS[(Role.MEMBER, Action.POST_NOTE, phase)]
    assert (answer["type"] == "ack") is allowed, answer
    assert stored is allowed
    await database_sync_to_async(connections.close_all)()
