from django import forms
from django.utils.translation import gettext_lazy as _

from rebours.api.models import NAME_MAX_LENGTH


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What the token is for, to tell it apart later (“export script”)."),
    )
