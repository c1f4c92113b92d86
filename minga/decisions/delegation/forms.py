"""Forms for statutes, voting PINs, proxies, agents and paper counts: validation only."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minga.accounts.models import User

from ..models import Poll

PERSON_HELP = _("Their e-mail address or phone number on Minga.")


def find_person(identifier: str) -> User | None:
    identifier = identifier.strip()
    if not identifier:
        return None
    phone = re.sub(r"[\s\-()]", "", identifier)
    return User.objects.filter(Q(email__iexact=identifier) | Q(phone=phone), is_active=True).first()


class PersonField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("help_text", PERSON_HELP)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        person = find_person(value)
        if person is None:
            raise forms.ValidationError(_("Nobody on Minga has this e-mail address or number."))
        return person


class StatutesForm(forms.Form):
    max_proxies_per_holder = forms.IntegerField(
        label=_("Proxies one member may hold in a poll"),
        min_value=0,
        max_value=100,
        help_text=_("0 means the statutes allow no proxies."),
    )
    allow_agents = forms.BooleanField(
        label=_("Registered agents may record votes for members without a phone"), required=False
    )
    electorate = forms.ChoiceField(
        label=_("Who votes, by default"), choices=Poll.Electorate.choices
    )
    quorum_kind = forms.ChoiceField(label=_("Quorum, by default"), choices=Poll.QuorumKind.choices)
    quorum_value = forms.IntegerField(
        label=_("Quorum value"),
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text=_("A percentage of the electorate, or a number of voters."),
    )

    def clean_quorum_value(self) -> int:
        return self.cleaned_data.get("quorum_value") or 0


class PinForm(forms.Form):
    password = forms.CharField(
        label=_("Your Minga password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    pin = forms.CharField(
        label=_("New voting PIN (5 to 8 digits)"),
        min_length=5,
        max_length=8,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    pin_again = forms.CharField(
        label=_("The same PIN again"),
        max_length=8,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password

    def clean(self):
        data = super().clean()
        if data.get("pin") and data.get("pin") != data.get("pin_again"):
            self.add_error("pin_again", _("The two PINs differ."))
        return data


class AppointProxyForm(forms.Form):
    holder = PersonField(label=_("Your proxy"))


class ProxyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Confirmation code from the SMS"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class AgentForm(forms.Form):
    person = PersonField(label=_("New agent"))


class AgentVoteForm(forms.Form):
    elector = forms.TypedChoiceField(label=_("Member"), coerce=int)
    witness = forms.CharField(
        label=_("Witness present at the vote"),
        max_length=200,
        help_text=_("Full name of someone other than you and the member."),
    )
    relative_phone = forms.CharField(
        label=_("A relative's phone number (optional)"),
        max_length=20,
        required=False,
        help_text=_("The confirmation code is also sent there by SMS."),
    )

    def __init__(self, *args, electors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["elector"].choices = [(e.pk, e.person.name) for e in electors]


class PaperCountForm(forms.Form):
    meeting = forms.CharField(label=_("Meeting"), max_length=200)
    register = forms.CharField(
        label=_("Attendance register: who voted on paper"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=200_000,
        help_text=_("One e-mail address or phone number per line."),
    )
    ballots = forms.CharField(
        label=_("Ranked ballots"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=50_000,
        help_text=_(
            "One line per ranking: the number of ballots, a colon, then the option numbers in "
            "order, e.g. 12: 2 1 3."
        ),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )

    def clean_register(self) -> list[User]:
        people, unknown = [], []
        for line in self.cleaned_data["register"].splitlines():
            if not line.strip():
                continue
            person = find_person(line)
            if person is None:
                unknown.append(line.strip()[:60])
            elif person not in people:
                people.append(person)
        if unknown:
            raise forms.ValidationError(
                _("Nobody on Minga has these e-mail addresses or numbers: %(list)s")
                % {"list": ", ".join(unknown[:10])}
            )
        if not people:
            raise forms.ValidationError(_("List at least one person who voted on paper."))
        return people


def parse_ranked_lines(text: str, option_count: int) -> list[list]:
    """`12: 2 1 3` lines as `[12, [[1], [0], [2]]]` entries (positions from 0)."""
    entries: list[list] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        count, colon, order = line.partition(":")
        positions = [part for part in re.split(r"[\s,]+", order.strip()) if part]
        if (
            not colon
            or not count.strip().isdigit()
            or not positions
            or not all(p.isdigit() and 1 <= int(p) <= option_count for p in positions)
        ):
            raise forms.ValidationError(
                _("Line %(line)s is not like 12: 2 1 3.") % {"line": number}
            )
        entries.append([int(count), [[int(p) - 1] for p in positions]])
    if not entries:
        raise forms.ValidationError(_("Enter at least one line of ballots."))
    return entries
