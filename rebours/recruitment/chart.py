"""The geometry of the selection-probability chart (pure: plain numbers in, coordinates out).

Each series (LEXIMIN, greedy…) is one line through every volunteer's selection probability,
sorted from the lowest to the highest, as in Flanigan et al.'s figures: a flat line means
everyone had the same chance, a line that starts near zero means some volunteers had almost
none. A dashed line marks k/n, the chance everyone would have without quotas. The template
draws the SVG from these coordinates (attributes only, no inline style) and a table gives the
same figures as text.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 300
LEFT = 48  # room for the y-axis labels
RIGHT = 12
TOP = 12
BOTTOM = 36  # room for the x-axis labels


@dataclass(frozen=True)
class Series:
    key: str  # "leximin", "greedy": the CSS class of the line
    label: str
    points: str  # the SVG polyline's points attribute
    minimum: float
    lower_decile: float
    median: float
    maximum: float
    count: int


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    series: list[Series] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    average: float = 0.0
    average_y: float = 0.0


def _quantile(values: Sequence[float], q: float) -> float:
    """The value at fraction q of the sorted list (nearest rank): a figure a reader can find."""
    if not values:
        return 0.0
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[index]


def _nice_top(value: float) -> float:
    for top in (0.1, 0.2, 0.25, 0.5, 0.75, 1.0):
        if value <= top + 1e-9:
            return top
    return 1.0


def probability_chart(
    series: Sequence[tuple[str, str, Mapping[str, float]]], *, average: float
) -> Chart:
    """`series`: (key, label, {volunteer: probability}); `average`: k/n."""
    sorted_values = [(key, label, sorted(values.values())) for key, label, values in series]
    highest = max([average, *(v[-1] for _k, _l, v in sorted_values if v)], default=average)
    top_value = _nice_top(highest)
    right = WIDTH - RIGHT
    bottom = HEIGHT - BOTTOM
    plot_w, plot_h = right - LEFT, bottom - TOP

    def y(p: float) -> float:
        return round(bottom - plot_h * min(max(p, 0.0), top_value) / top_value, 2)

    count = max((len(v) for _k, _l, v in sorted_values), default=0)

    def x(i: int, n: int) -> float:
        return round(LEFT + (plot_w * (i / (n - 1) if n > 1 else 0.5)), 2)

    lines = []
    for key, label, values in sorted_values:
        points = " ".join(f"{x(i, len(values))},{y(p)}" for i, p in enumerate(values))
        lines.append(
            Series(
                key=key,
                label=label,
                points=points,
                minimum=values[0] if values else 0.0,
                lower_decile=_quantile(values, 0.1),
                median=_quantile(values, 0.5),
                maximum=values[-1] if values else 0.0,
                count=len(values),
            )
        )
    steps = 5 if top_value in (0.25, 0.5, 0.75, 1.0) else 4
    y_ticks = [
        Tick(y(top_value * i / steps), str(round(100 * top_value * i / steps)))
        for i in range(steps + 1)
    ]
    x_ticks = []
    if count:
        x_ticks = [Tick(x(0, count), "1")]
        if count > 1:
            x_ticks.append(Tick(x(count - 1, count), str(count)))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        series=lines,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        average=average,
        average_y=y(average),
    )
