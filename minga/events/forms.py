"""Forms: validation only. Dates are typed in the event's own zone and stored in UTC."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from minga.accounts.vocab import timezone_choices
from minga.challenges.models import Need, Theme
from minga.core.forms import LocalDateTimeField, ZonedFormMixin
from minga.core.uploads import ACCEPT, MAX_FILES, check_upload

from .actions import EVENT_FIELDS, PROPOSAL_FIELDS, REGISTRATION_FIELDS
from .models import PHASE_FIELDS, Event, ProposalVersion, Registration


class EventForm(ZonedFormMixin, forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Time zone of the event"),
        choices=timezone_choices,
        initial="Europe/Paris",
        help_text=_("Dates below are entered in this zone; everyone also sees them in theirs."),
    )

    class Meta:
        model = Event
        fields = ["organiser", *[name for name in EVENT_FIELDS if name != "series"]]
        field_classes = {name: LocalDateTimeField for name in PHASE_FIELDS}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "channels": forms.Textarea(attrs={"rows": 3}),
            "ownership": forms.RadioSelect,
            "ownership_note": forms.Textarea(attrs={"rows": 3}),
            "presentation_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organiser"]
        else:
            self.fields["organiser"].queryset = organisers
            self.fields["organiser"].empty_label = None
        zone = self.data.get(self.add_prefix("timezone")) if self.is_bound else None
        self.set_zone(zone or self.instance.timezone or self.fields["timezone"].initial)

    def clean(self):
        cleaned = super().clean()
        self.set_zone(cleaned.get("timezone"))
        self.localize_fields(cleaned)
        return cleaned


class ExtendForm(ZonedFormMixin, forms.Form):
    proposals_due_at = LocalDateTimeField(label=_("New proposal deadline"))
    reason = forms.CharField(
        label=_("Why (sent to everyone registered)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_zone(event.timezone)
        self.fields["proposals_due_at"].help_text = _("In the event's zone, %(zone)s.") % {
            "zone": event.timezone
        }

    def clean(self):
        cleaned = super().clean()
        self.localize_fields(cleaned)
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown on the event's pages and sent to everyone registered)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloneForm(ZonedFormMixin, forms.Form):
    title = forms.CharField(label=_("Title of the new edition"), max_length=200)
    challenges_released_at = LocalDateTimeField(
        label=_("Challenges released at"),
        help_text=_("Every other date moves by the same amount, at the same local time."),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_zone(event.timezone)

    def clean(self):
        cleaned = super().clean()
        self.localize_fields(cleaned)
        return cleaned


class PrizeForm(forms.Form):
    name = forms.CharField(label=_("Prize"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FaqEntryForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=300)
    answer = forms.CharField(
        label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChallengeForm(forms.Form):
    need = forms.ModelChoiceField(
        label=_("An accepted need"),
        queryset=Need.objects.none(),
        required=False,
        empty_label=_("(none: a theme of our own)"),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the need's title."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=[("", "—"), *Theme.choices])

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        taken = event.challenges.exclude(need=None).values_list("need_id", flat=True)
        self.fields["need"].queryset = (
            Need.objects.accepted().exclude(pk__in=taken).select_related("coop").order_by("title")
        )
        self.fields["need"].label_from_instance = lambda need: f"{need.title} ({need.coop.name})"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("need") and not cleaned.get("title"):
            raise ValidationError(_("Choose an accepted need, or give the challenge a title."))
        return cleaned


class RegistrationForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)

    class Meta:
        model = Registration
        fields = REGISTRATION_FIELDS


class OrganisationForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Who takes part (the roster)"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = members
        self.fields["people"].label_from_instance = lambda person: person.name


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)
    description = forms.CharField(
        label=_("About the team"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    channel_url = forms.URLField(
        label=_("Team channel"),
        required=False,
        help_text=_("Link to the team's Matrix room, Jitsi room, Mattermost channel or list."),
    )
    is_open = forms.BooleanField(label=_("Welcome requests to join"), required=False, initial=True)


class InviteForm(forms.Form):
    registration = forms.ModelChoiceField(label=_("Invite"), queryset=Registration.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration"].queryset = candidates
        self.fields["registration"].label_from_instance = lambda r: r.person.name


class ChallengeChoiceForm(forms.Form):
    challenge = forms.ModelChoiceField(label=_("Our challenge"), queryset=None)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = event.challenges.all()


class StartTeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ProposalForm(forms.ModelForm):
    new_files = MultipleFileField(
        label=_("Attach files"),
        required=False,
        help_text=_("PDF, PNG, JPEG, ODP or PPTX, at most 10 MB each."),
    )
    remove = forms.MultipleChoiceField(
        label=_("Remove attachments"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )

    class Meta:
        model = ProposalVersion
        fields = PROPOSAL_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "problem": forms.Textarea(attrs={"rows": 6}),
            "solution": forms.Textarea(attrs={"rows": 8}),
            "cooperative_principles": forms.Textarea(attrs={"rows": 4}),
            "feasibility": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [(str(a.pk), a.name) for a in attachments]
        if not attachments:
            del self.fields["remove"]
        self.attachment_count = len(attachments)

    def clean_new_files(self):
        files = self.cleaned_data.get("new_files") or []
        for upload in files:
            check_upload(upload)
        return files

    def clean(self):
        cleaned = super().clean()
        kept = self.attachment_count - len(cleaned.get("remove") or [])
        if kept + len(cleaned.get("new_files") or []) > MAX_FILES:
            raise ValidationError(
                _("A proposal can have at most %(max)s attachments.") % {"max": MAX_FILES}
            )
        return cleaned
