"""The nine theme colours, read from the site's stylesheet so that it stays their one source.

Inline SVG drawn by WeasyPrint takes its colours from presentation attributes only, and the PDF
does not load site.css (written for browsers, it would only add noise to WeasyPrint's log):
both get the colours from here.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders

SITE_CSS = "rebours/css/site.css"


@dataclass(frozen=True)
class Palette:
    number: int
    colour: str  # strong: text on white, and white text on it, pass WCAG AA
    tint: str  # pale background


@cache
def palettes() -> dict[int, Palette]:
    path = finders.find(SITE_CSS)
    if not path:
        raise FileNotFoundError(f"static file {SITE_CSS} not found")
    css = Path(path).read_text(encoding="utf-8")
    colours = dict(re.findall(r"--p(\d):\s*(#[0-9a-fA-F]{6})", css))
    tints = dict(re.findall(r"--t(\d):\s*(#[0-9a-fA-F]{6})", css))
    return {
        int(n): Palette(int(n), colours[n], tints.get(n, "#eeeeee"))
        for n in sorted(colours, key=int)
    }


def palette(number: int) -> Palette:
    known = palettes()
    return known.get(number % max(len(known), 1)) or Palette(number, "#1b1f24", "#eeeeee")


def palette_css() -> str:
    """The variables and .palette-N classes of site.css, for documents that do not load it."""
    known = palettes().values()
    root = " ".join(f"--p{p.number}: {p.colour}; --t{p.number}: {p.tint};" for p in known)
    classes = "\n".join(
        f".palette-{p.number} {{ --pc: var(--p{p.number}); --pt: var(--t{p.number}); }}"
        for p in known
    )
    return f":root {{ {root} }}\n{classes}\n"
