"""Forms: validation only."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from minga.accounts.backends import find_person

from .models import MIN_JURORS_PER_PROPOSAL, SCALE_MAX, SCALE_MIN, DefaultCriterion

SCALE_LABELS = {
    1: _("1 – weak"),
    2: _("2 – fair"),
    3: _("3 – good"),
    4: _("4 – very good"),
    5: _("5 – excellent"),
}


class SettingsForm(forms.Form):
    jurors_per_proposal = forms.IntegerField(
        label=_("Jurors per proposal"),
        min_value=MIN_JURORS_PER_PROPOSAL,
        max_value=9,
        help_text=_("At least 3, so no single opinion decides."),
    )
    members_choice = forms.BooleanField(
        label=_("Hold a members' choice vote"),
        required=False,
        help_text=_(
            "Members of the cooperatives whose needs are challenges approve the proposals they "
            "like during judging, one member one vote. Shown apart from the jury's result."
        ),
    )


class CriterionForm(forms.Form):
    key = forms.ChoiceField(
        choices=[("", "")] + list(DefaultCriterion.choices),
        required=False,
        widget=forms.HiddenInput,
    )
    name = forms.CharField(label=_("Criterion"), max_length=120, required=False)
    description = forms.CharField(
        label=_("What jurors look for"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100)

    def clean(self):
        data = super().clean()
        key = data.get("key")
        name = (data.get("name") or "").strip()
        if key and name == str(DefaultCriterion(key).label):
            name = ""  # unchanged default: shown in each reader's language
        if not key and not name:
            self.add_error("name", _("Every criterion needs a name."))
        data["name"] = name
        return data


class BaseRubricFormSet(forms.BaseFormSet):
    _non_form_errors: ErrorList | None  # Django's; the view sets it for the action's errors

    def clean(self):
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if not kept:
            raise ValidationError(_("A rubric needs at least one criterion."))

    def criteria(self) -> list[dict]:
        return [
            {name: form.cleaned_data[name] for name in ("key", "name", "description", "weight")}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]


# formset_factory makes a subclass of the `formset` given (the stubs say only BaseFormSet).
RubricFormSet = cast(
    type[BaseRubricFormSet],
    forms.formset_factory(
        CriterionForm, formset=BaseRubricFormSet, extra=1, can_delete=True, max_num=12
    ),
)


class JurorForm(forms.Form):
    identifier = forms.CharField(
        label=_("E-mail address or phone number"),
        max_length=254,
        help_text=_("Of a person with an account on Minga, e.g. +250788123456."),
    )

    def clean_identifier(self):
        person = find_person(self.cleaned_data["identifier"])
        if person is None or not person.is_active:
            raise ValidationError(
                _("Nobody on Minga signs in with this e-mail address or phone number."),
                code="unknown",
            )
        return person


class ScoreForm(forms.Form):
    """One field per criterion on the fixed scale, and a comment for the team."""

    comment = forms.CharField(
        label=_("Comment for the team"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is strong, what could be better. Teams read it after the results."),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [(n, SCALE_LABELS[n]) for n in range(SCALE_MIN, SCALE_MAX + 1)]
        scored = {
            f"c{criterion.pk}": forms.TypedChoiceField(
                label=criterion.label,
                help_text=criterion.explanation,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
            )
            for criterion in self.criteria
        }
        self.fields = {**scored, "comment": self.fields["comment"]}

    def values(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class VoteForm(forms.Form):
    proposals = forms.MultipleChoiceField(
        label=_("The proposals I approve"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick as many as you like. You vote once; a ballot cannot be changed."),
        error_messages={"required": _("Approve at least one proposal.")},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = choices
