"""The default grade scale and how grade labels are shown.

Grades are stored exactly as the organiser typed them. The default scale is French; when a
selection uses it unchanged, the English interface shows English words through the catalogue
(the French translation of each English msgid below is the stored French label, so French pages
show exactly what is stored). Any other label is shown as typed, in every language.
"""

from django.utils.translation import gettext, gettext_noop

DEFAULT_GRADES = [
    "À rejeter",
    "Insuffisant",
    "Passable",
    "Assez bien",
    "Bien",
    "Très bien",
    "Excellent",
]

# Stored French label -> English msgid, whose French msgstr is the stored label again.
_MSGIDS = dict(
    zip(
        DEFAULT_GRADES,
        [
            gettext_noop("Reject"),
            gettext_noop("Insufficient"),
            gettext_noop("Passable"),
            gettext_noop("Fairly good"),
            gettext_noop("Good"),
            gettext_noop("Very good"),
            gettext_noop("Excellent"),
        ],
        strict=True,
    )
)

MIN_GRADES = 2
# The merit profile's palette tells eight grades apart; a longer scale would not read anyway.
MAX_GRADES = 8
GRADE_MAX_LENGTH = 40


def grade_label(label: str) -> str:
    """`label` in the current language when it belongs to the default scale, else as stored."""
    msgid = _MSGIDS.get(label)
    return gettext(msgid) if msgid is not None else label


def grade_labels(grades: list[str]) -> list[str]:
    return [grade_label(label) for label in grades]
