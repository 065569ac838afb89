"""The Régionales 2028 workshop, shipped as an exchange-format folder (workshop.json + media/)."""

from pathlib import Path

DEMO_SLUG = "regionales-2028"
DEMO_DIR = Path(__file__).resolve().parent / DEMO_SLUG


def load_demo(*, replace: bool = False) -> bool:
    """Import the demo unless it is there already; return whether it was (re)loaded."""
    from rebours.exchange.actions import do_import_workshop
    from rebours.exchange.containers import read_package
    from rebours.workshops.models import Workshop

    if not replace and Workshop.objects.filter(slug=DEMO_SLUG).exists():
        return False
    do_import_workshop(read_package(DEMO_DIR), actor=None, replace=replace)
    return True
