"""Checking what organisers and volunteers type, before any action writes it.

Each `check_*` returns the cleaned value or raises `RecruitmentError` with a message for the
person who typed it. `contact_key` and `household_key` fold text for comparison only: what is
stored and shown is what the person wrote (cleaned of invisible characters).
"""

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from rebours.recruitment import pool_io
from rebours.recruitment.drawing import new_seed
from rebours.recruitment.sortition import DrawError

NAME_MAX_LENGTH = 100
CONTACT_MAX_LENGTH = 200
HOUSEHOLD_MAX_LENGTH = 200
CATEGORY_KEY_MAX_LENGTH = 40
CATEGORY_LABEL_MAX_LENGTH = 200
VALUE_MAX_LENGTH = 100
MAX_CATEGORIES = 12
MAX_VALUES = 60
MAX_PANEL_SIZE = 5000
# Column names the pool CSV uses for other things than categories.
RESERVED_COLUMNS = {"id", "name", "contact", "household"}

_KEY = re.compile(r"[^\W\d][\w -]*")
_PHONE = re.compile(r"\+?[0-9 ().\-/]{6,}")


class RecruitmentError(Exception):
    """Something recruitment will not do; the message is for the person who asked."""

    def __init__(self, message: str, *, issues: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.issues = issues or []


def clean_text(text: Any) -> str:
    """One line of text without control or formatting characters (right-to-left overrides…).

    The zero-width joiner stays: emoji sequences and some scripts need it.
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in {"Cc", "Cf"} or c == "\u200d")
    return " ".join(text.split())


def check_name(name: Any) -> str:
    cleaned = clean_text(name)
    if not cleaned:
        raise RecruitmentError(_("Please give your name."))
    if len(cleaned) > NAME_MAX_LENGTH:
        raise RecruitmentError(
            _("A name holds at most %(max)d characters.") % {"max": NAME_MAX_LENGTH}
        )
    return cleaned


def check_contact(contact: Any) -> str:
    cleaned = clean_text(contact)
    if not cleaned:
        raise RecruitmentError(_("Please give an e-mail address or a phone number."))
    if len(cleaned) > CONTACT_MAX_LENGTH:
        raise RecruitmentError(
            _("A contact holds at most %(max)d characters.") % {"max": CONTACT_MAX_LENGTH}
        )
    if "@" not in cleaned and not _PHONE.fullmatch(cleaned):
        raise RecruitmentError(_("Please give an e-mail address or a phone number."))
    return cleaned


def contact_key(contact: str) -> str:
    """The contact folded so that the same address or number written twice compares equal.

    E-mail addresses ignore case and spaces; phone numbers keep only their digits (a leading
    + stays), so "06 12 34 56 78" and "06.12.34.56.78" are one number.
    """
    text = unicodedata.normalize("NFKC", contact).casefold()
    text = "".join(text.split())
    if "@" not in text and _PHONE.fullmatch(text):
        return ("+" if text.startswith("+") else "") + re.sub(r"[^0-9]", "", text)
    return text[:CONTACT_MAX_LENGTH]


def check_household(household: Any) -> str:
    cleaned = clean_text(household)
    if len(cleaned) > HOUSEHOLD_MAX_LENGTH:
        raise RecruitmentError(
            _("A household holds at most %(max)d characters.") % {"max": HOUSEHOLD_MAX_LENGTH}
        )
    return cleaned


def household_key(household: str) -> str:
    """A household (an address, a family name…) folded: case, accents, punctuation, spaces."""
    text = unicodedata.normalize("NFKD", household).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())[:HOUSEHOLD_MAX_LENGTH]


def check_categories(categories: Any) -> list[dict[str, Any]]:
    """[{"key", "label", "values"}], each key usable as a CSV column, values distinct."""
    if not isinstance(categories, list):
        raise RecruitmentError(_("The categories are a list."))
    if len(categories) > MAX_CATEGORIES:
        raise RecruitmentError(_("At most %(max)d categories.") % {"max": MAX_CATEGORIES})
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for category in categories:
        key = clean_text(category.get("key"))
        label = clean_text(category.get("label")) or key
        if not _KEY.fullmatch(key) or len(key) > CATEGORY_KEY_MAX_LENGTH:
            raise RecruitmentError(
                _(
                    "Category “%(key)s”: its name starts with a letter and holds letters, "
                    "digits, spaces, hyphens or underscores, at most %(max)d characters."
                )
                % {"key": key, "max": CATEGORY_KEY_MAX_LENGTH}
            )
        if key.casefold() in RESERVED_COLUMNS:
            raise RecruitmentError(
                _("Category “%(key)s”: this name is taken by a column of the pool file.")
                % {"key": key}
            )
        if key.casefold() in seen:
            raise RecruitmentError(_("Category “%(key)s” appears twice.") % {"key": key})
        seen.add(key.casefold())
        if len(label) > CATEGORY_LABEL_MAX_LENGTH:
            raise RecruitmentError(
                _("Category “%(key)s”: its label holds at most %(max)d characters.")
                % {"key": key, "max": CATEGORY_LABEL_MAX_LENGTH}
            )
        values: list[str] = []
        for value in category.get("values") or []:
            value = clean_text(value)
            if not value:
                continue
            if len(value) > VALUE_MAX_LENGTH:
                raise RecruitmentError(
                    _("Category “%(key)s”: a value holds at most %(max)d characters.")
                    % {"key": key, "max": VALUE_MAX_LENGTH}
                )
            if value in values:
                raise RecruitmentError(
                    _("Category “%(key)s”: the value “%(value)s” appears twice.")
                    % {"key": key, "value": value}
                )
            values.append(value)
        if not values:
            raise RecruitmentError(_("Category “%(key)s” needs at least one value.") % {"key": key})
        if len(values) > MAX_VALUES:
            raise RecruitmentError(
                _("Category “%(key)s”: at most %(max)d values.") % {"key": key, "max": MAX_VALUES}
            )
        cleaned.append({"key": key, "label": label, "values": values})
    return cleaned


def check_answers(categories: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, str]:
    """One of the offered values for every category."""
    attributes: dict[str, str] = {}
    for category in categories:
        answer = answers.get(category["key"])
        if not isinstance(answer, str) or answer not in category["values"]:
            raise RecruitmentError(
                _("Please choose one of the answers for “%(label)s”.")
                % {"label": category["label"]}
            )
        attributes[category["key"]] = answer
    return attributes


def check_quota_rows(
    categories: list[dict[str, Any]], rows: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    known = {c["key"]: c for c in categories}
    folded = {key.casefold(): key for key in known}
    cleaned: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        feature = folded.get(str(row.get("feature", "")).casefold())
        value = str(row.get("value", ""))
        where = row.get("where") or f"{row.get('feature')} = {value}"
        if feature is None:
            raise RecruitmentError(
                _("%(where)s: “%(feature)s” is not a category of the pool.")
                % {"where": where, "feature": row.get("feature")}
            )
        if value not in known[feature]["values"]:
            raise RecruitmentError(
                _("%(where)s: “%(value)s” is not one of the values of “%(feature)s”.")
                % {"where": where, "value": value, "feature": feature}
            )
        low, high = row.get("min"), row.get("max")
        if (
            not isinstance(low, int)
            or low < 0
            or (high is not None and (not isinstance(high, int) or high < 0))
        ):
            raise RecruitmentError(
                _("%(where)s: the minimum and maximum are whole numbers of 0 or more.")
                % {"where": where}
            )
        if high is not None and low > high:
            raise RecruitmentError(
                _("%(where)s: the minimum %(min)d is above the maximum %(max)d.")
                % {"where": where, "min": low, "max": high}
            )
        if (feature, value) in seen:
            raise RecruitmentError(_("%(where)s: this quota is given twice.") % {"where": where})
        seen.add((feature, value))
        cleaned.append({"feature": feature, "value": value, "min": low, "max": high})
    return cleaned


def check_seed(text: Any) -> str:
    """A published seed (whole number of 0 or more); a fresh one when none is given."""
    if text is None or not str(text).strip():
        return str(new_seed())
    try:
        return str(pool_io.parse_seed(str(text)))
    except DrawError:
        raise RecruitmentError(
            _("The seed must be a whole number of 0 or more, not “%(seed)s”.")
            % {"seed": clean_text(str(text))[:80]}
        ) from None


def check_size(size: Any) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_PANEL_SIZE:
        raise RecruitmentError(
            _("The panel size is a whole number between 1 and %(max)d.") % {"max": MAX_PANEL_SIZE}
        )
    return size
