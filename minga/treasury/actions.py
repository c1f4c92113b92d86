"""Every change to the books: atomic, audited, refused with a clear message when it cannot be.

`post_entry` is the one way money gets into the books, whatever the path (a treasurer's form,
a share purchase, a mobile-money receipt, a dividend): it checks the lines, takes the fiscal
year's next number under that row's lock, hashes the entry onto the chain, records the hash in
the audit log, and writes the lines then the header that seals them (the database checks the
balance, the period, the number and the chain again; see migration 0002).
"""

from __future__ import annotations

import calendar
import datetime
import secrets
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from minga import audit
from minga.coops.models import Cooperative, Membership
from minga.core.fast import sql as fast_sql

from . import charts, money, permissions, posting
from .hashing import entry_hash
from .models import (
    ENTRY_ID_STRIDE,
    Account,
    Books,
    FiscalYear,
    JournalEntry,
    Line,
    MemberAccount,
    MemberBalance,
    PatronageRecord,
    Period,
    PeriodChange,
    RootType,
    ShareMovement,
)

if TYPE_CHECKING:
    from minga.accounts.models import User

    from .models_members import ApprovalRequest

MAX_LINES = 200
ZERO_HASH = bytes(32)


class TreasuryError(ValidationError):
    """A change the books refuse; the message is for the person, in their language."""


# Maker-checker(-members): a manual entry, an outflow (savings withdrawal, share redemption,
# payment) and any other entry that pays money out of cash, the bank or mobile money is posted
# only by the platform executing an approved request. Inflows and the entries the books make
# themselves (a reversal's mirror, a year's closing, an allocation the members voted) are direct.
DIRECT_KINDS = frozenset(
    {"savings", "contribution", "share-purchase", "share-transfer", "suspense", "reversal",
     "closing", "allocation"}
)  # fmt: skip
MONEY_ROLES = frozenset({"cash", "bank", "mobile-money"})
# Entries only the platform posts, once the member whose money it is confirmed them with their
# code or PIN: a member's cash withdrawal at an agent (minga.agents), paid from a float that was
# itself allocated through an approved request. Never direct when a person posts them.
MEMBER_CONFIRMED_KINDS = frozenset({"agent-withdrawal"})
# Accounts that hold the cooperative's cash without a role of their own (an agent's float,
# minga.agents): the app that keeps them registers a test at start-up (`register_money_holder`).
_MONEY_HOLDERS: list[Callable[[Account], bool]] = []


def register_money_holder(test: Callable[[Account], bool]) -> None:
    """Count the accounts `test` accepts as money in hand, as cash is, for inflows' shape."""
    _MONEY_HOLDERS.append(test)


def holds_money(account: Account) -> bool:
    """Whether money paid in may land in `account`: cash, bank, mobile money, or a registered
    holder's account (an agent's float)."""
    return account.role in MONEY_ROLES or (
        not account.role and any(test(account) for test in _MONEY_HOLDERS)
    )


def needs_approval(kind: str, checked, actor: User | None, reverses=None) -> bool:
    """Whether an entry of `kind` with these checked lines waits for an approved request. A
    direct kind is direct only for its own shape of lines (`has_shape`): a savings deposit
    that pays cash out is an outflow, whatever its kind says. Money already out that the
    platform books from the provider's confirmation (a payout in suspense) and the mirror of
    an entry already in the books need none."""
    if kind in MEMBER_CONFIRMED_KINDS and actor is None:
        return any(amount < 0 and account.role in MONEY_ROLES for account, amount, _m in checked)
    if kind not in DIRECT_KINDS or not has_shape(kind, checked, actor, reverses):
        return True
    if kind == "reversal" or (kind == "suspense" and actor is None):
        return False
    return any(amount < 0 and account.role in MONEY_ROLES for account, amount, _m in checked)


# The member's sub-ledger an inflow of each kind credits.
INFLOW_ROLES = {
    "savings": "member-savings",
    "contribution": "member-contributions",
    "share-purchase": "member-shares",
}


def has_shape(kind: str, checked, actor: User | None, reverses=None) -> bool:
    """Whether the checked lines (account, amount, member) have the shape of a direct `kind`:

    - an inflow (savings, contribution, share purchase): money in (cash, bank, mobile money)
      against the sub-ledger of one member;
    - a share transfer: one member's shares against another's;
    - suspense: money in against suspense; or, by the platform only, suspense against money
      out (a payout the provider confirmed that the books could not put to a member);
    - a reversal: exactly the mirror of the entry it reverses;
    - a year's closing: income and expense accounts against the surplus;
    - an allocation: the surplus against the reserve and members' savings.
    """
    debits = [(a, n, m) for a, n, m in checked if n > 0]
    credits = [(a, n, m) for a, n, m in checked if n < 0]
    roles = [a.role for a, _n, _m in checked]
    if kind in INFLOW_ROLES:
        return (
            len(debits) == len(credits) == 1
            and holds_money(debits[0][0])
            and debits[0][2] is None
            and credits[0][0].role == INFLOW_ROLES[kind]
            and credits[0][2] is not None
        )
    if kind == "share-transfer":
        return (
            len(debits) == len(credits) == 1
            and roles == ["member-shares", "member-shares"]
            and debits[0][2] != credits[0][2]
        )
    if kind == "suspense":
        if len(debits) != 1 or len(credits) != 1:
            return False
        (debit_account, *_d), (credit_account, *_c) = debits[0], credits[0]
        return (debit_account.role in MONEY_ROLES and credit_account.role == "suspense") or (
            actor is None
            and debit_account.role == "suspense"
            and credit_account.role in MONEY_ROLES
        )
    if kind == "reversal":
        if reverses is None:
            return False
        original = sorted(
            Line.objects.filter(entry=reverses).values_list("account_id", "member_id", "amount")
        )
        mirror = sorted((a.id, m.pk if m else None, -n) for a, n, m in checked)
        return original == mirror
    if kind == "closing":
        return all(
            role == "surplus" or a.root in (RootType.INCOME, RootType.EXPENSE)
            for (a, _n, _m), role in zip(checked, roles, strict=True)
        ) and all(m is None for _a, _n, m in checked)
    if kind == "allocation":
        return (
            len(debits) == 1
            and debits[0][0].role == "surplus"
            and all(
                (a.role == "reserve" and m is None) or (a.role == "member-savings" and m)
                for a, _n, m in credits
            )
        )
    return False


def check_approval(
    approval: ApprovalRequest | None,
    coop: Cooperative,
    actor: User | None,
    kind: str,
    lines: list[tuple[str, str, int]],
) -> None:
    """Refuse an outflow or manual entry unless the platform executes `approval`, fully
    approved (its checkers, never its maker, and every member drawn said yes), not yet posted,
    for exactly these lines."""
    from .models_members import ApprovalRequest

    refused = TreasuryError(
        _("Outflows and manual entries are posted only once their request is approved."),
        code="needs_approval",
    )
    if approval is None or actor is not None:
        raise refused
    approval = ApprovalRequest.objects.get(pk=approval.pk)
    if (
        approval.coop_id != coop.pk
        or approval.entry_id is not None
        or approval.status not in (*ApprovalRequest.PENDING, ApprovalRequest.Status.PAYING)
        or approval.operation != kind
    ):
        raise refused
    checks = list(approval.checks.values_list("checker_id", "approved"))
    approvers = {checker for checker, approved in checks if approved} - {approval.maker_id}
    answers = list(approval.confirmations.values_list("answer", flat=True))
    if (
        len(approvers) < approval.checkers_needed
        or not all(approved for _c, approved in checks)
        or len(answers) < approval.members_needed
        or any(answer != "yes" for answer in answers)
    ):
        raise refused
    planned = sorted(tuple(line) for line in approval.payload.get("lines", []))
    if planned != sorted(lines):
        raise refused


# --- lines ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineSpec:
    """One line to post: an account (an Account, or a role such as "cash"), a signed amount in
    minor units (positive debit, negative credit), and the member whose sub-ledger it is."""

    account: Account | str
    amount: int
    member: MemberAccount | None = None


def debit(account: Account | str, amount: int, member: MemberAccount | None = None) -> LineSpec:
    return LineSpec(account, amount, member)


def credit(account: Account | str, amount: int, member: MemberAccount | None = None) -> LineSpec:
    return LineSpec(account, -amount, member)


def account_for(coop: Cooperative, account: Account | str) -> Account:
    """An Account of `coop` given as one, by role ("cash") or by code ("1000")."""
    if isinstance(account, Account):
        if account.coop_id != coop.pk:
            raise TreasuryError(_("That account belongs to another cooperative."))
        return account
    found = Account.objects.filter(coop=coop, role=account).first() or (
        Account.objects.filter(coop=coop, code=account).first()
    )
    if found is None:
        raise TreasuryError(
            _("There is no account “%(account)s” in these books."), params={"account": account}
        )
    return found


def parse_amount(books: Books, text) -> int:
    """A typed amount in minor units, or a translated error (never a rounding)."""
    try:
        return money.parse_amount(text, books.currency)
    except money.AmountError as error:
        if error.code == "decimals":
            raise TreasuryError(
                _("%(currency)s amounts have at most %(digits)s decimals."),
                code="decimals",
                params={"currency": books.currency, "digits": books.exponent},
            ) from None
        raise TreasuryError(_("Enter an amount such as 1500 or 1,500.50."), code="amount") from None


def find_member(coop: Cooperative, ref: str) -> MemberAccount:
    """The member account `ref` (as typed: spaces and dashes ignored), or a translated error."""
    found = MemberAccount.objects.filter(coop=coop, ref=money.normalise_ref(ref)).first()
    if found is None:
        raise TreasuryError(
            _("No member of this cooperative has the reference “%(ref)s”."),
            code="unknown_member",
            params={"ref": ref},
        )
    return found


# --- books, accounts, fiscal years ---------------------------------------------------------------


def _require(actor: User | None, coop: Cooperative, need: str) -> None:
    """The system (actor None: a confirmed payment, a job) passes; people need the right."""
    if actor is not None and not permissions.CHECKS[need](actor, coop):
        raise PermissionDenied(_("You are not allowed to do this in these books."))


@transaction.atomic
def setup_books(
    *,
    coop: Cooperative,
    actor: User,
    currency: str,
    template: str,
    time_zone: str = "UTC",
    fiscal_year_start_month: int = 1,
    today: datetime.date | None = None,
) -> Books:
    """Open a cooperative's books: currency, chart of accounts from a template, the first year.

    The treasurer, or an administrator for a cooperative that has no treasurer yet.
    """
    membership = permissions.membership_of(actor, coop)
    if membership is None or membership.role not in {
        Membership.Role.TREASURER,
        Membership.Role.ADMIN,
    }:
        raise PermissionDenied(_("You are not allowed to do this in these books."))
    if Books.objects.filter(coop=coop).exists():
        raise TreasuryError(_("This cooperative already keeps its books here."))
    if currency not in money.EXPONENTS:
        raise TreasuryError(_("Choose a currency by its ISO 4217 code, such as KES or RWF."))
    if template not in charts.TEMPLATES:
        raise TreasuryError(_("Choose one of the charts of accounts offered."))
    if not 1 <= fiscal_year_start_month <= 12:
        raise TreasuryError(_("The fiscal year starts in a month from 1 to 12."))
    books = Books(
        coop=coop,
        currency=currency,
        template=template,
        time_zone=time_zone,
        fiscal_year_start_month=fiscal_year_start_month,
    )
    books.full_clean(exclude=["coop"])
    books.save()
    Account.objects.bulk_create(
        Account(
            coop=coop,
            code=row.code,
            root=row.root,
            role=row.role,
            **{f"name_{lang}": name for lang, name in row.names.items()},
        )
        for row in charts.TEMPLATES[template]
    )
    audit.record(
        "treasury.books_opened",
        f"coop:{coop.slug}",
        {"coop": coop.slug, "currency": currency, "template": template},
        actor,
        audience=coop,
    )
    _open_year(books, actor, _year_start(books, today or books.today()))
    return books


def _year_start(books: Books, day: datetime.date) -> datetime.date:
    month = books.fiscal_year_start_month
    year = day.year if day.month >= month else day.year - 1
    return datetime.date(year, month, 1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


def _open_year(books: Books, actor: User | None, start: datetime.date) -> FiscalYear:
    end = _add_months(start, 12) - datetime.timedelta(days=1)
    if FiscalYear.objects.filter(coop_id=books.coop_id, start__lte=end, end__gte=start).exists():
        raise TreasuryError(_("A fiscal year already covers these dates."))
    year = FiscalYear.objects.create(coop_id=books.coop_id, start=start, end=end)
    Period.objects.bulk_create(
        Period(
            fiscal_year=year,
            start=(first := _add_months(start, month)),
            end=first.replace(day=calendar.monthrange(first.year, first.month)[1]),
        )
        for month in range(12)
    )
    audit.record(
        "treasury.year_opened",
        f"coop:{books.coop.slug}",
        {"coop": books.coop.slug, "fiscal_year": year.label, "start": start.isoformat()},
        actor,
        audience=books.coop,
    )
    return year


@transaction.atomic
def open_fiscal_year(*, books: Books, actor: User) -> FiscalYear:
    """Open the year after the latest one (the treasurer)."""
    _require(actor, books.coop, "keep")
    latest = FiscalYear.objects.filter(coop_id=books.coop_id).order_by("-start").first()
    start = latest.end + datetime.timedelta(days=1) if latest else _year_start(books, books.today())
    return _open_year(books, actor, start)


@transaction.atomic
def add_account(
    *, books: Books, actor: User, code: str, root: str, name_en: str, **names: str
) -> Account:
    """A new account of the chart, under one of the five root types (the treasurer)."""
    _require(actor, books.coop, "keep")
    code = code.strip()
    if not code or len(code) > 12 or not code.replace(".", "").isalnum():
        raise TreasuryError(_("An account code is up to 12 letters and digits."))
    if root not in RootType.values:
        raise TreasuryError(_("Choose one of the five types of account."))
    if Account.objects.filter(coop_id=books.coop_id, code=code).exists():
        raise TreasuryError(
            _("Another account already has the code %(code)s."), params={"code": code}
        )
    account = Account(coop_id=books.coop_id, code=code, root=root, name_en=name_en.strip())
    _set_names(account, names)
    account.full_clean(exclude=["coop"])
    account.save()
    audit.record(
        "treasury.account_added",
        f"coop:{books.coop.slug}",
        {"coop": books.coop.slug, "code": code, "root": root},
        actor,
        audience=books.coop,
    )
    return account


def _set_names(account: Account, names: dict[str, str]) -> None:
    for language in ("en", "es", "fr", "pt"):
        if f"name_{language}" in names:
            setattr(account, f"name_{language}", names[f"name_{language}"].strip())


@transaction.atomic
def update_account(
    *, account: Account, actor: User, is_active: bool | None = None, **names: str
) -> Account:
    """Rename an account or stop using it. Its code and root type never change (entries cite
    them); an account the code relies on (a role) stays in use."""
    _require(actor, account.coop, "keep")
    _set_names(account, names)
    if is_active is not None:
        if not is_active and account.role:
            raise TreasuryError(_("This account is needed by the books and stays in use."))
        account.is_active = is_active
    if not account.name_en:
        raise TreasuryError(_("Give the account a name in English."))
    account.full_clean(exclude=["coop"])
    account.save()
    audit.record(
        "treasury.account_changed",
        f"coop:{account.coop.slug}",
        {"coop": account.coop.slug, "code": account.code, "is_active": account.is_active},
        actor,
        audience=account.coop,
    )
    return account


STATUTE_FIELDS = (
    "share_par_value",
    "share_minimum",
    "share_maximum",
    "allows_share_redemption",
    "allows_share_transfer",
    "contribution_amount",
    "contributions_from",
    "publishes_annual_accounts",
)


@transaction.atomic
def update_statutes(*, books: Books, actor: User, **changes) -> Books:
    """The statutes' rules on shares and contributions, as the general meeting set them."""
    _require(actor, books.coop, "keep")
    unknown = set(changes) - set(STATUTE_FIELDS)
    if unknown:
        raise TreasuryError(_("These rules are not part of the statutes here."))
    for name, value in changes.items():
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise TreasuryError(_("Statutory amounts and numbers of shares are not negative."))
        setattr(books, name, value)
    books.full_clean(exclude=["coop"])
    books.save()
    audit.record(
        "treasury.statutes_changed",
        f"coop:{books.coop.slug}",
        {
            "coop": books.coop.slug,
            **{
                k: (v.isoformat() if isinstance(v, datetime.date) else v)
                for k, v in changes.items()
            },
        },
        actor,
        audience=books.coop,
    )
    return books


# --- posting -------------------------------------------------------------------------------------


def _closed(date: datetime.date) -> TreasuryError:
    return TreasuryError(
        _("The period of %(date)s is closed: it takes no more entries."),
        code="closed_period",
        params={"date": date.isoformat()},
    )


def _check_lines(
    chart: dict, coop: Cooperative, lines: Sequence[LineSpec]
) -> list[tuple[posting.AccountRow, int, MemberAccount | None]]:
    if not 2 <= len(lines) <= MAX_LINES:
        raise TreasuryError(_("An entry has from 2 to %(max)s lines."), params={"max": MAX_LINES})
    checked = []
    for line in lines:
        amount = line.amount
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TreasuryError(_("Amounts are whole numbers of the currency's smallest unit."))
        if amount == 0:
            raise TreasuryError(_("A line of an entry cannot be zero."))
        key = line.account.pk if isinstance(line.account, Account) else line.account
        account = chart.get(key)
        if account is None:
            raise TreasuryError(
                _("There is no account “%(account)s” in these books."), params={"account": key}
            )
        if not account.is_active:
            raise TreasuryError(
                _("The account %(code)s is no longer in use."), params={"code": account.code}
            )
        if line.member is not None and line.member.coop_id != coop.pk:
            raise TreasuryError(_("That member belongs to another cooperative."))
        is_member_ledger = account.role in charts.MEMBER_ROLES
        if is_member_ledger and line.member is None:
            raise TreasuryError(
                _("A line on account %(code)s names the member whose account it is."),
                params={"code": account.code},
            )
        if line.member is not None and not is_member_ledger:
            raise TreasuryError(
                _("Account %(code)s has no members' sub-ledgers."), params={"code": account.code}
            )
        checked.append((account, amount, line.member))
    if sum(amount for _a, amount, _m in checked) != 0:
        raise TreasuryError(
            _("The debits and credits of an entry must be equal."), code="unbalanced"
        )
    return checked


@transaction.atomic
def post_entry(
    *,
    coop: Cooperative,
    actor: User | None,
    lines: Sequence[LineSpec],
    narration: str,
    date: datetime.date | None = None,
    kind: str = "manual",
    reference: str = "",
    reverses: JournalEntry | None = None,
    approval: ApprovalRequest | None = None,
) -> JournalEntry:
    """Post a balanced entry into `coop`'s books; return it, numbered, hashed and logged.

    `actor` None is the platform itself (a confirmed payment, a scheduled job); a person must be
    the treasurer. `reference` (a provider's receipt number) is unique per cooperative. A manual
    entry or an outflow needs `approval`, the approved request the platform executes
    (`needs_approval`). The statements themselves are in `posting` (a fast path for the
    postings budget).
    """
    found = posting.books_of(coop.pk, actor.pk if actor is not None else None)
    if actor is not None and (found is None or found[2] != Membership.Role.TREASURER):
        raise PermissionDenied(_("You are not allowed to do this in these books."))
    if found is None:
        raise TreasuryError(_("This cooperative keeps no books here yet."))
    currency, zone, _role = found
    narration = " ".join((narration or "").split())
    if not narration:
        raise TreasuryError(_("Describe the entry."), code="narration")
    if len(narration) > 300 or len(reference) > 64 or len(kind) > 32:
        raise TreasuryError(_("The description is at most 300 characters."), code="narration")
    keys = {
        line.account.pk if isinstance(line.account, Account) else line.account for line in lines
    }
    checked = _check_lines(posting.accounts(coop.pk, keys), coop, lines)
    if needs_approval(kind, checked, actor, reverses):
        check_approval(
            approval, coop, actor, kind, [(a.code, m.ref if m else "", n) for a, n, m in checked]
        )
    date = date or timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date()
    if reference and posting.has_reference(coop.pk, reference):
        raise TreasuryError(
            _("An entry with the reference %(reference)s is already in the books."),
            code="duplicate_reference",
            params={"reference": reference},
        )
    taken = posting.take_number(coop.pk, date)
    if taken is None:
        year = posting.year_for(coop.pk, date)
        if year is None:
            raise TreasuryError(
                _("No fiscal year of these books covers %(date)s."),
                code="no_year",
                params={"date": date.isoformat()},
            )
        raise _closed(date)
    year_id, start, end, number, prev = taken
    label = str(start.year) if start.year == end.year else f"{start.year}/{end.year % 100:02d}"
    salt = secrets.token_bytes(16)
    digest = entry_hash(
        prev=prev,
        salt=salt,
        coop=coop.slug,
        currency=currency,
        fiscal_year=label,
        number=number,
        date=date.isoformat(),
        narration=narration,
        kind=kind,
        reference=reference,
        reverses=reverses.hash_hex if reverses else "",
        lines=[(a.code, m.ref if m else "", amount) for a, amount, m in checked],
    )
    code = f"{label}-{number}"
    logged = audit.append(
        audit.prepare(
            "treasury.entry_posted",
            f"treasury:{coop.slug}:{code}",
            {"coop": coop.slug, "entry": code, "hash": digest.hex()},
            actor,
            audience=coop,
        )
    )
    entry = JournalEntry(
        id=year_id * ENTRY_ID_STRIDE + number,
        coop_id=coop.pk,
        fiscal_year_id=year_id,
        number=number,
        date=date,
        narration=narration,
        kind=kind,
        reference=reference,
        reverses_id=reverses.pk if reverses else None,
        actor_id=actor.pk if actor else None,
        line_count=len(checked),
        total=sum(amount for _a, amount, _m in checked if amount > 0),
        salt=salt,
        prev_hash=prev,
        hash=digest,
        audit_index=logged.index,
        posted_at=timezone.now(),
    )
    posting.write(
        entry=entry,
        lines=[(a.id, m.pk if m else None, amount) for a, amount, m in checked],
    )
    entry.coop = coop  # at hand already: reading it costs no query
    entry.code = code  # likewise (it would read the fiscal year)
    from .statements import send_receipts  # the members' SMS receipts, queued in this transaction

    send_receipts(entry, checked, bytes(logged.leaf_hash), currency=currency, code=code)
    return entry


@transaction.atomic
def reverse_entry(
    *, entry: JournalEntry, actor: User | None, reason: str, date: datetime.date | None = None
) -> JournalEntry:
    """Undo a posted entry by posting its mirror image, which cites it (entries never change).

    Dated today in the cooperative's zone unless `date` is given; the original's period may be
    closed, the reversal's may not.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise TreasuryError(_("Say why the entry is reversed."), code="reason")
    if entry.reverses_id is not None:
        raise TreasuryError(_("A reversal is not reversed: post a new entry instead."))
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise TreasuryError(_("This entry was already reversed."), code="already_reversed")
    lines = [
        LineSpec(line.account, -line.amount, line.member)
        for line in entry.lines.select_related("account", "member").order_by("id")
    ]
    reversal = post_entry(
        coop=entry.coop,
        actor=actor,
        lines=lines,
        narration=_("Reversal of %(entry)s: %(reason)s") % {"entry": entry.code, "reason": reason},
        date=date,
        kind="reversal",
        reverses=entry,
    )
    ShareMovement.objects.bulk_create(
        ShareMovement(
            coop_id=move.coop_id,
            member_id=move.member_id,
            entry=reversal,
            kind=move.kind,
            shares=-move.shares,
            date=reversal.date,
        )
        for move in ShareMovement.objects.filter(entry=entry)
    )
    return reversal


# --- periods -------------------------------------------------------------------------------------


@transaction.atomic
def close_period(*, period: Period, actor: User) -> Period:
    """Close a month: it takes no more entries (the treasurer; reopening needs the board)."""
    coop = period.fiscal_year.coop
    _require(actor, coop, "keep")
    if period.is_closed:
        raise TreasuryError(_("This period is already closed."))
    period.closed_at = timezone.now()
    Period.objects.filter(pk=period.pk).update(closed_at=period.closed_at)
    PeriodChange.objects.create(period=period, action=PeriodChange.Action.CLOSED, actor=actor)
    audit.record(
        "treasury.period_closed",
        f"coop:{coop.slug}",
        {"coop": coop.slug, "period": str(period)},
        actor,
        audience=coop,
    )
    return period


@transaction.atomic
def reopen_period(*, period: Period, actor: User, decision: str) -> Period:
    """Reopen a closed month: a decision of the board (a checker), cited in the log."""
    coop = period.fiscal_year.coop
    _require(actor, coop, "check")
    decision = " ".join((decision or "").split())
    if not decision:
        raise TreasuryError(_("Cite the board's decision to reopen the period."), code="decision")
    if not period.is_closed:
        raise TreasuryError(_("This period is open."))
    if period.fiscal_year.is_closed:
        raise TreasuryError(_("The fiscal year is closed; its periods stay closed."))
    period.closed_at = None
    Period.objects.filter(pk=period.pk).update(closed_at=None)
    PeriodChange.objects.create(
        period=period, action=PeriodChange.Action.REOPENED, actor=actor, decision=decision[:300]
    )
    audit.record(
        "treasury.period_reopened",
        f"coop:{coop.slug}",
        {"coop": coop.slug, "period": str(period)},
        actor,
        private={"decision": decision},
        audience=coop,
    )
    return period


@transaction.atomic
def close_fiscal_year(*, year: FiscalYear, actor: User) -> FiscalYear:
    """Close a year: income and expenses go to the retained surplus, every month closes."""
    coop = year.coop
    _require(actor, coop, "keep")
    if year.is_closed:
        raise TreasuryError(_("This fiscal year is already closed."))
    totals = (
        Line.objects.filter(
            coop=coop,
            date__gte=year.start,
            date__lte=year.end,
            account__root__in=[RootType.INCOME, RootType.EXPENSE],
        )
        .values("account")
        .annotate(total=Sum("amount"))
    )
    amounts = {row["account"]: -row["total"] for row in totals if row["total"]}
    accounts = {a.pk: a for a in Account.objects.filter(pk__in=list(amounts))}
    lines = [LineSpec(accounts[pk], amount) for pk, amount in amounts.items()]
    net = sum(line.amount for line in lines)
    if net:
        lines.append(LineSpec("surplus", -net))
    if len(lines) >= 2:
        Period.objects.filter(fiscal_year=year, closed_at__isnull=False, end=year.end).update(
            closed_at=None
        )
        post_entry(
            coop=coop,
            actor=actor,
            lines=lines,
            narration=_("Closing of the fiscal year %(year)s") % {"year": year.label},
            date=year.end,
            kind="closing",
        )
    now = timezone.now()
    Period.objects.filter(fiscal_year=year, closed_at__isnull=True).update(closed_at=now)
    FiscalYear.objects.filter(pk=year.pk).update(status=FiscalYear.Status.CLOSED, closed_at=now)
    year.status, year.closed_at = FiscalYear.Status.CLOSED, now
    audit.record(
        "treasury.year_closed",
        f"coop:{coop.slug}",
        {"coop": coop.slug, "fiscal_year": year.label},
        actor,
        audience=coop,
    )
    return year


# --- members' accounts ---------------------------------------------------------------------------


@transaction.atomic
def open_member_account(*, membership: Membership, actor: User | None) -> MemberAccount:
    """Give a member their account and its reference (idempotent: the existing one if any)."""
    coop = membership.coop
    _require(actor, coop, "keep")
    existing = MemberAccount.objects.filter(membership=membership).first()
    if existing:
        return existing
    table = fast_sql.table(Books)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_member_serial = next_member_serial + 1 "  # noqa: S608
            "WHERE coop_id = %s RETURNING next_member_serial - 1",
            [coop.pk],
        )
        serial = cursor.fetchone()[0]
    books = Books.objects.get(coop=coop)
    account = MemberAccount.objects.create(
        coop=coop, membership=membership, ref=money.member_ref(serial), opened_on=books.today()
    )
    audit.record(
        "treasury.member_account_opened",
        f"coop:{coop.slug}",
        {"coop": coop.slug},
        actor,
        private={"person": audit.person(membership.person_id), "ref": account.ref},
        owner=membership.person,
        audience=coop,
    )
    return account


def open_member_accounts(*, books: Books, actor: User) -> int:
    """Accounts for every active member who has none yet; how many were opened."""
    memberships = Membership.objects.filter(
        coop_id=books.coop_id, status=Membership.Status.ACTIVE, treasury_account__isnull=True
    ).select_related("coop", "person")
    count = 0
    for membership in memberships:
        open_member_account(membership=membership, actor=actor)
        count += 1
    return count


def member_balance(member: MemberAccount, role: str) -> int:
    """The member's balance on the sub-ledger `role` ("member-savings"...), in minor units,
    signed as the books keep it (credits negative)."""
    return (
        MemberBalance.objects.filter(member=member, account__role=role)
        .values_list("balance", flat=True)
        .first()
        or 0
    )


def shares_held(member: MemberAccount) -> int:
    return ShareMovement.objects.filter(member=member).aggregate(n=Sum("shares"))["n"] or 0


def _positive_shares(shares) -> int:
    if isinstance(shares, bool) or not isinstance(shares, int) or shares <= 0:
        raise TreasuryError(_("The number of shares is a whole number above zero."), code="shares")
    return shares


def _moved_shares(entry: JournalEntry, *moves: tuple[MemberAccount, str, int]) -> JournalEntry:
    """The share register's rows for an entry that moved shares: (member, kind, signed number
    of shares) each, dated as the entry; the entry."""
    ShareMovement.objects.bulk_create(
        ShareMovement(
            coop_id=entry.coop_id,
            member=member,
            entry=entry,
            kind=kind,
            shares=shares,
            date=entry.date,
        )
        for member, kind, shares in moves
    )
    return entry


@transaction.atomic
def buy_shares(
    *,
    member: MemberAccount,
    shares: int,
    actor: User | None,
    paid_into: Account | str = "cash",
    date: datetime.date | None = None,
    reference: str = "",
) -> JournalEntry:
    """A member buys shares at par: paid into `paid_into`, credited to their share capital."""
    books = Books.objects.get(coop_id=member.coop_id)
    shares = _positive_shares(shares)
    if books.share_par_value <= 0:
        raise TreasuryError(_("The statutes set no par value for shares yet."))
    held = shares_held(member)
    if books.share_maximum and held + shares > books.share_maximum:
        raise TreasuryError(
            _("The statutes allow at most %(max)s shares per member."),
            params={"max": books.share_maximum},
        )
    value = shares * books.share_par_value
    entry = post_entry(
        coop=member.coop,
        actor=actor,
        lines=[debit(paid_into, value), credit("member-shares", value, member)],
        narration=_("Purchase of %(shares)s shares by %(ref)s")
        % {"shares": shares, "ref": member.ref},
        date=date,
        kind="share-purchase",
        reference=reference,
    )
    return _moved_shares(entry, (member, ShareMovement.Kind.PURCHASE, shares))


@transaction.atomic
def redeem_shares(
    *,
    member: MemberAccount,
    shares: int,
    actor: User | None,
    paid_from: Account | str = "cash",
    date: datetime.date | None = None,
    reference: str = "",
    approval: ApprovalRequest | None = None,
) -> JournalEntry:
    """Pay a member back shares at par, as the statutes allow: the minimum holding stays,
    unless the member has left the cooperative (then all may go). An outflow: only the
    platform posts it, executing the approved request `approval`."""
    books = Books.objects.get(coop_id=member.coop_id)
    shares = _positive_shares(shares)
    if not books.allows_share_redemption:
        raise TreasuryError(_("The statutes do not allow shares to be redeemed."))
    held = shares_held(member)
    leaving = member.membership.status == Membership.Status.LEFT
    floor = 0 if leaving else books.share_minimum
    if held - shares < floor:
        raise TreasuryError(
            _("The member holds %(held)s shares and must keep %(floor)s."),
            code="minimum_holding",
            params={"held": held, "floor": floor},
        )
    value = shares * books.share_par_value
    entry = post_entry(
        coop=member.coop,
        actor=actor,
        lines=[debit("member-shares", value, member), credit(paid_from, value)],
        narration=_("Redemption of %(shares)s shares by %(ref)s")
        % {"shares": shares, "ref": member.ref},
        date=date,
        kind="share-redemption",
        reference=reference,
        approval=approval,
    )
    return _moved_shares(entry, (member, ShareMovement.Kind.REDEMPTION, -shares))


@transaction.atomic
def transfer_shares(
    *,
    giver: MemberAccount,
    receiver: MemberAccount,
    shares: int,
    actor: User | None,
    date: datetime.date | None = None,
) -> JournalEntry:
    """Shares pass from one member to another at par, as the statutes allow."""
    books = Books.objects.get(coop_id=giver.coop_id)
    shares = _positive_shares(shares)
    if not books.allows_share_transfer:
        raise TreasuryError(_("The statutes do not allow shares to be transferred."))
    if giver.pk == receiver.pk or giver.coop_id != receiver.coop_id:
        raise TreasuryError(_("Shares pass between two members of the same cooperative."))
    held = shares_held(giver)
    if held - shares < books.share_minimum:
        raise TreasuryError(
            _("The member holds %(held)s shares and must keep %(floor)s."),
            code="minimum_holding",
            params={"held": held, "floor": books.share_minimum},
        )
    if books.share_maximum and shares_held(receiver) + shares > books.share_maximum:
        raise TreasuryError(
            _("The statutes allow at most %(max)s shares per member."),
            params={"max": books.share_maximum},
        )
    value = shares * books.share_par_value
    entry = post_entry(
        coop=giver.coop,
        actor=actor,
        lines=[debit("member-shares", value, giver), credit("member-shares", value, receiver)],
        narration=_("Transfer of %(shares)s shares from %(giver)s to %(receiver)s")
        % {"shares": shares, "giver": giver.ref, "receiver": receiver.ref},
        date=date,
        kind="share-transfer",
    )
    return _moved_shares(
        entry,
        (giver, ShareMovement.Kind.TRANSFER_OUT, -shares),
        (receiver, ShareMovement.Kind.TRANSFER_IN, shares),
    )


PURPOSES = {"savings": "member-savings", "contribution": "member-contributions"}


def receive_from_member(
    *,
    member: MemberAccount,
    amount: int,
    purpose: str,
    actor: User | None,
    paid_into: Account | str = "cash",
    date: datetime.date | None = None,
    reference: str = "",
) -> JournalEntry:
    """Money a member paid in, for their savings or their contributions (minor units)."""
    if purpose not in PURPOSES:
        raise TreasuryError(_("Money from a member goes to savings or to contributions."))
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise TreasuryError(_("The amount is above zero."), code="amount")
    narration = {
        "savings": _("Savings deposit by %(ref)s"),
        "contribution": _("Contribution by %(ref)s"),
    }[purpose] % {"ref": member.ref}
    return post_entry(
        coop=member.coop,
        actor=actor,
        lines=[debit(paid_into, amount), credit(PURPOSES[purpose], amount, member)],
        narration=narration,
        date=date,
        kind=purpose,
        reference=reference,
    )


@transaction.atomic
def withdraw_savings(
    *,
    member: MemberAccount,
    amount: int,
    actor: User | None,
    paid_from: Account | str = "cash",
    date: datetime.date | None = None,
    reference: str = "",
    approval: ApprovalRequest | None = None,
) -> JournalEntry:
    """Pay a member out of their savings, never beyond their balance. An outflow: only the
    platform posts it, executing the approved request `approval`."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise TreasuryError(_("The amount is above zero."), code="amount")
    if -member_balance(member, "member-savings") < amount:
        raise TreasuryError(_("The member's savings are less than this amount."), code="balance")
    return post_entry(
        coop=member.coop,
        actor=actor,
        lines=[debit("member-savings", amount, member), credit(paid_from, amount)],
        narration=_("Savings withdrawal by %(ref)s") % {"ref": member.ref},
        date=date,
        kind="savings-withdrawal",
        reference=reference,
        approval=approval,
    )


def receive_unidentified(
    *,
    coop: Cooperative,
    amount: int,
    actor: User | None,
    paid_into: Account | str = "mobile-money",
    reference: str = "",
    date: datetime.date | None = None,
    note: str = "",
) -> JournalEntry:
    """Money whose payer is not known yet (an unknown member_ref): it waits in suspense."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise TreasuryError(_("The amount is above zero."), code="amount")
    return post_entry(
        coop=coop,
        actor=actor,
        lines=[debit(paid_into, amount), credit("suspense", amount)],
        narration=note or _("Unidentified receipt %(reference)s") % {"reference": reference},
        date=date,
        kind="suspense",
        reference=reference,
    )


@transaction.atomic
def record_patronage(
    *,
    member: MemberAccount,
    actor: User,
    kind: str,
    quantity,
    value: int,
    date: datetime.date,
    unit: str = "",
    description: str = "",
) -> PatronageRecord:
    """A member's delivery (cherries, milk) or purchase: the base of a patronage refund."""
    _require(actor, member.coop, "keep")
    if kind not in PatronageRecord.Kind.values:
        raise TreasuryError(_("Record a delivery or a purchase."))
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TreasuryError(_("The value is zero or more."), code="amount")
    record = PatronageRecord(
        coop_id=member.coop_id,
        member=member,
        kind=kind,
        quantity=quantity,
        unit=unit,
        value=value,
        date=date,
        description=description,
        actor=actor,
    )
    try:
        record.full_clean(exclude=["coop", "member", "actor"])
    except ValidationError as error:
        raise TreasuryError(_("Enter the quantity as a number with up to 3 decimals.")) from error
    if record.quantity < 0:
        raise TreasuryError(_("The quantity is zero or more."))
    record.save()
    audit.record(
        "treasury.patronage_recorded",
        f"coop:{member.coop.slug}",
        {"coop": member.coop.slug, "record": record.pk},
        actor,
        private={"person": audit.person(member.membership.person_id)},
        owner=member.membership.person,
        audience=member.coop,
    )
    return record


def zone_date(books: Books, moment: datetime.datetime) -> datetime.date:
    """The date of `moment` in the cooperative's zone (an M-PESA TransTime, a callback's time)."""
    return moment.astimezone(zoneinfo.ZoneInfo(books.time_zone)).date()
