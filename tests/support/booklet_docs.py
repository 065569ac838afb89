"""Workshops made up for booklet tests: a realistic shape without the demo's size."""

import io
import json
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

COLOURS = ["#2f6b3a", "#8a3b8f", "#1d5f8a", "#a3462b", "#6b5a00", "#2e6b6b"]


@cache
def poster_bytes(index: int, width: int = 1600, height: int = 1000) -> bytes:
    """A PNG that looks like something (bands of colour), small on disk."""
    image = Image.new("RGB", (width, height), "#f4efe4")
    draw = ImageDraw.Draw(image)
    colour = COLOURS[index % len(COLOURS)]
    for band in range(5):
        draw.rectangle([band * width // 5, 0, band * width // 5 + width // 10, height], fill=colour)
    draw.ellipse([width // 3, height // 4, 2 * width // 3, 3 * height // 4], fill="#ffd166")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def generated_document(
    slug: str = "generated", *, themes: int = 3, per_theme: int = 3, lang: str = "fr"
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """A valid document with `themes` × `per_theme` proposals, their images, a selection."""
    people = [
        {"id": f"p{i}", "display_name": f"Personne {i}", "roles": ["participant"]}
        for i in range(themes * 4)
    ]
    people += [
        {"id": "org", "display_name": "Organisatrice", "roles": ["organiser"]},
        {"id": "elu1", "display_name": "Élu Un", "roles": ["elected"]},
        {"id": "elu2", "display_name": "Élue Deux", "roles": ["elected"]},
    ]
    doc_themes, proposals, media = [], [], {}
    for t in range(themes):
        members = [f"p{t * 4 + k}" for k in range(4)]
        doc_themes.append(
            {
                "id": f"theme-{t}",
                "title": f"Thème {t + 1}",
                "challenge": f"Relever le défi numéro {t + 1}",
                "question": f"Comment le thème {t + 1} a-t-il changé la région ?",
                "introduction": "Le groupe a travaillé toute la journée. " * 6,
                "facilitators": members[:1],
                "designers": members[1:2],
                "members": members,
                "opinion": "Un travail solide, à reprendre avec les services. " * 3,
            }
        )
        for k in range(per_theme):
            key = f"prop-{t}-{k}"
            path = f"media/{key}.png"
            media[path] = poster_bytes(t * per_theme + k)
            proposals.append(
                {
                    "id": key,
                    "theme": f"theme-{t}",
                    "letter": "abcdefgh"[k],
                    "origin": "organisers" if (t == themes - 1 and k == per_theme - 1) else "group",
                    "title": f"Proposition {t + 1}{'abcdefgh'[k]} : un lieu pour tous",
                    "kind": "place",
                    "summary": "Un résumé en une phrase de la proposition.",
                    "objectives": ["Premier objectif", "Deuxième objectif", "Troisième objectif"],
                    "description": "Une description assez longue pour remplir un peu. " * 5,
                    "how_it_works": "Voici comment cela fonctionne, pas à pas. " * 4,
                    "roles": [
                        {"actor": "La région", "does": "finance et coordonne"},
                        {"actor": "Les associations", "does": "animent le lieu"},
                    ],
                    "obstacles": ["Le coût", "Les habitudes"],
                    "pathway": [
                        {"year": 2040, "milestone": "Le lieu existe partout"},
                        {"year": 2030, "milestone": "Un premier lieu ouvre"},
                        {"year": 2027, "milestone": "Un appel à projets est lancé"},
                    ],
                    "image": {"path": path, "alt": f"Affiche de la proposition {key}"},
                    "review": {"opinion": "Notre avis, court.", "triage": "programme"},
                }
            )
    grades = ["À rejeter", "Passable", "Bien", "Très bien"]
    ballots = [
        {
            "voter": voter,
            "college": "élus",
            "grades": {p["id"]: grades[(i + n) % len(grades)] for n, p in enumerate(proposals)},
        }
        for i, voter in enumerate(["elu1", "elu2"])
    ]
    document = {
        "format": "rebours.workshop/1",
        "workshop": {
            "slug": slug,
            "title": "Atelier généré 2040",
            "subtitle": "Un atelier pour les tests",
            "horizon_year": 2040,
            "held_on": "2026-03-14",
            "venue": "Salle des fêtes, Lyon",
            "language": lang,
            "organiser": "Le laboratoire",
            "introduction": "Une introduction. " * 30,
            "hours": 7,
        },
        "people": people,
        "agenda": [
            {
                "id": "a1",
                "kind": "opening",
                "title": "Ouverture",
                "starts_at": "09:00",
                "minutes": 30,
            },
            {
                "id": "a2",
                "kind": "diverge",
                "title": "Session 1",
                "starts_at": "09:30",
                "minutes": 120,
            },
        ],
        "press_review": [
            {
                "id": "art",
                "headline": "Une bonne nouvelle de 2040",
                "lede": "Tout va mieux.",
                "dated": "2040-01-01",
                "theme": "theme-0",
            }
        ],
        "themes": doc_themes,
        "proposals": proposals,
        "selection": {
            "grades": grades,
            "ballots": ballots,
            "favourites": [{"by": "elu1", "proposal": proposals[0]["id"]}],
        },
        "retrospective": {"worked": ["Ce qui a marché"], "did_not_work": ["Ce qui a coincé"]},
        "contacts": [
            {"name": "Le laboratoire", "email": "contact@example.org", "url": "https://example.org"}
        ],
    }
    return document, media


def write_zip(path: Path, document: dict[str, Any], media: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("workshop.json", json.dumps(document, ensure_ascii=False))
        for name, data in media.items():
            archive.writestr(name, data)
    return path
