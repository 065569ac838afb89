"""The in-memory channel layer for one process, made to hold a room of thousands.

Channels' own in-memory layer looks through every channel and every group for expired messages
at each send and each receive: O(connections) per message, so O(n²) for a broadcast to n screens.
With 2,000 sockets that scan took two thirds of the event loop (bench/board_fanout.py). Here it
runs at most once a second, which keeps its purpose (messages nobody reads do not pile up) at a
cost that no longer grows with the room.
"""

import time

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer


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
