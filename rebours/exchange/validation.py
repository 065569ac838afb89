"""Validation of a workshop document: the shared JSON Schema first, then what a schema cannot say
(references between lists, uniqueness, grades on the scale, text the databases cannot store).

Pure: no Django import. Raises `ExchangeError` naming the JSON path of the first fault, in
document order, so that the same document always gets the same message.
"""

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from rebours.exchange.errors import ExchangeError

FORMAT = "rebours.workshop/1"
FORMAT_FAMILY = "rebours.workshop/"


@cache
def schema() -> dict[str, Any]:
    text = (
        resources.files("rebours.exchange")
        .joinpath("schema/workshop.schema.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=FormatChecker())


def json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.isidentifier():
            path += f".{part}"
        else:
            path += f"[{json.dumps(part, ensure_ascii=False)}]"
    return path


def parse_json(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise ExchangeError("$", f"the file is not UTF-8 ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ExchangeError(
            "$", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None


def validate(document: Any) -> None:
    """Raise ExchangeError for the first fault of `document`; return None when it is sound."""
    _check_version(document)
    _check_schema(document)
    _check_text(document, [])
    _check_identity_and_references(document)


def _check_version(document: Any) -> None:
    if not isinstance(document, dict):
        raise ExchangeError("$", "a workshop document is a JSON object")
    fmt = document.get("format")
    if fmt is None:
        raise ExchangeError("$.format", f'missing; expected "{FORMAT}"')
    if not isinstance(fmt, str) or not fmt.startswith(FORMAT_FAMILY):
        raise ExchangeError("$.format", f'not a Rebours workshop document (expected "{FORMAT}")')
    if fmt != FORMAT:
        raise ExchangeError("$.format", f'unknown version "{fmt}"; this Rebours reads "{FORMAT}"')


def _sort_key(error: ValidationError) -> tuple:
    # Document order: compare paths element by element; integers before names never mix at one
    # level, so comparing (type, value) pairs is enough.
    return tuple((isinstance(p, str), p) for p in error.absolute_path), -len(error.absolute_path)


def _check_schema(document: dict[str, Any]) -> None:
    errors = list(_validator().iter_errors(document))
    if not errors:
        return
    first = min(errors, key=_sort_key)
    # A oneOf/anyOf would hide the useful message in its context; the schema has none today,
    # but descend anyway so that a future schema keeps the messages readable.
    while first.context:
        first = min(first.context, key=_sort_key)
    raise ExchangeError(json_path(first.absolute_path), _describe(first))


def _describe(error: ValidationError) -> str:
    validator = error.validator
    if validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        names = ", ".join(json.dumps(k, ensure_ascii=False) for k in extra)
        return f"unknown key {names}" if len(extra) == 1 else f"unknown keys {names}"
    if validator == "required":
        return error.message.replace("is a required property", "is required")
    if validator == "enum":
        allowed = ", ".join(json.dumps(v, ensure_ascii=False) for v in error.validator_value)
        return f"{_short(error.instance)} is not one of {allowed}"
    if validator == "pattern":
        return f"{_short(error.instance)} does not match the pattern {error.validator_value}"
    if validator == "const":
        return f"must be {json.dumps(error.validator_value)}"
    if validator == "format":
        return f"{_short(error.instance)} is not a valid {error.validator_value}"
    if validator == "uniqueItems":
        return "has repeated items"
    if validator == "maxLength":
        return f"longer than {error.validator_value} characters"
    if validator == "minLength":
        return "must not be empty" if error.validator_value == 1 else error.message
    if validator == "type":
        return f"must be of type {error.validator_value}, not {_json_type(error.instance)}"
    return error.message


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _check_text(value: Any, path: list) -> None:
    """Refuse text that PostgreSQL or UTF-8 cannot store, wherever it is (keys included)."""
    if isinstance(value, str):
        _check_string(value, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, [*path, index])
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_string(key, path)
            _check_text(item, [*path, key])


def _check_string(text: str, path: list) -> None:
    if "\x00" in text:
        raise ExchangeError(json_path(path), "contains a NUL character, which cannot be stored")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ExchangeError(
            json_path(path), "contains a lone surrogate: not valid Unicode"
        ) from None


LISTS_WITH_IDS = ("people", "press_review", "agenda", "themes", "notes", "proposals")


def _ids(document: dict[str, Any], key: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    for index, item in enumerate(document.get(key) or []):
        ident = item["id"]
        if ident in seen:
            raise ExchangeError(
                f"$.{key}[{index}].id",
                f'duplicate id "{ident}" (already used at $.{key}[{seen[ident]}])',
            )
        seen[ident] = index
    return seen


def _references(document: dict[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    """Every reference in document order: (path, id, list it must be in, what it names)."""
    for i, article in enumerate(document.get("press_review") or []):
        if article.get("theme") is not None:
            yield f"$.press_review[{i}].theme", article["theme"], "themes", "theme"
    for i, theme in enumerate(document.get("themes") or []):
        if theme.get("article") is not None:
            yield f"$.themes[{i}].article", theme["article"], "press_review", "article"
        for role in ("facilitators", "designers", "members"):
            for j, person in enumerate(theme.get(role) or []):
                yield f"$.themes[{i}].{role}[{j}]", person, "people", "person"
    for i, note in enumerate(document.get("notes") or []):
        yield f"$.notes[{i}].theme", note["theme"], "themes", "theme"
        if note.get("session") is not None:
            yield f"$.notes[{i}].session", note["session"], "agenda", "agenda item"
        if note.get("author") is not None:
            yield f"$.notes[{i}].author", note["author"], "people", "person"
    for i, proposal in enumerate(document.get("proposals") or []):
        yield f"$.proposals[{i}].theme", proposal["theme"], "themes", "theme"
    selection = document.get("selection") or {}
    for i, ballot in enumerate(selection.get("ballots") or []):
        yield f"$.selection.ballots[{i}].voter", ballot["voter"], "people", "person"
        for proposal in ballot.get("grades") or {}:
            path = json_path(["selection", "ballots", i, "grades", proposal])
            yield path, proposal, "proposals", "proposal"
    for i, favourite in enumerate(selection.get("favourites") or []):
        yield f"$.selection.favourites[{i}].by", favourite["by"], "people", "person"
        yield (
            f"$.selection.favourites[{i}].proposal",
            favourite["proposal"],
            "proposals",
            "proposal",
        )


def _check_identity_and_references(document: dict[str, Any]) -> None:
    known = {key: _ids(document, key) for key in LISTS_WITH_IDS}
    for path, ident, target, noun in _references(document):
        if ident not in known[target]:
            raise ExchangeError(path, f'no {noun} "{ident}"')

    selection = document.get("selection")
    if not selection:
        return
    scale = selection["grades"]
    voters: dict[str, int] = {}
    for i, ballot in enumerate(selection.get("ballots") or []):
        voter = ballot["voter"]
        if voter in voters:
            raise ExchangeError(
                f"$.selection.ballots[{i}].voter",
                f'"{voter}" already voted (ballot $.selection.ballots[{voters[voter]}]); '
                "one ballot per voter",
            )
        voters[voter] = i
        for proposal, grade in (ballot.get("grades") or {}).items():
            if grade not in scale:
                raise ExchangeError(
                    json_path(["selection", "ballots", i, "grades", proposal]),
                    f"grade {_short(grade)} is not in the scale $.selection.grades",
                )
    favourites: set[tuple[str, str]] = set()
    for i, favourite in enumerate(selection.get("favourites") or []):
        pair = (favourite["by"], favourite["proposal"])
        if pair in favourites:
            raise ExchangeError(
                f"$.selection.favourites[{i}]",
                f'"{pair[0]}" already named "{pair[1]}" as a favourite',
            )
        favourites.add(pair)


def image_paths(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(JSON path, media path) of every image the document names, in document order."""
    found = []
    for i, proposal in enumerate(document.get("proposals") or []):
        image = proposal.get("image")
        if image and image.get("path"):
            found.append((f"$.proposals[{i}].image.path", image["path"]))
    return found
