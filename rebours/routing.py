"""The websocket routes of every app, gathered in one protocol router."""

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator


def websocket_urlpatterns() -> list:
    from rebours.live.routing import websocket_urlpatterns as live

    return [*live]


def application_for(http_app):
    return ProtocolTypeRouter(
        {
            "http": http_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))
            ),
        }
    )
