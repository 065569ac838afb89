"""Channel layers made to hold a room of thousands: in memory for one process, Redis for several.

Channels' own in-memory layer looks through every channel and every group for expired messages
at each send and each receive: O(connections) per message, so O(n²) for a broadcast to n screens.
With 2,000 sockets that scan took two thirds of the event loop (bench/board_fanout.py). Here it
runs at most once a second, which keeps its purpose (messages nobody reads do not pile up) at a
cost that no longer grows with the room.
"""

import time

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer
from channels_redis.core import RedisChannelLayer as ChannelsRedisChannelLayer


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    clean_every = 1.0  # seconds

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._cleaned_at = float("-inf")

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._cleaned_at < self.clean_every:
            return
        self._cleaned_at = now
        super()._clean_expired()


class RedisChannelLayer(ChannelsRedisChannelLayer):
    """channels_redis's layer, with a blocking pop well inside redis-py's read timeout.

    The layer waits for a process's messages with BZPOPMIN for `brpop_timeout` seconds, 5 by
    default, and redis-py 8 gives up on a read after 5 seconds too (`socket_timeout`). On a busy
    machine Redis answered an empty pop a little late, the read timed out, and the consumer died
    with its websocket (bench/load.py: 19 screens of 1,000, close code 1006). Raising the read
    timeout instead made closing a consumer wait for it (tests hung in teardown); popping for
    two seconds leaves three of margin.
    """

    brpop_timeout = 2
