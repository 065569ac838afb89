"""``tally``: rank proposals from a tally document or a CSV of ballots.

All the logic lives in ``rebours.selection.tally_input`` and ``majority``, which are
tested without Django; this command only reads the file and prints the result.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rebours.selection.majority import Rule, TallyError
from rebours.selection.tally_input import (
    load_ballots_csv,
    load_tally_document,
    parse_grades,
    rank_input,
    result_document,
)


class Command(BaseCommand):
    help = "Rank proposals from a tally or ballots file by majority judgment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            metavar="FILE",
            help="a JSON tally document, or a CSV file of ballots (voter,proposal,grade)",
        )
        parser.add_argument(
            "--rule",
            choices=[rule.value for rule in Rule],
            default=Rule.MAJORITY.value,
            help="majority judgment (default) or Fabre's usual judgment",
        )
        missing = parser.add_mutually_exclusive_group()
        missing.add_argument(
            "--default-grade",
            metavar="G",
            help="grade name that counts for a missing vote (default: the worst grade)",
        )
        missing.add_argument(
            "--normalise",
            action="store_true",
            help="compare shares of votes instead of filling missing votes",
        )
        parser.add_argument(
            "--grades",
            metavar="WORST,...,BEST",
            help="grade names, worst first; required for CSV ballots",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot read the file ({error})") from None
        try:
            if path.suffix.casefold() == ".csv":
                if options["grades"] is None:
                    raise TallyError("--grades is required for CSV ballots")
                data = load_ballots_csv(text, parse_grades(options["grades"]))
            else:
                if options["grades"] is not None:
                    raise TallyError("--grades is for CSV ballots; a tally document has its own")
                data = load_tally_document(text)
            results = rank_input(
                data,
                rule=options["rule"],
                default_grade=options["default_grade"],
                normalise=options["normalise"],
            )
        except TallyError as error:
            raise CommandError(f"{path}: {error}") from None
        document = result_document(options["rule"], data.grades, results)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
