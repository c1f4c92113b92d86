"""Validation only: what people type into the treasury's forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.accounts.models import validate_timezone

from . import charts, money
from .models import Account, PatronageRecord, RootType, Template

PAID_VIA = [
    ("cash", _("Cash")),
    ("bank", _("Bank")),
    ("mobile-money", _("Mobile money")),
]


class SetupForm(forms.Form):
    currency = forms.ChoiceField(
        label=_("Currency (ISO 4217)"), choices=[(c, c) for c in money.CURRENCIES]
    )
    template = forms.ChoiceField(label=_("Chart of accounts"), choices=Template.choices)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, validators=[validate_timezone])
    fiscal_year_start_month = forms.IntegerField(
        label=_("First month of the fiscal year"), min_value=1, max_value=12, initial=1
    )


class AccountForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12)
    root = forms.ChoiceField(label=_("Type"), choices=RootType.choices)
    name_en = forms.CharField(label=_("Name in English"), max_length=120)
    name_es = forms.CharField(label=_("Name in Spanish"), max_length=120, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=120, required=False)
    name_pt = forms.CharField(label=_("Name in Portuguese"), max_length=120, required=False)


class EntryForm(forms.Form):
    """A simple entry: one account debited, one credited."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    narration = forms.CharField(label=_("Description"), max_length=300)
    debit = forms.ModelChoiceField(label=_("Account debited"), queryset=Account.objects.none())
    credit = forms.ModelChoiceField(label=_("Account credited"), queryset=Account.objects.none())
    amount = forms.CharField(label=_("Amount"), max_length=24)
    reference = forms.CharField(label=_("Reference (optional)"), max_length=64, required=False)

    def __init__(self, *args, coop, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = Account.objects.filter(coop=coop, is_active=True).exclude(
            role__in=charts.MEMBER_ROLES
        )
        self.fields["debit"].queryset = accounts
        self.fields["credit"].queryset = accounts


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why is it reversed?"), max_length=200)


class ReopenForm(forms.Form):
    decision = forms.CharField(
        label=_("The board's decision (date, minute number)"), max_length=300
    )


class MemberOperationForm(forms.Form):
    OPERATIONS = [
        ("savings", _("Savings deposit")),
        ("contribution", _("Contribution")),
        ("withdrawal", _("Savings withdrawal")),
        ("buy", _("Purchase of shares")),
        ("redeem", _("Redemption of shares")),
    ]
    operation = forms.ChoiceField(label=_("Operation"), choices=OPERATIONS)
    amount = forms.CharField(label=_("Amount, or number of shares"), max_length=24)
    via = forms.ChoiceField(label=_("Paid in or out by"), choices=PAID_VIA)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference (optional)"), max_length=64, required=False)


class TransferForm(forms.Form):
    receiver = forms.CharField(label=_("Member reference of the receiver"), max_length=20)
    shares = forms.IntegerField(label=_("Number of shares"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class PatronageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PatronageRecord.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3, min_value=0)
    unit = forms.CharField(label=_("Unit"), max_length=16, required=False)
    value = forms.CharField(label=_("Value"), max_length=24)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
