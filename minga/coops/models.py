"""Cooperatives, the people who belong to them, and how that belonging changed."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from minga.accounts.vocab import Language
from minga.core.fields import ChoiceListField


class Sector(models.TextChoices):
    SAVINGS_CREDIT = "savings-credit", _("Savings and credit")
    AGRICULTURE = "agriculture", _("Agriculture")
    WORKER = "worker", _("Worker")
    CONSUMER = "consumer", _("Consumer")
    HOUSING = "housing", _("Housing")
    PLATFORM = "platform", _("Platform")
    IT = "it", _("IT and technology")
    ENERGY = "energy", _("Energy")
    HEALTH = "health", _("Health")
    INSURANCE = "insurance", _("Insurance")
    FEDERATION = "federation", _("Federation or apex body")


class LegalForm(models.TextChoices):
    PRIMARY = "primary", _("Primary cooperative")
    SECONDARY = "secondary", _("Secondary cooperative (union)")
    FEDERATION = "federation", _("Federation")
    SACCO = "sacco", _("Savings and credit cooperative society (SACCO)")
    WORKER = "worker", _("Worker cooperative")
    MUTUAL = "mutual", _("Mutual society")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Other")


class Cooperative(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=100, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    member_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    website = models.URLField(_("website or .coop domain"), blank=True)
    languages = ChoiceListField(_("working languages"), choices=Language.choices)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    is_organiser = models.BooleanField(
        _("organises coop-a-thons"),
        default=False,
        help_text=_("Federations and networks that run events for their members."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        indexes = [models.Index(fields=["country", "sector"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("coops:detail", args=[self.slug])


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        BOARD = "board", _("Board member")
        SECRETARY = "secretary", _("Secretary")
        TREASURER = "treasurer", _("Treasurer")
        # Oversees the books and answers members' disputes; reads everything, changes nothing.
        SUPERVISORY = "supervisory", _("Supervisory committee member")
        ADMIN = "admin", _("Administrator")
        # Reads and comments in the cooperative's discussions, but does not vote.
        ASSOCIATE = "associate", _("Associate member (no vote)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LEFT = "left", _("Left")

    coop = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("cooperative"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        ordering = ["coop__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["coop", "person"], name="one_membership_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.coop}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Affiliation(models.Model):
    """A cooperative's membership of a federation or union (a secondary cooperative)."""

    federation = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="affiliations",
        verbose_name=_("federation"),
    )
    member = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="federations",
        verbose_name=_("member cooperative"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        ordering = ["member__name"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(fields=["federation", "member"], name="one_affiliation"),
            models.CheckConstraint(
                condition=~models.Q(federation=models.F("member")), name="no_self_affiliation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.federation}"


class MembershipChange(models.Model):
    """History of a membership: who changed role or status, when, from what to what."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    old_role = models.CharField(max_length=12, blank=True, choices=Membership.Role.choices)
    new_role = models.CharField(max_length=12, choices=Membership.Role.choices)
    old_status = models.CharField(max_length=12, blank=True, choices=Membership.Status.choices)
    new_status = models.CharField(max_length=12, choices=Membership.Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.membership}: {self.new_role}, {self.new_status}"


class Invitation(models.Model):
    """An invitation to join a cooperative, shared as a link or sent by e-mail."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    # Set for invitations sent by SMS: only the person with this number can accept.
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    role = models.CharField(
        _("role"), max_length=12, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    max_uses = models.PositiveIntegerField(_("how many people may use it"), default=1)
    uses = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.coop}: {self.email or self.phone or _('link')}"

    def is_usable(self, now: datetime.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at and self.uses < self.max_uses
