"""The websocket routes of every app, gathered in one protocol router."""

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter

from rebours.core.websocket import SameOriginValidator


def websocket_urlpatterns() -> list:
    from rebours.live.routing import websocket_urlpatterns as live

    return [*live]


def application_for(http_app):
    return ProtocolTypeRouter(
        {
            "http": http_app,
            # Only this site's pages open websockets (rebours/core/websocket.py).
            "websocket": SameOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))
            ),
        }
    )
