from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from minga.accounts.vocab import Language
from minga.core.collation import by_name

from .models import Cooperative, Membership, Sector


class CooperativeForm(forms.ModelForm):
    class Meta:
        model = Cooperative
        fields = [
            "name",
            "legal_form",
            "country",
            "region",
            "sector",
            "founded_year",
            "member_count",
            "website",
            "languages",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class DirectoryFilterForm(forms.Form):
    """The directory's filters; bad values are ignored rather than failing the page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.CharField(label=_("Region"), required=False, max_length=100)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), *Language.choices],
    )

    def __init__(self, *args, present_countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        # By name in the reader's language (it was by ISO code: Spain between Canada and India).
        self.fields["country"].choices = [("", _("All countries"))] + by_name(
            (code, countries.name(code)) for code in present_countries
        )


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Membership.Status.choices)
    reason = forms.CharField(
        label=_("Reason (kept in the history)"), required=False, max_length=300
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Leave empty to get a link you can share by any channel."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
    max_uses = forms.IntegerField(
        label=_("How many people may use the link"), min_value=1, max_value=500, initial=1
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=90, initial=14)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Member list (CSV)"),
        help_text=_("Columns: name, email, phone, role. Either email or phone is required."),
    )
