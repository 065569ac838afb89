from django import forms
from django.utils.translation import gettext_lazy as _


class RetentionForm(forms.Form):
    personal_data_until = forms.DateField(
        label=_("Personal data kept until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to keep it until you set a date."),
    )


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."))
