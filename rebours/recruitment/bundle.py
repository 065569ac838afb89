"""The public bundle of a draw: everything anyone needs to re-run it, and nothing personal.

A .zip holding the pool (pseudonymous ids, the quoted categories, numbered households), the
quotas, the seed, the command line, the result and the replacements. No name, no contact, no
address: the organisers keep the table from pseudonyms to people.
"""

import io
import json
import zipfile
from typing import Any

from rebours.recruitment import snapshot
from rebours.recruitment.computing import inputs
from rebours.recruitment.models import Draw, Replacement

README = """Draw {number} of the workshop "{workshop}" ({method}, panel of {size})

Files
  pool.csv          the pool as drawn: a pseudonymous id per volunteer, their categories{household}
  quotas.csv        the quotas: at least min and at most max panel members with each value
  seed.txt          the seed: the draw takes slot 1 + (seed mod m) of the lottery
  result.json       the result as the draw command prints it
  replacements.json replacements drawn later for people who declined (if any)

Re-run it (Rebours installed, in this folder):

  {command}

The panel printed must be the one in result.json. Replacements are re-run with the Python API:
rebours.recruitment.sortition.replace(pool minus earlier decliners, quotas, {size}, panel before
the replacement, declined, seed{household_arg}), as docs/recruitment.md explains.
"""


def replacements_document(done: list[Replacement]) -> list[dict[str, Any]]:
    return [
        {
            "position": r.position,
            "seed": r.seed,
            "declined": r.declined,
            "excluded_earlier_decliners": r.excluded,
            "kept": r.kept,
            "added": r.added,
            "panel": r.panel,
            "lottery": r.lottery,
            "drawn_at": r.created_at.isoformat(),
        }
        for r in done
    ]


def command(draw: Draw) -> str:
    return snapshot.command_line(
        size=draw.size, method=draw.method, seed=draw.seed, household=draw.household
    )


def bundle_zip(draw: Draw, done: list[Replacement]) -> bytes:
    given = inputs(draw)
    readme = README.format(
        number=draw.pk,
        workshop=draw.workshop.title,
        method=draw.method,
        size=draw.size,
        command=command(draw),
        household=", and a household number" if draw.household else "",
        household_arg=", household=True" if draw.household else "",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr("pool.csv", given.pool_text)
        archive.writestr("quotas.csv", given.quotas_text)
        archive.writestr("seed.txt", draw.seed + "\n")
        archive.writestr("command.txt", command(draw) + "\n")
        archive.writestr(
            "result.json", json.dumps(draw.result, ensure_ascii=False, indent=2) + "\n"
        )
        archive.writestr(
            "replacements.json",
            json.dumps(replacements_document(done), ensure_ascii=False, indent=2) + "\n",
        )
    return buffer.getvalue()
