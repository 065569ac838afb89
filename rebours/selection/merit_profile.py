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

from collections.abc import Sequence
from html import escape

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
LABEL_WIDTH = 250
GAP = 12
ROW_HEIGHT = 30
BAR_HEIGHT = 20
FONT_SIZE = 12
# Average advance of a DejaVu Sans glyph at 12 px, to fit labels without measuring text.
CHAR_WIDTH = 6.6
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
    limit = max(int(width / CHAR_WIDTH), 4)
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

    Raises ValueError when a tally does not have one count per grade or holds a negative count.
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

    bar_x = LABEL_WIDTH + GAP
    bar_width = WIDTH - bar_x - 2
    ident = escape(id_prefix, quote=True)
    out: list[str] = []

    # The legend flows in rows across the full width, worst grade first.
    legend: list[str] = []
    x, y = 0.0, 0.0
    for grade, colour in zip(grades, colours, strict=True):
        name = _fit(grade, WIDTH / 2)
        item_width = LEGEND_SWATCH + 6 + len(name) * CHAR_WIDTH + 18
        if x and x + item_width > WIDTH:
            x, y = 0.0, y + LEGEND_ROW
        legend.append(
            f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{LEGEND_SWATCH}" height="{LEGEND_SWATCH}" '
            f'fill="{colour}" stroke="{INK}" stroke-width="0.5"/>'
            f'<text x="{_fmt(x + LEGEND_SWATCH + 6)}" y="{_fmt(y + LEGEND_SWATCH - 1.5)}">'
            f"{escape(name)}</text>"
        )
        x += item_width
    legend_height = y + LEGEND_ROW + 8
    top = legend_height + 16  # room for the median caption above the first bar
    height = top + ROW_HEIGHT * max(len(rows), 1) + 4

    if description is None:
        order = ", ".join(grades)
        description = (
            f"For each of the {len(rows)} proposals, the share of voters who gave each grade, "
            f"from the worst to the best: {order}. The dashed line marks half the voters; "
            "the grade it crosses is the proposal's majority grade."
        )

    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="merit-profile" '
        f'viewBox="0 0 {WIDTH} {_fmt(height)}" width="{WIDTH}" height="{_fmt(height)}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{INK}">'
    )
    out.append(f'<title id="{ident}-title">{escape(title)}</title>')
    out.append(f'<desc id="{ident}-desc">{escape(description)}</desc>')
    out.append(f'<g class="merit-profile__legend" aria-hidden="true">{"".join(legend)}</g>')

    for index, (label, tally) in enumerate(rows):
        total = sum(tally)
        row_y = top + index * ROW_HEIGHT
        bar_y = row_y + (ROW_HEIGHT - BAR_HEIGHT) / 2
        text_y = bar_y + BAR_HEIGHT / 2 + FONT_SIZE * 0.35
        counts = "; ".join(
            f"{grade}: {count} ({_percent(count, total)})"
            for grade, count in zip(grades, tally, strict=True)
        )
        out.append('<g class="merit-profile__row">')
        out.append(f"<title>{escape(label)} — {escape(counts)}</title>")
        out.append(
            f'<text x="{LABEL_WIDTH}" y="{_fmt(text_y)}" text-anchor="end">'
            f"{escape(_fit(label, LABEL_WIDTH))}</text>"
        )
        if not total:
            out.append(
                f'<rect x="{bar_x}" y="{_fmt(bar_y)}" width="{_fmt(bar_width)}" '
                f'height="{BAR_HEIGHT}" fill="none" stroke="{MUTED}" stroke-dasharray="3 3"/>'
                f'<text x="{_fmt(bar_x + bar_width / 2)}" y="{_fmt(text_y)}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(empty_label)}</text>'
            )
            out.append("</g>")
            continue
        x = float(bar_x)
        for count, colour in zip(tally, colours, strict=True):
            if not count:
                continue
            width = bar_width * count / total
            out.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(bar_y)}" width="{_fmt(width)}" '
                f'height="{BAR_HEIGHT}" fill="{colour}" stroke="#ffffff" stroke-width="0.75"/>'
            )
            share = _percent(count, total)
            if width >= len(share) * CHAR_WIDTH * 0.85 + 6:
                out.append(
                    f'<text x="{_fmt(x + width / 2)}" y="{_fmt(text_y)}" text-anchor="middle" '
                    f'font-size="{FONT_SIZE - 2}" fill="{text_colour_on(colour)}">{share}</text>'
                )
            x += width
        out.append("</g>")

    median_x = bar_x + bar_width / 2
    out.append(
        f'<g class="merit-profile__median" aria-hidden="true">'
        f'<line x1="{_fmt(median_x)}" x2="{_fmt(median_x)}" y1="{_fmt(top - 6)}" '
        f'y2="{_fmt(height - 2)}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        f'<text x="{_fmt(median_x)}" y="{_fmt(top - 9)}" text-anchor="middle" '
        f'font-size="{FONT_SIZE - 2}" fill="{MUTED}">{escape(median_label)}</text></g>'
    )
    out.append("</svg>")
    return "".join(out)
