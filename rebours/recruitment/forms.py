"""The forms of recruitment: the public registration, the organiser's settings and uploads."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rebours.recruitment.checks import (
    CONTACT_MAX_LENGTH,
    HOUSEHOLD_MAX_LENGTH,
    MAX_PANEL_SIZE,
    NAME_MAX_LENGTH,
    RecruitmentError,
)
from rebours.recruitment.models import Method

# Beyond this many values a category is a drop-down list rather than a row of radio buttons.
RADIO_MAX_VALUES = 6
BLANK_CATEGORY_ROWS = 2
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class RegistrationForm(forms.Form):
    """Name, contact, the organiser's categories, and the two consents (both required)."""

    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX_LENGTH * 2)
    contact = forms.CharField(
        label=_("E-mail address or phone number"),
        max_length=CONTACT_MAX_LENGTH * 2,
        help_text=_("Only the organisers see it, to tell you whether you were drawn."),
    )

    def __init__(
        self, *args: Any, categories: list[dict[str, Any]], household: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.categories = categories
        for index, category in enumerate(categories):
            choices = [(value, value) for value in category["values"]]
            if len(choices) > RADIO_MAX_VALUES:
                field = forms.ChoiceField(label=category["label"], choices=[("", "—"), *choices])
            else:
                field = forms.ChoiceField(
                    label=category["label"], choices=choices, widget=forms.RadioSelect
                )
            self.fields[f"category-{index}"] = field
        if household:
            self.fields["household"] = forms.CharField(
                label=_("Your postal address"),
                max_length=HOUSEHOLD_MAX_LENGTH * 2,
                required=False,
                help_text=_(
                    "At most one person per household is drawn; people who live together "
                    "give the same address. Only the organisers see it."
                ),
            )
        self.fields["consent_lottery"] = forms.BooleanField(
            label=_("I agree to take part in the lottery that picks the panel."),
            error_messages={"required": _("Please agree to take part in the lottery.")},
        )
        self.fields["consent_processing"] = forms.BooleanField(
            label=_(
                "I agree that the organisers keep my answers for the lottery until the date "
                "shown above, and then erase them."
            ),
            error_messages={"required": _("Please agree to the processing of your answers.")},
        )

    def answers(self) -> dict[str, str]:
        return {
            category["key"]: self.cleaned_data.get(f"category-{index}", "")
            for index, category in enumerate(self.categories)
        }

    def category_fields(self) -> list[Any]:
        return [self[f"category-{index}"] for index in range(len(self.categories))]


class SettingsForm(forms.Form):
    registration_open = forms.BooleanField(label=_("The registration form is open"), required=False)
    retention_until = forms.DateField(
        label=_("Answers are kept until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Shown on the form and stored with each volunteer; erased after that date."),
    )
    privacy_notice = forms.CharField(
        label=_("Who processes the answers, and why (shown on the form)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    panel_size = forms.IntegerField(
        label=_("Panel size"), min_value=0, max_value=MAX_PANEL_SIZE, required=False
    )
    one_per_household = forms.BooleanField(
        label=_("At most one person per household (the form asks for an address)"),
        required=False,
    )

    def __init__(self, *args: Any, categories: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = len(categories) + BLANK_CATEGORY_ROWS
        for index in range(self.rows):
            known = categories[index] if index < len(categories) else None
            self.fields[f"key-{index}"] = forms.CharField(
                label=_("Category (the column in files)"),
                required=False,
                max_length=200,
                initial=known["key"] if known else "",
            )
            self.fields[f"label-{index}"] = forms.CharField(
                label=_("Question shown to volunteers"),
                required=False,
                max_length=400,
                initial=known["label"] if known else "",
            )
            self.fields[f"values-{index}"] = forms.CharField(
                label=_("Answers, one per line"),
                required=False,
                max_length=10_000,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial="\n".join(known["values"]) if known else "",
            )

    def setting_fields(self) -> list[Any]:
        names = ("registration_open", "retention_until", "privacy_notice", "panel_size")
        return [self[name] for name in (*names, "one_per_household")]

    def category_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"key-{i}"], self[f"label-{i}"], self[f"values-{i}"]) for i in range(self.rows)
        ]

    def categories(self) -> list[dict[str, Any]]:
        found = []
        for index in range(self.rows):
            key = self.cleaned_data.get(f"key-{index}", "").strip()
            values = self.cleaned_data.get(f"values-{index}", "").splitlines()
            if not key and not any(v.strip() for v in values):
                continue
            found.append(
                {"key": key, "label": self.cleaned_data.get(f"label-{index}", ""), "values": values}
            )
        return found


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def text(self) -> str:
        from rebours.recruitment.pool_import import decode

        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise RecruitmentError(
                _("The file is larger than %(max)d MB.") % {"max": MAX_UPLOAD_BYTES // 2**20}
            )
        return decode(upload.read())


class PoolImportForm(UploadForm):
    consent_confirmed = forms.BooleanField(
        label=_(
            "The people in this file agreed to take part in the lottery and to the processing "
            "of their data until the retention date."
        ),
        required=False,
    )


class DrawForm(forms.Form):
    size = forms.IntegerField(label=_("Panel size"), min_value=1, max_value=MAX_PANEL_SIZE)
    method = forms.ChoiceField(
        label=_("Method"), choices=Method.choices, initial=Method.LEXIMIN, widget=forms.RadioSelect
    )
    seed = forms.CharField(
        label=_("Seed (a whole number; leave empty for a random one)"),
        required=False,
        max_length=1000,
        help_text=_(
            "Publish it before the draw (for instance from a public lottery result) and anyone "
            "can check that the panel follows from it."
        ),
    )
    household = forms.BooleanField(label=_("At most one person per household"), required=False)


class ReplaceForm(forms.Form):
    seed = forms.CharField(
        label=_("Seed for the replacements (leave empty for a random one)"),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args: Any, panel: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["declined"] = forms.MultipleChoiceField(
            label=_("Who declined"),
            choices=panel,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Tick the panel members who declined.")},
        )
