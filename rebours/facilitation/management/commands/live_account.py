import secrets

from django.core.management.base import BaseCommand, CommandError

from rebours.facilitation.actions import DayRefused, do_give_account
from rebours.workshops.models import Person


class Command(BaseCommand):
    help = "Give a facilitator or organiser of a workshop an account to sign in with on the day."

    def add_arguments(self, parser):
        parser.add_argument("workshop", help="the workshop's slug")
        parser.add_argument("person", help="the person's key in the workshop")
        parser.add_argument("username")
        parser.add_argument(
            "--password", default="", help="a password (default: a new random one, printed once)"
        )

    def handle(self, *args, workshop, person, username, password, **options):
        found = Person.objects.filter(workshop__slug=workshop, key=person).first()
        if found is None:
            raise CommandError(f"no person {person!r} in workshop {workshop!r}")
        chosen = password or secrets.token_urlsafe(12)
        try:
            do_give_account(found, actor=None, username=username, password=chosen)
        except DayRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(f"{username} now signs in as {found.display_name} in {workshop}.")
        if not password:
            self.stdout.write(f"Password: {chosen}")
