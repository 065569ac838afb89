from django.core.management.base import BaseCommand, CommandError

from rebours.exchange.demo import DEMO_SLUG
from rebours.recruitment.demo import POOL_SIZE, load_demo_pool
from rebours.workshops.models import Workshop


class Command(BaseCommand):
    help = "Give the demo workshop a fictional volunteer pool and quotas to draw a panel from."

    def add_arguments(self, parser):
        parser.add_argument("--workshop", default=DEMO_SLUG, help="workshop slug")
        parser.add_argument("--size", type=int, default=POOL_SIZE, help="number of volunteers")
        parser.add_argument("--replace", action="store_true", help="erase the pool there first")

    def handle(self, *args, workshop, size, replace, **options):
        found = Workshop.objects.filter(slug=workshop).first()
        if found is None:
            raise CommandError(f"no workshop {workshop!r} (load the demo with `rebours demo`)")
        if not 10 <= size <= 5000:
            raise CommandError("--size is between 10 and 5000")
        added = load_demo_pool(found, size=size, replace=replace)
        if added:
            self.stdout.write(f"Added {added} fictional volunteers and the quotas to {workshop!r}.")
        else:
            self.stdout.write(f"{workshop!r} already has a pool (use --replace to start again).")
