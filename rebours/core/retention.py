"""Purging personal data after a retention date: a small registry of purgers.

An app that keeps personal data about the people of some unit (a workshop's people and contacts,
a recruitment pool's volunteers) registers a purger under a name: a function that removes or
de-identifies that data for one unit and returns how many rows it changed, or would change with
`dry_run`. `purge` runs every purger registered for a kind of unit, in registration order, and
reports the counts by name. The caller runs it inside one transaction and records it in the
audit log (see `rebours.workshops.actions.do_purge_personal_data`).

Nothing here knows what a workshop is: the registry is keyed by a kind (`"workshop"`), so that
another app can register purgers for its own units and reuse `purge` and its reporting.
"""

from collections.abc import Callable
from typing import Any

Purger = Callable[..., int]  # purger(unit, *, dry_run: bool) -> rows changed

_PURGERS: dict[str, dict[str, Purger]] = {}


def register(kind: str, name: str, purger: Purger) -> None:
    """Add `purger` for units of `kind` under `name` (registering a name again replaces it)."""
    _PURGERS.setdefault(kind, {})[name] = purger


def purgers(kind: str) -> dict[str, Purger]:
    return dict(_PURGERS.get(kind, {}))


def purge(kind: str, unit: Any, *, dry_run: bool) -> dict[str, int]:
    """Run every purger of `kind` on `unit`; {name: rows changed (or that would change)}."""
    return {name: purger(unit, dry_run=dry_run) for name, purger in purgers(kind).items()}
