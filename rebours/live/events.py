"""Publishing events: stored in the action's transaction, broadcast only after it commits.

An action calls `publish()` inside its `transaction.atomic()` block. The event gets the next
sequence number of its stream (the UPDATE on the stream row serialises writers of one stream
until they commit, so numbers are gapless and commit in order), and the broadcast to the
websocket group is registered with `on_commit`: a change that is rolled back is never announced,
and a change that is announced is always in the database for a client that catches up.
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from rebours.live.models import Event, Stream

logger = logging.getLogger(__name__)

REPLAY_LIMIT = 1000


def group_name(stream: str) -> str:
    """Channels group names allow only ASCII letters, digits, '-', '_' and '.'."""
    return "live." + "".join(c if c.isalnum() or c in "-_" else "." for c in stream)


def publish(stream: str, kind: str, payload: dict[str, Any]) -> Event:
    """Record `kind` with `payload` on `stream`; broadcast it once the transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish() must run inside the action's transaction")
    row, _ = Stream.objects.get_or_create(name=stream)
    Stream.objects.filter(pk=row.pk).update(last_seq=F("last_seq") + 1)
    seq = Stream.objects.filter(pk=row.pk).values_list("last_seq", flat=True).get()
    event = Event.objects.create(stream=row, seq=seq, kind=kind, payload=payload)
    event.stream = row
    message = event.as_message()
    transaction.on_commit(lambda: broadcast(stream, message))
    return event


def announce(stream: str, kind: str, payload: dict[str, Any]) -> None:
    """Broadcast something passing (who is typing where) without storing it: no number, no replay.

    Inside a transaction it waits for the commit like `publish`; outside, it leaves at once.
    """
    message = {"type": "event", "stream": stream, "seq": None, "kind": kind, "payload": payload}
    transaction.on_commit(lambda: broadcast(stream, message))


def broadcast(stream: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            group_name(stream), {"type": "live.event", "event": message}
        )
    except Exception:
        # The event is stored: clients that miss the broadcast catch up from the log.
        logger.exception("broadcast of %s #%s failed", stream, message.get("seq"))


def events_after(stream: str, seq: int, *, limit: int = REPLAY_LIMIT) -> list[dict[str, Any]]:
    """Stored events of `stream` with a number above `seq`, in order."""
    events = (
        Event.objects.filter(stream__name=stream, seq__gt=seq)
        .select_related("stream")
        .order_by("seq")[:limit]
    )
    return [event.as_message() for event in events]


def last_seq(stream: str) -> int:
    return Stream.objects.filter(name=stream).values_list("last_seq", flat=True).first() or 0
