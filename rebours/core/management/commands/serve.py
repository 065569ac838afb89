import os

import uvicorn
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from rebours.core.https import is_loopback


def plain_http_warning(host: str) -> str:
    """What to say when browsers would reach this server over plain http at an address where
    they drop HTTPS-only cookies (a phone on the room's network): nobody could join."""
    from django.conf import settings

    behind_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None
    if not settings.SESSION_COOKIE_SECURE or is_loopback(host) or behind_proxy:
        return ""
    return (
        f"Warning: cookies are sent over HTTPS only, and browsers reaching http://{host} from "
        "another machine will drop them (nobody could join or sign in). Serve behind an HTTPS "
        "proxy (docs/deployment.md), or set SECURE_COOKIES=0 on a trusted local network."
    )


class Command(BaseCommand):
    help = "Serve whatever the database holds over HTTP and websockets (ASGI, uvicorn)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="ASGI worker processes; more than one needs REDIS_URL so that live events "
            "reach clients of every process",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not apply migrations first"
        )

    def handle(self, *args, host, port, workers, no_migrate, **options):
        from django.conf import settings

        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if workers > 1 and not settings.REDIS_URL:
            raise CommandError(
                "--workers above 1 needs REDIS_URL: without Redis, each process would only "
                "see its own live events"
            )
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        warning = plain_http_warning(host)
        if warning:
            self.stderr.write(warning)
        self.stdout.write(f"Rebours at http://{host}:{port}/ (Ctrl-C to stop)")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rebours.settings")
        uvicorn.run(
            "rebours.asgi:application",
            host=host,
            port=port,
            workers=workers,
            lifespan="off",
            log_level=os.environ.get("LOG_LEVEL", "warning").lower(),
            timeout_graceful_shutdown=5,
            # uvicorn kills a worker that does not answer its health check in time, as hung.
            # Its five seconds killed busy workers of a loaded machine (bench/load.py), and
            # every screen and request of theirs with them.
            timeout_worker_healthcheck=30,
            # Live commands under way answer before their websocket closes (core/serving.py).
            ws="rebours.core.serving:DrainingWebSocketProtocol",
            proxy_headers=True,
            forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        )
