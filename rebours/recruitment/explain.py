"""Why quotas cannot be met, in the organiser's language.

The pure module explains each problem in one English line and tags it with a stable `kind`, the
quota concerned and the amount; the pages rebuild the sentence from those, translated, naming
volunteers by name rather than pseudonym (organisers only see these). An unknown kind falls back
to the module's own English line.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rebours.recruitment.sortition import Infeasibility


def _quota_label(issue: Infeasibility) -> str:
    return f"{issue.feature} = {issue.value}"


def explain(
    issue: Infeasibility,
    *,
    quotas: Sequence[Mapping[str, Any]],
    pool: Sequence[Mapping[str, Any]],
    size: int,
    names: Mapping[str, str],
    household: bool = False,
) -> str:
    """One sentence for one problem (see `Infeasibility.kind` in the pure module)."""
    quota = next(
        (q for q in quotas if q["feature"] == issue.feature and q["value"] == issue.value), None
    )
    amount = issue.amount or 0
    args: dict[str, Any] = {
        "quota": _quota_label(issue),
        "feature": issue.feature or "",
        "amount": amount,
        "size": size,
        "min": quota["min"] if quota else 0,
        "max": quota["max"] if quota else 0,
    }
    kind = issue.kind
    if kind == "missing_value":
        first = next((r["id"] for r in pool if issue.feature not in r["features"]), "")
        args["who"] = names.get(first, first)
        text = ngettext(
            "%(amount)d volunteer has no answer for “%(feature)s” (%(who)s).",
            "%(amount)d volunteers have no answer for “%(feature)s” (first: %(who)s).",
            amount,
        )
    elif kind == "value_without_quota":
        text = ngettext(
            "“%(quota)s” has no quota row (%(amount)d volunteer has it): add one, "
            "with a maximum of 0 to leave them out.",
            "“%(quota)s” has no quota row (%(amount)d volunteers have it): add one, "
            "with a maximum of 0 to leave them out.",
            amount,
        )
    elif kind == "absent_value":
        text = _(
            "Nobody in the pool has “%(quota)s”, but its quota asks for at least %(min)d: "
            "short by %(amount)d."
        )
    elif kind == "short":
        args["available"] = args["min"] - amount
        text = (
            _(
                "Quota “%(quota)s” asks for at least %(min)d, but only %(available)d "
                "households have that value: short by %(amount)d."
            )
            if household
            else _(
                "Quota “%(quota)s” asks for at least %(min)d, but only %(available)d "
                "volunteers have that value: short by %(amount)d."
            )
        )
    elif kind == "mins_above_size":
        text = _(
            "The minimums of “%(feature)s” add up to more than the panel size %(size)d: "
            "over by %(amount)d."
        )
    elif kind == "maxes_below_size":
        text = _(
            "The maximums of “%(feature)s”, counting only the volunteers who have each "
            "value, add up to less than the panel size %(size)d: short by %(amount)d."
        )
    elif kind == "min_above_max":
        text = _("Quota “%(quota)s”: its minimum %(min)d is above its maximum %(max)d.")
    elif kind == "pool_too_small":
        text = (
            _("The pool has fewer households than the panel size %(size)d: short by %(amount)d.")
            if household
            else _(
                "The pool has fewer volunteers than the panel size %(size)d: short by %(amount)d."
            )
        )
    elif kind == "size":
        text = _("The panel size must be at least 1.")
    elif kind == "integer_programme" and issue.amount:
        text = ngettext(
            "Each quota can be met on its own, but no panel of %(size)d meets them all "
            "together; the smallest way out changes %(amount)d place:",
            "Each quota can be met on its own, but no panel of %(size)d meets them all "
            "together; the smallest way out changes %(amount)d places:",
            amount,
        )
    elif kind == "integer_programme":
        text = _("No panel of %(size)d exists even with every quota relaxed.")
    elif kind == "relax_min":
        text = _("Quota “%(quota)s”: lower its minimum %(min)d by %(amount)d.")
    elif kind == "relax_max":
        text = _("Quota “%(quota)s”: raise its maximum %(max)d by %(amount)d.")
    elif kind == "duplicate_quota":
        text = _("Quota “%(quota)s” is given more than once.")
    else:
        return issue.message
    return text % args
