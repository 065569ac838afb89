"""Importing existing initiatives from CSV: all or nothing, the first fault named by its line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from rebours.review.actions import do_import_initiatives
from rebours.review.initiatives import InitiativesInvalid, parse_initiatives
from rebours.review.models import Initiative
from tests.support.hostile import hostile
from tests.support.state import snapshot


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are checked in English here; the French catalogue has them all too."""
    with translation.override("en"):
        yield


GOOD = (
    "title,description,url,place\n"
    'Cantines bio,"Des repas locaux\npour les écoles",https://example.org/cantines,Gers\n'
    "Fab lab,,,\n"
)


def test_a_good_file_is_read_whole():
    rows = parse_initiatives(GOOD.encode())
    assert [(r.line, r.title, r.place) for r in rows] == [
        (2, "Cantines bio", "Gers"),
        (4, "Fab lab", ""),
    ]
    assert rows[0].description == "Des repas locaux\npour les écoles"


def test_french_spreadsheets_are_understood():
    data = (
        "\ufeffTitre;Description;Lien;Lieu\r\n"
        "Épicerie solidaire;Vente à prix coûtant;;Marseille\r\n"
    )
    (row,) = parse_initiatives(data.encode("utf-8"))
    assert (row.title, row.url, row.place) == ("Épicerie solidaire", "", "Marseille")


def test_hostile_text_is_kept_as_text():
    title = hostile("t")[:290].replace('"', "'")
    description = hostile("d").replace('"', "'")
    data = f'title,description\n"{title}","{description}"\n'
    (row,) = parse_initiatives(data.encode())
    assert "<script>" in row.title


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"name,description\nA,b\n", 1, "name"),
        (b"description,url\nA,https://x.org\n", 1, "title"),
        (b"title,title\nA,B\n", 1, "twice"),
        (b"title,description\nA,b\nB,c,d\n", 3, "3"),
        (b"title,description\nA,b\n,c\n", 3, "title"),
        (b"title,url\nA,javascript:alert(1)\n", 2, "javascript"),
        (b"title,url\nA,ftp://example.org\n", 2, "ftp"),
        ("title,place\nA,Gers\nB,Lozère\n".encode("latin-1"), 3, "UTF-8"),
        ("title\n" + "x" * 301 + "\n", 2, "300"),
        (b'title,description\nA,"unclosed\nB,c\n', 2, "malformed"),
        (b"title\nA\x00\n", 2, "NUL"),
        (b"", 0, "empty"),
        (b"title,description\n", 0, "no initiative"),
    ],
    ids=[
        "unknown-column",
        "no-title-column",
        "twice",
        "extra-cell",
        "empty-title",
        "javascript-url",
        "ftp-url",
        "latin-1",
        "too-long",
        "unclosed-quote",
        "nul",
        "empty",
        "header-only",
    ],
)
def test_faults_name_their_line(data, line, words):
    if isinstance(data, str):
        data = data.encode()
    with pytest.raises(InitiativesInvalid) as caught:
        parse_initiatives(data)
    assert caught.value.line == line
    assert words.lower() in caught.value.message.lower()


@pytest.mark.django_db
def test_a_faulty_file_imports_nothing(workshop, organiser):
    do_import_initiatives(workshop, GOOD.encode(), actor=organiser)
    before = snapshot() | {"initiatives": list(Initiative.objects.values_list("title", flat=True))}
    bad = GOOD + "Troisième,x,pas une adresse,y\n"
    with pytest.raises(InitiativesInvalid) as caught:
        do_import_initiatives(workshop, bad.encode(), actor=organiser)
    assert caught.value.line == 5
    assert (
        snapshot() | {"initiatives": list(Initiative.objects.values_list("title", flat=True))}
        == before
    )


@pytest.mark.django_db
def test_replace_or_add(workshop, organiser):
    do_import_initiatives(workshop, GOOD.encode(), actor=organiser)
    do_import_initiatives(workshop, b"title\nTiers-lieu\n", actor=organiser, replace=False)
    assert list(workshop.initiatives.values_list("title", flat=True)) == [
        "Cantines bio",
        "Fab lab",
        "Tiers-lieu",
    ]
    do_import_initiatives(workshop, b"title\nSeul\n", actor=organiser)
    assert list(workshop.initiatives.values_list("title", flat=True)) == ["Seul"]


@pytest.mark.django_db
def test_the_import_page_names_the_line(workshop, organiser_client, member_client):
    url = reverse("review:initiatives", args=["hostile"])
    data = "title,place\nA,Gers\nB,Lozère\n".encode("latin-1")
    organiser_client.cookies["django_language"] = "en"
    response = organiser_client.post(
        url, {"file": SimpleUploadedFile("init.csv", data), "replace": "on"}
    )
    assert response.status_code == 400
    assert "Line 3" in response.content.decode()
    assert not Initiative.objects.exists()
    ok = organiser_client.post(
        url, {"file": SimpleUploadedFile("init.csv", GOOD.encode()), "replace": "on"}
    )
    assert ok.status_code == 302 and Initiative.objects.count() == 2
    assert member_client.get(url).status_code == 302  # to sign in: organisers only
