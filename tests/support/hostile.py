"""Hostile default text for tests: every text a test writes should be able to hurt.

Scripts, markup, template syntax, right-to-left overrides, emoji, combining accents, quotes of
every kind, and very long strings.
"""

from typing import Any

SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'
RTL = "\u202eevil\u202c \u200fمرحبا\u200f"
EMOJI = "🌍🔥👩🏽‍🌾"
TEMPLATE = "{{ secret }}{% debug %}"
QUOTES = "« guillemets » \"double\" 'single' `back` & ampersand"
COMBINING = "e\u0301le\u0300ve"  # "élève" written with combining accents


def hostile(label: str, extra: str = "") -> str:
    """A hostile string that still says which field it is in, so failures read well."""
    return f"{label} {SCRIPT} {IMG} {RTL} {EMOJI} {TEMPLATE} {QUOTES} {COMBINING}{extra}"


def minimal_document(slug: str = "mini") -> dict[str, Any]:
    return {
        "format": "rebours.workshop/1",
        "workshop": {"slug": slug, "title": "Mini", "horizon_year": 2040},
        "themes": [{"id": "t1", "title": "Un thème"}],
    }


def hostile_document(slug: str = "hostile") -> dict[str, Any]:
    """Every key of the format, filled with hostile text, in a valid document."""
    h = hostile
    return {
        "format": "rebours.workshop/1",
        "workshop": {
            "slug": slug,
            "title": h("title")[:200],
            "subtitle": h("subtitle"),
            "horizon_year": 2050,
            "held_on": "2026-03-14",
            "venue": h("venue"),
            "language": "fr",
            "organiser": h("organiser"),
            "introduction": h("intro", "\n\n" + "long " * 2000),
            "hours": 7.5,
        },
        "people": [
            {
                "id": "ana",
                "display_name": h("ana"),
                "roles": ["facilitator", "participant"],
                "organisation": h("org"),
                "attributes": {"gender": h("g"), h("key")[:40]: h("value")},
            },
            {"id": "bo-2", "display_name": h("bo"), "roles": ["elected"]},
            {"id": "cy_3", "display_name": h("cy"), "roles": ["designer", "organiser"]},
        ],
        "press_review": [
            {
                "id": "art-1",
                "headline": h("headline"),
                "lede": h("lede"),
                "dated": "2050-01-01",
                "theme": "t-1",
            },
            {"id": "art-2", "headline": h("headline 2")},
        ],
        "agenda": [
            {
                "id": "open",
                "kind": "opening",
                "title": h("opening"),
                "starts_at": "09:00",
                "minutes": 30,
            },
            {"id": "s1", "kind": "diverge", "title": h("s1"), "starts_at": "09:30", "minutes": 120},
            {"id": "s2", "kind": "converge", "minutes": 120},
        ],
        "themes": [
            {
                "id": "t-1",
                "title": h("theme"),
                "challenge": h("challenge"),
                "question": h("question"),
                "introduction": h("theme intro"),
                "article": "art-1",
                "facilitators": ["ana"],
                "designers": ["cy_3"],
                "members": ["bo-2", "ana"],
                "opinion": h("opinion"),
            },
            {"id": "t-2", "title": h("theme 2")},
        ],
        "notes": [
            {
                "id": "n1",
                "theme": "t-1",
                "session": "s1",
                "author": "ana",
                "text": ("x" + h("note"))[:2000].ljust(2000, "é"),
                "dots": 3,
                "cluster": h("cluster"),
            },
            {"id": "n2", "theme": "t-1", "text": h("note 2"), "dots": 0, "cluster": h("cluster")},
            {"id": "n3", "theme": "t-2", "text": EMOJI},
        ],
        "proposals": [
            {
                "id": "p-1",
                "theme": "t-1",
                "letter": "a",
                "origin": "group",
                "title": h("proposal")[:300],
                "kind": "place",
                "summary": h("summary"),
                "objectives": [h("objective 1"), h("objective 2")],
                "description": h("description", "\nline two\n\nparagraph"),
                "how_it_works": h("how"),
                "roles": [{"actor": h("actor"), "does": h("does")}],
                "obstacles": [h("obstacle")],
                "pathway": [
                    {"year": 2030, "milestone": h("m1")},
                    {"year": 2027, "milestone": h("m0")},
                    {"year": 2050, "milestone": h("m2")},
                ],
                "image": {"path": "media/p1.png", "alt": h("alt")},
                "review": {"opinion": h("review"), "triage": "rework"},
            },
            {
                "id": "p-2",
                "theme": "t-2",
                "title": "Deux",
                "origin": "organisers",
                "review": {"triage": "programme"},
            },
        ],
        "selection": {
            "grades": ["À rejeter", h("grade")[:80], "Très bien"],
            "ballots": [
                {
                    "voter": "bo-2",
                    "college": h("college"),
                    "grades": {"p-1": "Très bien", "p-2": "À rejeter"},
                },
                {"voter": "ana", "grades": {"p-2": "Très bien"}},
            ],
            "favourites": [{"by": "bo-2", "proposal": "p-1"}],
        },
        "retrospective": {"worked": [h("worked")], "did_not_work": [h("failed"), h("failed 2")]},
        "contacts": [
            {
                "name": h("contact"),
                "role": h("role"),
                "email": "x@example.org",
                "url": "javascript:alert(1)",
            }
        ],
    }
