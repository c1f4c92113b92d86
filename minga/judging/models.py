"""Judging: the rubric, the jury and its scores, the members' choice vote, and awards.

Judging runs in the event's judging phase (from the proposal deadline to `judging_ends_at`);
results are public from `announcement_at`. The rules live on the event's timeline, not here,
so one comparison answers "may this juror still change a score?".
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from minga.events.models import ProposalVersion

SCALE_MIN, SCALE_MAX = 1, 5
MIN_JURORS_PER_PROPOSAL = 3


class DefaultCriterion(models.TextChoices):
    RELEVANCE = "relevance", _("Relevance to the need")
    FEASIBILITY = "feasibility", _("Feasibility for the cooperative")
    VALUES = "values", _("Cooperative values")
    QUALITY = "quality", _("Quality")


# (key, weight, description): the rubric an event starts with.
DEFAULT_RUBRIC = [
    (
        DefaultCriterion.RELEVANCE,
        30,
        _("Does it answer the cooperative's need as the members described it?"),
    ),
    (
        DefaultCriterion.FEASIBILITY,
        30,
        _(
            "Can the cooperative run it with its budget, devices, connectivity and people, "
            "and keep it going after the event?"
        ),
    ),
    (
        DefaultCriterion.VALUES,
        20,
        _(
            "Does it serve democratic member control, member benefit and cooperation among "
            "cooperatives?"
        ),
    ),
    (
        DefaultCriterion.QUALITY,
        20,
        _("Is the proposal clear, well reasoned and well made?"),
    ),
]
DEFAULT_DESCRIPTIONS = {key: description for key, _weight, description in DEFAULT_RUBRIC}


class JudgingSettings(models.Model):
    """An event's judging choices; an event without a row uses the defaults."""

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="judging_settings"
    )
    jurors_per_proposal = models.PositiveSmallIntegerField(
        _("jurors per proposal"),
        default=MIN_JURORS_PER_PROPOSAL,
        validators=[MinValueValidator(MIN_JURORS_PER_PROPOSAL), MaxValueValidator(9)],
        help_text=_("At least 3, so no single opinion decides."),
    )
    members_choice = models.BooleanField(
        _("members' choice vote"),
        default=False,
        help_text=_(
            "Members of the cooperatives whose needs are challenges approve the proposals "
            "they like, one member one vote, during judging. Shown apart from the jury's "
            "result."
        ),
    )
    updated_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("judging settings")
        verbose_name_plural = _("judging settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(jurors_per_proposal__gte=MIN_JURORS_PER_PROPOSAL),
                name="at_least_three_jurors_per_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event}"


class Criterion(models.Model):
    """One line of an event's rubric. Default criteria keep an empty name and are shown in
    each reader's language; a name typed by the organisers is shown as typed."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="criteria")
    key = models.CharField(max_length=20, choices=DefaultCriterion.choices, blank=True)
    name = models.CharField(_("criterion"), max_length=120, blank=True)
    description = models.TextField(_("what jurors look for"), max_length=1000, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "key"], condition=~Q(key=""), name="default_criterion_once"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        if self.name or not self.key:
            return self.name
        return DefaultCriterion(self.key).label

    @property
    def explanation(self) -> str:
        if self.description or not self.key:
            return self.description
        return str(DEFAULT_DESCRIPTIONS[self.key])


class Juror(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="jurors")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jury_seats",
        verbose_name=_("person"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_seat_per_juror")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.event}"


class Assignment(models.Model):
    """A juror's task to score one proposal, and, once done, the comment and the version seen."""

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="jury_assignments"
    )
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="assignments")
    proposal = models.ForeignKey(
        "events.Proposal", on_delete=models.CASCADE, related_name="jury_assignments"
    )
    version = models.ForeignKey(
        "events.ProposalVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version scored"),
    )
    comment = models.TextField(_("comment for the team"), max_length=3000, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    # Not a field: the version the jury sees, set by `queries.my_assignments` for the page.
    jury_version: "ProposalVersion | None"

    class Meta:
        ordering = ["proposal_id", "juror_id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["juror", "proposal"], name="one_assignment_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.juror} → {self.proposal_id}"

    @property
    def is_scored(self) -> bool:
        return self.scored_at is not None


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_each"),
            models.CheckConstraint(
                condition=Q(value__gte=SCALE_MIN) & Q(value__lte=SCALE_MAX),
                name="score_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class VoteReceipt(models.Model):
    """Proof that a member voted in an event's members' choice, and nothing more.

    The ballot is secret: approvals are added to `VoteTally` counters in the same
    transaction, and no row links a voter to the proposals they approved. The unique
    constraint is what makes it one member, one vote, even for two requests at once.
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vote_receipts"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        verbose_name = _("vote receipt")
        verbose_name_plural = _("vote receipts")
        constraints = [
            models.UniqueConstraint(fields=["event", "voter"], name="one_ballot_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.voter} voted @ {self.event_id}"


class VoteTally(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(
        "events.Proposal", on_delete=models.CASCADE, related_name="vote_tallies"
    )
    approvals = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("members' choice tally")
        verbose_name_plural = _("members' choice tallies")
        constraints = [
            models.UniqueConstraint(fields=["event", "proposal"], name="one_tally_per_proposal")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.approvals}"


class Award(models.Model):
    """A recognition earned in an event, from which the credentials app can issue a badge."""

    class Kind(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        WINNER = "winner", _("Winner")
        JUROR = "juror", _("Juror")
        CHALLENGE_OWNER = "challenge-owner", _("Challenge owner")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="awards")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="awards"
    )
    kind = models.CharField(_("award"), max_length=20, choices=Kind.choices)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    prize = models.ForeignKey(
        "events.Prize", on_delete=models.SET_NULL, null=True, blank=True, related_name="awards"
    )
    prize_name = models.CharField(_("prize"), max_length=200, blank=True)
    team = models.ForeignKey(
        "events.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="awards"
    )
    challenge = models.ForeignKey(
        "events.EventChallenge",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("awarded at"), default=now)

    class Meta:
        ordering = ["event", "kind", "rank", "pk"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "kind"], name="one_award_of_a_kind"),
            models.CheckConstraint(
                condition=Q(kind="winner", rank__isnull=False) | ~Q(kind="winner"),
                name="winners_have_a_rank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person} @ {self.event}"
