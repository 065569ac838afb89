"""Fail when a French catalogue has an untranslated or fuzzy entry, or its .mo is stale.

Each app keeps rebours/<app>/locale/fr/LC_MESSAGES/django.po; `make messages` refreshes them.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "rebours"


def entries(po: Path):
    """Yield (msgid, msgstr list, fuzzy) for each entry of a .po file."""
    block: list[str] = []
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            yield parse(block)
            block = []


def parse(block: list[str]):
    fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block)
    current = None
    fields: dict[str, str] = {}
    for line in block:
        if line.startswith("#"):
            continue
        if line.startswith(("msgid", "msgstr", "msgctxt")):
            current, _, rest = line.partition(" ")
            fields[current] = rest.strip()[1:-1]
        elif line.startswith('"') and current:
            fields[current] += line[1:-1]
    msgid = fields.get("msgid", "")
    strings = [v for k, v in fields.items() if k.startswith("msgstr")]
    return msgid, strings, fuzzy


def main() -> int:
    problems = []
    catalogues = sorted(ROOT.glob("*/locale/fr/LC_MESSAGES/django.po"))
    for po in catalogues:
        for msgid, strings, fuzzy in entries(po):
            if not msgid:
                continue
            if fuzzy:
                problems.append(f"{po}: fuzzy entry {msgid!r}")
            elif not strings or any(not s for s in strings):
                problems.append(f"{po}: untranslated {msgid!r}")
        mo = po.with_suffix(".mo")
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "django.mo"
            subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
            if not mo.exists() or mo.read_bytes() != fresh.read_bytes():
                problems.append(f"{mo}: missing or older than its .po (run `make messages`)")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(catalogues)} French catalogues checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
