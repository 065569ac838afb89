"""The PDF and the single-file HTML of small workshops: hostile text, missing images, the CLI."""

import re
import subprocess
import sys

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from rebours.booklet.content import gather
from rebours.booklet.render import build_html_file, build_pdf
from rebours.proposals.models import Proposal
from tests.booklet.conftest import flat, import_document, keep, pdf_pages, pdf_text, save_pngs
from tests.support.hostile import SCRIPT, hostile_document
from tests.support.media import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_workshop(tmp_path):
    # Imported from a .json-like package: p-1 names an image it does not carry.
    return import_document(tmp_path, hostile_document())


def test_hostile_text_is_printed_as_text(hostile_workshop, tmp_path):
    result = build_pdf(hostile_workshop, "fr")
    pdf = keep_bytes(tmp_path / "hostile.pdf", result.data)
    keep(pdf, "hostile-fr.pdf")
    save_pngs(pdf, "hostile-fr", last=4)
    text = pdf_text(pdf)
    assert SCRIPT in text  # the literal markup, set as text
    assert "{{ secret }}{% debug %}" in text  # template syntax is not evaluated either
    assert result.pages == pdf_pages(pdf) >= 8

    html = build_html_file(hostile_workshop, "fr").data.decode("utf-8")
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in html
    assert SCRIPT not in html
    assert "<img src=x" not in html


def test_a_missing_image_gives_a_placeholder_and_a_warning(hostile_workshop, tmp_path):
    # p-1 names media/p1.png, which a .json import cannot carry.
    booklet = gather(hostile_workshop, "en")
    picture = booklet.chapters[0].proposals[0].picture
    assert not picture.available and picture.missing == "Image not uploaded yet"
    assert any("was never uploaded" in w for w in booklet.warnings)

    # And a file that was stored once but is gone from storage.
    proposal = Proposal.objects.get(workshop=hostile_workshop, key="p-1")
    proposal.image.save("gone.png", content=_content(png_bytes()), save=True)
    default_storage.delete(proposal.image.name)
    result = build_pdf(hostile_workshop, "en")
    assert any("missing from storage" in w for w in result.warnings)
    pdf = keep_bytes(tmp_path / "missing.pdf", result.data)
    assert "Image missing" in pdf_text(pdf)


def test_the_command_writes_an_english_pdf(generated, tmp_path, capsys):
    target = tmp_path / "booklet.pdf"
    call_command("booklet", generated.slug, "-o", str(target), "--lang", "en")
    out, err = capsys.readouterr()
    assert f"Wrote {target}" in out
    for step in ("gather", "render HTML", "layout", "write"):
        assert step in err  # the progress bar names each step on stderr
    text = pdf_text(target)
    assert "Contents" in text and "Sommaire" not in text
    assert "> objectives" in text and "The officials’ favourites" in text
    assert "Proposition 1a : un lieu pour tous" in flat(text).title() or "Proposition 1a" in text
    keep(target, "generated-en.pdf")
    save_pngs(target, "generated-en")


def test_the_command_writes_a_single_self_contained_html_file(generated, tmp_path):
    target = tmp_path / "booklet.html"
    call_command("booklet", generated.slug, "-o", str(target), "--lang", "fr")
    html = target.read_text(encoding="utf-8")
    assert "<style>" in html and ".bk-cover" in html  # the stylesheets are inlined
    assert 'rel="stylesheet"' not in html
    assert re.search(r'<img class="bk-image" src="data:image/png;base64,', html)
    assert not re.search(r'src="/(media|static)/', html)  # nothing to fetch from a server
    assert "Sommaire" in html and "Proposition 1a" in html


def test_the_command_refuses_what_it_cannot_do(generated, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no workshop"):
        call_command("booklet", "nope", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match=r"\.pdf or an \.html"):
        call_command("booklet", generated.slug, "-o", str(tmp_path / "x.docx"))


def test_rebours_booklet_is_the_public_name():
    result = subprocess.run(
        [sys.executable, "-m", "rebours", "booklet", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "--lang" in result.stdout


def keep_bytes(path, data):
    path.write_bytes(data)
    return path


def _content(data):
    from django.core.files.base import ContentFile

    return ContentFile(data)
