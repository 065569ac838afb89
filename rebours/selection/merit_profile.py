"""Merit profiles drawn as SVG: one horizontal stacked bar per proposal.

A merit profile shows, for one proposal, the share of voters who gave it each grade of the scale,
from the worst grade on the left to the best on the right. A dashed line at 50 % crosses each bar
in the segment of its majority grade (the median grade), which is what majority judgment ranks on.
Drawing the profiles of all proposals one under the other, in ranking order, shows at a glance why
one comes before another.

Pure: the standard library only, no Django import, so that the results page, the booklet (screen
and print) and any script draw the same chart. The caller passes every word a reader sees (title,
description, labels) already translated; every one of them is escaped here.

    svg = merit_profile_svg(
        [("Cantine REAL", [1, 3, 6, 2]), ("Test-zones", [4, 4, 2, 2])],
        ["To reject", "Fair", "Good", "Very good"],
        title="Merit profiles of the proposals",
    )

The chart is an `<svg role="img">` with a `<title>` and a `<desc>`; each bar has its own
`<title>` giving the exact counts. Pages should still print the numbers as a table beside it:
a picture is not enough for someone who cannot see it, or who wants to check a figure.

Colours: a sequential ramp from pale yellow-green (worst) to deep blue (best), taken from a
palette designed to stay distinct for the common colour-vision deficiencies and in greyscale;
lightness alone orders the grades, so the chart also reads when printed in black and white.
"""

import re
from collections.abc import Sequence
from html import escape

# Characters XML 1.0 forbids even escaped (C0 controls but tab and newlines, lone surrogates,
# U+FFFE and U+FFFF): a label holding one would make the whole SVG unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _esc(text: str, quote: bool = True) -> str:
    """`text` escaped for XML, with the characters XML cannot hold removed."""
    return escape(_NOT_XML.sub("", text), quote=quote)


# Eight steps of a yellow-green-blue sequential ramp, light to dark. Light enough at one end to
# carry dark text, dark enough at the other to carry white text; the palest tint is left out so
# that the worst grade still shows on white paper.
RAMP = (
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
)

WIDTH = 760
MIN_WIDTH = 240
LABEL_WIDTH = 250
LABEL_LINE = 18  # the label's own line above the bar, when labels go above
GAP = 12
ROW_HEIGHT = 30
BAR_HEIGHT = 20
FONT_SIZE = 12
# Average advance of a DejaVu Sans glyph at 12 px, to fit labels without measuring text.
CHAR_WIDTH = 6.6
BOLD = 1.12  # bold glyphs are about this much wider
LEGEND_SWATCH = 12
LEGEND_ROW = 20
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
INK = "#1b1f24"
MUTED = "#565d66"


def grade_colours(count: int) -> list[str]:
    """`count` colours from worst to best, spread evenly along the ramp."""
    if count < 1:
        return []
    if count == 1:
        return [RAMP[-3]]
    if count > len(RAMP):
        raise ValueError(f"at most {len(RAMP)} grades can be told apart; got {count}")
    last = len(RAMP) - 1
    return [RAMP[round(i * last / (count - 1))] for i in range(count)]


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG 2) of a #rrggbb colour."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_colour_on(colour: str) -> str:
    """Dark or white text, whichever contrasts more with `colour`."""
    background = _luminance(colour)
    on_dark = (1.05) / (background + 0.05)
    on_light = (background + 0.05) / (_luminance(INK) + 0.05)
    return "#ffffff" if on_dark > on_light else INK


def _fit(text: str, width: float) -> str:
    """`text` cut with an ellipsis so that it fits `width` pixels, by average glyph width."""
    # The epsilon keeps a width computed as n × CHAR_WIDTH (× BOLD ÷ BOLD) from rounding down
    # to n - 1 characters: "Insufficient" was cut beside the bars.
    limit = max(int(width / CHAR_WIDTH + 1e-9), 4)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "–"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def merit_profile_svg(
    rows: Sequence[tuple[str, Sequence[int]]],
    grades: Sequence[str],
    *,
    title: str,
    description: str | None = None,
    median_label: str = "50 %",
    empty_label: str = "no grade",
    id_prefix: str = "merit",
    width: int = WIDTH,
    labels: str = "left",
    notes: Sequence[str] | None = None,
) -> str:
    """The merit profiles of `rows` as one SVG document fragment.

    rows          (label, tally) pairs in the order to draw them (usually the ranking); a tally
                  counts the voters who gave each grade, in the order of `grades`.
    grades        the scale, worst grade first.
    title         the chart's accessible name (and tooltip).
    description   a longer text for assistive technology; a plain one is written if absent.
    median_label  the caption of the 50 % line.
    empty_label   written across the bar of a proposal nobody graded.
    id_prefix     makes the element ids unique when a page holds several charts.
    width         the drawing's width in pixels; fonts keep their size, so a narrow chart for a
                  phone is drawn narrow rather than shrunk.
    labels        "left": each label in a column left of its bar; "above": each label on its own
                  line above its bar, which leaves a narrow chart its whole width for the bars.
    notes         one short text per row (a majority grade, say), drawn bold after the bar
                  ("left") or at the right end of the label line ("above").

    Raises ValueError when a tally does not have one count per grade or holds a negative count,
    or when `notes` does not have one text per row.
    """
    grades = list(grades)
    colours = grade_colours(len(grades))
    for label, tally in rows:
        if len(tally) != len(grades):
            raise ValueError(
                f"the tally of {label!r} has {len(tally)} counts for {len(grades)} grades"
            )
        if any(count < 0 for count in tally):
            raise ValueError(f"the tally of {label!r} has a negative count")
    if labels not in ("left", "above"):
        raise ValueError(f'labels must be "left" or "above", not {labels!r}')
    if notes is not None and len(notes) != len(rows):
        raise ValueError(f"{len(notes)} notes for {len(rows)} rows")
    width = max(int(width), MIN_WIDTH)
    above = labels == "above"
    note_texts = [" ".join(note.split()) for note in notes] if notes is not None else []
    longest_note = max((len(note) for note in note_texts), default=0)
    note_width = min(longest_note * CHAR_WIDTH * BOLD, width / 4) if note_texts else 0.0

    if above:
        bar_x = 1.0
        bar_width = width - 2.0
        row_height = LABEL_LINE + BAR_HEIGHT + 10
    else:
        label_width = min(LABEL_WIDTH, round(width / 3))
        bar_x = label_width + GAP
        bar_width = width - bar_x - 2 - (note_width + GAP if note_texts else 0)
        row_height = ROW_HEIGHT
    ident = _esc(id_prefix, quote=True)
    out: list[str] = []

    # The legend flows in rows across the full width, worst grade first.
    legend: list[str] = []
    x, y = 0.0, 0.0
    for grade, colour in zip(grades, colours, strict=True):
        name = _fit(grade, width / 2)
        item_width = LEGEND_SWATCH + 6 + len(name) * CHAR_WIDTH + 18
        if x and x + item_width > width:
            x, y = 0.0, y + LEGEND_ROW
        legend.append(
            f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{LEGEND_SWATCH}" height="{LEGEND_SWATCH}" '
            f'fill="{colour}" stroke="{INK}" stroke-width="0.5"/>'
            f'<text x="{_fmt(x + LEGEND_SWATCH + 6)}" y="{_fmt(y + LEGEND_SWATCH - 1.5)}">'
            f"{_esc(name)}</text>"
        )
        x += item_width
    legend_height = y + LEGEND_ROW + 8
    top = legend_height + 16  # room for the median caption above the first bar
    height = top + row_height * max(len(rows), 1) + 4

    if description is None:
        order = ", ".join(grades)
        description = (
            f"For each of the {len(rows)} proposals, the share of voters who gave each grade, "
            f"from the worst to the best: {order}. The dashed line marks half the voters; "
            "the grade it crosses is the proposal's majority grade."
        )

    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="merit-profile" '
        f'viewBox="0 0 {width} {_fmt(height)}" width="{width}" height="{_fmt(height)}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{INK}">'
    )
    out.append(f'<title id="{ident}-title">{_esc(title)}</title>')
    out.append(f'<desc id="{ident}-desc">{_esc(description)}</desc>')
    out.append(f'<g class="merit-profile__legend" aria-hidden="true">{"".join(legend)}</g>')

    median_x = bar_x + bar_width / 2
    # The caption of the median, and (beside labels) a faint line joining the rows; each bar
    # then draws its own strong segment of the line over its colours, under its figures. Above
    # labels the faint line would cross the text, so the segments stand alone.
    joining = (
        ""
        if above
        else f'<line x1="{_fmt(median_x)}" x2="{_fmt(median_x)}" y1="{_fmt(top - 6)}" '
        f'y2="{_fmt(height - 2)}" stroke="{MUTED}" stroke-width="1" stroke-dasharray="5 3"/>'
    )
    out.append(
        f'<g class="merit-profile__median" aria-hidden="true">{joining}'
        f'<text x="{_fmt(median_x)}" y="{_fmt(top - 9)}" text-anchor="middle" '
        f'font-size="{FONT_SIZE - 2}" fill="{MUTED}">{_esc(median_label)}</text></g>'
    )

    for index, (label, tally) in enumerate(rows):
        total = sum(tally)
        row_y = top + index * row_height
        if above:
            label_y = row_y + FONT_SIZE
            bar_y = row_y + LABEL_LINE
        else:
            bar_y = row_y + (row_height - BAR_HEIGHT) / 2
        text_y = bar_y + BAR_HEIGHT / 2 + FONT_SIZE * 0.35
        counts = "; ".join(
            f"{grade}: {count} ({_percent(count, total)})"
            for grade, count in zip(grades, tally, strict=True)
        )
        note = note_texts[index] if note_texts else ""
        spoken = f"{label} — {note} — {counts}" if note else f"{label} — {counts}"
        out.append('<g class="merit-profile__row">')
        out.append(f"<title>{_esc(spoken)}</title>")
        if above:
            room = width - (note_width + GAP if note else 0)
            out.append(
                f'<text x="0" y="{_fmt(label_y)}" font-weight="600">'
                f"{_esc(_fit(label, room / BOLD))}</text>"
            )
            if note:
                out.append(
                    f'<text x="{width - 1}" y="{_fmt(label_y)}" text-anchor="end" '
                    f'font-weight="700">{_esc(_fit(note, note_width / BOLD))}</text>'
                )
        else:
            out.append(
                f'<text x="{label_width}" y="{_fmt(text_y)}" text-anchor="end">'
                f"{_esc(_fit(label, label_width))}</text>"
            )
            if note:
                out.append(
                    f'<text x="{_fmt(bar_x + bar_width + GAP)}" y="{_fmt(text_y)}" '
                    f'font-weight="700">{_esc(_fit(note, note_width / BOLD))}</text>'
                )
        if not total:
            out.append(
                f'<rect x="{_fmt(bar_x)}" y="{_fmt(bar_y)}" width="{_fmt(bar_width)}" '
                f'height="{BAR_HEIGHT}" fill="none" stroke="{MUTED}" stroke-dasharray="3 3"/>'
                f'<text x="{_fmt(bar_x + bar_width / 2)}" y="{_fmt(text_y)}" '
                f'text-anchor="middle" fill="{MUTED}">{_esc(empty_label)}</text>'
            )
            out.append("</g>")
            continue
        figures: list[str] = []
        x = float(bar_x)
        for count, colour in zip(tally, colours, strict=True):
            if not count:
                continue
            segment = bar_width * count / total
            out.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(bar_y)}" width="{_fmt(segment)}" '
                f'height="{BAR_HEIGHT}" fill="{colour}" stroke="#ffffff" stroke-width="0.75"/>'
            )
            share = _percent(count, total)
            if segment >= len(share) * CHAR_WIDTH * 0.85 + 6:
                # A halo of the segment's own colour keeps the figure legible over the median.
                figures.append(
                    f'<text x="{_fmt(x + segment / 2)}" y="{_fmt(text_y)}" text-anchor="middle" '
                    f'font-size="{FONT_SIZE - 2}" fill="{text_colour_on(colour)}" '
                    f'stroke="{colour}" stroke-width="3" stroke-linejoin="round" '
                    f'paint-order="stroke">{share}</text>'
                )
            x += segment
        out.append(
            f'<line x1="{_fmt(median_x)}" x2="{_fmt(median_x)}" y1="{_fmt(bar_y - 3)}" '
            f'y2="{_fmt(bar_y + BAR_HEIGHT + 3)}" stroke="{INK}" stroke-width="1.5" '
            f'stroke-dasharray="4 2" aria-hidden="true"/>'
        )
        out.extend(figures)
        out.append("</g>")

    out.append("</svg>")
    return "".join(out)
