"""Recruitment test state, built through the actions: a workshop, categories, a pool, quotas.

Names and answers are hostile by default; pools are small (LEXIMIN on big pools is slow).
"""

import datetime
import random
from typing import Any

from django.utils import timezone

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.recruitment import actions
from rebours.recruitment.models import Draw, Volunteer
from rebours.workshops.models import Workshop
from tests.support.hostile import hostile

CATEGORIES = [
    {"key": "gender", "label": hostile("Genre"), "values": ["femme", "homme"]},
    {"key": "territory", "label": hostile("Territoire"), "values": ["nord", "sud", "est"]},
    {"key": "age", "label": "Âge", "values": ["18-34", "35-54", "55+"]},
]


def workshop_document(slug: str = "recrute", themes: int = 3) -> dict[str, Any]:
    return {
        "format": "rebours.workshop/1",
        "workshop": {"slug": slug, "title": hostile("Atelier")[:200], "horizon_year": 2040},
        "people": [{"id": "orga", "display_name": hostile("orga"), "roles": ["organiser"]}],
        "themes": [{"id": f"t-{i}", "title": hostile(f"groupe {i}")} for i in range(1, themes + 1)],
    }


def make_workshop(slug: str = "recrute", themes: int = 3) -> Workshop:
    document = workshop_document(slug, themes)
    return do_import_workshop(Package(document=document), actor=None).workshop


def open_registration(workshop: Workshop, **extra: Any) -> None:
    settings = {
        "categories": CATEGORIES,
        "registration_open": True,
        "retention_until": timezone.localdate() + datetime.timedelta(days=180),
        "privacy_notice": hostile("notice"),
        "panel_size": 6,
    }
    settings.update(extra)
    actions.do_save_settings(workshop, actor=None, **settings)


def register(workshop: Workshop, n: int, *, seed: int = 1, prefix: str = "vol") -> list[Volunteer]:
    """`n` volunteers through the public form's action, answers spread by a seeded generator."""
    rng = random.Random(seed)
    people = []
    for i in range(n):
        answers = {c["key"]: rng.choice(c["values"]) for c in CATEGORIES}
        # Every value occurs at least once in any pool of 3 or more.
        for category in CATEGORIES:
            if i < len(category["values"]):
                answers[category["key"]] = category["values"][i]
        people.append(
            actions.do_register(
                workshop,
                actor=None,
                name=hostile(f"{prefix}{i}")[:90],
                contact=f"{prefix}{i}@example.org",
                answers=answers,
                consent_lottery=True,
                consent_processing=True,
            )
        )
    return people


def set_quotas(workshop: Workshop, rows: list[tuple[str, str, int, int | None]]) -> None:
    actions.do_set_quotas(
        workshop,
        actor=None,
        rows=[{"feature": f, "value": v, "min": lo, "max": hi} for f, v, lo, hi in rows],
    )


GENDER_QUOTAS = [("gender", "femme", 3, 3), ("gender", "homme", 3, 3)]


def draw_now(workshop: Workshop, *, size: int = 6, method: str = "leximin", seed: Any = 7) -> Draw:
    """Start a draw and compute it in this thread (tests do not wait for the worker)."""
    draw = actions.do_start_draw(workshop, actor=None, size=size, method=method, seed=seed)
    return actions.do_compute_draw(draw.pk)
