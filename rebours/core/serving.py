"""What `rebours serve` changes in uvicorn: a graceful stop that lets live commands answer.

When uvicorn stops (SIGTERM, Ctrl-C), it closes every websocket at once (code 1012) and then
gives HTTP requests up to five seconds to finish. A live command it was carrying out at that
moment still commits, but its answer has nowhere to go: the screen reports a failure for a note
that was in fact posted, and the person may post it twice. This protocol first lets the live
layer drain (`rebours.live.consumers.drain`: new commands are refused as `restarting`, those
begun get their answer), then closes the connection as uvicorn would. uvicorn waits for the
connections to close within its grace period, so the drain fits inside it.
"""

import asyncio
import time

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


class DrainingWebSocketProtocol(WebSocketsSansIOProtocol):
    _draining: asyncio.Task | None = None

    def shutdown(self) -> None:
        if not self.handshake_complete or self.close_sent or self.transport.is_closing():
            super().shutdown()
            return
        if self._draining is None:
            self._draining = asyncio.ensure_future(self._drain_then_close())

    async def _drain_then_close(self) -> None:
        # Imported here: this module is imported by uvicorn before Django is set up.
        from rebours.live.consumers import DRAIN_SECONDS, drain

        deadline = time.monotonic() + DRAIN_SECONDS
        try:
            await drain()
            # Frames already read from the socket but not yet handed to the consumer are
            # commands too: let it take them (and answer `restarting`) before closing.
            while not self.queue.empty() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.01)
        finally:
            if not self.transport.is_closing():
                super().shutdown()
