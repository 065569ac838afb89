"""Posters for the proposals of a workshop document, drawn by our own code.

    python -m rebours.exchange.demo.posters DOC.json OUT_DIR [--write-alt]

reads an exchange document (rebours.workshop/1) and writes `OUT_DIR/<proposal id>.png`, one
1600 × 1000 poster per proposal: a theme palette, a geometric illustration of the proposal (a scene
written for each demo proposal, a scene per `kind` for any other document), the proposal's letter
and title, the theme name and the horizon year. Each poster comes with a French alt text; with
`--write-alt` the document's `image.path` and `image.alt` are rewritten in place.

The output is deterministic: the same document gives byte-identical files. No Django import.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from .posters_pen import Palette, Pen, make_palette
from .posters_scenes import scene_for

WIDTH, HEIGHT = 1600, 1000
SCALE = 2  # everything is drawn at twice the size, then downscaled: that is the antialiasing
MARGIN = 84
TEXT_X0, TEXT_X1 = MARGIN, 660
TITLE_Y0, TITLE_Y1 = 262, 812
PANEL_X = 720
SCENE_SIDE = 850
SCENE_ORIGIN = (PANEL_X + (WIDTH - PANEL_X - SCENE_SIDE) // 2, (HEIGHT - SCENE_SIDE) // 2)
TITLE_MAX, TITLE_MIN = 80, 34
LINE_HEIGHT = 1.13
Box = tuple[int, int, int, int]
ID_PATTERN = re.compile(r"[a-z0-9_-]{1,64}")
NBSP = "\u00a0"

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)

# One palette per demo theme: main hue and accent hue in OKLCh degrees, spread around the wheel,
# and a small lift of the panel (brick red sits darker to set it apart from raspberry). Lightness
# is otherwise fixed per role (see posters_pen.Palette): contrast never relies on hue alone.
THEME_HUES: dict[str, tuple[str, float, float, float]] = {
    "alimentation": ("vert", 145, 70, 0.0),
    "creativite": ("violet", 310, 95, 0.0),
    "techno": ("indigo", 268, 80, 0.0),
    "new-deal": ("rouge brique", 32, 95, -0.07),
    "citoyens": ("framboise", 350, 175, 0.0),
    "vivre-ensemble": ("bleu canard", 190, 55, 0.0),
    "energie": ("ambre", 65, 250, 0.02),
    "education": ("bleu ciel", 228, 65, 0.0),
    "institution": ("olive", 105, 290, 0.0),
}
PALETTES: tuple[Palette, ...] = tuple(make_palette(*spec) for spec in THEME_HUES.values())
PALETTE_BY_THEME: dict[str, Palette] = dict(zip(THEME_HUES, PALETTES, strict=True))


# -- fonts and text -------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def font_path(name: str) -> str:
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.is_file():
            return str(path)
    return name  # let FreeType search its own paths


@lru_cache(maxsize=64)
def bold(size: int) -> ImageFont.FreeTypeFont:
    # The basic layout engine does not depend on libraqm: same pixels on every machine. The price:
    # right-to-left scripts are set left to right, unshaped (fine for French titles).
    return ImageFont.truetype(
        font_path("DejaVuSans-Bold.ttf"), size, layout_engine=ImageFont.Layout.BASIC
    )


@lru_cache(maxsize=1)
def _covered() -> frozenset[int] | None:
    """Code points with a glyph in DejaVu Sans Bold, or None when fontTools is missing."""
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    try:
        with TTFont(font_path("DejaVuSans-Bold.ttf"), lazy=True) as tt:
            return frozenset(tt.getBestCmap())
    except OSError:
        return None


def plain_text(text: object) -> str:
    """NFC, no control or format characters (bidi overrides, zero-width joiners), one space."""
    text = unicodedata.normalize("NFC", str(text or ""))
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in (NBSP, "\u202f"):
            kept.append(NBSP)
        elif category[0] == "Z" or ch in "\t\n\r":
            kept.append(" ")
        elif category[0] != "C":
            kept.append(ch)
    return re.sub(r" {2,}", " ", "".join(kept)).strip(" ")


def typeset(text: object) -> str:
    """Text as the poster sets it: glyphs the font lacks dropped, French spaces unbreakable."""
    text = plain_text(text)
    covered = _covered()
    if covered is not None:
        text = "".join(ch for ch in text if ord(ch) in covered or ch == " ")
    text = re.sub(r" {2,}", " ", text).strip()
    text = re.sub("«[ \u00a0]?", "«" + NBSP, text)
    text = re.sub("[ \u00a0]?»", NBSP + "»", text)
    text = re.sub(" ([:;!?])", NBSP + r"\1", text)
    # A one-letter word (à, a, y) never ends a line; two-letter ones are discouraged in `balanced`.
    return re.sub(r"(?<![\w’'])(\w) (?=\S)", r"\1" + NBSP, text)


def _break_word(word: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    pieces, current = [], ""
    for ch in word:
        if current and font.getlength(current + ch) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    return [*pieces, current] if current else pieces


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float, split: bool = False) -> list[str]:
    """Greedy wrapping on ordinary spaces (never on NBSP). When a word is wider than the line,
    `split` breaks it; otherwise the answer is an empty list, meaning "does not fit"."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if font.getlength(word) <= width:
            current = word
        elif split:
            *whole, current = _break_word(word, font, width)
            lines.extend(whole)
        else:
            return []
    if current:
        lines.append(current)
    return lines


def _ends_short(line: str) -> bool:
    last = line.rsplit(" ", 1)[-1]
    return len(last) <= 2 and last.isalpha()


def _lone_short(line: str) -> bool:
    return " " not in line and len(line) <= 3


def _break_cost(line: str, length: float, width: float, last: bool) -> float:
    cost = (width - length) ** 2
    if not last and _ends_short(line):
        cost += (width * 0.4) ** 2  # "de", "la", "le"… should open a line, not end one
    if _lone_short(line):
        cost += (width * 0.6) ** 2
    return cost


def balanced(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """As few lines as greedy wrapping needs, with the breaks that make them most even.

    A small dynamic programme over the break points minimises the sum of squared slack, so that
    "Les Sentiers / de grande / créativité" wins over "Les / Sentiers de / grande créativité";
    a line ending on a two-letter word or made of one short word costs extra.
    """
    lines = wrap(text, font, width)
    words = [w for w in text.split(" ") if w]
    count = len(lines)
    if count < 2 or len(words) > 120:
        return lines
    n = len(words)
    inf = float("inf")
    best = [[inf] * (count + 1) for _ in range(n + 1)]
    back = [[0] * (count + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            line = " ".join(words[i:j])
            length = font.getlength(line)
            if length > width:
                break
            cost = _break_cost(line, length, width, last=j == n)
            for k in range(1, count + 1):
                if best[i][k - 1] + cost < best[j][k]:
                    best[j][k] = best[i][k - 1] + cost
                    back[j][k] = i
    if best[n][count] == inf:
        return lines
    out, j = [], n
    for k in range(count, 0, -1):
        i = back[j][k]
        out.append(" ".join(words[i:j]))
        j = i
    return out[::-1]


@dataclass
class TitleSetting:
    size: int  # in poster pixels
    lines: list[str]
    line_height: int


def _score(size: int, lines: list[str]) -> float:
    """Bigger is better, but not at the price of clumsy breaks or a tall stack of lines."""
    score = float(size)
    score -= 12 * sum(_ends_short(line) for line in lines[:-1])
    score -= 20 * sum(_lone_short(line) for line in lines)
    score -= 6 * max(0, len(lines) - 4)
    return score


def fit_title(
    text: str, width: int = TEXT_X1 - TEXT_X0, height: int = TITLE_Y1 - TITLE_Y0
) -> TitleSetting:
    """The best-scoring size at which the title fits the box (see `_score`). When nothing fits,
    the smallest size breaks long words and cuts what still overflows with an ellipsis."""
    text = text or "…"
    best: TitleSetting | None = None
    best_score = -1.0
    for size in range(TITLE_MAX, TITLE_MIN - 1, -2):
        if size <= best_score:
            break  # no smaller size can score higher
        font = bold(size * SCALE)
        lh = round(size * LINE_HEIGHT)
        greedy = wrap(text, font, width * SCALE)
        if not greedy or _block_height(len(greedy), size, lh) > height:
            continue
        lines = balanced(text, font, width * SCALE)
        score = _score(size, lines)
        if score > best_score:
            best, best_score = TitleSetting(size, lines, lh), score
    if best is not None:
        return best
    size = TITLE_MIN
    font = bold(size * SCALE)
    lh = round(size * LINE_HEIGHT)
    lines = wrap(text, font, width * SCALE, split=True)
    keep = max(1, len(lines))
    while keep > 1 and _block_height(keep, size, lh) > height:
        keep -= 1
    if keep < len(lines):
        last = lines[keep - 1]
        while last and font.getlength(last + "…") > width * SCALE:
            last = last[:-1]
        lines = [*lines[: keep - 1], last.rstrip(" " + NBSP) + "…"]
    return TitleSetting(size, lines, lh)


def _block_height(count: int, size: int, lh: int) -> int:
    ascent, descent = bold(size).getmetrics()
    return (count - 1) * lh + ascent + descent


# -- one poster -----------------------------------------------------------------------------------


@dataclass
class Poster:
    proposal_id: str
    image: Image.Image  # 1600 × 1000, palette mode
    alt: str
    # Where text was set, in poster pixels: ("letter" | "theme" | "title" | "year", box).
    text_boxes: list[tuple[str, Box]] = field(default_factory=list)


def palette_for(theme_id: str) -> Palette:
    """The demo palette of a theme id, else one picked by a stable hash of the id."""
    if theme_id in PALETTE_BY_THEME:
        return PALETTE_BY_THEME[theme_id]
    return PALETTES[hashlib.sha256(theme_id.encode()).digest()[0] % len(PALETTES)]


def assign_palettes(theme_ids: Sequence[str]) -> dict[str, Palette]:
    """Demo themes keep their palette; other themes take the unused ones in document order."""
    out = {t: PALETTE_BY_THEME[t] for t in theme_ids if t in PALETTE_BY_THEME}
    spare = [p for p in PALETTES if p not in out.values()] or list(PALETTES)
    others = [t for t in dict.fromkeys(theme_ids) if t not in out]
    for i, theme_id in enumerate(others):
        out[theme_id] = spare[i % len(spare)]
    return out


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _tracked_length(text: str, font: Any, track: float) -> float:
    return sum(font.getlength(ch) for ch in text) + track * max(0, len(text) - 1)


def _unscale(box: tuple[float, float, float, float]) -> Box:
    """A box on the supersampled canvas, in poster pixels, rounded outwards."""
    left, top, right, bottom = box
    return (
        math.floor(left / SCALE),
        math.floor(top / SCALE),
        math.ceil(right / SCALE),
        math.ceil(bottom / SCALE),
    )


def _draw_header(
    draw: ImageDraw.ImageDraw, pal: Palette, letter: str, theme_name: str
) -> list[tuple[str, Box]]:
    """The letter in a disc, then the theme name in letter-spaced capitals."""
    s, boxes = SCALE, []
    x, centre_y, r = TEXT_X0, MARGIN + 46, 46
    if letter:
        draw.ellipse(
            [(x * s, (centre_y - r) * s), ((x + 2 * r) * s, (centre_y + r) * s)], fill=pal.deep
        )
        font = bold(58 * s)
        left, top, right, bottom = font.getbbox(letter, anchor="ls")
        origin = ((x + r) * s - (left + right) / 2, centre_y * s - (top + bottom) / 2)
        draw.text(origin, letter, font=font, fill=pal.paper, anchor="ls")
        boxes.append(("letter", (x, centre_y - r, x + 2 * r, centre_y + r)))
        x += 2 * r + 24
    if not theme_name:
        return boxes
    size, track = 24, 3.0
    room = (TEXT_X1 - x) * s
    while size > 18 and _tracked_length(theme_name, bold(size * s), track * s) > room:
        size, track = size - 1, max(1.0, track - 0.25)
    font = bold(size * s)
    while len(theme_name) > 1 and _tracked_length(theme_name, font, track * s) > room:
        theme_name = theme_name[:-2].rstrip() + "…"
    cap = -font.getbbox("H", anchor="ls")[1]
    pen_x: float = x * s
    baseline = centre_y * s + cap / 2
    for ch in theme_name:
        draw.text((pen_x, baseline), ch, font=font, fill=pal.deep, anchor="ls")
        pen_x += font.getlength(ch) + track * s
    width = _tracked_length(theme_name, font, track * s)
    boxes.append(("theme", _unscale((x * s, baseline - cap, x * s + width, baseline))))
    return boxes


def _draw_title(draw: ImageDraw.ImageDraw, pal: Palette, title: str) -> list[tuple[str, Box]]:
    """A short rule, then the title, fitted to its box."""
    s, boxes = SCALE, []
    draw.rectangle([(TEXT_X0 * s, 222 * s), ((TEXT_X0 + 72) * s, 230 * s)], fill=pal.field)
    setting = fit_title(title)
    font = bold(setting.size * s)
    baseline = TITLE_Y0 * s + font.getmetrics()[0]
    for line in setting.lines:
        draw.text((TEXT_X0 * s, baseline), line, font=font, fill=pal.ink, anchor="ls")
        box = draw.textbbox((TEXT_X0 * s, baseline), line, font=font, anchor="ls")
        boxes.append(("title", _unscale(box)))
        baseline += setting.line_height * s
    return boxes


def _draw_horizon(draw: ImageDraw.ImageDraw, pal: Palette, year: str) -> list[tuple[str, Box]]:
    """The horizon mark: the year, a line running to the horizon, a sun rising on it."""
    s, boxes = SCALE, []
    y, x_line = 904, float(TEXT_X0)
    if year:
        font = bold(34 * s)
        origin = (TEXT_X0 * s, y * s - font.getbbox("0", anchor="ls")[1] / 2)
        draw.text(origin, year, font=font, fill=pal.ink, anchor="ls")
        box = draw.textbbox(origin, year, font=font, anchor="ls")
        boxes.append(("year", _unscale(box)))
        x_line = box[2] / s + 22
    draw.rectangle([(x_line * s, (y - 1.5) * s), (TEXT_X1 * s, (y + 1.5) * s)], fill=pal.deep)
    sun_x, r = TEXT_X1 - 44, 20
    draw.pieslice(
        [((sun_x - r) * s, (y - r) * s), ((sun_x + r) * s, (y + r) * s)], 180, 360, fill=pal.field
    )
    return boxes


def render(
    proposal: dict, theme: dict | None, year: object, palette: Palette | None = None
) -> Poster:
    """Draw one poster; `theme` may be None when the proposal names an unknown theme."""
    pid = str(proposal.get("id", ""))
    theme = theme or {}
    pal = palette or palette_for(str(theme.get("id") or proposal.get("theme") or ""))
    s = SCALE
    canvas = Image.new("RGB", (WIDTH * s, HEIGHT * s), pal.paper)

    # The illustration: a full-height panel on the right, the scene in a square inside it.
    panel = Image.new("RGB", ((WIDTH - PANEL_X) * s, HEIGHT * s), pal.field)
    origin = ((SCENE_ORIGIN[0] - PANEL_X) * s, SCENE_ORIGIN[1] * s)
    scene = scene_for(pid, proposal.get("kind"))
    scene.draw(Pen(panel, origin, SCENE_SIDE * s / 100, seed=_seed(pid)), pal)
    canvas.paste(panel, (PANEL_X * s, 0))

    draw = ImageDraw.Draw(canvas)
    theme_name = typeset(theme.get("title") or theme.get("id") or proposal.get("theme")).upper()
    boxes = _draw_header(draw, pal, typeset(proposal.get("letter"))[:2], theme_name)
    boxes += _draw_title(draw, pal, typeset(proposal.get("title")))
    boxes += _draw_horizon(draw, pal, typeset(year)[:12])

    image = canvas.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    return Poster(pid, image, alt_text(proposal, theme, year, scene.description), boxes)


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def alt_text(proposal: dict, theme: dict, year: object, description: str) -> str:
    title = plain_text(proposal.get("title")) or "sans titre"
    parts = [f"Affiche{NBSP}: {description}, sous le titre «{NBSP}{title}{NBSP}»."]
    details = []
    theme_name = plain_text(theme.get("title"))
    if theme_name:
        details.append(f"thème {theme_name}")
    letter = plain_text(proposal.get("letter"))
    if letter:
        details.append(f"proposition {letter}")
    year_text = plain_text(year)
    if year_text:
        details.append(f"horizon {year_text}")
    if details:
        sentence = ", ".join(details)
        parts.append(sentence[0].upper() + sentence[1:] + ".")
    text = " ".join(parts)
    return re.sub(" ([:;!?»])", NBSP + r"\1", text.replace("« ", "«" + NBSP))


# -- a whole document -----------------------------------------------------------------------------


def posters(doc: dict) -> list[Poster]:
    """One poster per proposal of the document, in document order."""
    themes = [t for t in doc.get("themes") or [] if isinstance(t, dict)]
    by_id = {str(t.get("id")): t for t in themes}
    palettes = assign_palettes(list(by_id))
    year = (doc.get("workshop") or {}).get("horizon_year")
    out = []
    for n, proposal in enumerate(doc.get("proposals") or []):
        pid = proposal.get("id") if isinstance(proposal, dict) else None
        if not isinstance(pid, str) or not ID_PATTERN.fullmatch(pid):
            raise ValueError(f"$.proposals[{n}].id: {pid!r} is not an id (a-z 0-9 - _)")
        theme = by_id.get(str(proposal.get("theme")))
        palette = palettes.get(str(theme.get("id"))) if theme else None
        out.append(render(proposal, theme, year, palette))
    return out


def write_posters(doc: dict, out_dir: Path) -> list[Poster]:
    out_dir.mkdir(parents=True, exist_ok=True)
    made = posters(doc)
    for poster in made:
        (out_dir / f"{poster.proposal_id}.png").write_bytes(png_bytes(poster.image))
    return made


def with_alt(doc: dict, made: Sequence[Poster]) -> dict:
    """Set each proposal's image path and alt text, keeping every other key and its order."""
    alts = {p.proposal_id: p.alt for p in made}
    for proposal in doc.get("proposals") or []:
        pid = proposal["id"]
        if pid not in alts:
            continue
        image = proposal.get("image")
        if not isinstance(image, dict):
            image = {}
            if "review" in proposal:  # keep the schema's order: image comes before review
                items = list(proposal.items())
                at = [k for k, _ in items].index("review")
                proposal.clear()
                proposal.update([*items[:at], ("image", image), *items[at:]])
            else:
                proposal["image"] = image
        image["path"] = f"media/{pid}.png"
        image["alt"] = alts[pid]
    return doc


def rewrite_document(path: Path, doc: dict) -> None:
    original = path.read_text(encoding="utf-8")
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    if original.endswith("\n"):
        text += "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rebours.exchange.demo.posters",
        description="Draw one poster per proposal of a workshop exchange document.",
    )
    parser.add_argument("document", type=Path, help="a rebours.workshop/1 JSON document")
    parser.add_argument("out_dir", type=Path, help="where to write <proposal id>.png")
    parser.add_argument(
        "--write-alt",
        action="store_true",
        help="rewrite the document's image.path and image.alt in place",
    )
    args = parser.parse_args(argv)
    try:
        doc = json.loads(args.document.read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            raise ValueError("$: the document is not a JSON object")
        made = write_posters(doc, args.out_dir)
    except (OSError, ValueError) as error:
        print(f"posters: {error}", file=sys.stderr)
        return 1
    for poster in made:
        print(f"{args.out_dir / (poster.proposal_id + '.png')}")
    if args.write_alt:
        rewrite_document(args.document, with_alt(doc, made))
        print(f"{args.document}: {len(made)} image paths and alt texts written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
