"""Booklet tests: workshops imported through the importer, PDFs read back with poppler."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rebours.exchange.actions import do_import_workshop
from rebours.exchange.containers import read_package
from rebours.exchange.demo import DEMO_DIR, DEMO_SLUG

# Browser fixtures (Debian's Chromium, screenshots) are shared with tests/browser.
from tests.browser.conftest import browser_type_launch_args, dialogs, shoot  # noqa: F401
from tests.support.booklet_docs import generated_document, write_zip
from tests.support.server import REPO

OUTPUT = REPO / "test-output" / "booklet"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).name.startswith("test_browser_"):
            item.add_marker(pytest.mark.browser)


def import_document(tmp_path: Path, document: dict, media: dict | None = None):
    """Import through the real importer: a .zip with `media`, else a bare .json."""
    slug = document["workshop"]["slug"]
    if media is None:
        path = tmp_path / f"{slug}.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    else:
        path = write_zip(tmp_path / f"{slug}.zip", document, media)
    return do_import_workshop(read_package(path), actor=None).workshop


@pytest.fixture
def generated(tmp_path, db):
    document, media = generated_document(themes=2, per_theme=2)
    return import_document(tmp_path, document, media)


def pdf_text(path: Path, first: int | None = None, last: int | None = None, layout=False) -> str:
    command = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        command.append("-layout")
    if first:
        command += ["-f", str(first), "-l", str(last or first)]
    result = subprocess.run([*command, str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def flat(text: str) -> str:
    """Whitespace (line breaks, no-break spaces) collapsed, for comparing set text."""
    return " ".join(text.replace("\u00ad", "").split()).casefold()


@pytest.fixture(scope="session")
def demo_pdf(tmp_path_factory) -> Path:
    """The demo's booklet, rendered once per session the way a person does it: by the CLI."""
    if not (DEMO_DIR / "workshop.json").exists():
        pytest.skip("the demo workshop has not landed yet")
    if not (DEMO_DIR / "media").is_dir():
        pytest.skip("the demo's images have not landed yet")
    data = tmp_path_factory.mktemp("demo-data")
    env = {**os.environ, "REBOURS_DATA_DIR": str(data)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)  # its own SQLite file, whatever the suite runs on

    def rebours(*args):
        return subprocess.run(
            [sys.executable, "-m", "rebours", *args],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )

    rebours("migrate", "--verbosity", "0")
    rebours("demo", "--no-serve")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    target = OUTPUT / "demo-fr.pdf"
    rebours("booklet", DEMO_SLUG, "-o", str(target), "--lang", "fr")
    return target


@pytest.fixture(scope="session")
def demo_document() -> dict:
    return json.loads((DEMO_DIR / "workshop.json").read_text(encoding="utf-8"))


def save_pngs(pdf: Path, prefix: str, *, first: int = 1, last: int | None = None) -> list[Path]:
    """Pages as PNG under test-output/booklet/, for a person to look at."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob(f"{prefix}-*.png"):
        old.unlink()
    command = ["pdftoppm", "-png", "-r", "50", "-f", str(first)]
    if last:
        command += ["-l", str(last)]
    subprocess.run([*command, str(pdf), str(OUTPUT / prefix)], check=True)
    return sorted(OUTPUT.glob(f"{prefix}-*.png"))


def keep(path: Path, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(path, OUTPUT / name))
