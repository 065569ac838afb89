"""A fictional volunteer pool for the Régionales 2028 demo, with quotas learnt from the seed.

The 2009 workshop's retrospective regretted "not enough elected officials among our
participants". The demo pool lets an organiser draw a panel of 70 that cannot repeat that: at
least 8 elected officials, 45–55 % women, every territory represented. Everything here is made
up: pseudonymous names ("Camille R."), contacts at example.org, answers drawn from a seeded
generator, so the same pool comes back on every machine.

The pool is not part of the exchange document (the format has no volunteers): it is loaded by
`rebours demo` after the workshop, or on its own with `rebours manage demo_pool`.
"""

import csv
import datetime
import io
import random
import unicodedata
from typing import Any

from django.utils import timezone

from rebours.recruitment import actions
from rebours.recruitment.models import Volunteer
from rebours.workshops.models import Workshop

POOL_SIZE = 200
PANEL_SIZE = 70
SEED = 2028

FIRST_NAMES = {
    "femme": [
        "Camille",
        "Nadia",
        "Léa",
        "Sophie",
        "Inès",
        "Claire",
        "Fatou",
        "Julie",
        "Amandine",
        "Hélène",
        "Sarah",
        "Émilie",
        "Yasmina",
        "Marion",
        "Chloé",
        "Agnès",
        "Laure",
        "Nora",
        "Pauline",
        "Mathilde",
        "Aïcha",
        "Manon",
        "Odile",
        "Lucie",
    ],
    "homme": [
        "Olivier",
        "Karim",
        "Thomas",
        "Julien",
        "Mehdi",
        "Pierre",
        "Antoine",
        "Yann",
        "Bruno",
        "Rachid",
        "Nicolas",
        "Hugo",
        "Serge",
        "Mathieu",
        "Samuel",
        "Loïc",
        "Idriss",
        "Benoît",
        "Vincent",
        "Paul",
        "Alain",
        "Théo",
        "Marc",
        "Franck",
    ],
}
INITIALS = "ABCDEFGHJKLMNPRSTV"

# The regions of the workshop's own participants (2009), weighted towards Marseille's.
TERRITORIES = [
    ("Provence-Alpes-Côte d’Azur", 40),
    ("Île-de-France", 22),
    ("Rhône-Alpes", 16),
    ("Nord-Pas-de-Calais", 10),
    ("Bretagne", 9),
    ("Pays de la Loire", 9),
    ("Languedoc-Roussillon", 8),
    ("Aquitaine", 8),
    ("Midi-Pyrénées", 8),
    ("Alsace", 6),
    ("Auvergne", 6),
    ("Bourgogne", 6),
    ("Centre", 6),
    ("Poitou-Charentes", 6),
    ("Franche-Comté", 5),
    ("Limousin", 5),
    ("Corse", 5),
]
# (category, how many in the pool, share of women): elected officials are scarce and mostly
# men, as they were in 2009; the quotas have to work against that.
CATEGORIES = [
    ("citoyen", 80, 0.55),
    ("association", 32, 0.6),
    ("agent public", 26, 0.5),
    ("expert", 26, 0.4),
    ("entreprise", 18, 0.35),
    ("élu", 18, 0.3),
]
AGES = [("18-34", 0.3), ("35-54", 0.4), ("55+", 0.3)]

FORM = [
    {
        "key": "category",
        "label": "Vous êtes…",
        "values": [name for name, _count, _women in CATEGORIES],
    },
    {"key": "gender", "label": "Genre", "values": ["femme", "homme"]},
    {"key": "territory", "label": "Votre région", "values": [t for t, _w in TERRITORIES]},
    {"key": "age", "label": "Votre âge", "values": [a for a, _w in AGES]},
]

QUOTAS: list[tuple[str, str, int, int | None]] = [
    ("category", "élu", 8, 12),  # the seed's lesson
    ("category", "citoyen", 24, 34),
    ("category", "association", 8, 14),
    ("category", "agent public", 6, 12),
    ("category", "expert", 6, 12),
    ("category", "entreprise", 4, 10),
    ("gender", "femme", 32, 38),  # 45–55 % of 70
    ("gender", "homme", 32, 38),
    ("age", "18-34", 15, 30),
    ("age", "35-54", 20, 30),
    ("age", "55+", 15, 30),
    *[("territory", t, 1, 30 if w >= 20 else 12) for t, w in TERRITORIES],
]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if c.isascii() and c.isalnum()).lower()


def pool_rows(size: int = POOL_SIZE, seed: int = SEED) -> list[dict[str, str]]:
    """The fictional volunteers, the same for a given size and seed."""
    rng = random.Random(seed)  # noqa: S311 - fiction, not secrecy
    categories = [
        (name, women) for name, count, women in CATEGORIES for _ in range(count * size // 200)
    ]
    while len(categories) < size:
        categories.append(("citoyen", 0.55))
    territories = [t for t, _w in TERRITORIES]
    # Every territory appears at least twice; the rest follow the weights.
    places = [t for t in territories for _ in range(2)]
    places += rng.choices(territories, [w for _t, w in TERRITORIES], k=size - len(places))
    rng.shuffle(places)
    rows = []
    for index, (category, women) in enumerate(categories[:size]):
        gender = "femme" if rng.random() < women else "homme"
        first = rng.choice(FIRST_NAMES[gender])
        initial = rng.choice(INITIALS)
        rows.append(
            {
                "id": f"d{index + 1:03d}",
                "name": f"{first} {initial}.",
                "contact": f"{_ascii(first)}.{initial.lower()}{index + 1:03d}@example.org",
                "category": category,
                "gender": gender,
                "territory": places[index],
                "age": rng.choices([a for a, _w in AGES], [w for _a, w in AGES])[0],
            }
        )
    return rows


def pool_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def load_demo_pool(
    workshop: Workshop, *, size: int = POOL_SIZE, replace: bool = False, actor: Any = None
) -> int:
    """Give `workshop` the demo's form, pool and quotas; return how many volunteers were added.

    Does nothing when the workshop already has volunteers, unless `replace`.
    """
    existing = Volunteer.objects.filter(workshop=workshop)
    if existing.exists() and not replace:
        return 0
    for volunteer in existing:
        actions.do_remove_volunteer(volunteer, actor=actor)
    actions.do_save_settings(
        workshop,
        actor=actor,
        categories=FORM,
        registration_open=True,
        retention_until=timezone.localdate() + datetime.timedelta(days=365),
        privacy_notice=(
            "Démonstration : ce vivier est fictif. Les réponses servent au seul tirage au sort "
            "du panel de l’atelier."
        ),
        panel_size=PANEL_SIZE,
    )
    result = actions.do_import_pool(
        workshop, actor=actor, text=pool_csv(pool_rows(size)), consent_confirmed=True
    )
    actions.do_set_quotas(
        workshop,
        actor=actor,
        rows=[{"feature": f, "value": v, "min": lo, "max": hi} for f, v, lo, hi in QUOTAS],
    )
    return result.count
