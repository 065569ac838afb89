import os
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from tqdm import tqdm

from rebours.booklet.render import Step, build_html_file, build_pdf, overall_percent
from rebours.workshops.models import Workshop

STEP_LABELS = {
    Step.GATHER: "gather",
    Step.HTML: "render HTML",
    Step.LAYOUT: "layout",
    Step.WRITE: "write",
}


class Command(BaseCommand):
    help = "Write a workshop's booklet to a print-ready PDF or a single self-contained HTML file."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the workshop's slug")
        parser.add_argument(
            "-o", "--output", required=True, help="FILE.pdf or FILE.html (the suffix decides)"
        )
        parser.add_argument(
            "--lang",
            choices=[code for code, _ in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of the interface words (the workshop's text stays as written)",
        )

    def handle(self, *args, slug, output, lang, **options):
        workshop = Workshop.objects.filter(slug=slug).first()
        if workshop is None:
            raise CommandError(f'no workshop "{slug}"')
        target = Path(output)
        suffix = target.suffix.lower()
        if suffix == ".pdf":
            build = build_pdf
        elif suffix in (".html", ".htm"):
            build = build_html_file
        else:
            raise CommandError(f"{output}: write to a .pdf or an .html file")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent}: no such folder")

        bar = tqdm(total=100, file=sys.stderr, unit="%", dynamic_ncols=True, leave=True)

        shown: list[Step] = []

        def progress(step: Step, fraction: float) -> None:
            new_step = not shown or shown[-1] != step
            if new_step:
                shown.append(step)
            bar.set_description_str(STEP_LABELS[step], refresh=False)
            bar.update(overall_percent(step, fraction) - bar.n)
            if new_step:
                bar.refresh()  # every step shows, however quick

        try:
            result = build(workshop, lang, progress=progress)
            _write_atomically(target, result.data)
            progress(Step.WRITE, 1)
        finally:
            bar.close()
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        pages = f"{result.pages} pages, " if result.pages else ""
        self.stdout.write(f"Wrote {target} ({pages}{filesizeformat(len(result.data))}).")


def _write_atomically(target: Path, data: bytes) -> None:
    """Write next to `target`, then rename: a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
