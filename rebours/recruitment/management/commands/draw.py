import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rebours.recruitment.drawing import new_seed, run_draw
from rebours.recruitment.pool_io import parse_seed
from rebours.recruitment.problem import DrawError
from rebours.recruitment.sortition import METHODS


def _read(path: Path, what: str) -> str:
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark.
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read the {what} file {str(path)!r}: {exc}") from None


class Command(BaseCommand):
    help = "Draw a panel from a pool by a fair stratified lottery."

    def add_arguments(self, parser):
        parser.add_argument("--pool", type=Path, required=True, help="pool CSV (id + features)")
        parser.add_argument("--quotas", type=Path, required=True, help="quotas CSV")
        parser.add_argument("--size", type=int, required=True, help="panel size")
        parser.add_argument("--method", choices=METHODS, default="leximin")
        parser.add_argument("--seed", help="published seed (whole number); random if omitted")
        parser.add_argument("--household", metavar="COLUMN", help="at most one per household")
        parser.add_argument(
            "--greedy-runs", type=int, default=0, help="also estimate the greedy draw's minimum"
        )
        parser.add_argument("-o", "--output", type=Path, help="write the JSON result here")

    def handle(self, *args, **options):
        try:
            if options["seed"] is None:
                seed = new_seed()
                self.stderr.write(f"seed: {seed} (generated; publish it with the result)")
            else:
                seed = parse_seed(options["seed"])
            report = run_draw(
                _read(options["pool"], "pool"),
                _read(options["quotas"], "quotas"),
                size=options["size"],
                method=options["method"],
                seed=seed,
                household_column=options["household"],
                greedy_runs=options["greedy_runs"],
            )
        except DrawError as exc:
            raise CommandError(str(exc)) from None
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
        if options["output"] is None:
            self.stdout.write(text, ending="")
            return
        try:
            options["output"].write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {str(options['output'])!r}: {exc}") from None
        self.stdout.write(f"panel of {len(report['panel'])} written to {options['output']}")
