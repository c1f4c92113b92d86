"""A cooperative's books: accounts, fiscal years and periods, journal entries, members' accounts.

Amounts are integers of the currency's minor unit (see `money`). A journal entry is sealed by
its header: its lines are written first, then the header, whose insertion the database refuses
unless the lines already written for it balance (count, sum zero, total of debits as stated),
its period is open, its number is the fiscal year's next one and its hash chains on the
previous entry's. After that no line can be added, changed or deleted, and the header cannot
change: the triggers in migration 0002 refuse it, on SQLite and PostgreSQL alike. Balances per
account and day, and per member's sub-ledger, are kept by the same triggers from the lines,
never by the application; `minga treasury verify` recomputes all of it from the lines.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from minga.accounts.models import validate_timezone
from minga.coops.models import Cooperative, Membership

from . import charts, money

# How an entry's id is made from its fiscal year and number: known before the header is
# written, so the lines can be written first and the header last (it seals them).
ENTRY_ID_STRIDE = 1_000_000_000


class Template(models.TextChoices):
    SAVINGS_CREDIT = "savings-credit", _("Savings and credit cooperative")
    PRODUCER = "producer", _("Producer or marketing cooperative")
    WORKER = "worker", _("Worker cooperative")


class RootType(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    EQUITY = "equity", _("Equity")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class Books(models.Model):
    """One cooperative's books: their currency, zone, and the statutes' rules on money."""

    coop = models.OneToOneField(
        Cooperative, on_delete=models.PROTECT, related_name="books", verbose_name=_("cooperative")
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=[(code, code) for code in money.CURRENCIES]
    )
    template = models.CharField(_("chart of accounts"), max_length=20, choices=Template.choices)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("first month of the fiscal year"), default=1
    )
    # The statutes' rules on shares.
    share_par_value = models.BigIntegerField(
        _("par value of a share (minor units)"), default=0, validators=[MinValueValidator(0)]
    )
    share_minimum = models.PositiveIntegerField(_("minimum shares a member holds"), default=0)
    share_maximum = models.PositiveIntegerField(
        _("maximum shares a member holds (0: no limit)"), default=0
    )
    allows_share_redemption = models.BooleanField(_("shares can be redeemed"), default=True)
    allows_share_transfer = models.BooleanField(
        _("shares can be transferred between members"), default=True
    )
    # The contribution schedule: so much per month, due from this date on.
    contribution_amount = models.BigIntegerField(
        _("monthly contribution (minor units)"), default=0, validators=[MinValueValidator(0)]
    )
    contributions_from = models.DateField(_("contributions due from"), null=True, blank=True)
    publishes_annual_accounts = models.BooleanField(_("annual accounts are public"), default=False)
    next_member_serial = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("books")
        verbose_name_plural = _("books")

    def __str__(self) -> str:
        return f"{self.coop} ({self.currency})"

    @property
    def exponent(self) -> int:
        return money.exponent(self.currency)

    def today(self) -> datetime.date:
        """Today's date in the cooperative's zone: the date an entry gets by default."""
        import zoneinfo

        return timezone.now().astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()


class Account(models.Model):
    """An account of the chart. Its code and root type never change once created."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=12)
    root = models.CharField(_("type"), max_length=10, choices=RootType.choices)
    role = models.CharField(max_length=32, blank=True, default="")
    name_en = models.CharField(_("name in English"), max_length=120)
    name_es = models.CharField(_("name in Spanish"), max_length=120, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    name_pt = models.CharField(_("name in Portuguese"), max_length=120, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["coop", "code"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["coop", "code"], name="treasury_one_code"),
            models.UniqueConstraint(
                fields=["coop", "role"], condition=~models.Q(role=""), name="treasury_one_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        language = (translation.get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en

    @property
    def is_debit_normal(self) -> bool:
        return self.root in charts.DEBIT_NORMAL

    @property
    def is_member_ledger(self) -> bool:
        return self.role in charts.MEMBER_ROLES


class FiscalYear(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    # The numbering counter and the head of the hash chain: taken under this row's lock.
    last_number = models.PositiveIntegerField(default=0)
    last_hash = models.BinaryField(max_length=32, default=bytes(32))
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["coop", "-start"]
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        constraints = [
            models.UniqueConstraint(fields=["coop", "start"], name="treasury_one_year_start"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="treasury_year_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.start.year == self.end.year:
            return str(self.start.year)
        return f"{self.start.year}/{self.end.year % 100:02d}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Period(models.Model):
    """A month of a fiscal year; closed, it refuses postings (the database checks it too)."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="periods")
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "start"], name="treasury_one_period_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class PeriodChange(models.Model):
    """A period closed or reopened; a reopening cites the board's decision."""

    class Action(models.TextChoices):
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("board decision"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period}: {self.action}"


class MemberAccount(models.Model):
    """A member's account in the books, known by a short reference they can type on a keypad."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, related_name="treasury_account"
    )
    ref = models.CharField(_("member reference"), max_length=12)
    opened_on = models.DateField(_("opened on"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["coop", "ref"]
        verbose_name = _("member account")
        verbose_name_plural = _("member accounts")
        constraints = [
            models.UniqueConstraint(fields=["coop", "ref"], name="treasury_one_member_ref")
        ]

    def __str__(self) -> str:
        return self.ref


class JournalEntry(models.Model):
    """A posted, balanced, numbered, hash-chained entry. Never changed: reversed."""

    id = models.BigIntegerField(primary_key=True)  # fiscal_year_id * ENTRY_ID_STRIDE + number
    # No index of their own where a composite one leads with them: every index is a page
    # written per posting (the postings budget).
    coop = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"))
    narration = models.CharField(_("description"), max_length=300)
    kind = models.CharField(max_length=32, default="manual")
    # The provider's id (an M-PESA receipt) or another outside reference: one entry per reference.
    reference = models.CharField(_("reference"), max_length=64, blank=True, default="")
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    line_count = models.PositiveSmallIntegerField()
    total = models.BigIntegerField()  # the sum of the debits
    salt = models.BinaryField(max_length=16)
    prev_hash = models.BinaryField(max_length=32)
    hash = models.BinaryField(max_length=32)  # unique by the chain; an index would be random writes
    audit_index = models.BigIntegerField(null=True)
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["fiscal_year", "number"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "number"], name="treasury_one_number"),
            models.UniqueConstraint(
                fields=["coop", "reference"],
                condition=~models.Q(reference=""),
                name="treasury_one_entry_per_reference",
            ),
            models.CheckConstraint(
                condition=models.Q(line_count__gte=2), name="treasury_two_lines"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year.label}-{self.number}"

    @cached_property
    def code(self) -> str:
        """How people cite an entry: fiscal year and number, e.g. "2026-417" (`post_entry`
        sets it on the entry it returns: reading the year again would cost a query)."""
        return f"{self.fiscal_year.label}-{self.number}"

    @property
    def hash_hex(self) -> str:
        return bytes(self.hash).hex()


class Line(models.Model):
    """One side of an entry: positive amounts are debits, negative ones credits."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    coop = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    member = models.ForeignKey(
        MemberAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        db_index=False,
    )
    amount = models.BigIntegerField()
    date = models.DateField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="treasury_line_not_zero")
        ]
        indexes = [
            models.Index(fields=["member", "entry"]),
            # Reports read DailyBalance, exports scan: no index by account or date, whose
            # pages every posting would write (the postings budget).
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount}"


class DailyBalance(models.Model):
    """The net movement of an account on a day: kept by the database's triggers from the lines."""

    coop = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    date = models.DateField()
    movement = models.BigIntegerField(default=0)
    debits = models.BigIntegerField(default=0)
    credits = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "date"], name="treasury_one_day_per_account")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.date}: {self.movement}"


class MemberBalance(models.Model):
    """A member's balance on one account (a sub-ledger): kept by the database's triggers."""

    member = models.ForeignKey(
        MemberAccount, on_delete=models.PROTECT, related_name="balances", db_index=False
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    balance = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "account"], name="treasury_one_balance")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.account_id}: {self.balance}"


class ShareMovement(models.Model):
    """Shares gained (positive) or given up (negative) by a member, with the entry that paid."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        REDEMPTION = "redemption", _("Redemption")
        TRANSFER_IN = "transfer-in", _("Transfer received")
        TRANSFER_OUT = "transfer-out", _("Transfer given")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(MemberAccount, on_delete=models.PROTECT, related_name="shares")
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    shares = models.IntegerField()
    date = models.DateField()

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(shares=0), name="treasury_shares_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.shares}"


class PatronageRecord(models.Model):
    """A member's delivery to, or purchase from, the cooperative: the base of patronage refunds."""

    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("Delivery")
        PURCHASE = "purchase", _("Purchase")

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(MemberAccount, on_delete=models.PROTECT, related_name="patronage")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    value = models.BigIntegerField(_("value (minor units)"), validators=[MinValueValidator(0)])
    description = models.CharField(_("description"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["coop", "date"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.date}: {self.kind}"


from .models_circularisation import *  # noqa: E402, F403
from .models_members import *  # noqa: E402, F403
from .models_reconciliation import *  # noqa: E402, F403
