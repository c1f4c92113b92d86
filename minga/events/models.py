"""Coop-a-thons: an event's timeline and rules, who takes part, their teams and proposals.

Every instant is stored in UTC and entered or shown in a named zone: the event's own zone
(its organiser's clock) beside each viewer's zone. The phases are plain datetime fields on
`Event`, so "is the deadline past?" is one comparison the database can also answer.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.timezone import localtime, now
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from minga.accounts.models import validate_timezone
from minga.accounts.vocab import Language, Role, Skill
from minga.challenges.models import Theme
from minga.core.fields import ChoiceListField

TEAM_SIZE_LIMIT = 12


class Format(models.TextChoices):
    VIRTUAL = "virtual", _("Virtual")
    IN_PERSON = "in-person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class WhoMayRegister(models.TextChoices):
    PEOPLE = "people", _("People, each for themselves")
    ORGANISATIONS = "organisations", _("Organisations, with their roster")
    BOTH = "both", _("People and organisations")


class Licence(models.TextChoices):
    """Licences an organiser may choose; the chosen one applies to every proposal."""

    CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    CC0 = "CC0-1.0", _("Creative Commons Zero, public domain (CC0 1.0)")
    MIT = "MIT", _("MIT licence")
    APACHE = "Apache-2.0", _("Apache License 2.0")
    GPL = "GPL-3.0-or-later", _("GNU General Public License 3.0 or later")
    AGPL = "AGPL-3.0-or-later", _("GNU Affero General Public License 3.0 or later")


class Ownership(models.TextChoices):
    TEAM = "team", _("Each team keeps the rights to its ideas and shares them under the licence")
    CHALLENGE_OWNER = (
        "challenge-owner",
        _("The cooperative that posted the challenge may use the ideas freely, under the licence"),
    )
    COMMONS = "commons", _("Every proposal becomes a commons under the licence")


class PresentationFormat(models.TextChoices):
    WRITTEN = "written", _("Written proposal")
    SLIDES = "slides", _("Slides")
    VIDEO = "video", _("Video")


@dataclass(frozen=True)
class Phase:
    """One step of an event's timeline; `ends_at` is None for an instant (a deadline)."""

    key: str
    label: Promise
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None

    def is_current(self, now: datetime.datetime) -> bool:
        if self.ends_at is None:
            return False
        return self.starts_at <= now < self.ends_at

    def is_past(self, now: datetime.datetime) -> bool:
        return (self.ends_at or self.starts_at) <= now


# Phase fields in timeline order, with the ordering rules the form and the model enforce.
PHASE_FIELDS = [
    "registration_opens_at",
    "registration_closes_at",
    "intake_opens_at",
    "intake_closes_at",
    "challenges_released_at",
    "proposals_due_at",
    "judging_ends_at",
    "announcement_at",
]
# (earlier, later, strictly): `later` must come after `earlier` (or at the same instant).
PHASE_ORDER = [
    ("registration_opens_at", "registration_closes_at", True),
    ("registration_closes_at", "proposals_due_at", False),
    ("intake_opens_at", "intake_closes_at", True),
    ("intake_closes_at", "challenges_released_at", False),
    ("challenges_released_at", "proposals_due_at", True),
    ("proposals_due_at", "judging_ends_at", False),
    ("judging_ends_at", "announcement_at", False),
]


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    organiser = models.ForeignKey(
        "coops.Cooperative",
        on_delete=models.PROTECT,
        related_name="organised_events",
        verbose_name=_("organised by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    summary = models.TextField(_("what it is about"), max_length=5000)
    series = models.SlugField(
        _("series"),
        max_length=80,
        blank=True,
        help_text=_("Editions of the same series share this short name."),
    )
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_editions"
    )
    format = models.CharField(
        _("format"), max_length=12, choices=Format.choices, default=Format.VIRTUAL
    )
    location = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("For in-person and hybrid events.")
    )
    timezone = models.CharField(
        _("time zone of the event"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("Dates below are entered in this zone; everyone also sees them in theirs."),
    )
    languages = ChoiceListField(_("working languages"), choices=Language.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )

    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    intake_opens_at = models.DateTimeField(_("challenge intake opens"))
    intake_closes_at = models.DateTimeField(_("challenge intake closes"))
    challenges_released_at = models.DateTimeField(
        _("challenges released"),
        help_text=_("Challenges stay hidden from everyone but organisers until this instant."),
    )
    proposals_due_at = models.DateTimeField(
        _("proposal deadline"), help_text=_("Proposals lock at this instant.")
    )
    judging_ends_at = models.DateTimeField(_("judging ends"))
    announcement_at = models.DateTimeField(_("winners announced"))
    original_proposals_due_at = models.DateTimeField(
        _("original proposal deadline"), null=True, blank=True
    )

    # Rules: the answers to the questions every participant asks.
    team_min_size = models.PositiveSmallIntegerField(
        _("smallest team"), default=2, validators=[MinValueValidator(1)]
    )
    team_max_size = models.PositiveSmallIntegerField(
        _("largest team"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(TEAM_SIZE_LIMIT)],
    )
    who_may_register = models.CharField(
        _("who may register"),
        max_length=16,
        choices=WhoMayRegister.choices,
        default=WhoMayRegister.BOTH,
    )
    channels = models.TextField(
        _("communication channels"),
        max_length=2000,
        blank=True,
        help_text=_(
            "How teams talk: e.g. one Matrix room or Jitsi link per team, a Mattermost "
            "server, an e-mail list."
        ),
    )
    main_channel_url = models.URLField(
        _("link to the event's main channel"),
        blank=True,
        help_text=_("A Matrix room, Mattermost channel, Jitsi room or mailing list."),
    )
    licence = models.CharField(
        _("licence of every proposal"),
        max_length=24,
        choices=Licence.choices,
        default=Licence.CC_BY,
    )
    ownership = models.CharField(
        _("ownership of ideas"), max_length=20, choices=Ownership.choices, default=Ownership.TEAM
    )
    ownership_note = models.TextField(_("more on ownership"), max_length=2000, blank=True)
    presentation_formats = ChoiceListField(
        _("presentation formats"), choices=PresentationFormat.choices
    )
    video_max_minutes = models.PositiveSmallIntegerField(
        _("longest video (minutes)"), default=3, validators=[MaxValueValidator(60)]
    )
    presentation_note = models.TextField(_("more on presentations"), max_length=2000, blank=True)

    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True, max_length=2000)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=now)
    updated_at = models.DateTimeField(_("updated at"), default=now)

    class Meta:
        ordering = ["-challenges_released_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(team_min_size__lte=models.F("team_max_size")),
                name="event_team_sizes_ordered",
            ),
            models.CheckConstraint(
                condition=Q(challenges_released_at__lt=models.F("proposals_due_at")),
                name="event_release_before_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.slug])

    def clean(self) -> None:
        errors = phase_order_errors({name: getattr(self, name) for name in PHASE_FIELDS})
        if self.team_min_size and self.team_max_size and self.team_min_size > self.team_max_size:
            errors.setdefault("team_min_size", []).append(
                _("The smallest team cannot be larger than the largest team.")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_extended(self) -> bool:
        return self.original_proposals_due_at is not None

    @property
    def accepts_people(self) -> bool:
        return self.who_may_register in (WhoMayRegister.PEOPLE, WhoMayRegister.BOTH)

    @property
    def accepts_organisations(self) -> bool:
        return self.who_may_register in (WhoMayRegister.ORGANISATIONS, WhoMayRegister.BOTH)

    def are_challenges_released(self, now: datetime.datetime) -> bool:
        return now >= self.challenges_released_at

    def is_open_for_registration(self, now: datetime.datetime) -> bool:
        return self.is_published and self.registration_opens_at <= now < self.registration_closes_at

    def is_open_for_teams(self, now: datetime.datetime) -> bool:
        """Teams form and change until the proposal deadline."""
        return self.is_published and now < self.proposals_due_at

    def is_open_for_proposals(self, now: datetime.datetime) -> bool:
        return self.is_published and self.challenges_released_at <= now < self.proposals_due_at

    def are_results_announced(self, now: datetime.datetime) -> bool:
        return self.is_published and now >= self.announcement_at

    def phases(self) -> list[Phase]:
        """The timeline, in the order things happen (an intake may open before registration)."""
        return sorted(self._phases(), key=lambda phase: phase.starts_at)

    def _phases(self) -> list[Phase]:
        return [
            Phase(
                "registration",
                _("Registration"),
                self.registration_opens_at,
                self.registration_closes_at,
            ),
            Phase("intake", _("Challenge intake"), self.intake_opens_at, self.intake_closes_at),
            Phase("release", _("Challenges released"), self.challenges_released_at, None),
            Phase("building", _("Building"), self.challenges_released_at, self.proposals_due_at),
            Phase("deadline", _("Proposal deadline"), self.proposals_due_at, None),
            Phase("judging", _("Judging"), self.proposals_due_at, self.judging_ends_at),
            Phase("announcement", _("Winners announced"), self.announcement_at, None),
        ]

    def stage(self, now: datetime.datetime) -> str:
        """Where the event stands: one word for badges, filters and notifications."""
        if self.is_cancelled:
            return "cancelled"
        if self.status == self.Status.DRAFT:
            return "draft"
        if now < self.registration_opens_at and now < self.intake_opens_at:
            return "upcoming"
        if now < self.challenges_released_at:
            return "preparing"
        if now < self.proposals_due_at:
            return "building"
        if now < self.announcement_at:
            return "judging"
        return "announced"

    def local(self, value: datetime.datetime) -> datetime.datetime:
        return localtime(value, self.zone)


STAGE_LABELS = {
    "cancelled": _("Cancelled"),
    "draft": _("Draft"),
    "upcoming": _("Upcoming"),
    "preparing": _("Registration and challenge intake"),
    "building": _("Teams are building"),
    "judging": _("Judging"),
    "announced": _("Results announced"),
}


def phase_order_errors(values: dict) -> dict[str, list]:
    """Errors keyed by field when phases are out of order (missing values are skipped)."""
    labels = {field.name: field.verbose_name for field in Event._meta.fields}
    errors: dict[str, list] = {}
    for earlier, later, strictly in PHASE_ORDER:
        first, second = values.get(earlier), values.get(later)
        if first is None or second is None:
            continue
        if second < first or (strictly and second == first):
            errors.setdefault(later, []).append(
                _("“%(later)s” must come after “%(earlier)s”.")
                % {"later": labels[later], "earlier": labels[earlier]}
            )
    return errors


class Prize(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="prizes")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("prize"), max_length=200)
    description = models.TextField(_("details"), max_length=2000, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")

    def __str__(self) -> str:
        return self.name


class FaqEntry(models.Model):
    """A question and answer the organisers add to the FAQ built from the rules."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="faq_entries")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), max_length=5000)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")

    def __str__(self) -> str:
        return self.question


class EventChallenge(models.Model):
    """A challenge teams may choose: usually a cooperative's accepted need, picked by organisers."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="challenges")
    need = models.ForeignKey(
        "challenges.Need",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_challenges",
        verbose_name=_("need"),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("challenge owner"),
    )
    owner_coop = models.ForeignKey(
        "coops.Cooperative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cooperative"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("event challenge")
        verbose_name_plural = _("event challenges")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "need"],
                condition=Q(need__isnull=False),
                name="need_once_per_event",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    """One person taking part in one event, alone or on their cooperative's roster."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Individual")
        ORGANISATION = "organisation", _("On an organisation's roster")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Registered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    kind = models.CharField(_("registered as"), max_length=16, choices=Kind.choices)
    coop = models.ForeignKey(
        "coops.Cooperative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("cooperative"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    skills = ChoiceListField(_("skills"), choices=Skill.choices)
    roles = ChoiceListField(_("roles I can play"), choices=Role.choices)
    languages = ChoiceListField(_("languages spoken"), choices=Language.choices)
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    country = CountryField(_("country"), blank=True)
    day_starts_at_hour = models.PositiveSmallIntegerField(
        _("I usually start at (hour, local time)"),
        default=9,
        validators=[MaxValueValidator(23)],
    )
    hours_per_day = models.PositiveSmallIntegerField(
        _("hours per day I can give"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(16)],
    )
    created_at = models.DateTimeField(_("registered at"), default=now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_registration_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.event}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Team(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team name"), max_length=120)
    # The name the results were announced under, kept by the first rename after the
    # announcement: results and certificates keep showing it (see `name_in_results`).
    announced_name = models.CharField(
        _("name in the announced results"), max_length=120, blank=True
    )
    description = models.TextField(_("about the team"), max_length=2000, blank=True)
    channel_url = models.URLField(
        _("team channel"),
        blank=True,
        help_text=_("Link to the team's Matrix room, Jitsi room, Mattermost channel or list."),
    )
    challenge = models.ForeignKey(
        EventChallenge,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("challenge"),
    )
    is_open = models.BooleanField(_("welcomes requests to join"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    # Not a field: the active memberships, where `queries.active_members()` prefetched them.
    active_members: list["TeamMembership"]

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="team_name_unique_in_event")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:team", args=[self.event.slug, self.pk])

    @property
    def name_in_results(self) -> str:
        """The name the event's results and certificates show: the one announced."""
        return self.announced_name or self.name


class TeamMembership(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        REQUESTED = "requested", _("Asked to join")
        ACTIVE = "active", _("Member")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="team_memberships"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            # A registration is in one team at most, and has one row per team.
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(status="active"),
                name="one_active_team_per_registration",
            ),
            models.UniqueConstraint(
                fields=["team", "registration"], name="one_membership_row_per_team"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration.person} in {self.team}"


class Proposal(models.Model):
    """A team's submission; its content lives in versions, one per save."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="proposals")
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="proposal")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        latest = self.latest_version()
        return latest.title if latest else str(self.team)

    def latest_version(self) -> "ProposalVersion | None":
        return self.versions.order_by("-number").first()

    def version_for_jury(self) -> "ProposalVersion | None":
        """The last version saved strictly before the (possibly extended) deadline."""
        return (
            self.versions.filter(created_at__lt=self.event.proposals_due_at)
            .order_by("-number")
            .first()
        )


def attachment_path(instance: "Attachment", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    proposal = instance.proposal
    return f"events/{proposal.event_id}/{proposal.team_id}/{instance.key}.{extension}"


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    key = models.CharField(max_length=32, unique=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ProposalVersion(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1500)
    problem = models.TextField(_("our understanding of the problem"), max_length=8000)
    solution = models.TextField(_("proposed solution"), max_length=12000)
    cooperative_principles = models.TextField(
        _("how it serves cooperative principles"),
        max_length=5000,
        help_text=_("Democratic member control, member benefit, cooperation among cooperatives."),
    )
    feasibility = models.TextField(_("feasibility and cost for the cooperative"), max_length=5000)
    licence = models.CharField(_("licence"), max_length=24, choices=Licence.choices)
    repository_url = models.URLField(_("code repository"), blank=True)
    slides_url = models.URLField(_("slides"), blank=True)
    video_url = models.URLField(_("video"), blank=True)
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="versions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saved at"), default=now)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("proposal version")
        verbose_name_plural = _("proposal versions")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposal_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class Notification(models.Model):
    """A notice sent to one person about one event: the record that keeps it from repeating.

    `kind` says what (a phase change, a reminder, an extension, a cancellation) and `key`
    pins it to the instant it concerns, so a moved deadline earns new reminders while
    running `minga events notify` again sends nothing twice.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_notifications"
    )
    kind = models.CharField(max_length=32)
    key = models.CharField(max_length=64, blank=True)
    channels = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person", "kind", "key"], name="one_notification_per_occasion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.person}"
