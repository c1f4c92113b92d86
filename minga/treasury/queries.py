"""Reads of the books: the reports, a member's statement, the share register, arrears.

Reports read the per-day movements the database keeps from the lines (`DailyBalance`), so a
trial balance costs the number of account-days, not the number of postings.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Q, Sum

from .models import (
    Account,
    Books,
    DailyBalance,
    FiscalYear,
    JournalEntry,
    Line,
    MemberAccount,
    MemberBalance,
    Period,
    RootType,
    ShareMovement,
)


@dataclass
class Row:
    account: Account
    balance: int  # signed as booked: positive debit, negative credit

    @property
    def debit(self) -> int:
        return max(self.balance, 0)

    @property
    def credit(self) -> int:
        return max(-self.balance, 0)

    @property
    def natural(self) -> int:
        """The balance with the sign its root type expects (assets and expenses: debits)."""
        return self.balance if self.account.is_debit_normal else -self.balance


def balances(
    books: Books, *, until: datetime.date, since: datetime.date | None = None
) -> dict[int, int]:
    """account id -> net movement from `since` (or the beginning) to `until`, both included."""
    rows = DailyBalance.objects.filter(coop_id=books.coop_id, date__lte=until)
    if since is not None:
        rows = rows.filter(date__gte=since)
    return dict(
        rows.values("account_id").annotate(s=Sum("movement")).values_list("account_id", "s")
    )


def _accounts(books: Books) -> list[Account]:
    return list(Account.objects.filter(coop_id=books.coop_id).order_by("code"))


@dataclass
class TrialBalance:
    as_of: datetime.date
    rows: list[Row]

    @property
    def total_debit(self) -> int:
        return sum(row.debit for row in self.rows)

    @property
    def total_credit(self) -> int:
        return sum(row.credit for row in self.rows)


def trial_balance(books: Books, *, as_of: datetime.date) -> TrialBalance:
    """Every account's balance at the end of `as_of` (accounts that never moved left out)."""
    found = balances(books, until=as_of)
    rows = [Row(a, found[a.pk]) for a in _accounts(books) if found.get(a.pk)]
    return TrialBalance(as_of, rows)


@dataclass
class Statement:
    """Rows grouped by root type, with totals in the natural sign."""

    title_dates: tuple[datetime.date | None, datetime.date]
    sections: dict[str, list[Row]] = field(default_factory=dict)
    surplus_not_closed: int = 0  # a balance sheet's line of equity (see `balance_sheet`)

    def total(self, root: str) -> int:
        return sum(row.natural for row in self.sections.get(root, []))


def _closing_lines(
    books: Books, since: datetime.date | None, until: datetime.date
) -> dict[int, int]:
    lines = Line.objects.filter(coop_id=books.coop_id, entry__kind="closing", date__lte=until)
    if since is not None:
        lines = lines.filter(date__gte=since)
    return dict(lines.values("account_id").annotate(s=Sum("amount")).values_list("account_id", "s"))


def income_statement(books: Books, *, since: datetime.date, until: datetime.date) -> Statement:
    """Income and expenses between two dates, before the year's closing entry."""
    moved = balances(books, since=since, until=until)
    for account_id, amount in _closing_lines(books, since, until).items():
        moved[account_id] = moved.get(account_id, 0) - amount
    statement = Statement((since, until))
    for account in _accounts(books):
        if account.root in (RootType.INCOME, RootType.EXPENSE) and moved.get(account.pk):
            statement.sections.setdefault(account.root, []).append(Row(account, moved[account.pk]))
    return statement


def balance_sheet(books: Books, *, as_of: datetime.date) -> Statement:
    """Assets, liabilities and equity at the end of `as_of`; the surplus of the years not yet
    closed appears as a line of equity of its own (`surplus_not_closed`)."""
    found = balances(books, until=as_of)
    statement = Statement((None, as_of))
    unclosed = 0
    for account in _accounts(books):
        amount = found.get(account.pk, 0)
        if account.root in (RootType.INCOME, RootType.EXPENSE):
            unclosed -= amount
        elif amount:
            statement.sections.setdefault(account.root, []).append(Row(account, amount))
    statement.surplus_not_closed = unclosed
    return statement


@dataclass
class StatementLine:
    entry_id: int
    code: str
    date: datetime.date
    narration: str
    account: Account
    amount: int  # as the member sees it: positive when their balance grows
    balance: int
    reversed: bool = False
    line_id: int = 0


@dataclass
class MemberStatement:
    member: MemberAccount
    since: datetime.date
    until: datetime.date
    opening: dict[str, int]
    closing: dict[str, int]
    lines: list[StatementLine]
    shares: int
    older: int | None = None  # the cursor of the next (older) page: its `before`; None if none


STATEMENT_PAGE = 100


def member_statement(
    member: MemberAccount,
    *,
    since: datetime.date,
    until: datetime.date,
    limit: int | None = None,
    before: int | None = None,
) -> MemberStatement:
    """A member's sub-ledgers between two dates, in their own sign (what the cooperative owes
    them is positive), with the running balance of each sub-ledger after every line.

    Paged from the newest line: `limit` lines (all when None) older than the line `before`
    (a line id from `older` of the previous page), oldest first. The balances come from the
    stored per-member balances (`MemberBalance`) less the lines after each point, so a page
    costs its own lines and one sum over the member's lines, not the member's whole history.
    An unknown `before` (not a line of this member) is a `Line.DoesNotExist`."""
    accounts = {
        a.pk: a
        for a in Account.objects.filter(
            coop_id=member.coop_id, role__startswith="member-"
        ).order_by()
    }
    mine = Line.objects.filter(member=member)
    window = Q(date__gte=since, date__lte=until)
    newer = Q(pk__lt=0)  # no line: ids are positive
    if before is not None:
        date, entry_id = mine.values_list("date", "entry_id").get(pk=before)
        newer = (
            Q(date__gt=date)
            | Q(date=date, entry_id__gt=entry_id)
            | Q(date=date, entry_id=entry_id, pk__gte=before)
        )
    stored = dict(MemberBalance.objects.filter(member=member).values_list("account_id", "balance"))
    sums = {
        account_id: (after or 0, inside or 0, above or 0)
        for account_id, after, inside, above in mine.values("account_id")
        .annotate(
            after=Sum("amount", filter=Q(date__gt=until)),
            inside=Sum("amount", filter=window),
            above=Sum("amount", filter=window & newer),
        )
        .values_list("account_id", "after", "inside", "above")
        .order_by()
    }
    closing, opening, top = {}, {}, {}
    for pk in accounts:
        after, inside, above = sums.get(pk, (0, 0, 0))
        at_until = stored.get(pk, 0) - after  # as booked: members' credits are negative
        closing[pk], opening[pk], top[pk] = -at_until, -(at_until - inside), -(at_until - above)
    found = (
        mine.filter(window)
        .exclude(newer)
        .order_by("-date", "-entry_id", "-id")
        .values_list(
            "id", "entry_id", "account_id", "amount", "date", "entry__narration", "entry__number",
            "entry__fiscal_year__start", "entry__fiscal_year__end",
        )
    )  # fmt: skip
    rows = list(found if limit is None else found[: limit + 1])
    older = None
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        older = rows[-1][0]
    reversed_ids = set(
        JournalEntry.objects.filter(reverses_id__in={row[1] for row in rows})
        .order_by()  # the model's ordering would join (and scan) every entry of every year
        .values_list("reverses_id", flat=True)
    )
    lines = []
    for line_id, entry_id, account_id, amount, date, narration, number, start, end in rows:
        label = str(start.year) if start.year == end.year else f"{start.year}/{end.year % 100:02d}"
        lines.append(
            StatementLine(
                entry_id, f"{label}-{number}", date, narration, accounts[account_id], -amount,
                top[account_id], entry_id in reversed_ids, line_id,
            )
        )  # fmt: skip
        top[account_id] += amount
    lines.reverse()
    shares = (
        ShareMovement.objects.filter(member=member, date__lte=until).aggregate(n=Sum("shares"))["n"]
        or 0
    )
    return MemberStatement(
        member,
        since,
        until,
        {accounts[pk].role: amount for pk, amount in opening.items()},
        {accounts[pk].role: amount for pk, amount in closing.items()},
        lines,
        shares,
        older,
    )


@dataclass
class Holding:
    member: MemberAccount
    shares: int
    value: int
    last_movement: datetime.date | None


def share_register(books: Books, *, as_of: datetime.date) -> list[Holding]:
    """Every member who holds or held shares: shares at `as_of`, their value at par."""
    held = {
        row["member_id"]: (row["n"], row["last"])
        for row in ShareMovement.objects.filter(coop_id=books.coop_id, date__lte=as_of)
        .values("member_id")
        .annotate(n=Sum("shares"), last=Max("date"))
    }
    members = MemberAccount.objects.filter(pk__in=held).select_related("membership__person")
    return [
        Holding(m, held[m.pk][0], held[m.pk][0] * books.share_par_value, held[m.pk][1])
        for m in sorted(members, key=lambda m: m.ref)
    ]


def months_due(start: datetime.date, as_of: datetime.date) -> int:
    """Monthly contributions due from `start` to `as_of`: one per month begun, start's included."""
    if as_of < start:
        return 0
    return (as_of.year - start.year) * 12 + as_of.month - start.month + 1


@dataclass
class Arrear:
    member: MemberAccount
    due: int
    paid: int

    @property
    def arrears(self) -> int:
        return max(self.due - self.paid, 0)


def arrears(books: Books, *, as_of: datetime.date) -> list[Arrear]:
    """Members behind on their contributions at `as_of` (the schedule in the statutes)."""
    if not books.contribution_amount:
        return []
    paid = dict(
        Line.objects.filter(
            coop_id=books.coop_id, account__role="member-contributions", date__lte=as_of
        )
        .values("member_id")
        .annotate(s=Sum("amount"))
        .values_list("member_id", "s")
    )
    found = []
    members = MemberAccount.objects.filter(
        coop_id=books.coop_id, membership__status="active"
    ).select_related("membership__person")
    for member in members.order_by("ref"):
        start = max(books.contributions_from or member.opened_on, member.opened_on)
        row = Arrear(
            member, months_due(start, as_of) * books.contribution_amount, -paid.get(member.pk, 0)
        )
        if row.arrears:
            found.append(row)
    return found


def member_balances(member: MemberAccount) -> dict[str, int]:
    """role -> balance in the member's sign (positive: the cooperative holds it for them)."""
    return {
        role: -balance
        for role, balance in MemberBalance.objects.filter(member=member).values_list(
            "account__role", "balance"
        )
    }


def years(books: Books) -> list[FiscalYear]:
    return list(FiscalYear.objects.filter(coop_id=books.coop_id).order_by("-start"))


def last_closed_day(books: Books) -> datetime.date | None:
    """The end of the latest closed period: members' reports stop there."""
    return Period.objects.filter(
        fiscal_year__coop_id=books.coop_id, closed_at__isnull=False
    ).aggregate(last=Max("end"))["last"]


def recent_entries(books: Books, *, limit: int = 50):
    return (
        JournalEntry.objects.filter(coop_id=books.coop_id)
        .select_related("fiscal_year")
        .order_by("-posted_at", "-id")[:limit]
    )


def grouped(rows: list[Row]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row.account.root].append(row)
    return groups
