"""What members do with the books: approve outflows, confirm them, dispute entries, share the
surplus. (The books themselves are in `models`; this module is imported at its end.)

- `ApprovalRule`: the statutes' rule for an operation from an amount up: how many checkers,
  how many randomly drawn ordinary members must confirm, and within how many hours.
- `ApprovalRequest`: an outflow or a manual entry prepared by the treasurer (maker), waiting
  for the checkers, then for the drawn members; posted only once all agreed, else refused or
  lapsed. Two identical requests cannot wait at the same time (a unique constraint).
- `Dispute`: a member's objection to an entry on their account; the supervisory committee
  answers it. `WitnessPhone`: where a member without a phone gets their receipts.
- `SurplusRules`, `Allocation`, `AllocationShare`: the dividend and patronage refund of a
  closed year, previewed to every member and posted only after their poll passed it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minga.coops.models import Cooperative


class Operation(models.TextChoices):
    SAVINGS_WITHDRAWAL = "savings-withdrawal", _("Savings withdrawal")
    SHARE_REDEMPTION = "share-redemption", _("Share redemption")
    PAYMENT = "payment", _("Payment (expense or supplier)")
    MANUAL = "manual", _("Manual entry")


class ApprovalRule(models.Model):
    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    operation = models.CharField(_("operation"), max_length=20, choices=Operation.choices)
    min_amount = models.BigIntegerField(
        _("from this amount (minor units)"), default=0, validators=[MinValueValidator(0)]
    )
    checkers = models.PositiveSmallIntegerField(
        _("checkers who must approve"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    members = models.PositiveSmallIntegerField(
        _("ordinary members drawn to confirm"), default=0, validators=[MaxValueValidator(15)]
    )
    hours = models.PositiveSmallIntegerField(
        _("hours the members have to confirm"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["coop", "operation", "min_amount"]
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "operation", "min_amount"], name="treasury_one_rule_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.operation} >= {self.min_amount}"


class ApprovalRequest(models.Model):
    class Status(models.TextChoices):
        CHECKING = "checking", _("Waiting for the checkers")
        CONFIRMING = "confirming", _("Waiting for the members drawn")
        PAYING = "paying", _("Approved, being paid by mobile money")
        POSTED = "posted", _("Approved and posted")
        REFUSED = "refused", _("Refused")
        LAPSED = "lapsed", _("Lapsed (not confirmed in time)")
        CANCELLED = "cancelled", _("Withdrawn by the treasurer")

    PENDING = (Status.CHECKING, Status.CONFIRMING)

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    operation = models.CharField(_("operation"), max_length=20, choices=Operation.choices)
    amount = models.BigIntegerField(_("amount (minor units)"))
    narration = models.CharField(_("description"), max_length=300)
    member = models.ForeignKey(
        "treasury.MemberAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    # The entry's date and reference as the maker gave them (a cheque number, an invoice):
    # the entry is posted with them once approved; no date means the day it is posted.
    date = models.DateField(_("date"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True, default="")
    # What will be posted: [[account code, member ref or "", signed amount], ...] and, for
    # share redemptions, the number of shares.
    payload = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CHECKING
    )
    maker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checkers_needed = models.PositiveSmallIntegerField(default=1)
    members_needed = models.PositiveSmallIntegerField(default=0)
    hours = models.PositiveSmallIntegerField(default=72)
    deadline = models.DateTimeField(_("confirm before"), null=True, blank=True)
    # The draw: the audit entry whose leaf hash seeded it, and the seed (hex).
    seed_entry = models.BigIntegerField(null=True, blank=True)
    seed = models.CharField(max_length=64, blank=True)
    entry = models.OneToOneField(
        "treasury.JournalEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approval",
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "fingerprint"],
                condition=models.Q(status__in=["checking", "confirming"]),
                name="treasury_no_duplicate_pending_request",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="treasury_request_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.operation} {self.amount}"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING


class ApprovalCheck(models.Model):
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="checks")
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved = models.BooleanField()
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "checker"], name="treasury_one_check_each")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.approved}"


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    USSD = "ussd", _("USSD")
    SMS = "sms", _("SMS")


class MemberConfirmation(models.Model):
    class Answer(models.TextChoices):
        WAITING = "", _("Not answered yet")
        YES = "yes", _("Confirmed")
        NO = "no", _("Refused")

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="confirmations"
    )
    member = models.ForeignKey(
        "treasury.MemberAccount", on_delete=models.PROTECT, related_name="confirmations"
    )
    # A short number the member types by SMS ("YES 4821"): unique among open requests.
    code = models.CharField(max_length=8)
    answer = models.CharField(max_length=3, choices=Answer.choices, blank=True, default="")
    channel = models.CharField(max_length=6, choices=Channel.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "member"], name="treasury_one_confirmation_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.member_id}: {self.answer or '-'}"


class Dispute(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the supervisory committee")
        ANSWERED = "answered", _("Answered")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(
        "treasury.JournalEntry", on_delete=models.PROTECT, related_name="disputes"
    )
    member = models.ForeignKey(
        "treasury.MemberAccount", on_delete=models.PROTECT, related_name="disputes"
    )
    reason = models.CharField(_("reason"), max_length=500)
    channel = models.CharField(max_length=6, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "member"],
                condition=models.Q(status="open"),
                name="treasury_one_open_dispute",
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.status}"


class WitnessPhone(models.Model):
    """The phone of someone a member without one trusts: receipts for them go there."""

    member = models.OneToOneField(
        "treasury.MemberAccount", on_delete=models.CASCADE, related_name="witness"
    )
    phone = models.CharField(_("witness phone"), max_length=20)
    name = models.CharField(_("witness name"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.member_id}: {self.name}"


class SurplusRules(models.Model):
    """The statutes on surplus: the cap on the dividend rate and the indivisible reserve."""

    coop = models.OneToOneField(Cooperative, on_delete=models.CASCADE, related_name="+")
    dividend_cap = models.DecimalField(
        _("highest dividend rate (% a year)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    reserve_percent = models.DecimalField(
        _("share of the surplus to the reserve (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    def __str__(self) -> str:
        return f"{self.coop_id}: {self.dividend_cap}%"


class Allocation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft, shown to every member")
        VOTING = "voting", _("Put to the members' vote")
        REJECTED = "rejected", _("Not passed by the members")
        POSTED = "posted", _("Passed and posted")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(
        "treasury.FiscalYear", on_delete=models.PROTECT, related_name="allocations"
    )
    surplus = models.BigIntegerField(_("surplus (minor units)"))
    reserve = models.BigIntegerField(_("to the reserve"))
    dividend_rate = models.DecimalField(
        _("dividend rate (% a year)"), max_digits=5, decimal_places=2
    )
    patronage_percent = models.DecimalField(
        _("share of the rest refunded on patronage (%)"), max_digits=5, decimal_places=2
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    poll = models.OneToOneField(
        "decisions.Poll", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entry = models.OneToOneField(
        "treasury.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("surplus allocation")
        verbose_name_plural = _("surplus allocations")

    def __str__(self) -> str:
        return f"{self.fiscal_year_id}: {self.status}"

    @property
    def dividend_total(self) -> int:
        return sum(share.dividend for share in self.shares.all())

    @property
    def refund_total(self) -> int:
        return sum(share.refund for share in self.shares.all())


class AllocationShare(models.Model):
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="shares")
    member = models.ForeignKey("treasury.MemberAccount", on_delete=models.PROTECT, related_name="+")
    share_days = models.BigIntegerField()
    dividend = models.BigIntegerField()
    patronage_base = models.BigIntegerField()
    refund = models.BigIntegerField()

    class Meta:
        ordering = ["allocation", "member__ref"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "member"], name="treasury_one_share_each")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.dividend} + {self.refund}"
