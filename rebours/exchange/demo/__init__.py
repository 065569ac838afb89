"""The Régionales 2028 workshop, shipped as an exchange-format folder (workshop.json + media/)."""

import secrets
from pathlib import Path

DEMO_SLUG = "regionales-2028"
DEMO_DIR = Path(__file__).resolve().parent / DEMO_SLUG
DEMO_ORGANISER = "organisateur"


def load_demo(*, replace: bool = False) -> bool:
    """Import the demo unless it is there already; return whether it was (re)loaded."""
    from rebours.exchange.actions import do_import_workshop
    from rebours.exchange.containers import read_package
    from rebours.workshops.models import Workshop

    if not replace and Workshop.objects.filter(slug=DEMO_SLUG).exists():
        return False
    do_import_workshop(read_package(DEMO_DIR), actor=None, replace=replace)
    return True


def demo_organiser() -> tuple[str, str]:
    """An organiser account for trying the demo: created once, its password kept in the data dir.

    The password is random (never a default one) and lives next to the database, readable only
    by whoever can read the database anyway.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AbstractBaseUser

    from rebours.workshops.actions import do_link_account, do_set_organiser_account
    from rebours.workshops.models import Person, Role

    secret_file = Path(settings.DATA_DIR) / "demo-organiser-password"
    user: AbstractBaseUser | None = get_user_model().objects.filter(username=DEMO_ORGANISER).first()
    if user is None or not secret_file.exists():
        password = secrets.token_urlsafe(12)
        user = do_set_organiser_account(DEMO_ORGANISER, password, actor=None)
        secret_file.write_text(password)
        secret_file.chmod(0o600)
    people = Person.objects.filter(workshop__slug=DEMO_SLUG).order_by("position")
    organiser = next((p for p in people if Role.ORGANISER in (p.roles or [])), None)
    if organiser is not None and organiser.user_id != user.pk:
        do_link_account(organiser, user, actor=None)
    return DEMO_ORGANISER, secret_file.read_text().strip()
