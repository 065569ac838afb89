"""The in-memory layer: expired messages are still cleaned, but not at every message."""

import asyncio

import pytest

from rebours.live.layers import InMemoryChannelLayer


@pytest.mark.asyncio
async def test_expired_messages_are_cleaned_at_most_once_a_second(monkeypatch):
    layer = InMemoryChannelLayer(expiry=0)
    scans = []
    original = InMemoryChannelLayer.__mro__[1]._clean_expired
    monkeypatch.setattr(
        InMemoryChannelLayer.__mro__[1],
        "_clean_expired",
        lambda self: (scans.append(1), original(self)),
    )
    await layer.group_add("room", "specific.a!1")
    await layer.send("specific.a!1", {"type": "x"})
    for _ in range(50):
        await layer.group_send("room", {"type": "y"})
    assert len(scans) == 1  # not fifty
    layer._cleaned_at -= 2  # a second later, the next message cleans again
    await layer.group_send("room", {"type": "z"})
    assert len(scans) == 2
    assert "specific.a!1" not in layer.channels  # its messages had expired (expiry=0)


@pytest.mark.asyncio
async def test_messages_still_flow():
    layer = InMemoryChannelLayer()
    await layer.group_add("room", "specific.b!1")
    await layer.group_send("room", {"type": "hello"})
    assert (await asyncio.wait_for(layer.receive("specific.b!1"), 1))["type"] == "hello"
