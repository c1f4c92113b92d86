"""Agents: a cooperative's field officers or shopkeepers who take cash for members without a
phone, on Fineract's teller model.

The cooperative allocates cash to an agent from its cash account and the agent settles it back
(`FloatMovement`, each one an approved request of the treasury: money leaving the cash box is an
outflow). What the agent holds is the balance of their own asset account in the books (their
float account), never a counter kept here. A member's deposit or withdrawal at the agent
(`AgentTransaction`) waits until the member confirms it (the code sent by SMS to their phone or
their witness's, or their PIN typed on the agent's phone), then posts. Every evening the agent
declares the cash in hand (`CashCount`) against what the books expect.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minga.coops.models import Cooperative


class Agent(models.Model):
    coop = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", verbose_name=_("cooperative")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agencies"
    )
    phone = models.CharField(_("phone"), max_length=20)
    account = models.OneToOneField(
        "treasury.Account", on_delete=models.PROTECT, related_name="agent"
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["coop", "pk"]
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        constraints = [
            models.UniqueConstraint(fields=["coop", "user"], name="agents_one_agent_per_person")
        ]

    def __str__(self) -> str:
        return self.user.name


class FloatMovement(models.Model):
    """Cash allocated to an agent or settled back: posted once its request is approved."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("Allocation")
        SETTLEMENT = "settlement", _("Settlement")

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.BigIntegerField(_("amount"), validators=[MinValueValidator(1)])
    request = models.OneToOneField(
        "treasury.ApprovalRequest", on_delete=models.PROTECT, related_name="agent_float"
    )
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="agents_float_positive")
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.kind} {self.amount}"


class AgentTransaction(models.Model):
    """A member's cash deposit or withdrawal at an agent: pending until the member confirms."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        WITHDRAWAL = "withdrawal", _("Withdrawal")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the member")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="transactions")
    member = models.ForeignKey(
        "treasury.MemberAccount", on_delete=models.PROTECT, related_name="agent_transactions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.BigIntegerField(_("amount"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    confirmed_with = models.CharField(max_length=8, blank=True)  # "code" or "pin"
    entry = models.OneToOneField(
        "treasury.JournalEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agent_transaction",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["agent", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="agents_transaction_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.kind} {self.amount}"

    @property
    def reference(self) -> str:
        """The entry's reference in the books: one entry per agent transaction."""
        return f"AGT-{self.pk}"

    def is_open(self, now) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > now


class CashCount(models.Model):
    """The cash an agent declared in hand on a day, against the float the books expect."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="counts")
    date = models.DateField(_("date"))
    counted = models.BigIntegerField(_("counted"), validators=[MinValueValidator(0)])
    expected = models.BigIntegerField(_("expected"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "agent"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "date"], name="agents_one_count_per_day"),
            models.CheckConstraint(condition=models.Q(counted__gte=0), name="agents_count_signed"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.date}: {self.counted}/{self.expected}"

    @property
    def difference(self) -> int:
        """Counted minus expected: negative is a shortfall, positive an overage."""
        return self.counted - self.expected
