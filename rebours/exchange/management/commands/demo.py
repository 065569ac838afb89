from django.core.management import call_command
from django.core.management.base import BaseCommand

from rebours.exchange.demo import DEMO_SLUG, demo_organiser, load_demo


class Command(BaseCommand):
    help = "Load the Régionales 2028 demo workshop when absent, then serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="only load the demo")
        parser.add_argument("--reload", action="store_true", help="replace the demo if present")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, no_serve, reload, host, port, **options):
        call_command("migrate", interactive=False, verbosity=0)
        loaded = load_demo(replace=reload)
        if loaded:
            self.stdout.write(f'Loaded the demo workshop "{DEMO_SLUG}".')
            # A fictional pool of volunteers to draw the panel from: not part of the exchange
            # document (the format has no volunteers), and cheap to make.
            from rebours.recruitment.demo import load_demo_pool
            from rebours.workshops.models import Workshop

            added = load_demo_pool(Workshop.objects.get(slug=DEMO_SLUG))
            self.stdout.write(f"Added a fictional pool of {added} volunteers to draw from.")
        else:
            self.stdout.write(f'The demo workshop "{DEMO_SLUG}" is already there.')
        username, password = demo_organiser()
        self.stdout.write(
            f"Organiser sign-in for the demo: {username} / {password} "
            "(kept in the data folder; change it with `rebours manage changepassword`)."
        )
        if not no_serve:
            call_command("serve", host=host, port=port, no_migrate=True)
