"""Training forms: validation only. Times are typed in the training's zone, stored in UTC."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minga.accounts.models import User
from minga.accounts.phones import normalize_phone
from minga.accounts.vocab import timezone_choices
from minga.core.forms import LocalDateTimeField, ZonedFormMixin

from .models import TRAINING_FIELDS, Enrolment, Training

MAX_TRAINERS = 10


class TrainingForm(ZonedFormMixin, forms.ModelForm):
    coop = forms.ModelChoiceField(label=_("Cooperative"), queryset=None, empty_label=None)
    timezone = forms.ChoiceField(
        label=_("Time zone of the sessions"),
        choices=timezone_choices,
        initial="Africa/Kigali",
        help_text=_("Session times are entered in this zone; everyone also sees them in theirs."),
    )
    other_trainers = forms.CharField(
        label=_("Other trainers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "E-mail addresses or phone numbers of people with an account, one per line. "
            "You are a trainer too."
        ),
    )

    class Meta:
        model = Training
        fields = TRAINING_FIELDS
        field_classes = {"enrolment_closes_at": LocalDateTimeField}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, coops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coop"].queryset = coops
        self.order_fields(["coop"])
        zone = self.data.get(self.add_prefix("timezone")) if self.is_bound else None
        self.set_zone(zone or self.fields["timezone"].initial)

    def clean_other_trainers(self) -> list[User]:
        lines = [line.strip() for line in self.cleaned_data["other_trainers"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_TRAINERS:
            raise ValidationError(
                _("At most %(count)s other trainers."), params={"count": MAX_TRAINERS}
            )
        people = []
        for line in lines:
            person = User.objects.filter(
                Q(email__iexact=line) | Q(phone=line.replace(" ", ""))
            ).first()
            if person is None:
                raise ValidationError(
                    _("No one has an account with “%(value)s”."), params={"value": line}
                )
            people.append(person)
        return people

    def clean(self):
        cleaned = super().clean()
        self.set_zone(cleaned.get("timezone"))
        self.localize_fields(cleaned)
        return cleaned


class SessionForm(ZonedFormMixin, forms.Form):
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_("For a session in person: the hall, the village, the address."),
    )
    online_url = forms.URLField(
        label=_("Link to join online"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, training: Training, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_zone(training.timezone)
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = _("In the training's zone, %(zone)s.") % {
                "zone": training.timezone
            }

    def clean(self):
        cleaned = super().clean()
        self.localize_fields(cleaned)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A session must end after it starts."))
        if not (cleaned.get("place") or cleaned.get("online_url")) and not self.errors:
            raise ValidationError(
                _("Give the place of the session, a link to join it online, or both.")
            )
        return cleaned


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        help_text=_("In international format, e.g. +250788123456. The certificate is sent by SMS."),
    )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enrolments: list[Enrolment], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(e.pk), e.name) for e in enrolments]

    def clean_present(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["present"]]


class AssessmentForm(forms.Form):
    """One score field per participant, named after the enrolment."""

    def __init__(self, *args, enrolments: list[Enrolment], **kwargs):
        super().__init__(*args, **kwargs)
        for enrolment in enrolments:
            self.fields[f"score-{enrolment.pk}"] = forms.IntegerField(
                label=enrolment.name,
                required=False,
                min_value=0,
                max_value=100,
                initial=enrolment.score,
            )

    def scores(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix("score-")): value for name, value in self.cleaned_data.items()
        }
