"""Forms: validation only. The ballot itself is read by `choice_from_post`, one shape per kind."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from minga.core.uploads import ACCEPT

from .actions import BallotError
from .models import Option, Poll


class DiscussionForm(forms.Form):
    title = forms.CharField(label=_("Proposal or question"), max_length=200)
    body = forms.CharField(
        label=_("Context"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What members need to know to discuss it."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, PNG, JPEG, ODP or PPTX, at most 10 MB."),
    )


class PollForm(forms.Form):
    title = forms.CharField(label=_("Question"), max_length=200)
    details = forms.CharField(
        label=_("Details"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(label=_("Kind of vote"), choices=Poll.Kind.choices)
    options = forms.CharField(
        label=_("Options or candidates, one per line"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Not needed for a consent proposal: its options are agree, abstain, disagree and block."
        ),
    )
    seats = forms.IntegerField(
        label=_("Seats to fill (elections)"), min_value=1, max_value=100, initial=1
    )
    score_max = forms.IntegerField(
        label=_("Highest score (score votes)"), min_value=1, max_value=100, initial=5
    )
    is_secret = forms.BooleanField(label=_("Secret ballot"), required=False, initial=True)
    results_visibility = forms.ChoiceField(
        label=_("Results"), choices=Poll.ResultsVisibility.choices
    )
    electorate = forms.ChoiceField(label=_("Who votes"), choices=Poll.Electorate.choices)
    quorum_kind = forms.ChoiceField(label=_("Quorum"), choices=Poll.QuorumKind.choices)
    quorum_value = forms.IntegerField(
        label=_("Quorum value"), min_value=0, initial=0, required=False
    )
    threshold = forms.ChoiceField(label=_("To pass"), choices=Poll.Threshold.choices)
    closes_at = forms.DateTimeField(
        label=_("Closes at (your time zone)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]

    def clean_quorum_value(self) -> int:
        return self.cleaned_data.get("quorum_value") or 0


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the cooperative will do, now that the vote is counted."),
    )


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=30)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def choice_from_post(poll: Poll, options: list[Option], data: Any) -> dict[str, Any]:
    """The ballot a web form posted, in `Ballot.choice`'s shape (checked again by the action).

    Single: radio `choice`. Approval: checkboxes `approve`. Score: `score-<position>`.
    Ranked: `rank-<position>` numbers, 1 for the first preference, blank to leave out.
    Consent: radio `consent` and `reason`.
    """
    kind = poll.kind
    if kind == Poll.Kind.CONSENT:
        return {"consent": data.get("consent", ""), "reason": data.get("reason", "")}
    if kind == Poll.Kind.SINGLE:
        return {"choice": _int(data.get("choice"))}
    if kind == Poll.Kind.APPROVAL:
        return {"approve": [_int(v) for v in data.getlist("approve")]}
    if kind == Poll.Kind.SCORE:
        scores = {}
        for option in options:
            value = data.get(f"score-{option.position}", "")
            if value != "":
                scores[str(option.position)] = value
        return {"scores": scores}
    ranks: dict[int, list[int]] = {}
    for option in options:
        value = (data.get(f"rank-{option.position}") or "").strip()
        if not value:
            continue
        number = _int(value)
        if number is None or number < 1:
            raise BallotError(_gettext("Ranks are whole numbers from 1 (your first choice)."))
        ranks.setdefault(number, []).append(option.position)
    return {"ranking": [ranks[number] for number in sorted(ranks)]}
