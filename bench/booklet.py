"""How long the demo's booklet takes to become a PDF, and what WeasyPrint alone needs for it.

    python bench/booklet.py [--json] [--lang fr|en]

Sets up Django on a temporary data folder (SQLite), migrates, loads the demo, then times the
four steps of rebours.booklet.render.build_pdf — gathering the data, rendering the HTML,
WeasyPrint's layout, writing the PDF — and, in the same run, WeasyPrint alone on the very same
saved HTML (layout + write): the floor for this approach. The ratio says what our own work
(queries, templates) adds on top of that floor.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(data_dir: str) -> None:
    os.environ["REBOURS_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "rebours.settings"
    os.environ.pop("DATABASE_URL", None)
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint.progress").propagate = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from rebours.exchange.demo import load_demo

    load_demo()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lang", default="fr", choices=["fr", "en"])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rebours-bench-") as data_dir:
        setup(data_dir)
        from rebours.booklet.content import ImageMode, gather
        from rebours.booklet.render import (
            build_pdf,
            layout_pdf,
            render_print_html,
        )
        from rebours.exchange.demo import DEMO_SLUG
        from rebours.workshops.models import Workshop

        workshop = Workshop.objects.get(slug=DEMO_SLUG)
        build_pdf(workshop, args.lang)  # warm up: fonts, templates, imports

        ours = build_pdf(workshop, args.lang)
        html = render_print_html(gather(workshop, args.lang, images=ImageMode.PRINT))

        start = time.perf_counter()
        document, _problems = layout_pdf(html)
        floor_layout = time.perf_counter() - start
        start = time.perf_counter()
        data = document.write_pdf()
        floor_write = time.perf_counter() - start

    total = sum(ours.seconds.values())
    floor = floor_layout + floor_write
    result = {
        "pages": ours.pages,
        "bytes": len(ours.data),
        "gather_s": round(ours.seconds["gather"], 3),
        "html_s": round(ours.seconds["html"], 3),
        "layout_s": round(ours.seconds["layout"], 3),
        "write_s": round(ours.seconds["write"], 3),
        "total_s": round(total, 3),
        "weasyprint_alone_s": round(floor, 3),
        "weasyprint_alone_layout_s": round(floor_layout, 3),
        "weasyprint_alone_write_s": round(floor_write, 3),
        "ratio_to_weasyprint_alone": round(total / floor, 3),
        "floor_pages": len(document.pages),
        "floor_bytes": len(data),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"demo booklet ({args.lang}): {result['pages']} pages, {len(ours.data) / 1e6:.1f} MB")
    print(f"  gather the data      {result['gather_s']:7.2f} s")
    print(f"  render the HTML      {result['html_s']:7.2f} s")
    print(f"  WeasyPrint layout    {result['layout_s']:7.2f} s")
    print(f"  write the PDF        {result['write_s']:7.2f} s")
    print(f"  total                {result['total_s']:7.2f} s")
    print(f"WeasyPrint alone on the same HTML (layout + write): {floor:.2f} s")
    print(f"ratio (ours / WeasyPrint alone): {result['ratio_to_weasyprint_alone']:.2f}")


if __name__ == "__main__":
    main()
