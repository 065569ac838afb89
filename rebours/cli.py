"""The `rebours` command: one subcommand per purpose, each a Django management command.

`rebours --help` lists them with their one-sentence help; `rebours manage …` reaches every
Django command (createsuperuser, shell, collectstatic…).
"""

import os
import sys

# Subcommand -> management command. Order is the order `rebours --help` shows.
COMMANDS = {
    "demo": "demo",
    "serve": "serve",
    "import": "import_workshop",
    "export": "export_workshop",
    "booklet": "booklet",
    "similar": "similar",
    "tally": "tally",
    "draw": "draw",
    "migrate": "migrate",
}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rebours.settings")
    import django

    django.setup()


def _available() -> dict[str, str]:
    from django.core.management import get_commands

    known = get_commands()
    return {name: command for name, command in COMMANDS.items() if command in known}


def _help() -> str:
    from django.core.management import get_commands, load_command_class

    known = get_commands()
    lines = [
        "usage: rebours COMMAND [options]",
        "",
        "Participatory backcasting workshops, from the panel to the booklet.",
        "",
        "commands:",
    ]
    for name, command in _available().items():
        summary = load_command_class(known[command], command).help.strip().splitlines()[0]
        lines.append(f"  {name:<10} {summary}")
    lines.append(f"  {'manage':<10} Run any Django management command (rebours manage help).")
    lines += ["", "rebours COMMAND --help shows a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    _setup()
    from django.core.management import ManagementUtility

    if not args or args[0] in {"-h", "--help", "help"}:
        print(_help())
        return
    name, rest = args[0], args[1:]
    if name == "manage":
        ManagementUtility(["rebours manage", *rest]).execute()
        return
    available = _available()
    if name not in available:
        print(f"rebours: unknown command {name!r}\n\n{_help()}", file=sys.stderr)
        sys.exit(2)
    ManagementUtility(["rebours", available[name], *rest]).execute()
