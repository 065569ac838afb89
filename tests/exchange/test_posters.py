"""The proposal posters: deterministic, well-sized, readable, and robust to any document.

Pure pytest, no Django: run with `pytest tests/exchange/test_posters.py -p no:django`.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from rebours.exchange.demo import posters
from rebours.exchange.demo.posters_scenes import GENERIC, KIND_SCENES, SCENES, scene_for

NBSP = "\u00a0"
DEMO_THEMES = {
    "alimentation": ["cantine-real", "plateforme-real", "cultures-urbaines"],
    "creativite": ["sentiers-creativite", "jules-ferry-4-0", "campus-creatif"],
    "techno": ["thermostat-numerique", "espace-reloguement", "auto-bilan-connectivite"],
    "new-deal": ["pacte-interregional", "forum-debat-public", "credenciale-interregionale"],
    "citoyens": ["fabriques-innovation-citoyenne", "education-pair-a-pair", "service-municipal"],
    "vivre-ensemble": ["rencontres-sociales-augmentees", "pluribus", "pack-test-bienvenue"],
    "energie": ["prospecteurs-initiatives", "lieux-distribution", "compagnonnage-elus"],
    "education": ["erasmus-regional", "pacte-educatif", "transmetteur-pedagogue"],
    "institution": ["laboratoire-innovation-sociale", "test-zones", "innovacteur"],
}
TITLES = {
    "cantine-real": f"Cantine REAL{NBSP}: réseau écologique d’alimentation",
    "plateforme-real": "Plateforme d’approvisionnement et d’animation de la cantine REAL",
    "pluribus": "Le Pluribus, « territoire mobilisé »",
    "lieux-distribution": "Lieux de distribution des produits commandés sur internet",
}
KINDS = ["service", "place", "device", "policy"]
HOSTILE = [
    "<script>alert(1)</script>",
    "Région 🚀🌍 en 2028 👩‍👩‍👧 ✨",
    "\u202eLa région inversée\u202c \u200fשלום مرحبا\u200e",
    "é" * 300,
    ("Une très longue proposition qui n’en finit pas " * 7)[:300],
    "\x00\x07\ttab\nnewline\r",
    "🚀🚀🚀",
    "",
    "   ",
]


def demo_document() -> dict:
    """A document shaped like the demo's: 9 themes, 27 proposals with their ids."""
    proposals = []
    for t, (theme, ids) in enumerate(DEMO_THEMES.items()):
        for i, pid in enumerate(ids):
            proposals.append(
                {
                    "id": pid,
                    "theme": theme,
                    "letter": "abc"[i],
                    "origin": "group",
                    "title": TITLES.get(pid, pid.replace("-", " ").capitalize()),
                    "kind": KINDS[(t + i) % 4],
                    "summary": "Résumé « gardé » tel quel.",
                    "image": {"path": f"media/{pid}.png", "alt": "à écrire"},
                    "review": {"triage": "rework"},
                }
            )
    return {
        "format": "rebours.workshop/1",
        "workshop": {"slug": "regionales-2028", "title": "Régionales 2028", "horizon_year": 2028},
        "themes": [{"id": t, "title": t.replace("-", " ").capitalize()} for t in DEMO_THEMES],
        "proposals": proposals,
    }


def one(title: object = "Un titre", **extra: object) -> posters.Poster:
    proposal = {"id": "p", "theme": "t", "letter": "a", "title": title, "kind": "place", **extra}
    return posters.render(proposal, {"id": "t", "title": "Thème"}, 2028)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """The CLI run once over the whole demo document, with --write-alt."""
    folder = tmp_path_factory.mktemp("demo")
    doc_path = folder / "workshop.json"
    original = demo_document()
    doc_path.write_text(json.dumps(original, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert posters.main([str(doc_path), str(folder / "media"), "--write-alt"]) == 0
    return doc_path, folder / "media", original


# -- the whole document ---------------------------------------------------------------------------


def test_every_proposal_gets_a_poster_of_the_right_size(demo_run: tuple[Path, Path, dict]) -> None:
    _, media, original = demo_run
    files = sorted(p.name for p in media.iterdir())
    assert files == sorted(f"{p['id']}.png" for p in original["proposals"])
    for name in files:
        data = (media / name).read_bytes()
        assert len(data) < 250_000, name
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG"
            assert image.size == (1600, 1000)


def test_every_proposal_gets_an_alt_text(demo_run: tuple[Path, Path, dict]) -> None:
    doc_path, _, original = demo_run
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    alts = []
    for before, after in zip(original["proposals"], doc["proposals"], strict=True):
        alt = after["image"]["alt"]
        assert after["image"]["path"] == f"media/{before['id']}.png"
        assert alt.startswith(f"Affiche{NBSP}: ")
        assert (
            f"«{NBSP}{before['title'].replace('« ', '«' + NBSP).replace(' »', NBSP + '»')}" in alt
        )
        assert "horizon 2028" in alt
        assert "\n" not in alt and len(alt) < 400
        alts.append(alt)
    assert len(set(alts)) == len(alts)


def test_write_alt_keeps_the_rest_of_the_document(demo_run: tuple[Path, Path, dict]) -> None:
    doc_path, _, original = demo_run
    text = doc_path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert "Résumé « gardé »" in text  # ensure_ascii=False
    assert text.startswith('{\n  "format"')  # indent 2
    assert list(doc) == list(original)
    for before, after in zip(original["proposals"], doc["proposals"], strict=True):
        assert list(after) == list(before)
        assert {k: v for k, v in after.items() if k != "image"} == {
            k: v for k, v in before.items() if k != "image"
        }
    assert doc["themes"] == original["themes"] and doc["workshop"] == original["workshop"]


def test_write_alt_adds_a_missing_image_before_review() -> None:
    doc = {"proposals": [{"id": "x", "title": "T", "review": {"triage": "rework"}}]}
    made = [posters.Poster("x", Image.new("P", (1, 1)), "Affiche")]
    posters.with_alt(doc, made)
    assert list(doc["proposals"][0]) == ["id", "title", "image", "review"]
    assert doc["proposals"][0]["image"] == {"path": "media/x.png", "alt": "Affiche"}


def test_same_input_same_bytes(tmp_path: Path) -> None:
    doc = demo_document()
    doc["proposals"] = [*doc["proposals"][:2], {"id": "autre", "theme": "ailleurs", "title": "Z"}]
    first = posters.write_posters(copy.deepcopy(doc), tmp_path / "one")
    second = posters.write_posters(copy.deepcopy(doc), tmp_path / "two")
    assert [p.alt for p in first] == [p.alt for p in second]
    for poster in first:
        name = f"{poster.proposal_id}.png"
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


# -- scenes -------------------------------------------------------------------------------------


def test_each_demo_proposal_has_its_own_scene() -> None:
    ids = [pid for group in DEMO_THEMES.values() for pid in group]
    assert set(ids) == set(SCENES)
    descriptions = [SCENES[pid].description for pid in ids]
    assert len(set(descriptions)) == len(descriptions)
    assert set(KIND_SCENES) == {"place", "service", "device", "policy"}


def test_unknown_ids_fall_back_on_kind_then_horizon() -> None:
    assert scene_for("cantine-real", "policy") is SCENES["cantine-real"]
    assert scene_for("autre-chose", "device") is KIND_SCENES["device"]
    assert scene_for("autre-chose", None) is GENERIC
    assert scene_for("autre-chose", ["place"]) is GENERIC
    poster = posters.render({"id": "z", "theme": "nulle-part", "title": "Sans genre"}, None, None)
    assert poster.image.size == (1600, 1000)
    assert GENERIC.description in poster.alt
    assert "horizon" not in poster.alt.split("»", 1)[1]


def test_other_themes_take_the_unused_palettes() -> None:
    assigned = posters.assign_palettes(["maison", "alimentation", "eau", "maison"])
    assert assigned["alimentation"] is posters.PALETTE_BY_THEME["alimentation"]
    assert len({assigned["maison"], assigned["eau"], assigned["alimentation"]}) == 3
    many = posters.assign_palettes([f"t{i}" for i in range(12)])
    assert len(set(many.values())) == 9
    assert posters.palette_for("inconnu") is posters.palette_for("inconnu")


def test_palettes_are_distinct_and_contrasted() -> None:
    def luminance(rgb: tuple[int, int, int]) -> float:
        def channel(c: int) -> float:
            c = c / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
        la, lb = sorted((luminance(a), luminance(b)), reverse=True)
        return (la + 0.05) / (lb + 0.05)

    assert len(posters.PALETTES) == 9
    assert len({p.field for p in posters.PALETTES}) == 9
    for pal in posters.PALETTES:
        assert contrast(pal.ink, pal.paper) >= 7  # the title
        assert contrast(pal.paper, pal.deep) >= 4.5  # the letter in its disc, the theme name
        assert contrast(pal.deep, pal.field) >= 2.5  # shapes on the panel
        assert contrast(pal.paper, pal.field) >= 1.8


# -- text ---------------------------------------------------------------------------------------


def test_french_typography() -> None:
    assert posters.typeset("Le Pluribus, « territoire mobilisé »") == (
        f"Le Pluribus, «{NBSP}territoire mobilisé{NBSP}»"
    )
    assert posters.typeset("Cantine REAL : réseau") == f"Cantine REAL{NBSP}: réseau"
    assert posters.typeset("Mon éducation pair à pair") == f"Mon éducation pair à{NBSP}pair"
    assert posters.typeset("L’espace") == "L’espace"


def test_unprintable_characters_are_dropped() -> None:
    text = posters.typeset(HOSTILE[2])
    assert "\u202e" not in text and "\u200f" not in text
    assert "🚀" not in posters.typeset(HOSTILE[1])
    assert "Région" in posters.typeset(HOSTILE[1])
    assert posters.typeset(HOSTILE[5]) == "tab newline"


@pytest.mark.parametrize(
    "title",
    [
        TITLES["plateforme-real"],
        "Anticonstitutionnellement " * 3,
        ("Une très longue proposition qui n’en finit pas " * 7)[:300],
        "é" * 300,
    ],
)
def test_long_titles_wrap_inside_the_text_column(title: str) -> None:
    poster = one(title)
    boxes = [box for role, box in poster.text_boxes if role == "title"]
    assert boxes
    for left, top, right, bottom in boxes:
        assert posters.TEXT_X0 - 4 <= left <= right <= posters.TEXT_X1
        assert posters.TITLE_Y0 - 4 <= top <= bottom <= posters.TITLE_Y1
    for _, (left, top, right, bottom) in poster.text_boxes:
        assert 0 <= left < right <= posters.PANEL_X and 0 <= top < bottom <= 1000
    # Nothing was painted between the text column and the illustration panel.
    strip = poster.image.convert("RGB").crop((posters.TEXT_X1 + 4, 0, posters.PANEL_X - 4, 1000))
    assert len(strip.getcolors()) == 1


def test_short_titles_are_set_large() -> None:
    setting = posters.fit_title("Test-zones")
    assert setting.size >= 70 and setting.lines == ["Test-zones"]


def test_no_line_ends_on_a_single_letter() -> None:
    setting = posters.fit_title(posters.typeset("Mon éducation pair à pair"))
    assert not any(line.endswith((" à", " a")) for line in setting.lines)


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_do_not_crash(title: str) -> None:
    poster = one(title)
    assert poster.image.size == (1600, 1000)
    assert len(posters.png_bytes(poster.image)) < 250_000
    assert poster.alt.startswith("Affiche")


def test_hostile_fields_do_not_crash() -> None:
    proposal = {"id": "p", "theme": 3, "letter": "🚀", "title": 42, "kind": {"x": 1}}
    theme = {"id": "t", "title": "\u202e" + "Thème interminable " * 20}
    poster = posters.render(proposal, theme, "<b>2028</b>")
    assert poster.image.size == (1600, 1000)
    assert "«\u00a042\u00a0»" in poster.alt
    for _, (left, _, right, _) in poster.text_boxes:
        assert 0 <= left < right <= posters.TEXT_X1


def test_script_titles_stay_plain_text_in_the_alt() -> None:
    alt = one("<script>alert(1)</script>").alt
    assert "<script>alert(1)</script>" in alt  # escaping belongs to whoever renders HTML


# -- the command line -------------------------------------------------------------------------


def test_ids_that_are_not_ids_are_refused(tmp_path: Path) -> None:
    doc = {"themes": [], "proposals": [{"id": "../../etc/passwd", "title": "x"}]}
    with pytest.raises(ValueError, match=r"\$\.proposals\[0\]\.id"):
        posters.write_posters(doc, tmp_path)
    assert not any(tmp_path.iterdir())


def test_cli_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert posters.main([str(tmp_path / "missing.json"), str(tmp_path / "out")]) == 1
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    assert posters.main([str(tmp_path / "list.json"), str(tmp_path / "out")]) == 1
    assert "posters:" in capsys.readouterr().err


def test_cli_without_write_alt_leaves_the_document_alone(tmp_path: Path) -> None:
    doc = {
        "themes": [{"id": "t", "title": "T"}],
        "proposals": [{"id": "a", "theme": "t", "title": "A"}],
    }
    path = tmp_path / "doc.json"
    text = json.dumps(doc)
    path.write_text(text, encoding="utf-8")
    assert posters.main([str(path), str(tmp_path / "media")]) == 0
    assert path.read_text(encoding="utf-8") == text
    assert (tmp_path / "media" / "a.png").is_file()
