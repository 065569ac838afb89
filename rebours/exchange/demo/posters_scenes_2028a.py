"""Scenes for the "Régionales 2028" demo: alimentation, créativité, techno, new deal, citoyens.

Each function draws one proposal's illustration in the 100 × 100 scene square; the decorator files
it under the proposal id with the French phrase used by the alt text.
"""

from __future__ import annotations

import math

from .posters_pen import (
    Palette,
    Pen,
    Scene,
    bezier,
    book,
    bubble,
    bulb,
    carrot,
    civic_building,
    gear,
    ground,
    halo,
    hexagon,
    house,
    person,
    pin,
    registrar,
    sun,
    tree,
    turn,
    wifi,
)

SCENES: dict[str, Scene] = {}
scene = registrar(SCENES)


# -- alimentation -------------------------------------------------------------------------------


@scene(
    "cantine-real",
    "un plateau de cantine garni de légumes de saison (carottes, petits pois, tomates, salade)",
)
def cantine_real(pen: Pen, p: Palette) -> None:
    halo(pen, p.shade)
    pen.rect(10, 25, 92, 81, p.deep, r=6)  # shadow
    pen.rect(8, 22, 90, 78, p.paper, r=6)
    pen.rect(13, 27, 50, 73, p.soft, r=4)
    pen.rect(54, 27, 74, 48, p.soft, r=4)
    pen.rect(54, 52, 74, 73, p.soft, r=4)
    pen.rect(78, 27, 85, 73, p.soft, r=3)
    for x, y, a in ((21, 37, 16), (22, 49, 4), (23, 61, -10)):
        carrot(pen, x, y, 20, a, p.hot, p.deep)
    peas = ((44, 31), (47.5, 36), (43.5, 41), (47, 46), (44, 56), (47.5, 61), (43.5, 67))
    for i, (px, py) in enumerate(peas):
        pen.circle(px, py, 2.6, p.field if i % 2 else p.shade)
    for x, y in ((59, 38), (69, 35), (66, 43)):
        pen.circle(x, y, 4.6, p.hot)
        pen.star(x, y - 3.6, 2, p.deep)
    for x, y, a in ((60, 62, -30), (68, 60, 35), (64, 67, 80)):
        pen.oval(x, y, 6, 3.4, p.shade if a > 0 else p.field, a)
    pen.line([(81.5, 33), (81.5, 68)], p.ink, 1.6)  # spoon
    pen.oval(81.5, 35, 2.6, 4.2, p.ink)


@scene(
    "plateforme-real",
    "une cagette de légumes au centre d’un réseau en pointillés qui la relie à des fermes et à "
    "des cantines",
)
def plateforme_real(pen: Pen, p: Palette) -> None:
    nodes = [(16, 18), (84, 18), (13, 72), (87, 72), (50, 95)]
    for x, y in nodes:
        pen.dotted([(50, 54), (x, y)], p.deep, 0.9, 3.6)
    for i, (x, y) in enumerate(nodes):
        pen.circle(x, y, 11.5, p.paper)
        if i % 2 == 0:  # a farm: barn and silo
            pen.rect(x + 2.5, y - 5, x + 7, y + 6, p.soft, r=2.2)
            house(pen, x - 2, y + 6, 10, 5.5, p.hot, p.deep, p.paper)
        else:  # a canteen: plate, fork and knife
            pen.circle(x, y, 6.4, p.soft)
            pen.circle(x, y, 4, p.paper)
            pen.line([(x - 9, y - 5), (x - 9, y + 6)], p.deep, 1.1)
            pen.line([(x + 9, y - 5), (x + 9, y + 6)], p.deep, 1.1)
            pen.rect(x - 10, y - 6, x - 8, y - 2, p.deep)
    pen.circle(50, 54, 26, p.shade)
    pen.rect(30, 42, 70, 47, p.deep, r=1)
    carrot(pen, 35, 38, 16, 70, p.hot, p.deep)
    carrot(pen, 66, 36, 16, 110, p.hot, p.deep)
    pen.rect(47.5, 20, 52.5, 44, p.paper, r=2.5)  # a leek
    for a in (-25, 0, 25):
        pen.oval(*turn([(0, -7)], a, (50, 20))[0], 2, 7, p.deep, a)
    pen.circle(41, 42, 8, p.soft)  # a cabbage
    pen.line(bezier((41, 35), (37, 41), (41, 49), 10), p.field, 0.7, caps=False)
    pen.line(bezier((41, 35), (45, 41), (41, 49), 10), p.field, 0.7, caps=False)
    pen.circle(59, 43, 5, p.hot)
    pen.star(59, 39, 2, p.deep)
    pen.circle(65, 45, 4, p.hot)
    for y in (46, 54, 62):
        pen.rect(30, y, 70, y + 6, p.accent, r=0.8)
    pen.rect(31, 46, 34, 70, p.hot)
    pen.rect(66, 46, 69, 70, p.hot)


@scene(
    "cultures-urbaines",
    "des immeubles aux toits et balcons plantés de potagers, au bord d’un canal où glisse une "
    "péniche jardinée",
)
def cultures_urbaines(pen: Pen, p: Palette) -> None:
    sun(pen, 80, 12, 7, p.accent, rays=10)
    blocks = [(-4, 18, 44, p.deep), (20, 40, 30, p.ink), (44, 62, 50, p.deep), (66, 90, 36, p.ink)]
    for x0, x1, top, colour in blocks:
        pen.rect(x0, top, x1, 82, colour)
        for y in range(round(top) + 8, 76, 10):
            for x in range(round(x0) + 4, round(x1) - 3, 6):
                pen.rect(x, y, x + 3, y + 5, p.shade)
        for x in range(round(x0) + 3, round(x1) - 2, 5):
            pen.circle(x + 1, top - 1.5, 3, p.soft)
        pen.rect(x0 + 1, top - 1, x1 - 1, top + 1.5, p.hot)
    for x, y in ((24, 52), (48, 62), (70, 50)):  # balconies
        pen.rect(x, y, x + 9, y + 2, p.hot)
        pen.circle(x + 2.5, y - 2, 2.4, p.soft)
        pen.circle(x + 6.5, y - 2, 2.4, p.accent)
    pen.rect(-10, 82, 110, 110, p.soft)
    for y in (90, 100):
        pen.line([(x, y + (1 if (x // 8) % 2 else -1)) for x in range(-8, 112, 8)], p.field, 0.8)
    pen.poly([(30, 86), (76, 86), (72, 94), (34, 94)], p.ink)
    for x in range(36, 72, 7):
        pen.rect(x, 82, x + 5, 86, p.hot)
        pen.circle(x + 2.5, 81, 2.6, p.deep)


# -- créativité ---------------------------------------------------------------------------------


@scene(
    "sentiers-creativite",
    "une carte dépliée où un sentier en pointillés relie refuges et étapes jusqu’à une étoile",
)
def sentiers_creativite(pen: Pen, p: Palette) -> None:
    panels = [(6, 29, 14, 86), (29, 52, 18, 90), (52, 75, 14, 86), (75, 98, 18, 90)]
    for i, (x0, x1, t, b) in enumerate(panels):
        rise = 4 if i % 2 else -4
        pen.poly(
            [(x0, t), (x1, t + rise), (x1, b + rise), (x0, b)], p.paper if i % 2 == 0 else p.soft
        )
    pen.poly([(10, 70), (20, 48), (30, 70)], p.field)
    pen.poly([(22, 72), (33, 52), (46, 74)], p.shade)
    pen.poly([(66, 40), (75, 26), (84, 42)], p.field)
    pen.line(bezier((54, 92), (62, 66), (94, 64)), p.field, 2.4, caps=False)
    route = [
        *bezier((14, 80), (40, 84), (42, 60)),
        *bezier((42, 60), (46, 38), (66, 52)),
        *bezier((66, 52), (86, 62), (86, 30)),
    ]
    pen.dotted(route, p.hot, 1.1, 3.4)
    for x, y in ((14, 80), (42, 60), (66, 52)):
        pin(pen, x, y, 3.4, p.deep, p.paper)
    pen.star(86, 26, 8.5, p.hot)
    pen.star(86, 26, 5.5, p.accent)


@scene(
    "jules-ferry-4-0",
    "un tableau noir où s’épanouit à la craie un arbre des connaissances, près d’une pile de "
    "livres",
)
def jules_ferry(pen: Pen, p: Palette) -> None:
    pen.rect(4, 6, 96, 68, p.hot, r=2)
    pen.rect(7, 9, 93, 65, p.ink)
    chalk = p.paper
    pen.line([(50, 60), (50, 34)], chalk, 1.4)
    branches = [
        ((50, 46), (34, 36), (26, 24)),
        ((50, 42), (66, 34), (74, 22)),
        ((50, 36), (44, 22), (42, 16)),
        ((50, 50), (70, 48), (80, 40)),
        ((50, 52), (30, 50), (18, 42)),
    ]
    for start, mid, end in branches:
        pen.line(bezier(start, mid, end, 16), chalk, 1.0)
        pen.ring(*end, 3.2, chalk, 0.9)
    bulb(pen, 50, 20, 4, p.accent, p.soft, None)
    for x, y in ((26, 24), (80, 40)):
        pen.circle(x, y, 1.6, p.accent)
    pen.rect(60, 64, 74, 66.5, chalk, r=0.8)
    for i, (w, colour, pages) in enumerate(
        (
            (52, p.deep, p.paper),
            (46, p.accent, p.soft),
            (56, p.paper, p.field),
            (40, p.hot, p.paper),
        )
    ):
        book(pen, 22 + i % 2 * 4, 96 - (i + 1) * 7.4, w, 7, colour, pages)


@scene(
    "campus-creatif",
    "un tiers-lieu au toit en dents de scie, grandes baies ouvertes, où entrent des habitants",
)
def campus_creatif(pen: Pen, p: Palette) -> None:
    ground(pen, 82, p.shade)
    pen.rect(10, 38, 90, 82, p.paper)
    teeth = []
    for i in range(4):
        x = 10 + i * 20
        teeth += [(x, 38), (x, 24), (x + 20, 38)]
    pen.poly([*teeth, (90, 38)], p.deep)
    for i in range(4):
        pen.poly(
            [(10 + i * 20 + 1.5, 35), (10 + i * 20 + 1.5, 28), (10 + i * 20 + 9, 35)], p.accent
        )
    for x0, colour in ((15, p.soft), (37, p.accent), (69, p.soft)):
        pen.rect(x0, 46, x0 + 16, 64, p.ink)
        pen.rect(x0 + 1.2, 47.2, x0 + 14.8, 62.8, colour)
    person(pen, 21, 63, 11, p.hot, p.deep)
    person(pen, 27, 63, 9, p.deep, p.hot)
    person(pen, 77, 63, 11, p.deep, p.hot)
    pen.rect(56, 60, 66, 82, p.ink)
    pen.rect(57, 61, 61, 82, p.hot)
    bulb(pen, 45, 10, 5.5, p.accent, p.paper, p.paper)
    person(pen, 72, 92, 16, p.hot, p.ink)
    person(pen, 84, 92, 14, p.ink, p.hot)
    tree(pen, 4, 84, 26, p.deep, p.deep)


# -- techno -------------------------------------------------------------------------------------


@scene(
    "thermostat-numerique",
    "un grand thermostat circulaire dont le cadran règle le niveau de connexion, signal wi-fi au "
    "centre",
)
def thermostat_numerique(pen: Pen, p: Palette) -> None:
    pen.rect(10, 10, 90, 90, p.shade, r=14)
    pen.circle(50, 52, 38, p.deep)
    pen.circle(50, 50, 38, p.paper)
    for i in range(31):
        a = math.radians(135 + i * 9)
        r0 = 31 if i % 5 else 28.5
        pen.line(
            [
                (50 + math.cos(a) * r0, 50 + math.sin(a) * r0),
                (50 + math.cos(a) * 34, 50 + math.sin(a) * 34),
            ],
            p.ink,
            0.9 if i % 5 else 1.5,
        )
    pen.arc(50, 50, 25, 135, 255, p.accent, 4)
    pen.arc(50, 50, 25, 255, 300, p.hot, 4)
    pen.circle(50, 50, 19, p.ink)
    a = math.radians(300)
    pen.line(
        [
            (50 + math.cos(a) * 10, 50 + math.sin(a) * 10),
            (50 + math.cos(a) * 17, 50 + math.sin(a) * 17),
        ],
        p.accent,
        2.4,
    )
    wifi(pen, 50, 55, 11, p.paper)


@scene(
    "espace-reloguement",
    "un espace de travail partagé où deux personnes travaillent sur ordinateur à une grande "
    "table, sous des lampes suspendues et le signal wi-fi",
)
def espace_reloguement(pen: Pen, p: Palette) -> None:
    pen.rect(20, 4, 80, 58, p.soft, r=30)
    pen.rect(20, 34, 80, 58, p.soft)
    pen.rect(49, 4, 51, 58, p.field)
    pen.rect(20, 30, 80, 32, p.field)
    wifi(pen, 50, 27, 14, p.deep)
    ground(pen, 78, p.shade)
    for x in (28, 72):
        pen.line([(x, -10), (x, 14)], p.ink, 0.6, caps=False)
        pen.pie(x, 20, 7, 180, 360, p.ink)
        pen.circle(x, 20.5, 2.2, p.accent)
    person(pen, 30, 74, 30, p.hot, p.ink)
    person(pen, 70, 74, 30, p.ink, p.hot)
    pen.rect(6, 66, 94, 70, p.deep)
    pen.rect(12, 70, 15, 96, p.deep)
    pen.rect(85, 70, 88, 96, p.deep)
    for x, screen in ((40, p.accent), (60, p.paper)):
        pen.poly([(x - 7, 66), (x + 7, 66), (x + 6, 54), (x - 6, 54)], p.ink)
        pen.poly([(x - 5.4, 64.6), (x + 5.4, 64.6), (x + 4.6, 55.4), (x - 4.6, 55.4)], screen)
    pen.rect(88, 56, 96, 66, p.hot, r=1)
    for dx in (-3, 0, 3):
        pen.oval(92 + dx, 51, 1.6, 5, p.deep, dx * 8)


@scene(
    "auto-bilan-connectivite",
    "un boîtier à écran qui affiche une jauge et des barres de connectivité, avec un voyant "
    "d’alerte",
)
def auto_bilan(pen: Pen, p: Palette) -> None:
    halo(pen, p.shade, 46)
    pen.rect(16, 20, 86, 84, p.deep, r=7)
    pen.rect(14, 16, 84, 80, p.paper, r=7)
    pen.rect(20, 22, 78, 60, p.ink, r=3)
    pen.pie(36, 50, 12, 180, 360, p.deep)
    pen.pie(36, 50, 12, 180, 290, p.accent)
    pen.circle(36, 50, 6, p.ink)
    a = math.radians(290)
    pen.line([(36, 50), (36 + math.cos(a) * 13, 50 + math.sin(a) * 13)], p.paper, 1.2)
    for i, h in enumerate((5, 9, 14, 20)):
        pen.rect(54 + i * 5.5, 55 - h, 57.5 + i * 5.5, 55, p.hot if i == 3 else p.field)
    pen.circle(24, 70, 4.4, p.hot)
    pen.circle(24, 70, 2, p.accent)
    for x in (40, 52, 64):
        pen.rect(x - 4, 67, x + 4, 73, p.soft, r=3)
    wifi(pen, 86, 14, 9, p.accent)


# -- new deal -----------------------------------------------------------------------------------


@scene(
    "pacte-interregional",
    "une mosaïque de régions hexagonales reliées entre elles, entourée d’un cercle d’étoiles",
)
def pacte_interregional(pen: Pen, p: Palette) -> None:
    pen.circle(50, 50, 46, p.deep)
    for i in range(12):
        a = math.radians(-90 + i * 30)
        pen.star(50 + math.cos(a) * 39.5, 50 + math.sin(a) * 39.5, 3.3, p.accent)
    cells = [(0, 0)] + [
        (math.cos(math.radians(a)) * 17.3, math.sin(math.radians(a)) * 17.3)
        for a in range(0, 360, 60)
    ]
    colours = [p.accent, p.paper, p.soft, p.field, p.paper, p.soft, p.field]
    for (dx, dy), colour in zip(cells, colours, strict=True):
        hexagon(pen, 50 + dx, 50 + dy, 9.6, colour)
    for dx, dy in cells[1:]:
        pen.line([(50 + dx * 0.35, 50 + dy * 0.35), (50 + dx * 0.65, 50 + dy * 0.65)], p.hot, 1.4)
    for (ax, ay), (bx, by) in zip(cells[1:], [*cells[2:], cells[1]], strict=True):
        pen.circle(50 + (ax + bx) / 2, 50 + (ay + by) / 2, 1.4, p.hot)


@scene(
    "forum-debat-public",
    "un hémicycle en gradins où le public débat, bulles de parole au-dessus des têtes",
)
def forum_debat_public(pen: Pen, p: Palette) -> None:
    rows = [(46, p.deep), (36, p.shade), (26, p.soft)]
    for r, colour in rows:
        pen.pie(50, 86, r, 180, 360, colour)
    pen.pie(50, 86, 16, 180, 360, p.field)
    ground(pen, 86, p.ink)
    for r, colour in ((41, p.paper), (31, p.deep), (21, p.ink)):
        n = round(r / 3.2)
        for i in range(n):
            a = math.radians(190 + i * 160 / (n - 1))
            x, y = 50 + math.cos(a) * r, 86 + math.sin(a) * r
            pen.circle(x, y - 1.5, 2.2, colour)
            pen.pie(x, y + 2.4, 2.8, 180, 360, colour)
    pen.rect(45, 76, 55, 86, p.hot)
    person(pen, 50, 76, 14, p.accent, p.hot)
    bubble(pen, 10, 6, 34, 20, p.paper, (22, 30))
    bubble(pen, 60, 2, 88, 16, p.accent, (68, 28))
    bubble(pen, 38, 20, 56, 30, p.soft, (47, 38))
    for x0, y, w in ((14, 11, 16), (14, 15, 10), (64, 7, 20), (64, 11, 12), (42, 24, 10)):
        pen.rect(x0, y - 0.8, x0 + w, y + 0.8, p.ink, r=0.8)


@scene(
    "credenciale-interregionale",
    "un carnet de pèlerin ouvert couvert de tampons, une coquille Saint-Jacques posée à côté",
)
def credenciale(pen: Pen, p: Palette) -> None:
    pen.poly([(6, 22), (50, 18), (94, 22), (94, 84), (50, 80), (6, 84)], p.deep)
    pen.poly([(8, 20), (49, 16), (49, 78), (8, 82)], p.paper)
    pen.poly([(51, 16), (92, 20), (92, 82), (51, 78)], p.soft)
    for x, y, k in ((19, 32, 0), (38, 30, 1), (20, 52, 2), (38, 50, 3), (28, 70, 4), (62, 32, 5)):
        colour = (p.hot, p.deep, p.field, p.hot, p.deep, p.hot)[k]
        if k in (0, 3):
            pen.ring(x, y, 7, colour, 1.4)
            pen.star(x, y, 4, colour)
        elif k in (1, 5):
            pen.frame(x - 6.5, y - 5.5, x + 6.5, y + 5.5, colour, 1.3, r=1.5)
            pen.circle(x, y, 2.8, colour)
        elif k == 2:
            hexagon(pen, x, y, 7, colour)
            pen.circle(x, y, 3, p.paper)
        else:
            pen.ring(x, y, 6, colour, 1.1)
            pen.ring(x, y, 3.6, colour, 1.1)
    for y in range(46, 74, 6):
        pen.rect(58, y, 84, y + 1.4, p.field, r=0.7)
    cx, cy = 80, 88  # scallop shell, hinge at the bottom
    for i in range(9):
        a = -160 + i * 17.5
        pen.pie(cx, cy, 17, a - 9.5, a + 9.5, p.accent if i % 2 else p.hot)
    pen.circle(cx, cy, 4, p.hot)
    pen.rect(cx - 6, cy - 1, cx + 6, cy + 4, p.hot, r=1)


# -- citoyens -----------------------------------------------------------------------------------


@scene(
    "fabriques-innovation-citoyenne",
    "un atelier de fabrication citoyenne avec établi, imprimante 3D, outils et engrenages",
)
def fabriques(pen: Pen, p: Palette) -> None:
    pen.rect(4, 6, 60, 42, p.soft, r=2)
    for x in range(8, 58, 5):
        for y in range(10, 40, 5):
            pen.circle(x, y, 0.6, p.field)
    pen.line([(12, 14), (12, 34)], p.ink, 2)
    pen.rect(7, 12, 17, 17, p.ink, r=1)
    pen.line([(24, 14), (24, 34)], p.deep, 1.6)
    pen.ring(24, 13, 3, p.deep, 1.6)
    pen.line([(34, 12), (34, 34)], p.hot, 2.2)
    gear(pen, 74, 20, 10, p.paper, p.field)
    gear(pen, 90, 36, 6.5, p.accent, p.field, teeth=7)
    gear(pen, 48, 26, 6, p.hot, p.soft, teeth=7)
    pen.rect(2, 66, 98, 71, p.ink)
    pen.rect(8, 71, 12, 100, p.ink)
    pen.rect(88, 71, 92, 100, p.ink)
    pen.rect(14, 40, 44, 66, p.deep, r=1.5)  # 3D printer
    pen.rect(17, 43, 41, 62, p.shade)
    pen.rect(17, 46, 41, 48, p.ink)
    pen.rect(26, 44, 32, 51, p.paper)
    pen.rect(22, 57, 36, 62, p.accent)
    pen.poly([(24, 57), (29, 52), (34, 57)], p.hot)
    person(pen, 68, 66, 30, p.hot, p.ink)
    pen.rect(52, 58, 62, 66, p.accent, r=1)
    pen.rect(80, 54, 94, 66, p.paper, r=1)
    pen.rect(83, 57, 91, 59, p.field)


@scene(
    "education-pair-a-pair",
    "un réseau de personnes reliées les unes aux autres, qui se passent livres et musique",
)
def pair_a_pair(pen: Pen, p: Palette) -> None:
    spots = [
        (
            50 + math.cos(math.radians(-90 + i * 60)) * 34,
            52 + math.sin(math.radians(-90 + i * 60)) * 34,
        )
        for i in range(6)
    ]
    for i, a in enumerate(spots):
        for b in spots[i + 1 :]:
            pen.line([a, b], p.shade, 0.9, caps=False)
    for i, (x, y) in enumerate(spots):
        pen.circle(x, y, 11, p.paper if i % 2 else p.soft)
        person(pen, x, y + 8, 15, p.hot if i % 3 == 0 else p.deep, p.ink)
    for i in range(6):
        (ax, ay), (bx, by) = spots[i], spots[(i + 1) % 6]
        mx, my = (ax + bx) / 2, (ay + by) / 2
        if i % 2:
            pen.rect(mx - 4, my - 3, mx + 4, my + 3, p.accent, r=0.8)
            pen.rect(mx - 0.4, my - 3, mx + 0.4, my + 3, p.hot)
        else:
            pen.line([(mx + 1.8, my + 2.5), (mx + 1.8, my - 4)], p.ink, 0.9, caps=False)
            pen.oval(mx, my + 2.8, 2.4, 1.8, p.ink, -20)
            pen.line([(mx + 1.8, my - 4), (mx + 4.4, my - 2.6)], p.ink, 0.9)
    pen.circle(50, 52, 9, p.accent)
    pen.circle(50, 52, 4, p.hot)


@scene(
    "service-municipal",
    "une mairie à colonnes et, devant elle, une urne de tirage au sort d’où sort une boule",
)
def service_municipal(pen: Pen, p: Palette) -> None:
    ground(pen, 84, p.shade)
    civic_building(pen, 38, 84, 60, 38, p.paper, p.deep)
    pen.line([(38, 34), (38, 18)], p.ink, 0.8)
    pen.rect(38, 18, 48, 24, p.hot)
    pen.rect(38, 18, 44.5, 24, p.accent)
    pen.rect(70, 82, 96, 86, p.ink, r=1)
    pen.line([(74, 82), (78, 74)], p.ink, 1.6)
    pen.line([(92, 82), (88, 74)], p.ink, 1.6)
    pen.circle(83, 62, 15, p.soft)
    for i, (x, y) in enumerate(
        ((76, 68), (82, 70), (88, 68), (79, 63), (86, 62), (83, 56), (77, 57), (89, 56))
    ):
        pen.circle(x, y, 3, (p.deep, p.field, p.paper, p.hot)[i % 4])
    pen.ring(83, 62, 15, p.ink, 1.2)
    pen.circle(83, 28, 7, p.accent)
    person(pen, 83, 32, 8, p.hot, p.hot)
    pen.dotted([(83, 45), (83, 38)], p.ink, 0.8, 3)
