"""Validation only. The need form is split into steps; each step saves the draft as it is."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from minga.accounts.models import User
from minga.accounts.vocab import Language
from minga.coops.models import Cooperative, Membership, Sector
from minga.core.collation import by_name

from .models import Need, NeedDocument, NeedTranslation, Theme
from .regions import WorldRegion

TEXTAREA = forms.Textarea(attrs={"rows": 4})


class ChooseMixin:
    """Single choices that may stay empty in a draft start with a plain "Choose…"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label is not None:
                    field.empty_label = _("Choose…")
            elif isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.MultipleChoiceField
            ):
                choices = list(field.choices)
                if choices and choices[0][0] == "":
                    field.choices = [("", _("Choose…")), *choices[1:]]


class ProblemForm(ChooseMixin, forms.ModelForm):
    """Step 1: who is affected and why."""

    class Meta:
        model = Need
        fields = [
            "title",
            "theme",
            "language",
            "affected",
            "devices",
            "connectivity",
            "literacy",
            "scenario",
            "problem",
            "why_now",
            "how_might_we",
        ]
        widgets = {
            "affected": TEXTAREA,
            "scenario": TEXTAREA,
            "problem": forms.Textarea(attrs={"rows": 6}),
            "why_now": TEXTAREA,
        }


class NewNeedForm(ProblemForm):
    """Step 1 for a new need, with the cooperative it comes from."""

    coop = forms.ModelChoiceField(
        label=_("Cooperative"), queryset=Cooperative.objects.none(), empty_label=None
    )
    field_order = ["coop"]

    def __init__(self, *args, person: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.coops = Cooperative.objects.filter(
            memberships__person=person, memberships__status=Membership.Status.ACTIVE
        )
        self.fields["coop"].queryset = self.coops


class ScopeForm(ChooseMixin, forms.ModelForm):
    """Step 2: what exists today and what a remote team can do in the time box."""

    class Meta:
        model = Need
        fields = [
            "current_practice",
            "tried_before",
            "constraint_kinds",
            "constraints",
            "budget",
            "scope",
            "examples",
            "answer_kinds",
            "success",
        ]
        widgets = {
            "current_practice": TEXTAREA,
            "tried_before": TEXTAREA,
            "constraints": TEXTAREA,
            "scope": TEXTAREA,
            "examples": TEXTAREA,
            "success": TEXTAREA,
        }


class PeopleForm(ChooseMixin, forms.ModelForm):
    """Step 3: the owner and the expert (data and documents are a formset beside it).

    Both time zones share one list of suggestions (a <datalist> on the page), which keeps
    the page light; the model checks the zone exists.
    """

    class Meta:
        model = Need
        fields = [
            "owner",
            "owner_timezone",
            "owner_hours",
            "expert_name",
            "expert_timezone",
            "expert_hours",
            "members_can_test",
        ]
        widgets = {
            "owner_timezone": forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"}),
            "expert_timezone": forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            memberships__coop=self.instance.coop,
            memberships__status=Membership.Status.ACTIVE,
        ).order_by("name")


class AfterForm(ChooseMixin, forms.ModelForm):
    """Step 4: what happens after the event."""

    class Meta:
        model = Need
        fields = ["adopter", "follow_on", "licences"]
        widgets = {"adopter": TEXTAREA, "follow_on": TEXTAREA}


class DocumentForm(ChooseMixin, forms.ModelForm):
    class Meta:
        model = NeedDocument
        fields = ["title", "url", "description", "licence", "sensitivity"]


DocumentFormSet = inlineformset_factory(
    Need,
    NeedDocument,
    form=DocumentForm,
    extra=2,
    max_num=10,
    validate_max=True,
    can_delete=True,
)


class Step:
    def __init__(self, number: int, title, form_class, has_documents: bool = False):
        self.number, self.title, self.form_class = number, title, form_class
        self.has_documents = has_documents

    @property
    def fields(self) -> list[str]:
        return list(self.form_class._meta.fields) + (["documents"] if self.has_documents else [])


STEPS = [
    Step(1, _("Who is affected, and why"), ProblemForm),
    Step(2, _("What exists, and the time box"), ScopeForm),
    Step(3, _("Data, documents and people"), PeopleForm, has_documents=True),
    Step(4, _("After the event"), AfterForm),
]


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters; bad values are ignored rather than failing the page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=[("", _("All themes")), *Theme.choices]
    )
    world_region = forms.ChoiceField(
        label=_("World region"),
        required=False,
        choices=[("", _("All regions")), *WorldRegion.choices],
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.ChoiceField(label=_("Province or region"), required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )

    def __init__(self, *args, present_countries=(), present_regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries"))] + by_name(
            (code, countries.name(code)) for code in present_countries
        )
        self.fields["region"].choices = [("", _("All provinces and regions"))] + [
            (name, name) for name in present_regions
        ]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (Need.Status.CHANGES_REQUESTED, _("Send back to the cooperative with changes")),
            (Need.Status.ACCEPTED, _("Accept into the public catalogue")),
            (Need.Status.DECLINED, _("Decline")),
        ],
    )
    message = forms.CharField(
        label=_("Message to the cooperative"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required to ask for changes or to decline, e.g. “Not solvable by software: it "
            "needs the internet provider.”"
        ),
    )

    def clean(self):
        cleaned = super().clean()
        needs_message = cleaned.get("decision") in {
            Need.Status.CHANGES_REQUESTED,
            Need.Status.DECLINED,
        }
        if needs_message and not cleaned.get("message", "").strip():
            self.add_error("message", _("Tell the cooperative what to change, or why you decline."))
        return cleaned


class TranslationForm(forms.ModelForm):
    class Meta:
        model = NeedTranslation
        fields = ["language", *Need.TRANSLATED_FIELDS]
        widgets = {
            name: TEXTAREA
            for name in Need.TRANSLATED_FIELDS
            if name not in {"title", "how_might_we"}
        }

    def __init__(self, *args, need: Need, **kwargs):
        super().__init__(*args, **kwargs)
        self.need = need
        self.fields["language"].choices = [
            (code, label) for code, label in Language.choices if code != need.language
        ]

    def validate_unique(self):
        """The action updates an existing translation; there is nothing to refuse here."""
