"""The format's normal form, in which export(import(doc)) must equal doc. Pure."""

from typing import Any

_NOTHING: tuple[Any, ...] = (None, "", [], {})


def _is_nothing(value: Any) -> bool:
    # `0`, `False` and `0.0` are values, not "nothing": compare by type as well as by value.
    return any(type(value) is type(n) and value == n for n in _NOTHING)


def normalise(value: Any) -> Any:
    """Drop keys whose value means nothing (absent, null, "", [], {}), recursively; sort keys.

    The order of every list is kept: it is part of the document (the order of themes, of
    proposals within a theme, of the milestones of a pathway).
    """
    if isinstance(value, dict):
        result = {}
        for key in sorted(value):
            item = normalise(value[key])
            if not _is_nothing(item):
                result[key] = item
        return result
    if isinstance(value, list):
        return [normalise(item) for item in value]
    return value
