"""Words the live pages' scripts show, translated on the server and handed over as JSON.

Scripts never hold text meant for people: they receive these dictionaries through `json_script`.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def day_strings() -> dict[str, str]:
    return {
        "live": _("Live"),
        "connecting": _("Connecting…"),
        "reconnecting": _("Connection lost, reconnecting…"),
        "polling": _("Live updates by periodic refresh"),
        "offline": _("Offline: changes will show when the connection returns"),
        "revoked": _("You are no longer part of this workshop."),
        "noItem": _("The day has not started yet."),
        "ended": _("The day is over. Thank you!"),
        "diverge": _("Diverge: open up ideas"),
        "converge": _("Converge: shape three projects"),
        "question": _("How did this happen?"),
        "article": _("Article %(index)s of %(count)s"),
        "item": _("Item %(index)s of %(count)s"),
    }


def board_strings() -> dict[str, str]:
    return {
        **day_strings(),
        "loose": _("Not grouped yet"),
        "dotsLeft": _("%(left)s of %(budget)s dots left"),
        "addDot": _("Add a dot"),
        "removeDot": _("Take a dot back"),
        "dots": _("dots"),
        "edit": _("Edit"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "delete": _("Delete"),
        "confirmDelete": _("Delete this note?"),
        "moveTo": _("Move to"),
        "propose": _("Turn into a proposal draft"),
        "openDraft": _("Write the draft"),
        "removeCluster": _("Remove cluster"),
        "anonymous": pgettext("note author", "someone"),
        "conflict": _("Someone changed this note meanwhile; here is their version."),
        "removed": _("An organiser removed you from this workshop."),
        "charsLeft": _("%(left)s characters left"),
        "draftOf": _("%(count)s of %(expected)s proposal drafts"),
    }


def console_strings() -> dict[str, str]:
    return {
        **day_strings(),
        "start": _("Start"),
        "waiting": _("waiting for a group"),
        "remove": _("Remove"),
        "confirmRemove": _(
            "Remove this participant? Their session stops at once and their dots are taken back."
        ),
        "assign": _("Group"),
        "sent": _("Sent to every screen."),
        "saved": _("Saved."),
        "confirmRenew": _(
            "Press again to make a new join link: the old one and its QR code will stop working."
        ),
    }
