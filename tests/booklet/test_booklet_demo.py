"""The demo's booklet, rendered once per session: everything in it, and a table of contents
whose page numbers point at the right pages."""

import re

from rebours.booklet.render import expected_pages
from tests.booklet.conftest import flat, pdf_pages, pdf_text, save_pngs


def test_every_proposal_title_and_theme_question_is_printed(demo_pdf, demo_document):
    text = flat(pdf_text(demo_pdf))
    for theme in demo_document["themes"]:
        assert flat(theme["title"]) in text
        if theme.get("question"):
            assert flat(theme["question"]) in text, theme["id"]
    for proposal in demo_document["proposals"]:
        assert flat(proposal["title"]) in text, proposal["id"]
    assert "> objectifs" in text and "> qui fait quoi ?" in text
    # Letter-spaced capitals come back from pdftotext with the odd space inside a word.
    assert re.search(r"/ n ?o ?t ?r ?e a ?v ?i ?s", text)


def test_the_contents_agree_with_the_pages(demo_pdf, demo_document):
    pages = pdf_pages(demo_pdf)
    texts = [pdf_text(demo_pdf, n, n, layout=True) for n in range(1, pages + 1)]
    toc_pages = [n for n, text in enumerate(texts, 1) if "Sommaire" in text]
    assert toc_pages, "no table of contents"
    toc = flat("\n".join(texts[n - 1] for n in toc_pages))
    targets = [t["title"] for t in demo_document["themes"]]
    targets += [p["title"] for p in demo_document["proposals"]]
    for title in targets:
        # "Alimentation ........ 5": the title (perhaps cut by the line's end), leaders, a number.
        head = re.escape(flat(title)[:28])
        match = re.search(head + r"[^.]*?(?:\s*\.)+\s*(\d+)", toc)
        assert match, f"{title!r} is not in the contents"
        page = int(match.group(1))
        assert 1 <= page <= pages
        assert flat(title)[:28] in flat(texts[page - 1]), f"{title!r} is not on page {page}"
    # The footer's "n / total" agrees with the document.
    assert f"{pages} / {pages}" in texts[-1]


def test_pages_are_saved_for_a_person_to_look_at(demo_pdf):
    pngs = save_pngs(demo_pdf, "demo-fr")
    assert len(pngs) == pdf_pages(demo_pdf)
    assert all(p.stat().st_size > 1000 for p in pngs)


def test_the_page_estimate_is_in_the_right_range(demo_pdf, demo_document):
    # The estimate drives the progress bar during layout; it should not be wildly off.
    class Shape:
        chapters = demo_document["themes"]
        proposal_count = len(demo_document["proposals"])
        selection = True

    estimate = expected_pages(Shape)
    assert 0.6 < estimate / pdf_pages(demo_pdf) < 1.5
