"""Reading the editor's plain HTML form (the page works without JavaScript) into field values.

Lists are written one item per line; "who does what" and the pathway are rows of two inputs
with the same names (`roles-actor`/`roles-does`, `pathway-year`/`pathway-milestone`), paired by
position. The values are then checked by `actions.check_changes` like any other save.
"""

import json
from typing import Any, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rebours.proposals.checks import EDITABLE_FIELDS, TEXT_FIELDS, ProposalInvalid
from rebours.proposals.merge import union

LABELS = {
    "title": gettext_lazy("Title"),
    "kind": gettext_lazy("Kind"),
    "summary": gettext_lazy("Summary"),
    "objectives": gettext_lazy("Objectives"),
    "description": gettext_lazy("Description"),
    "how_it_works": gettext_lazy("How it works"),
    "roles": gettext_lazy("Who does what"),
    "obstacles": gettext_lazy("Obstacles"),
    "pathway": gettext_lazy("Pathway"),
    "image_alt": gettext_lazy("Image description"),
    "image": gettext_lazy("Image"),
    "merged": gettext_lazy("merged with a duplicate"),
}
# Blank rows offered after the filled ones when the page works without JavaScript.
SPARE_ROWS = 2


class PostData(Protocol):
    def get(self, key: str, default: Any = ...) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def values_from_post(post: PostData, *, strict: bool = True) -> dict[str, Any]:
    """Every template field present in the form, as the JSON values `check_changes` takes.

    With `strict` off, a year that is not a number is kept as typed (to show the form again).
    """
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in post:  # type: ignore[operator]
            values[name] = post.get(name, "")
    if "kind" in post:  # type: ignore[operator]
        values["kind"] = post.get("kind", "")
    for name in ("objectives", "obstacles"):
        if name in post:  # type: ignore[operator]
            values[name] = _lines(post.get(name, ""))
    if "roles-actor" in post:  # type: ignore[operator]
        actors, does = post.getlist("roles-actor"), post.getlist("roles-does")
        values["roles"] = [
            {"actor": a, "does": d}
            for a, d in zip(actors, does + [""] * (len(actors) - len(does)), strict=False)
            if a.strip() or d.strip()
        ]
    if "pathway-year" in post:  # type: ignore[operator]
        years, texts = post.getlist("pathway-year"), post.getlist("pathway-milestone")
        milestones = []
        for year, text in zip(years, texts + [""] * (len(years) - len(texts)), strict=False):
            if not year.strip() and not text.strip():
                continue
            number: int | str
            try:
                number = int(year)
            except ValueError:
                if strict:
                    raise ProposalInvalid(
                        "pathway", _("“%(year)s” is not a year") % {"year": year[:20]}
                    ) from None
                number = year[:20]
            milestones.append({"year": number, "milestone": text})
        values["pathway"] = milestones
    return values


def changes_against(
    base: dict[str, Any] | None, current: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    """The fields a form changed: those differing from what the form showed (its base)."""
    reference = base if base is not None else current
    return {name: value for name, value in values.items() if reference.get(name) != value}


def resolution_from_post(post: PostData) -> tuple[int, dict[str, Any]]:
    """(version the resolution is based on, the changes to save) from the conflict form."""
    try:
        base_version = int(post.get("base_version", ""))
        pending = json.loads(post.get("pending", "{}"))
        fields = json.loads(post.get("fields", "[]"))
    except ValueError:
        raise ProposalInvalid("version", _("the form was damaged; reload the editor")) from None
    if not isinstance(pending, dict) or not isinstance(fields, list):
        raise ProposalInvalid("version", _("the form was damaged; reload the editor"))
    changes = {name: value for name, value in pending.items() if name in EDITABLE_FIELDS}
    for name in fields:
        if name not in EDITABLE_FIELDS:
            continue
        choice = post.get(f"choice-{name}", "")
        try:
            mine = json.loads(post.get(f"mine-{name}", "null"))
            theirs = json.loads(post.get(f"theirs-{name}", "null"))
        except ValueError:
            raise ProposalInvalid(name, _("the form was damaged; reload the editor")) from None
        if choice == "mine":
            changes[name] = mine
        elif choice == "edit" and name in (*TEXT_FIELDS, "kind"):
            changes[name] = post.get(f"edit-{name}", "")
        elif choice == "both" and isinstance(mine, list) and isinstance(theirs, list):
            changes[name] = union(theirs, mine)
        elif choice == "theirs":
            changes.pop(name, None)
        else:
            raise ProposalInvalid(name, _("choose which version to keep"))
    return base_version, changes


def rows(
    value: list[dict[str, Any]] | None, keys: tuple[str, str], spare: int = SPARE_ROWS
) -> list[dict[str, Any]]:
    """The filled rows of a two-column field, then a few blank ones."""
    filled = [dict(row) for row in value or []]
    return filled + [dict.fromkeys(keys, "") for _ in range(spare)]
