"""`rebours similar SLUG [--top N] [--json]`: the nearest proposals of other workshops."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import Package
from rebours.review import originality
from rebours.review.actions import do_import_initiatives
from rebours.workshops.models import Workshop

pytestmark = pytest.mark.django_db


def document(slug: str, proposals: list[tuple[str, str, str]]) -> dict:
    return {
        "format": "rebours.workshop/1",
        "workshop": {"slug": slug, "title": slug.title(), "horizon_year": 2040},
        "themes": [{"id": "t", "title": "Tout"}],
        "proposals": [
            {"id": key, "theme": "t", "title": title, "summary": summary}
            for key, title, summary in proposals
        ],
    }


@pytest.fixture
def workshops():
    originality.clear_cache()
    do_import_workshop(
        Package(
            document=document(
                "nord",
                [
                    ("cantine", "Cantine locale", "Les cantines achètent aux fermes voisines."),
                    ("velo", "Vélo-école", "Apprendre le vélo aux adultes dans chaque quartier."),
                ],
            )
        ),
        actor=None,
    )
    do_import_workshop(
        Package(
            document=document(
                "sud",
                [
                    ("repas", "Repas des fermes", "Les cantines des écoles achètent aux fermes."),
                    ("pistes", "Pistes cyclables", "Des pistes pour le vélo dans chaque quartier."),
                    ("energie", "Toits solaires", "Des panneaux sur les toits des lycées."),
                ],
            )
        ),
        actor=None,
    )
    yield
    originality.clear_cache()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("similar", *args, "--backend", "tfidf", stdout=out)
    return out.getvalue()


def test_json_lists_neighbours_of_other_workshops_best_first(workshops):
    result = json.loads(run("nord", "--json", "--top", "2"))
    assert set(result) == {"cantine", "velo"}
    for matches in result.values():
        assert 0 < len(matches) <= 2
        assert all(set(m) == {"workshop", "proposal", "title", "score"} for m in matches)
        assert all(m["workshop"] == "sud" for m in matches)
        assert [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)
    assert result["cantine"][0] == {
        "workshop": "sud",
        "proposal": "repas",
        "title": "Repas des fermes",
        "score": result["cantine"][0]["score"],
    }
    assert result["velo"][0]["proposal"] == "pistes"


def test_initiatives_come_under_their_own_keys(workshops):
    do_import_initiatives(
        Workshop.objects.get(slug="nord"),
        "title,description,url,place\n"
        "Atelier du vélo,Apprendre le vélo et le réparer,https://example.org,Lyon\n".encode(),
        actor=None,
    )
    result = json.loads(run("nord", "--json", "--initiatives"))
    assert result["velo@initiatives"][0]["title"] == "Atelier du vélo"
    assert result["velo@initiatives"][0]["url"] == "https://example.org"
    text = run("nord")
    assert "initiative: Atelier du vélo (Lyon)" in text


def test_text_output_names_each_proposal(workshops):
    text = run("sud", "--top", "1")
    assert "repas  Repas des fermes" in text
    assert "nord/cantine" in text


def test_bad_arguments(workshops):
    with pytest.raises(CommandError):
        run("nowhere")
    with pytest.raises(CommandError):
        run("nord", "--top", "0")
