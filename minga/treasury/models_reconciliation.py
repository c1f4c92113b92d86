"""Three-way reconciliation: statements imported line by line, and the exceptions found
between statements, books and agents' cash counts (imported at the end of `models`).

- `StatementSource`: a cooperative's rules for reading one source's CSV (a bank's, a
  provider's export that does not follow M-PESA's or MoMo's columns), in the spirit of
  hledger's CSV rules: which column holds what, the date format, lines to skip, the sign.
- `StatementImport`: one uploaded statement, read by a background task that records its
  progress (bytes read of the file's size) and its counts.
- `StatementLine`: every line of an import, matched or not, with the reason when not.
- `ReconciliationException`: something the supervisory committee must look at (a receipt the
  books lack, an entry without a provider reference, a duplicate, an amount just under an
  approval threshold, an agent's shortfall...), found once per (kind, key) and closed only by
  an audited resolution with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minga.coops.models import Cooperative

__all__ = [
    "ReconciliationException",
    "StatementImport",
    "StatementLine",
    "StatementSource",
]

ROLE_CHOICES = [("mobile-money", _("Mobile money")), ("bank", _("Bank"))]


class StatementSource(models.Model):
    class Delimiter(models.TextChoices):
        COMMA = ",", _("Comma")
        SEMICOLON = ";", _("Semicolon")
        TAB = "\t", _("Tab")

    class DecimalMark(models.TextChoices):
        POINT = ".", _("Point (1,234.50)")
        COMMA = ",", _("Comma (1.234,50)")

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    account_role = models.CharField(
        _("account in the books"), max_length=20, choices=ROLE_CHOICES, default="bank"
    )
    receipt_column = models.CharField(_("transaction id column"), max_length=60)
    date_column = models.CharField(_("date column"), max_length=60)
    amount_column = models.CharField(_("amount column"), max_length=60, blank=True)
    paid_in_column = models.CharField(_("money in column"), max_length=60, blank=True)
    withdrawn_column = models.CharField(_("money out column"), max_length=60, blank=True)
    reference_column = models.CharField(_("member reference column"), max_length=60, blank=True)
    description_column = models.CharField(_("description column"), max_length=60, blank=True)
    status_column = models.CharField(_("status column"), max_length=60, blank=True)
    date_format = models.CharField(_("date format"), max_length=40, blank=True)
    skip = models.PositiveSmallIntegerField(
        _("lines to skip before the header"), default=0, validators=[MaxValueValidator(100)]
    )
    has_header = models.BooleanField(_("the first line read is a header"), default=True)
    delimiter = models.CharField(
        _("delimiter"), max_length=1, choices=Delimiter.choices, default=Delimiter.COMMA
    )
    decimal_mark = models.CharField(
        _("decimal mark"), max_length=1, choices=DecimalMark.choices, default=DecimalMark.POINT
    )
    negate = models.BooleanField(_("amounts are signed the other way round"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["coop", "name"]
        verbose_name = _("statement source")
        verbose_name_plural = _("statement sources")
        constraints = [
            models.UniqueConstraint(fields=["coop", "name"], name="treasury_one_source_name")
        ]

    def __str__(self) -> str:
        return self.name


class StatementImport(models.Model):
    class Format(models.TextChoices):
        MPESA = "mpesa", _("M-PESA statement")
        MOMO = "momo", _("MTN MoMo statement")
        RULES = "rules", _("Another source, read by its rules")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Reading")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=8, choices=Format.choices)
    source = models.ForeignKey(
        StatementSource, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    account_role = models.CharField(max_length=20, choices=ROLE_CHOICES, default="mobile-money")
    file = models.CharField(max_length=255)  # its name in the default storage
    filename = models.CharField(_("file"), max_length=120, blank=True)
    size = models.BigIntegerField(default=0)
    read_bytes = models.BigIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(max_length=32, blank=True)
    lines = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    exceptions = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["coop", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.coop_id}: {self.filename}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.read_bytes * 100 // self.size) if self.size else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class StatementLine(models.Model):
    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched")
        EXCEPTION = "exception", _("Exception")
        SKIPPED = "skipped", _("Not a movement")

    statement = models.ForeignKey(
        StatementImport, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    coop = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    number = models.PositiveIntegerField()
    date = models.DateField(null=True)
    receipt = models.CharField(max_length=64, blank=True)
    amount = models.BigIntegerField(default=0)
    reference = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(max_length=24, blank=True)
    value = models.CharField(max_length=64, blank=True)  # the offending cell, or the books' amount

    class Meta:
        ordering = ["statement", "number"]
        indexes = [
            models.Index(fields=["statement", "number"]),
            models.Index(fields=["coop", "receipt"]),
            models.Index(fields=["coop", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.number}"


class ReconciliationException(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    kind = models.CharField(_("exception"), max_length=40)
    key = models.CharField(max_length=120)  # what makes it the same exception when found again
    amount = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    statement = models.ForeignKey(
        StatementImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entry_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("reason"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "kind", "pk"]
        verbose_name = _("reconciliation exception")
        verbose_name_plural = _("reconciliation exceptions")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "kind", "key"], name="treasury_one_exception_per_key"
            )
        ]
        indexes = [models.Index(fields=["coop", "status", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.key}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
