from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from rebours.workshops.actions import do_purge_personal_data
from rebours.workshops.models import Workshop


class Command(BaseCommand):
    help = "Purge the personal data of every workshop whose retention date has passed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be purged, change nothing"
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        today = timezone.localdate()
        expired = Workshop.objects.filter(personal_data_until__lt=today).order_by("slug")
        if not expired:
            self.stdout.write("No workshop is past its retention date.")
        for workshop in expired:
            counts = do_purge_personal_data(workshop, actor=None, dry_run=dry_run, today=today)
            summary = ", ".join(f"{name} {n}" for name, n in counts.items())
            verb = "would purge" if dry_run else "purged"
            self.stdout.write(
                f"{workshop.slug} (kept until {workshop.personal_data_until}): {verb} {summary}"
            )
