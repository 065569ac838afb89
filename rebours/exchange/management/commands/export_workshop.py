import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rebours.exchange.export import dumps, export_document, write_zip
from rebours.workshops.models import Workshop


class Command(BaseCommand):
    help = "Export a workshop as a .json or .zip exchange file (JSON on stdout without -o)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "-o", "--output", type=Path, help="FILE.json, or FILE.zip to include the images"
        )

    def handle(self, *args, slug, output, **options):
        workshop = Workshop.objects.filter(slug=slug).first()
        if workshop is None:
            raise CommandError(f'no workshop "{slug}"')
        if output is None:
            sys.stdout.write(dumps(export_document(workshop)))
            return
        suffix = output.suffix.lower()
        if suffix == ".json":
            output.write_text(dumps(export_document(workshop)), encoding="utf-8")
        elif suffix == ".zip":
            for warning in write_zip(workshop, output):
                self.stderr.write(f"warning: {warning}")
        else:
            raise CommandError(f"unknown suffix {output.suffix or '(none)'}: use .json or .zip")
        self.stdout.write(f"Wrote {output}")
