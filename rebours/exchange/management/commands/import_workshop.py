from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import read_package
from rebours.exchange.errors import ExchangeError


class Command(BaseCommand):
    help = "Import a workshop from a .json or .zip exchange file, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a .json document or a .zip with media/")
        parser.add_argument(
            "--replace", action="store_true", help="replace a workshop with the same slug"
        )

    def handle(self, *args, file, replace, **options):
        try:
            result = do_import_workshop(read_package(file), actor=None, replace=replace)
        except ExchangeError as exc:
            raise CommandError(str(exc)) from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        workshop = result.workshop
        self.stdout.write(
            f'Imported "{workshop.slug}": {workshop.themes.count()} themes, '
            f"{workshop.proposals.count()} proposals, {workshop.people.count()} people."
        )
