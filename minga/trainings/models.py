"""Trainings a cooperative runs: sessions, who enrolled, who attended, assessment results.

A participant is a person with an account or, for members without e-mail or smartphone,
a name and phone number the trainer writes down. Completing a training (enough sessions
attended, and the pass mark reached when there is an assessment) earns a certificate: the
training's achievement, issued when the trainer closes the training.

The tables keep the names they had when trainings lived in the credentials app
(`credentials_training`...): the models moved, the rows stayed where they were.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from minga.accounts.models import validate_timezone

# What a cooperative says of a training when it announces it: the form asks for these, and
# `actions.create_training` takes them (beside the cooperative, trainers and certificate).
TRAINING_FIELDS = [
    "title",
    "description",
    "language",
    "timezone",
    "is_members_only",
    "capacity",
    "enrolment_closes_at",
    "min_attendance_percent",
    "pass_mark",
]


class Training(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed, certificates issued")

    coop = models.ForeignKey(
        "coops.Cooperative",
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("cooperative"),
    )
    achievement = models.ForeignKey(
        "credentials.Achievement",
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("certificate"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what participants learn"), max_length=5000)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    timezone = models.CharField(
        _("time zone of the sessions"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("Session times are entered in this zone; everyone also sees them in theirs."),
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="trainings_given",
        verbose_name=_("trainers"),
        db_table="credentials_training_trainers",
    )
    is_members_only = models.BooleanField(_("only for members of the cooperative"), default=False)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    enrolment_closes_at = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("sessions to attend (percent)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The share of sessions a participant must attend to complete the training."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark of the assessment (out of 100)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Leave empty when there is no assessment."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        db_table = "credentials_training"
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("trainings:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def has_assessment(self) -> bool:
        return self.pass_mark is not None

    def is_open_for_enrolment(self, now: datetime.datetime) -> bool:
        return self.is_open and (self.enrolment_closes_at is None or now < self.enrolment_closes_at)

    def sessions_needed(self, session_count: int) -> int:
        """How many of `session_count` sessions a participant must attend (rounded up)."""
        return -(-session_count * self.min_attendance_percent // 100)


class TrainingSession(models.Model):
    """One meeting of a training: in a place, online, or both."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("link to join online"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["training", "starts_at", "pk"]
        db_table = "credentials_trainingsession"
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="credentials_session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_url=""),
                name="credentials_session_has_place_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training} {self.starts_at:%Y-%m-%d %H:%M}"

    def has_started(self, now: datetime.datetime) -> bool:
        return self.starts_at <= now


class Enrolment(models.Model):
    """A participant of a training: a person, or a name and phone number without an account."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("In progress")
        COMPLETED = "completed", _("Completed")
        NOT_COMPLETED = "not-completed", _("Not completed")

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_enrolments",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=now)
    score = models.PositiveSmallIntegerField(
        _("assessment score (out of 100)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    credential = models.ForeignKey(
        "credentials.Credential",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certificate"),
    )

    class Meta:
        ordering = ["training", "name", "pk"]
        db_table = "credentials_enrolment"
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "person"],
                condition=Q(person__isnull=False),
                name="credentials_one_enrolment_per_person",
            ),
            models.UniqueConstraint(
                fields=["training", "phone"],
                condition=~Q(phone=""),
                name="credentials_one_enrolment_per_phone",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(phone=""),
                name="credentials_enrolment_has_person_or_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.training}"


class Attendance(models.Model):
    """A participant was at a session, as the trainer recorded."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=now)

    class Meta:
        ordering = ["session", "enrolment"]
        db_table = "credentials_attendance"
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="credentials_one_attendance_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.name} @ {self.session}"
