"""Colours and drawing primitives for the proposal posters: no Django import.

Scenes are drawn in a square of 100 × 100 scene units (x to the right, y downwards); a `Pen`
maps those units to pixels of the supersampled canvas. Every shape is flat colour: the poster is
drawn at twice its size and downscaled, which is all the antialiasing it needs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from random import Random
from typing import NamedTuple

from PIL import Image, ImageDraw

RGB = tuple[int, int, int]
Point = tuple[float, float]


# -- colours ------------------------------------------------------------------------------------


def _oklch_to_rgb(lightness: float, chroma: float, hue: float) -> tuple[float, float, float]:
    """OKLCh (Björn Ottosson's perceptual space) to gamma-encoded sRGB in 0..1, unclipped."""
    a = chroma * math.cos(math.radians(hue))
    b = chroma * math.sin(math.radians(hue))
    l_ = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m_ = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s_ = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    linear = (
        4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
        -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
        -0.0041960863 * l_ - 0.7034186147 * m_ + 1.7076147010 * s_,
    )

    def encode(c: float) -> float:
        if c <= 0.0031308:
            return 12.92 * c
        return 1.055 * math.copysign(abs(c) ** (1 / 2.4), c) - 0.055

    return (encode(linear[0]), encode(linear[1]), encode(linear[2]))


def oklch(lightness: float, chroma: float, hue: float) -> RGB:
    """The most saturated in-gamut sRGB colour with this lightness and hue, up to `chroma`.

    Keeping lightness fixed while reducing chroma keeps the luminance steps between the roles of
    a palette intact, which is what makes the posters readable with any colour vision.
    """
    low, high = 0.0, chroma
    for _ in range(24):
        rgb = _oklch_to_rgb(lightness, high, hue)
        if all(-1e-6 <= c <= 1 + 1e-6 for c in rgb):
            break
        mid = (low + high) / 2
        if all(-1e-6 <= c <= 1 + 1e-6 for c in _oklch_to_rgb(lightness, mid, hue)):
            low = mid
        else:
            high = mid
    else:
        rgb = _oklch_to_rgb(lightness, low, hue)
    return (
        round(min(max(rgb[0], 0.0), 1.0) * 255),
        round(min(max(rgb[1], 0.0), 1.0) * 255),
        round(min(max(rgb[2], 0.0), 1.0) * 255),
    )


@dataclass(frozen=True)
class Palette:
    """Eight roles on fixed lightness steps; only the hue changes from one theme to another.

    paper (lightest) > accent > soft > field (panel background) > shade > hot > deep > ink.
    """

    name: str  # French colour name, used in the alt text
    paper: RGB
    soft: RGB
    field: RGB
    shade: RGB
    deep: RGB
    ink: RGB
    accent: RGB
    hot: RGB


def make_palette(name: str, hue: float, accent_hue: float, lift: float = 0.0) -> Palette:
    """`lift` moves the panel colours (field, shade; deep when darker) to set close hues apart."""
    return Palette(
        name=name,
        paper=oklch(0.975, 0.012, hue),
        soft=oklch(0.89, 0.05, hue),
        field=oklch(0.70 + lift, 0.13, hue),
        shade=oklch(0.615 + lift, 0.12, hue),
        deep=oklch(0.42 + min(lift, 0.0) * 0.6, 0.11, hue),
        ink=oklch(0.27, 0.06, hue),
        accent=oklch(0.87, 0.15, accent_hue),
        hot=oklch(0.55, 0.19, accent_hue),
    )


# -- the pen ------------------------------------------------------------------------------------


class Pen:
    """Draws on `image` in scene units: (0, 0) is the top-left corner of the scene square."""

    def __init__(self, image: Image.Image, origin: Point, unit: float, seed: int = 0) -> None:
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.ox, self.oy = origin
        self.unit = unit
        self.rng = Random(seed)  # noqa: S311 (seeded on purpose: reproducible variations)

    def xy(self, x: float, y: float) -> tuple[int, int]:
        return (round(self.ox + x * self.unit), round(self.oy + y * self.unit))

    def px(self, length: float) -> int:
        return max(1, round(length * self.unit))

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: RGB, r: float = 0) -> None:
        box = [self.xy(min(x0, x1), min(y0, y1)), self.xy(max(x0, x1), max(y0, y1))]
        if r > 0:
            self.draw.rounded_rectangle(box, radius=self.px(r), fill=fill)
        else:
            self.draw.rectangle(box, fill=fill)

    def frame(
        self, x0: float, y0: float, x1: float, y1: float, colour: RGB, w: float, r: float = 0
    ) -> None:
        box = [self.xy(x0, y0), self.xy(x1, y1)]
        self.draw.rounded_rectangle(
            box, radius=self.px(r) if r else 0, outline=colour, width=self.px(w)
        )

    def circle(self, cx: float, cy: float, r: float, fill: RGB) -> None:
        self.draw.ellipse([self.xy(cx - r, cy - r), self.xy(cx + r, cy + r)], fill=fill)

    def ring(self, cx: float, cy: float, r: float, colour: RGB, w: float) -> None:
        box = [self.xy(cx - r, cy - r), self.xy(cx + r, cy + r)]
        self.draw.ellipse(box, outline=colour, width=self.px(w))

    def ellipse(self, x0: float, y0: float, x1: float, y1: float, fill: RGB) -> None:
        self.draw.ellipse([self.xy(x0, y0), self.xy(x1, y1)], fill=fill)

    def poly(self, points: list[Point], fill: RGB) -> None:
        self.draw.polygon([self.xy(x, y) for x, y in points], fill=fill)

    def line(self, points: list[Point], colour: RGB, w: float, caps: bool = True) -> None:
        pts = [self.xy(x, y) for x, y in points]
        self.draw.line(pts, fill=colour, width=self.px(w), joint="curve")
        if caps:
            for x, y in (points[0], points[-1]):
                self.circle(x, y, w / 2, colour)

    def arc(
        self, cx: float, cy: float, r: float, start: float, end: float, colour: RGB, w: float
    ) -> None:
        """Angles in degrees, clockwise from three o'clock (Pillow's convention)."""
        box = [self.xy(cx - r, cy - r), self.xy(cx + r, cy + r)]
        self.draw.arc(box, start, end, fill=colour, width=self.px(w))

    def pie(self, cx: float, cy: float, r: float, start: float, end: float, fill: RGB) -> None:
        box = [self.xy(cx - r, cy - r), self.xy(cx + r, cy + r)]
        self.draw.pieslice(box, start, end, fill=fill)

    def dotted(self, points: list[Point], colour: RGB, r: float, gap: float) -> None:
        """Round dots every `gap` units along a polyline."""
        carry = 0.0
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            length = math.hypot(x1 - x0, y1 - y0)
            t = carry
            while t <= length:
                f = t / length if length else 0.0
                self.circle(x0 + (x1 - x0) * f, y0 + (y1 - y0) * f, r, colour)
                t += gap
            carry = t - length

    def oval(self, cx: float, cy: float, rx: float, ry: float, fill: RGB, angle: float = 0) -> None:
        """An ellipse turned by `angle` degrees (clockwise)."""
        pts = [(rx * math.cos(t), ry * math.sin(t)) for t in (i * math.pi / 24 for i in range(48))]
        self.poly(turn(pts, angle, (cx, cy)), fill)

    @contextmanager
    def clip_circle(self, cx: float, cy: float, r: float) -> Iterator[None]:
        """Whatever is drawn inside the block only shows within this circle."""
        base = self.image
        layer = base.copy()
        self.image, self.draw = layer, ImageDraw.Draw(layer)
        try:
            yield
        finally:
            mask = Image.new("L", base.size, 0)
            ImageDraw.Draw(mask).ellipse(
                [self.xy(cx - r, cy - r), self.xy(cx + r, cy + r)], fill=255
            )
            base.paste(layer, (0, 0), mask)
            self.image, self.draw = base, ImageDraw.Draw(base)

    def star(self, cx: float, cy: float, r: float, fill: RGB, points: int = 5) -> None:
        pts = []
        for i in range(points * 2):
            radius = r if i % 2 == 0 else r * 0.45
            angle = math.radians(-90 + i * 180 / points)
            pts.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
        self.poly(pts, fill)


def turn(points: list[Point], angle: float, at: Point = (0, 0)) -> list[Point]:
    """Turn points (relative to the origin) by `angle` degrees clockwise, then move them to `at`."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return [(at[0] + x * c - y * s, at[1] + x * s + y * c) for x, y in points]


def arrow(pen: Pen, points: list[Point], colour: RGB, w: float) -> None:
    """A polyline ending in a triangular head."""
    (x0, y0), (x1, y1) = points[-2], points[-1]
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    head = w * 2.6
    back = turn([(-head * 1.1, 0)], angle, (x1, y1))[0]
    pen.line([*points[:-1], back], colour, w)
    pen.poly(
        turn([(0, 0), (-head * 1.3, -head * 0.75), (-head * 1.3, head * 0.75)], angle, (x1, y1)),
        colour,
    )


def bezier(p0: Point, p1: Point, p2: Point, steps: int = 32) -> list[Point]:
    """A quadratic Bézier curve as a polyline."""
    out = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        out.append(
            (
                u * u * p0[0] + 2 * u * t * p1[0] + t * t * p2[0],
                u * u * p0[1] + 2 * u * t * p1[1] + t * t * p2[1],
            )
        )
    return out


# -- motifs shared by several scenes --------------------------------------------------------------


def ground(pen: Pen, y: float, colour: RGB) -> None:
    pen.rect(-40, y, 140, 140, colour)


def person(pen: Pen, x: float, feet: float, h: float, body: RGB, head: RGB) -> None:
    """A pictogram figure, feet at (x, feet), `h` units tall."""
    r = h * 0.13
    pen.circle(x, feet - h + r, r, head)
    top = feet - h + 2 * r + h * 0.05
    half = h * 0.17
    pen.rect(x - half, top, x + half, feet, body, r=half * 0.95)


def tree(pen: Pen, x: float, base: float, h: float, trunk: RGB, crown: RGB) -> None:
    pen.rect(x - h * 0.05, base - h * 0.45, x + h * 0.05, base, trunk)
    pen.circle(x, base - h * 0.62, h * 0.34, crown)


def pine(pen: Pen, x: float, base: float, h: float, trunk: RGB, crown: RGB) -> None:
    pen.rect(x - h * 0.05, base - h * 0.2, x + h * 0.05, base, trunk)
    pen.poly([(x, base - h), (x + h * 0.3, base - h * 0.15), (x - h * 0.3, base - h * 0.15)], crown)


def house(
    pen: Pen, x: float, base: float, w: float, h: float, wall: RGB, roof: RGB, detail: RGB
) -> None:
    """A gabled house centred on x: `h` is the wall height, the roof adds half of `w`."""
    pen.rect(x - w / 2, base - h, x + w / 2, base, wall)
    pen.poly(
        [
            (x - w / 2 - w * 0.08, base - h),
            (x, base - h - w * 0.5),
            (x + w / 2 + w * 0.08, base - h),
        ],
        roof,
    )
    pen.rect(x - w * 0.12, base - h * 0.5, x + w * 0.12, base, detail)


def hills(pen: Pen, base: float, colour: RGB, far: RGB) -> None:
    pen.ellipse(-30, base - 18, 60, base + 40, far)
    pen.ellipse(35, base - 24, 140, base + 40, far)
    pen.ellipse(-10, base - 8, 110, base + 60, colour)


def sun(pen: Pen, cx: float, cy: float, r: float, colour: RGB, rays: int = 0) -> None:
    pen.circle(cx, cy, r, colour)
    for i in range(rays):
        a = math.radians(i * 360 / rays)
        pen.line(
            [
                (cx + math.cos(a) * r * 1.35, cy + math.sin(a) * r * 1.35),
                (cx + math.cos(a) * r * 1.75, cy + math.sin(a) * r * 1.75),
            ],
            colour,
            r * 0.18,
        )


def cloud(pen: Pen, cx: float, cy: float, s: float, colour: RGB) -> None:
    pen.circle(cx - s * 0.9, cy + s * 0.15, s * 0.55, colour)
    pen.circle(cx, cy - s * 0.1, s * 0.8, colour)
    pen.circle(cx + s * 0.9, cy + s * 0.2, s * 0.5, colour)
    pen.rect(cx - s * 0.9, cy + s * 0.1, cx + s * 0.9, cy + s * 0.7, colour, r=s * 0.3)


def bubble(
    pen: Pen, x0: float, y0: float, x1: float, y1: float, fill: RGB, tail: Point | None = None
) -> None:
    """A speech bubble; `tail` is the point the bubble speaks from."""
    pen.rect(x0, y0, x1, y1, fill, r=min(x1 - x0, y1 - y0) * 0.3)
    if tail is not None:
        cx = min(max(tail[0], x0 + 4), x1 - 4)
        edge = y1 if tail[1] > y1 else y0
        pen.poly([(cx - 3, edge), (cx + 3, edge), tail], fill)


def pin(pen: Pen, x: float, tip: float, s: float, fill: RGB, dot: RGB) -> None:
    """A map marker whose point touches (x, tip)."""
    cy = tip - s * 1.6
    pen.poly([(x - s * 0.82, cy + s * 0.45), (x + s * 0.82, cy + s * 0.45), (x, tip)], fill)
    pen.circle(x, cy, s, fill)
    pen.circle(x, cy, s * 0.42, dot)


def bulb(pen: Pen, cx: float, cy: float, s: float, glass: RGB, base: RGB, glow: RGB | None) -> None:
    if glow is not None:
        for i in range(8):
            a = math.radians(-90 + (i - 3.5) * 26)
            pen.line(
                [
                    (cx + math.cos(a) * s * 1.35, cy + math.sin(a) * s * 1.35),
                    (cx + math.cos(a) * s * 1.8, cy + math.sin(a) * s * 1.8),
                ],
                glow,
                s * 0.16,
            )
    pen.circle(cx, cy, s, glass)
    pen.poly(
        [
            (cx - s * 0.62, cy + s * 0.6),
            (cx + s * 0.62, cy + s * 0.6),
            (cx + s * 0.42, cy + s * 1.25),
            (cx - s * 0.42, cy + s * 1.25),
        ],
        glass,
    )
    pen.rect(cx - s * 0.44, cy + s * 1.25, cx + s * 0.44, cy + s * 1.75, base, r=s * 0.12)


def gear(pen: Pen, cx: float, cy: float, r: float, fill: RGB, hole: RGB, teeth: int = 8) -> None:
    for i in range(teeth):
        a = i * 2 * math.pi / teeth
        w = math.pi / teeth * 0.55
        pts = []
        for da, rr in (
            (-w * 1.25, r * 0.9),
            (-w * 0.8, r * 1.22),
            (w * 0.8, r * 1.22),
            (w * 1.25, r * 0.9),
        ):
            pts.append((cx + math.cos(a + da) * rr, cy + math.sin(a + da) * rr))
        pen.poly(pts, fill)
    pen.circle(cx, cy, r, fill)
    pen.circle(cx, cy, r * 0.38, hole)


def wifi(pen: Pen, cx: float, cy: float, s: float, colour: RGB) -> None:
    """Three arcs and a dot, fanning upwards from (cx, cy)."""
    pen.circle(cx, cy, s * 0.14, colour)
    for k in (0.45, 0.78, 1.1):
        pen.arc(cx, cy, s * k, 225, 315, colour, s * 0.15)


def phone(pen: Pen, cx: float, cy: float, h: float, body: RGB, screen: RGB) -> None:
    w = h * 0.52
    pen.rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, body, r=w * 0.18)
    pen.rect(cx - w * 0.4, cy - h * 0.4, cx + w * 0.4, cy + h * 0.36, screen, r=w * 0.06)


def book(pen: Pen, x0: float, y0: float, w: float, h: float, cover: RGB, pages: RGB) -> None:
    """A closed book seen from the side, lying flat."""
    pen.rect(x0, y0, x0 + w, y0 + h, cover, r=h * 0.18)
    pen.rect(x0 + w * 0.06, y0 + h * 0.25, x0 + w - h * 0.3, y0 + h * 0.75, pages)


def flask(pen: Pen, cx: float, base: float, s: float, glass: RGB, liquid: RGB) -> None:
    neck = s * 0.22
    pen.rect(cx - neck, base - s * 1.6, cx + neck, base - s * 0.8, glass)
    pen.poly(
        [
            (cx - neck, base - s * 0.9),
            (cx + neck, base - s * 0.9),
            (cx + s * 0.8, base),
            (cx - s * 0.8, base),
        ],
        glass,
    )
    pen.poly(
        [
            (cx - s * 0.5, base - s * 0.38),
            (cx + s * 0.5, base - s * 0.38),
            (cx + s * 0.72, base - s * 0.06),
            (cx - s * 0.72, base - s * 0.06),
        ],
        liquid,
    )
    pen.rect(cx - neck * 1.5, base - s * 1.72, cx + neck * 1.5, base - s * 1.56, glass, r=0.5)


def civic_building(
    pen: Pen, cx: float, base: float, w: float, h: float, wall: RGB, dark: RGB, columns: int = 4
) -> None:
    """A town hall: steps, columns, pediment."""
    pen.rect(cx - w / 2 - 2, base - 3, cx + w / 2 + 2, base, dark)
    pen.rect(cx - w / 2, base - h, cx + w / 2, base - 3, wall)
    pen.poly(
        [(cx - w / 2 - 3, base - h), (cx, base - h - w * 0.28), (cx + w / 2 + 3, base - h)], wall
    )
    pen.rect(cx - w / 2 - 3, base - h - 1.2, cx + w / 2 + 3, base - h + 1.5, dark)
    step = w / (columns + 1)
    for i in range(columns):
        x = cx - w / 2 + step * (i + 1)
        pen.rect(x - step * 0.17, base - h + 4, x + step * 0.17, base - 5, dark, r=0.6)


def carrot(pen: Pen, x: float, y: float, length: float, angle: float, body, leaves) -> None:
    w = length * 0.2
    for da in (-30, 0, 30):
        leaf = turn([(-(w + length * 0.16), 0)], angle + da, (x, y))[0]
        pen.oval(*leaf, length * 0.2, w * 0.32, leaves, angle + da)
    pen.poly(turn([(0, -w), (length, 0), (0, w)], angle, (x, y)), body)
    pen.circle(x, y, w, body)


def halo(pen: Pen, colour, r: float = 44) -> None:
    pen.circle(50, 50, r, colour)


def hexagon(pen: Pen, cx: float, cy: float, r: float, fill) -> None:
    pen.poly(
        [
            (
                cx + r * math.cos(math.radians(30 + 60 * i)),
                cy + r * math.sin(math.radians(30 + 60 * i)),
            )
            for i in range(6)
        ],
        fill,
    )


def turbine(pen: Pen, x: float, base: float, h: float, colour) -> None:
    pen.poly(
        [
            (x - h * 0.03, base),
            (x + h * 0.03, base),
            (x + h * 0.012, base - h),
            (x - h * 0.012, base - h),
        ],
        colour,
    )
    for a in (-90, 30, 150):
        pen.oval(*turn([(h * 0.22, 0)], a, (x, base - h))[0], h * 0.22, h * 0.045, colour, a)
    pen.circle(x, base - h, h * 0.05, colour)


# -- scenes -------------------------------------------------------------------------------------

Draw = Callable[[Pen, Palette], None]


class Scene(NamedTuple):
    """A drawing in the 100 × 100 scene square and the French phrase that describes it."""

    draw: Draw
    description: str


def registrar(registry: dict[str, Scene]) -> Callable[[str, str], Callable[[Draw], Draw]]:
    """A decorator factory: `@scene(key, description)` files the function under `key`."""

    def scene(key: str, description: str) -> Callable[[Draw], Draw]:
        def register(draw: Draw) -> Draw:
            registry[key] = Scene(draw, description)
            return draw

        return register

    return scene
