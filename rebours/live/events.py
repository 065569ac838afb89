"""Publishing events: stored in the action's transaction, broadcast only after it commits.

An action calls `publish()` inside its `transaction.atomic()` block. The event gets the next
sequence number of its stream (the UPDATE on the stream row serialises writers of one stream
until they commit, so numbers are gapless and commit in order), and the broadcast to the
websocket group is registered with `on_commit`: a change that is rolled back is never announced,
and a change that is announced is always in the database for a client that catches up.
"""

import asyncio
import json
import logging
import os
import weakref
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, connection, transaction

from rebours.live.models import Event, Stream

logger = logging.getLogger(__name__)

REPLAY_LIMIT = 1000


def group_name(stream: str) -> str:
    """Channels group names allow only ASCII letters, digits, '-', '_' and '.'."""
    return "live." + "".join(c if c.isalnum() or c in "-_" else "." for c in stream)


def _next_number(stream: str) -> tuple[int, int]:
    """Take the next number of `stream` (creating it at 1): one UPDATE … RETURNING, which also
    locks the stream's row until the transaction ends (SQLite 3.35+ and PostgreSQL)."""
    table = connection.ops.quote_name(Stream._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1 WHERE name = %s RETURNING id, last_seq",  # noqa: S608 - our table's name
            [stream],
        )
        found = cursor.fetchone()
    if found is not None:
        return found[0], found[1]
    # A new stream. Two first publishers at once: the unique name lets one insert; the other
    # (its savepoint rolled back) then takes the next number like anyone else.
    try:
        with transaction.atomic():
            created = Stream.objects.create(name=stream, last_seq=1)
        return created.pk, 1
    except IntegrityError:
        return _next_number(stream)


def publish(stream: str, kind: str, payload: dict[str, Any]) -> Event:
    """Record `kind` with `payload` on `stream`; broadcast it once the transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish() must run inside the action's transaction")
    row_id, seq = _next_number(stream)
    event = Event.objects.create(stream_id=row_id, seq=seq, kind=kind, payload=payload)
    event.stream = Stream(pk=row_id, name=stream, last_seq=seq)
    message = event.as_message()
    transaction.on_commit(lambda: broadcast(stream, message))
    return event


def announce(stream: str, kind: str, payload: dict[str, Any]) -> None:
    """Broadcast something passing (who is typing where) without storing it: no number, no replay.

    Inside a transaction it waits for the commit like `publish`; outside, it leaves at once.
    """
    message = {"type": "event", "stream": stream, "seq": None, "kind": kind, "payload": payload}
    transaction.on_commit(lambda: broadcast(stream, message))


def recheck(stream: str) -> None:
    """Ask every connection following `stream` to check again that it still may (after someone
    was removed): those that may not are unsubscribed. Sent once the transaction commits."""
    transaction.on_commit(
        lambda: _group_send(group_name(stream), {"type": "live.recheck", "stream": stream})
    )


def broadcast(stream: str, message: dict[str, Any]) -> None:
    # Encoded once here rather than once per screen by each consumer.
    text = json.dumps(message, ensure_ascii=False)
    _group_send(
        group_name(stream),
        {"type": "live.event", "stream": stream, "seq": message["seq"], "text": text},
    )


# --- handing messages to the channel layer ---------------------------------------------------
#
# Actions run in asgiref's database thread, one at a time. Waiting there for the event loop to
# carry out each group_send made every command pay a round trip through the loop before the next
# could start. When the server's loop is known, messages are instead handed to it and sent there
# one after another, in the order the transactions committed (each send waits for the one
# before, so Redis cannot reorder two of them). Elsewhere (a management command, a test without
# a loop) they are sent on the spot, as before.

_last_send: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task]" = (
    weakref.WeakKeyDictionary()
)


def _server_loop() -> asyncio.AbstractEventLoop | None:
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    return loop


def _group_send(group: str, message: dict[str, Any]) -> None:
    loop = _server_loop()
    if loop is not None:
        loop.call_soon_threadsafe(_chain, loop, group, message)
        return
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        # An event is stored before it is sent: clients that miss it catch up from the log.
        logger.exception("sending %s to %s failed", message.get("type"), group)


def _chain(loop: asyncio.AbstractEventLoop, group: str, message: dict[str, Any]) -> None:
    """In the loop: send after the previous message has gone."""
    _last_send[loop] = loop.create_task(_send_after(_last_send.get(loop), group, message))


async def _send_after(previous: asyncio.Task | None, group: str, message: dict[str, Any]) -> None:
    if previous is not None:
        await asyncio.wait([previous])
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(group, message)
    except Exception:
        logger.exception("sending %s to %s failed", message.get("type"), group)


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


def forget(streams: list[str], *, dry_run: bool = False) -> int:
    """Delete the stored events of `streams` (their payloads may name people); return how many.

    The streams keep their last number, so that a number is never given twice: a client that
    still followed one would find nothing to replay and carry on from the next event.
    """
    events = Event.objects.filter(stream__name__in=streams)
    if dry_run:
        return events.count()
    deleted, _detail = events.delete()
    return deleted
