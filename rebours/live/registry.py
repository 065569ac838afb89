"""What each app plugs into the live layer: who may read a stream, and the commands it accepts.

Apps register in their AppConfig.ready(): `register_stream("board", can_read_board)` and
`register_command("note.create", handle_note_create)`. The consumer and the HTTP fallback only
ever go through `can_read()` and `run_command()`, so both transports obey the same rules.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass
class Viewer:
    """Who is at the other end of a connection: an account (maybe anonymous) and their session."""

    user: AbstractBaseUser | AnonymousUser
    session: Mapping[str, Any] = field(default_factory=dict)


class CommandRefused(Exception):
    """A command the server will not carry out; the message is shown to that client only."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


StreamReader = Callable[[Viewer, str], bool]
CommandHandler = Callable[[Viewer, dict[str, Any]], dict[str, Any] | None]

_readers: dict[str, StreamReader] = {}
_commands: dict[str, CommandHandler] = {}


def register_stream(kind: str, can_read: StreamReader) -> None:
    """`kind` is the part of a stream name before the colon ("board" in "board:12")."""
    _readers[kind] = can_read


def register_command(name: str, handler: CommandHandler) -> None:
    _commands[name] = handler


def stream_kind(stream: str) -> str:
    return stream.split(":", 1)[0]


def can_read(viewer: Viewer, stream: str) -> bool:
    reader = _readers.get(stream_kind(stream))
    return reader is not None and reader(viewer, stream)


def run_command(viewer: Viewer, name: str, data: dict[str, Any]) -> dict[str, Any]:
    handler = _commands.get(name)
    if handler is None:
        raise CommandRefused(f"unknown command {name!r}", code="unknown")
    return handler(viewer, data) or {}


def known_commands() -> list[str]:
    return sorted(_commands)
