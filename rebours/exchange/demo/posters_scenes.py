"""The illustrations of the proposal posters: which scene draws which proposal.

Scenes draw in a 100 × 100 square with the eight roles of a `Palette` (the panel behind them is
`field`) and carry the French phrase that the alt text uses to describe them. The "Régionales
2028" demo has a scene per proposal id (posters_scenes_2028a/b); any other document falls back on
its proposal's `kind` (place, service, device, policy), then on a generic horizon.
"""

from __future__ import annotations

from .posters_pen import (
    Palette,
    Pen,
    Scene,
    arrow,
    bezier,
    civic_building,
    cloud,
    ground,
    halo,
    person,
    registrar,
    tree,
    wifi,
)
from .posters_scenes_2028a import SCENES as SCENES_A
from .posters_scenes_2028b import SCENES as SCENES_B

SCENES: dict[str, Scene] = {**SCENES_A, **SCENES_B}
KIND_SCENES: dict[str, Scene] = {}
kind_scene = registrar(KIND_SCENES)


def scene_for(proposal_id: str, kind: object) -> Scene:
    """The demo scene for this id, else the scene for the kind, else the horizon."""
    if proposal_id in SCENES:
        return SCENES[proposal_id]
    if isinstance(kind, str) and kind in KIND_SCENES:
        return KIND_SCENES[kind]
    return GENERIC


# -- fallbacks: one scene per kind, and a horizon -----------------------------------------------


@kind_scene(
    "place", "un bâtiment ouvert au public, porte grande ouverte, entouré d’arbres et de passants"
)
def place(pen: Pen, p: Palette) -> None:
    ground(pen, 84, p.shade)
    floors = pen.rng.choice((2, 3))
    top = 84 - floors * 16 - 6
    pen.rect(20, top, 80, 84, p.paper)
    pen.rect(17, top - 5, 83, top, p.deep)
    for f in range(floors):
        for x in range(25, 76, 12):
            pen.rect(
                x,
                top + 5 + f * 16,
                x + 7,
                top + 14 + f * 16,
                pen.rng.choice((p.soft, p.accent, p.soft)),
            )
    pen.rect(43, 66, 57, 84, p.ink)
    pen.rect(44.5, 67.5, 50, 84, p.hot)
    tree(pen, 9, 86, 28, p.deep, p.deep)
    tree(pen, 92, 86, 24, p.deep, p.deep)
    person(pen, 34, 96, 16, p.hot, p.ink)
    person(pen, 66, 96, 18, p.ink, p.hot)


@kind_scene("service", "deux personnes face à face, reliées par des flèches d’échange")
def service(pen: Pen, p: Palette) -> None:
    halo(pen, p.shade, 46)
    person(pen, 26, 86, 52, p.hot, p.ink)
    person(pen, 74, 86, 52, p.ink, p.hot)
    arrow(pen, bezier((32, 30), (50, 14), (68, 30)), p.paper, 2)
    arrow(pen, bezier((68, 44), (50, 60), (32, 44)), p.accent, 2)
    pen.rect(10, 84, 90, 88, p.deep)


@kind_scene("device", "un appareil à écran et boutons, qui émet un signal")
def device(pen: Pen, p: Palette) -> None:
    halo(pen, p.shade, 46)
    pen.rect(20, 26, 82, 82, p.deep, r=7)
    pen.rect(18, 22, 80, 78, p.paper, r=7)
    pen.rect(24, 28, 74, 58, p.ink, r=3)
    levels = [pen.rng.randint(4, 22) for _ in range(6)]
    for i, h in enumerate(levels):
        pen.rect(30 + i * 7, 54 - h, 34 + i * 7, 54, p.accent if i % 2 else p.field)
    for x in (32, 49, 66):
        pen.circle(x, 68, 4, p.hot if x == 66 else p.soft)
    wifi(pen, 84, 18, 12, p.paper)


@kind_scene("policy", "une charte scellée, déroulée au pied de colonnes d’institution")
def policy(pen: Pen, p: Palette) -> None:
    ground(pen, 86, p.shade)
    civic_building(pen, 50, 60, 70, 30, p.soft, p.deep, columns=5)
    pen.rect(24, 50, 76, 96, p.paper, r=2)
    pen.rect(20, 46, 80, 52, p.accent, r=3)
    for y in range(58, 82, 6):
        pen.rect(30, y, 30 + pen.rng.randint(26, 40), y + 1.4, p.field, r=0.7)
    pen.poly([(60, 88), (64, 100), (66, 90), (70, 100), (72, 88)], p.hot)
    pen.circle(66, 86, 7, p.hot)
    pen.star(66, 86, 4, p.accent)


def horizon(pen: Pen, p: Palette) -> None:
    pen.pie(50, 62, 26, 180, 360, p.accent)
    pen.rect(-10, 62, 110, 110, p.deep)
    pen.poly([(47, 62), (53, 62), (80, 110), (20, 110)], p.shade)
    pen.dotted([(50, 66), (50, 108)], p.paper, 1, 5)
    cloud(pen, 22, 30, 6, p.paper)
    cloud(pen, 80, 22, 4, p.soft)


GENERIC = Scene(horizon, "un chemin qui file vers un soleil levant à l’horizon")
