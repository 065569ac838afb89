"""The organiser's form for opening a vote, and the small forms of the ballot page."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rebours.selection.actions import (
    DISPLAY_NAME_MAX_LENGTH,
    FAVOURITES_MAX_LIMIT,
)
from rebours.selection.models import College, Rule, Scope, Selection, Ungraded, Visibility
from rebours.selection.scale import DEFAULT_GRADES


class OpenSelectionForm(forms.Form):
    grades = forms.CharField(
        label=_("Grades, one per line, from the worst to the best"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=1000,
    )
    scope = forms.ChoiceField(
        label=_("Proposals on the ballot"), choices=Scope.choices, widget=forms.RadioSelect
    )
    colleges = forms.MultipleChoiceField(
        label=_("Colleges that vote (each counted on its own, and all together)"),
        choices=College.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at (leave empty to close by hand)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    ungraded = forms.ChoiceField(
        label=_("A proposal a voter leaves ungraded"),
        choices=Ungraded.choices,
        widget=forms.RadioSelect,
    )
    rule = forms.ChoiceField(
        label=_("Ranking rule"), choices=Rule.choices, widget=forms.RadioSelect
    )
    results_visibility = forms.ChoiceField(
        label=_("Results"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    favourites_max = forms.IntegerField(
        label=_("Favourites each elected official may name"),
        min_value=0,
        max_value=FAVOURITES_MAX_LIMIT,
    )

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if locked:
            # Ballots hold grade indices into this scale, on these proposals: shown, not edited.
            # A disabled field ignores what is posted and keeps its initial value.
            self.fields["grades"].disabled = True
            self.fields["scope"].disabled = True

    @classmethod
    def initial_for(cls, selection: Selection | None) -> dict[str, Any]:
        if selection is None:
            return {
                "grades": "\n".join(DEFAULT_GRADES),
                "scope": Scope.ALL,
                "colleges": [College.ELECTED, College.PARTICIPANT],
                "ungraded": Ungraded.WORST,
                "rule": Rule.MAJORITY,
                "results_visibility": Visibility.AFTER_CLOSING,
                "favourites_max": 3,
            }
        closes_at = selection.closes_at
        if closes_at is not None and closes_at <= timezone.now():
            closes_at = None  # reopening: a past closing time would refuse at once
        return {
            "grades": "\n".join(selection.grades or DEFAULT_GRADES),
            "scope": selection.scope,
            "colleges": list(selection.colleges or []),
            "closes_at": timezone.localtime(closes_at) if closes_at else None,
            "ungraded": selection.ungraded,
            "rule": selection.rule,
            "results_visibility": selection.results_visibility,
            "favourites_max": selection.favourites_max,
        }

    def grade_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["grades"].splitlines() if line.strip()]


class PublicVoterForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name, as the organisers will see it"),
        max_length=DISPLAY_NAME_MAX_LENGTH,
    )
