"""ASGI entry point: HTTP through Django, websockets through Channels' router."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rebours.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from rebours.routing import application_for  # noqa: E402

application = application_for(django_asgi_app)
