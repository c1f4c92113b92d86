"""Forms of the key pages: validation only (the actions check the rest)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.coops.models import Cooperative


class CompromiseForm(forms.Form):
    since = forms.DateTimeField(
        label=_("Compromised since"),
        help_text=_(
            "The earliest moment someone else may have held the key, in your time zone. "
            "Everything it signed from then on stops verifying."
        ),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class WitnessesForm(forms.Form):
    coops = forms.ModelMultipleChoiceField(
        label=_("Cooperatives of this instance"),
        queryset=Cooperative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others = forms.CharField(
        label=_("Witnesses elsewhere"),
        help_text=_("One a line: their DID, a space, and their witness key (did:key:…)."),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        required=False,
        max_length=5000,
    )
    threshold = forms.IntegerField(label=_("Approvals needed"), min_value=0, max_value=50)

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coops"].queryset = Cooperative.objects.exclude(pk=coop.pk).order_by("name")

    def clean_others(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.cleaned_data["others"].splitlines():
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2:
                raise forms.ValidationError(
                    _("Write each witness as its DID, a space, and its did:key."), code="format"
                )
            pairs.append((parts[0], parts[1]))
        return pairs
