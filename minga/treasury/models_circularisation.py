"""The monthly circularisation: members drawn from the log confirm their own balances.
(Imported at the end of `models`, like `models_members`.)"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from minga.coops.models import Cooperative

from .models_members import Channel

__all__ = ["BalanceCheck", "Circularisation"]


class Circularisation(models.Model):
    """One cooperative's draw for one month: at most one, its seed taken from the log."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # its first day
    seed_entry = models.BigIntegerField(_("log entry of the seed"))
    seed = models.CharField(max_length=64)
    k = models.PositiveSmallIntegerField(_("members drawn"))
    candidates = models.PositiveIntegerField(_("members who could be drawn"))
    created_at = models.DateTimeField(_("drawn at"))

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "month"], name="treasury_circularisation_month")
        ]
        verbose_name = _("balance confirmation")
        verbose_name_plural = _("balance confirmations")

    def __str__(self) -> str:
        return f"{self.coop_id} {self.month:%Y-%m}"


class BalanceCheck(models.Model):
    """A drawn member's balances as of the draw, the code sent to them, and their answer."""

    class Answer(models.TextChoices):
        YES = "yes", _("Confirmed")
        NO = "no", _("Not confirmed")

    circularisation = models.ForeignKey(
        Circularisation, on_delete=models.PROTECT, related_name="checks"
    )
    member = models.ForeignKey(
        "treasury.MemberAccount", on_delete=models.PROTECT, related_name="balance_checks"
    )
    code = models.CharField(max_length=8)
    shares = models.BigIntegerField(_("shares balance"))
    savings = models.BigIntegerField(_("savings balance"))
    # The member's latest entry at the draw: a "no" opens the dispute on it.
    last_entry = models.ForeignKey(
        "treasury.JournalEntry", on_delete=models.PROTECT, null=True, related_name="+"
    )
    answer = models.CharField(max_length=3, choices=Answer.choices, blank=True)
    channel = models.CharField(max_length=6, choices=Channel.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    dispute = models.ForeignKey(
        "treasury.Dispute", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["circularisation", "member"], name="treasury_balance_check_member"
            )
        ]
        verbose_name = _("balance check")
        verbose_name_plural = _("balance checks")

    def __str__(self) -> str:
        return f"{self.circularisation_id} {self.member_id}"
