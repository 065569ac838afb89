"""Merging concurrent edits of a proposal, field by field. Pure: no Django import.

A save carries the version it started from (its *base*). When someone else saved in between,
the server compares three snapshots per field: the base, the current state and the save
("mine"). A field nobody else touched since the base takes my value; a field only the others
touched keeps theirs; a field both changed, to different values, is a conflict that a person
must resolve. Nothing is ever overwritten silently.
"""

import difflib
import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Merge:
    apply: dict[str, Any] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)


def three_way(base: dict[str, Any] | None, current: dict[str, Any], mine: dict[str, Any]) -> Merge:
    """What to write of `mine`, given the snapshot it started from and the current one.

    With `base` unknown (its history is missing) every real change of a field someone else may
    have touched is a conflict: we cannot tell whose change it is.
    """
    merge = Merge()
    for name, value in mine.items():
        theirs = current.get(name)
        if value == theirs:
            continue  # already there: nothing to write, nothing to fight over
        if base is None:
            merge.conflicts.append(name)
        elif theirs == base.get(name):
            merge.apply[name] = value  # only I changed it
        elif value == base.get(name):
            continue  # only they changed it: theirs stands
        else:
            merge.conflicts.append(name)
    return merge


def union(theirs: list[Any], mine: list[Any]) -> list[Any]:
    """Both lists: theirs in their order, then my items they do not have."""
    combined = list(theirs)
    combined.extend(item for item in mine if item not in theirs)
    return combined


def changed_fields(
    before: dict[str, Any], after: dict[str, Any], names: tuple[str, ...]
) -> list[str]:
    return [name for name in names if before.get(name) != after.get(name)]


_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op "=", "-" or "+": the words removed from `old` and added in `new`."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("+", "".join(b[j1:j2])))
    return segments


def as_lines(name: str, value: Any) -> list[str]:
    """A field's value as the lines a person reads: list items, "actor → role", "year — step"."""
    if value is None or value == "":
        return []
    if name == "roles":
        return [f"{row.get('actor', '')} → {row.get('does', '')}" for row in value]
    if name == "pathway":
        ordered = sorted(value, key=lambda m: m.get("year", 0), reverse=True)
        return [f"{m.get('year', '')} — {m.get('milestone', '')}" for m in ordered]
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value).split("\n")


def as_text(name: str, value: Any) -> str:
    return "\n".join(as_lines(name, value))
