"""Scenes for the "Régionales 2028" demo: vivre ensemble, énergie, éducation, institution.

Each function draws one proposal's illustration in the 100 × 100 scene square; the decorator files
it under the proposal id with the French phrase used by the alt text.
"""

from __future__ import annotations

import itertools
import math

from .posters_pen import (
    Palette,
    Pen,
    Scene,
    arrow,
    bezier,
    bulb,
    civic_building,
    cloud,
    flask,
    gear,
    ground,
    halo,
    hills,
    house,
    person,
    phone,
    pin,
    pine,
    registrar,
    sun,
    tree,
    turbine,
    turn,
)

SCENES: dict[str, Scene] = {}
scene = registrar(SCENES)


# -- vivre ensemble -----------------------------------------------------------------------------


@scene(
    "rencontres-sociales-augmentees",
    "deux habitants d’un village se croisent, téléphone en main, et découvrent un profil partagé "
    "marqué d’une clé de plombier",
)
def rencontres(pen: Pen, p: Palette) -> None:
    hills(pen, 70, p.shade, p.soft)
    house(pen, 16, 62, 10, 8, p.paper, p.deep, p.deep)
    pen.rect(80, 44, 86, 62, p.paper)
    pen.poly([(79, 44), (83, 34), (87, 44)], p.deep)
    house(pen, 92, 62, 8, 6, p.paper, p.deep, p.deep)
    person(pen, 22, 96, 44, p.ink, p.deep)
    person(pen, 80, 96, 44, p.hot, p.deep)
    phone(pen, 33, 70, 12, p.ink, p.accent)
    phone(pen, 69, 70, 12, p.ink, p.accent)
    pen.dotted(bezier((36, 62), (40, 44), (46, 40)), p.paper, 0.8, 2.6)
    pen.dotted(bezier((66, 62), (62, 44), (56, 40)), p.paper, 0.8, 2.6)
    pen.rect(30, 8, 70, 40, p.paper, r=4)
    pen.circle(40, 20, 6, p.soft)
    person(pen, 40, 26, 10, p.deep, p.deep)
    pen.rect(50, 15, 64, 17, p.ink, r=1)
    pen.rect(50, 21, 60, 23, p.field, r=1)
    wrench = turn([(-7, -0.9), (5, -0.9), (5, 0.9), (-7, 0.9)], -30, (48, 32))
    pen.poly(wrench, p.hot)
    end = turn([(5.5, 0)], -30, (48, 32))[0]
    pen.circle(*end, 2.6, p.hot)
    pen.circle(*turn([(7, 0)], -30, (48, 32))[0], 1.3, p.paper)


@scene(
    "pluribus",
    "un bus coloré parcourt une route de campagne entre collines et arbres, arrêts signalés sur "
    "son trajet",
)
def pluribus(pen: Pen, p: Palette) -> None:
    sun(pen, 78, 16, 7, p.accent)
    cloud(pen, 24, 16, 6, p.paper)
    hills(pen, 58, p.shade, p.soft)
    for x, h in ((8, 20), (16, 14), (88, 18)):
        pine(pen, x, 60, h, p.ink, p.deep)
    pen.rect(-10, 78, 110, 110, p.deep)
    pen.dotted([(-6, 93), (106, 93)], p.accent, 0.8, 5)
    pin(pen, 8, 78, 3.2, p.accent, p.deep)
    pin(pen, 94, 78, 3.2, p.accent, p.deep)
    pen.rect(18, 46, 84, 80, p.paper, r=6)
    pen.rect(18, 68, 84, 72, p.hot)
    for x in range(23, 56, 11):
        pen.rect(x, 51, x + 8, 62, p.ink, r=1.5)
        pen.circle(x + 4, 58, 2, p.accent if x % 2 else p.soft)
        pen.pie(x + 4, 63, 3, 180, 360, p.accent if x % 2 else p.soft)
    pen.rect(59, 51, 67, 78, p.ink, r=1)
    pen.rect(60.5, 52.5, 65.5, 62, p.soft, r=1)
    pen.rect(71, 51, 83, 62, p.ink, r=2)
    pen.rect(72.5, 52.5, 81.5, 60, p.soft, r=1)
    pen.rect(80, 74, 84.5, 77, p.accent, r=1)
    for x in (30, 72):
        pen.circle(x, 80, 6.5, p.ink)
        pen.circle(x, 80, 2.6, p.soft)


@scene(
    "pack-test-bienvenue",
    "un colis de bienvenue ouvert d’où sortent une clé et une petite maison, devant un village",
)
def pack_test(pen: Pen, p: Palette) -> None:
    hills(pen, 60, p.shade, p.soft)
    for x, w in ((12, 9), (24, 7), (84, 8)):
        house(pen, x, 58, w, w * 0.7, p.paper, p.deep, p.deep)
    house(pen, 50, 42, 18, 14, p.paper, p.hot, p.deep)
    pen.circle(50, 31, 2, p.accent)
    pen.ring(72, 24, 5.5, p.accent, 2.2)
    key = turn([(0, -1.2), (16, -1.2), (16, 1.2), (0, 1.2)], 120, (69, 29))
    pen.poly(key, p.accent)
    for t in (11, 14):
        pen.poly(turn([(t, 1), (t + 1.8, 1), (t + 1.8, 4), (t, 4)], 120, (69, 29)), p.accent)
    pen.star(28, 24, 3.5, p.paper)
    pen.star(34, 12, 2.2, p.accent)
    pen.poly([(22, 58), (10, 46), (34, 48), (34, 58)], p.accent)
    pen.poly([(78, 58), (90, 46), (66, 48), (66, 58)], p.accent)
    pen.rect(22, 56, 78, 96, p.hot)
    pen.rect(22, 56, 78, 62, p.deep)
    pen.rect(46, 56, 54, 96, p.accent)


# -- énergie ------------------------------------------------------------------------------------


@scene(
    "prospecteurs-initiatives",
    "une loupe qui révèle, dans un paysage de village, une éolienne, des panneaux solaires et "
    "une idée lumineuse",
)
def prospecteurs(pen: Pen, p: Palette) -> None:
    hills(pen, 72, p.shade, p.soft)
    for x, w in ((8, 8), (20, 10), (88, 9)):
        house(pen, x, 78, w, w * 0.7, p.paper, p.deep, p.deep)
    turbine(pen, 80, 70, 20, p.paper)
    pen.line([(62, 64), (84, 92)], p.ink, 6.5)
    with pen.clip_circle(42, 42, 27):
        pen.circle(42, 42, 27, p.soft)
        pen.ellipse(-10, 52, 94, 100, p.field)
        turbine(pen, 28, 58, 30, p.paper)
        pen.line([(50, 60), (50, 66)], p.ink, 1.2)
        pen.poly([(40, 60), (62, 60), (58, 48), (44, 48)], p.deep)
        for i in range(1, 4):
            pen.line([(40 + i * 5.5, 60), (44 + i * 3.5, 48)], p.soft, 0.5, caps=False)
        pen.line([(42, 54), (60, 54)], p.soft, 0.5, caps=False)
        bulb(pen, 52, 26, 4.6, p.accent, p.deep, p.hot)
    pen.ring(42, 42, 28, p.ink, 4.4)


@scene(
    "lieux-distribution",
    "un point relais de quartier, façade de casiers à colis sous un auvent rayé, d’où une "
    "passante repart à pied avec son paquet",
)
def lieux_distribution(pen: Pen, p: Palette) -> None:
    ground(pen, 86, p.shade)
    pen.rect(6, 20, 72, 86, p.paper)
    pen.rect(4, 14, 74, 22, p.deep)
    for i in range(7):
        pen.poly(
            [(6 + i * 9.4, 22), (15.4 + i * 9.4, 22), (15.4 + i * 9.4, 28), (6 + i * 9.4, 28)],
            p.hot if i % 2 == 0 else p.paper,
        )
        pen.pie(10.7 + i * 9.4, 28, 4.7, 0, 180, p.hot if i % 2 == 0 else p.paper)
    for col in range(4):
        for row in range(4):
            x, y = 11 + col * 14.5, 36 + row * 12
            if (col, row) == (2, 1):
                pen.rect(x, y, x + 12, y + 10, p.ink)
                pen.rect(x + 2, y + 3, x + 10, y + 10, p.accent)
                pen.rect(x + 5.5, y + 3, x + 6.5, y + 10, p.hot)
                pen.poly([(x, y), (x - 4, y + 1.5), (x - 4, y + 11.5), (x, y + 10)], p.soft)
            else:
                pen.rect(x, y, x + 12, y + 10, p.soft, r=0.8)
                pen.rect(x + 9, y + 4, x + 10, y + 6, p.deep)
    person(pen, 86, 88, 34, p.ink, p.deep)
    pen.rect(90, 66, 99, 76, p.accent, r=1)
    pen.arc(94.5, 66, 3, 180, 360, p.ink, 0.8)


@scene(
    "compagnonnage-elus",
    "un élu en écharpe, valise à la main, voyage d’une mairie à l’autre sur un chemin en "
    "pointillés",
)
def compagnonnage(pen: Pen, p: Palette) -> None:
    sun(pen, 50, 14, 7, p.paper, rays=12)
    ground(pen, 76, p.shade)
    civic_building(pen, 14, 76, 22, 16, p.paper, p.deep, columns=2)
    civic_building(pen, 86, 76, 22, 16, p.paper, p.deep, columns=2)
    pen.dotted(bezier((22, 52), (50, 10), (78, 52)), p.paper, 1, 4)
    for x, y in ((33, 34), (67, 34)):
        pen.star(x, y, 3.2, p.accent)
    pen.dotted([(6, 90), (94, 90)], p.deep, 0.8, 4)
    person(pen, 46, 94, 40, p.deep, p.ink)
    pen.poly([(40.5, 67.6), (43.6, 66), (51.8, 86), (48.6, 87.6)], p.hot)
    pen.poly([(42.5, 66.7), (43.8, 66.2), (49.4, 80.5), (48, 81)], p.paper)
    pen.line([(52.5, 76), (56, 82)], p.deep, 2.4)
    pen.rect(54, 82, 70, 95, p.hot, r=1.5)
    pen.arc(62, 82, 3, 180, 360, p.ink, 1)
    pen.rect(54, 87.5, 70, 89, p.ink)


# -- éducation ----------------------------------------------------------------------------------


@scene(
    "erasmus-regional",
    "un sac à dos surmonté d’un mortier d’étudiant, sur un réseau de routes qui relie les villes "
    "de la région",
)
def erasmus(pen: Pen, p: Palette) -> None:
    towns = [(10, 16), (34, 8), (88, 14), (8, 58), (94, 54), (18, 92), (84, 94), (60, 4)]
    for i, a in enumerate(towns):
        b = towns[(i + 3) % len(towns)]
        pen.dotted([a, b], p.shade, 0.7, 3)
    for x, y in towns:
        pen.circle(x, y, 3.6, p.paper)
        pen.circle(x, y, 1.6, p.deep)
    pen.rect(28, 38, 72, 94, p.deep, r=10)
    pen.rect(30, 34, 70, 92, p.hot, r=10)
    pen.rect(36, 60, 64, 84, p.accent, r=4)
    pen.rect(36, 60, 64, 66, p.deep, r=2)
    pen.rect(48, 63, 52, 70, p.ink, r=1)
    pen.arc(50, 36, 8, 180, 360, p.ink, 2)
    pen.poly([(50, 14), (76, 22), (50, 30), (24, 22)], p.ink)
    pen.rect(38, 24, 62, 34, p.ink, r=2)
    pen.line([(74, 22), (74, 34)], p.accent, 1)
    pen.circle(74, 35, 1.8, p.accent)


@scene(
    "pacte-educatif",
    "un cahier ouvert avec sa liste de compétences et quatre signatures, un stylo-plume posé en "
    "travers",
)
def pacte_educatif(pen: Pen, p: Palette) -> None:
    halo(pen, p.shade, 46)
    pen.rect(12, 10, 90, 92, p.deep, r=3)
    pen.rect(10, 8, 88, 90, p.paper, r=3)
    for y in range(14, 88, 6):
        pen.circle(10, y, 1.6, p.ink)
    for i, y in enumerate(range(18, 48, 7)):
        pen.frame(20, y - 2, 24, y + 2, p.deep, 0.7, r=0.5)
        if i < 3:
            pen.line([(20.5, y), (22, y + 1.6), (25, y - 3)], p.hot, 1)
        pen.rect(28, y - 0.7, 28 + (44, 36, 48, 30, 40)[i], y + 0.7, p.field, r=0.7)
    for k, (x, y) in enumerate(((20, 62), (52, 62), (20, 80), (52, 80))):
        pen.rect(x, y + 3, x + 28, y + 3.8, p.soft)
        pts = [
            (x + 2 + t * 0.5, y + math.sin(t * (0.9 + 0.2 * k)) * 2.6 - t * 0.06)
            for t in range(0, 44)
        ]
        pen.line(pts, p.ink, 0.8)
    pen_points = turn([(-30, -2.4), (20, -2.4), (20, 2.4), (-30, 2.4)], -38, (70, 56))
    pen.poly(pen_points, p.ink)
    pen.poly(turn([(20, -2.4), (28, 0), (20, 2.4)], -38, (70, 56)), p.accent)
    pen.poly(turn([(-30, -2.6), (-18, -2.6), (-18, 2.6), (-30, 2.6)], -38, (70, 56)), p.hot)


@scene(
    "transmetteur-pedagogue",
    "le transmetteur et le pédagogue, face à face, se passent une ampoule allumée devant un "
    "tableau",
)
def transmetteur(pen: Pen, p: Palette) -> None:
    pen.rect(28, 4, 72, 38, p.ink, r=2)
    pen.rect(26, 37, 74, 40, p.hot)
    pen.line([(34, 30), (42, 22), (50, 27), (58, 14), (66, 19)], p.paper, 1)
    for x, y in ((42, 22), (50, 27), (58, 14)):
        pen.circle(x, y, 1.8, p.accent)
    ground(pen, 94, p.shade)
    person(pen, 18, 94, 44, p.hot, p.deep)
    person(pen, 82, 94, 44, p.deep, p.hot)
    gear(pen, 8, 64, 5, p.accent, p.hot, teeth=7)
    arrow(pen, bezier((28, 66), (50, 52), (72, 66)), p.paper, 1.2)
    bulb(pen, 50, 70, 6, p.accent, p.paper, p.paper)


# -- institution --------------------------------------------------------------------------------


@scene(
    "laboratoire-innovation-sociale",
    "un module de laboratoire coloré accolé à l’hôtel de Région, une fiole qui bouillonne",
)
def laboratoire(pen: Pen, p: Palette) -> None:
    ground(pen, 84, p.shade)
    civic_building(pen, 34, 84, 56, 42, p.paper, p.deep, columns=4)
    pen.rect(60, 52, 98, 84, p.hot, r=3)
    pen.rect(60, 52, 98, 56, p.ink)
    pen.circle(79, 69, 10, p.accent)
    flask(pen, 79, 76, 6, p.paper, p.hot)
    for x, y, r in ((80, 44, 2.4), (75, 38, 1.6), (82, 32, 3), (86, 40, 1.4)):
        pen.circle(x, y, r, p.paper)
    pen.rect(56, 70, 62, 76, p.ink)


@scene(
    "test-zones",
    "un quartier délimité par une rubalise rayée tendue entre des piquets, terrain "
    "d’expérimentation",
)
def test_zones(pen: Pen, p: Palette) -> None:
    pen.ellipse(-6, 44, 106, 104, p.shade)
    house(pen, 36, 72, 16, 12, p.paper, p.deep, p.ink)
    house(pen, 62, 68, 12, 9, p.paper, p.ink, p.deep)
    tree(pen, 22, 76, 18, p.ink, p.deep)
    tree(pen, 80, 74, 16, p.ink, p.deep)
    person(pen, 50, 84, 14, p.accent, p.ink)
    posts = [(6, 70), (26, 52), (74, 52), (94, 70), (78, 94), (22, 94)]
    for x, y in posts:
        pen.rect(x - 1.2, y - 12, x + 1.2, y + 4, p.ink)
    loop = [*posts, posts[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(loop):
        n = 8
        for i in range(n):
            a = (x0 + (x1 - x0) * i / n, y0 - 9 + (y1 - y0) * i / n)
            b = (x0 + (x1 - x0) * (i + 1) / n, y0 - 9 + (y1 - y0) * (i + 1) / n)
            pen.line([a, b], p.hot if i % 2 == 0 else p.paper, 2.6, caps=False)
    pen.line([(70, 22), (70, 62)], p.ink, 1.2)
    pen.poly([(70, 22), (84, 27), (70, 32)], p.accent)


@scene(
    "innovacteur",
    "une rangée de silhouettes identiques dans un bureau, d’où se détache une figure colorée "
    "sous une ampoule allumée",
)
def innovacteur(pen: Pen, p: Palette) -> None:
    pen.rect(0, 30, 100, 86, p.shade)
    for x in range(4, 100, 16):
        pen.rect(x, 36, x + 12, 50, p.soft)
    pen.rect(-10, 86, 110, 110, p.deep)
    for i, x in enumerate((10, 24, 38, 62, 76, 90)):
        person(pen, x, 86, 26 if i % 2 else 24, p.deep, p.deep)
    pen.circle(50, 70, 16, p.accent)
    person(pen, 50, 86, 32, p.hot, p.ink)
    bulb(pen, 50, 16, 6.5, p.accent, p.paper, p.paper)
