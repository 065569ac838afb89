from django.core.management.base import BaseCommand

from rebours.recruitment.actions import do_erase_expired


class Command(BaseCommand):
    help = "Erase the volunteers whose retention date has passed (run it daily)."

    def handle(self, *args, **options):
        erased = do_erase_expired(actor=None)
        self.stdout.write(f"Erased {erased} volunteer(s) past their retention date.")
