"""Dividends and patronage refunds, decided by the members (see `surplus` for the arithmetic).

The treasurer proposes an allocation of a closed year's surplus: a dividend on share capital at
a rate the statutes cap (pro rata shares x days held, from the share register) and a patronage
refund in proportion to each member's deliveries or purchases (their patronage records). Every
member sees the preview, their own line included. It is put to a poll of the decisions app:
one member, one vote (the weight never comes from shares), a simple majority. Only once that
poll has closed and passed is the allocation posted: the reserve, and each member's dividend
and refund credited to their savings, in one entry whose description cites the poll and its
result; a poll that did not pass rejects it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from minga import audit
from minga.decisions import actions as decisions
from minga.decisions.models import Poll

from . import actions as books
from . import permissions, surplus
from .models import (
    Books,
    FiscalYear,
    JournalEntry,
    Line,
    MemberAccount,
    PatronageRecord,
    ShareMovement,
)
from .models_members import Allocation, AllocationShare, SurplusRules

if TYPE_CHECKING:
    from minga.accounts.models import User

TreasuryError = books.TreasuryError
MESSAGES = {
    "rate-above-cap": _("The dividend rate is above the cap the statutes set (%(cap)s%%)."),
    "no-surplus": _("This year has no surplus to allocate."),
    "percent": _("Percentages are between 0 and 100."),
    "negative": _("Rates and amounts cannot be negative."),
    "dividends-above-surplus": _(
        "The dividends would be more than the surplus left after the reserve."
    ),
    "empty-year": _("This fiscal year has no days."),
}


def rules_of(coop) -> SurplusRules:
    return SurplusRules.objects.filter(coop=coop).first() or SurplusRules(coop=coop)


def year_surplus(year: FiscalYear) -> int:
    """The year's surplus as its closing entry moved it (a credit to the surplus account)."""
    closing = JournalEntry.objects.filter(fiscal_year=year, kind="closing").values_list(
        "pk", flat=True
    )
    total = (
        Line.objects.filter(entry_id__in=list(closing), account__role="surplus").aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    return -total


def share_days(year: FiscalYear) -> dict[str, int]:
    """Shares x days held during the year, per member, from the share register: shares held at
    the start count every day; those bought (or given up) on a day count (or stop counting)
    from that day to the year's end."""
    days = (year.end - year.start).days + 1
    totals: dict[str, int] = {}
    opening = (
        ShareMovement.objects.filter(coop_id=year.coop_id, date__lt=year.start)
        .values("member__ref")
        .annotate(shares=Sum("shares"))
    )
    for row in opening:
        totals[row["member__ref"]] = row["shares"] * days
    moves = ShareMovement.objects.filter(
        coop_id=year.coop_id, date__gte=year.start, date__lte=year.end
    ).values_list("member__ref", "shares", "date")
    for ref, shares, date in moves:
        totals[ref] = totals.get(ref, 0) + shares * ((year.end - date).days + 1)
    return {ref: value for ref, value in totals.items() if value}


def patronage_bases(year: FiscalYear) -> dict[str, int]:
    rows = (
        PatronageRecord.objects.filter(
            coop_id=year.coop_id, date__gte=year.start, date__lte=year.end
        )
        .values("member__ref")
        .annotate(total=Sum("value"))
    )
    return {row["member__ref"]: row["total"] for row in rows}


def _percent(value) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise TreasuryError(_("Enter a percentage such as 5 or 7.5."), code="percent") from None
    exponent = number.as_tuple().exponent  # an int for a finite number
    if not number.is_finite() or not isinstance(exponent, int) or exponent < -2:
        raise TreasuryError(_("Enter a percentage with at most 2 decimals."), code="percent")
    return number


@transaction.atomic
def propose_allocation(
    *,
    year: FiscalYear,
    actor: User,
    dividend_rate,
    patronage_percent,
) -> Allocation:
    """The treasurer's proposal for a closed year: computed, saved, shown to every member."""
    coop = year.coop
    if not permissions.can_keep_books(actor, coop):
        raise PermissionDenied(_("Only the treasurer proposes how the surplus is shared."))
    if not year.is_closed:
        raise TreasuryError(
            _("Close the fiscal year before sharing its surplus."), code="open_year"
        )
    if (
        Allocation.objects.filter(fiscal_year=year)
        .exclude(status=Allocation.Status.REJECTED)
        .exists()
    ):
        raise TreasuryError(_("This year's surplus already has an allocation."), code="duplicate")
    rate = _percent(dividend_rate)
    patronage = _percent(patronage_percent)
    rules = rules_of(coop)
    books_row = Books.objects.get(coop=coop)
    days = share_days(year)
    bases = patronage_bases(year)
    try:
        result = surplus.allocate(
            surplus=year_surplus(year),
            reserve_percent=rules.reserve_percent,
            # Net share-days as one span each: redemptions already took their days off.
            spans=[surplus.Span(ref, value, 1) for ref, value in days.items()],
            par_value=books_row.share_par_value,
            dividend_rate=rate,
            dividend_cap=rules.dividend_cap,
            year_days=(year.end - year.start).days + 1,
            bases=bases,
            patronage_percent=patronage,
        )
    except surplus.AllocationError as error:
        raise TreasuryError(
            MESSAGES[error.code], code=error.code, params={"cap": rules.dividend_cap}
        ) from None
    allocation = Allocation.objects.create(
        coop=coop,
        fiscal_year=year,
        surplus=result.surplus,
        reserve=result.reserve,
        dividend_rate=rate,
        patronage_percent=patronage,
        created_by=actor,
    )
    members = {m.ref: m for m in MemberAccount.objects.filter(coop=coop)}
    refs = sorted(set(result.dividends) | set(result.refunds))
    AllocationShare.objects.bulk_create(
        AllocationShare(
            allocation=allocation,
            member=members[ref],
            share_days=days.get(ref, 0),
            dividend=result.dividends.get(ref, 0),
            patronage_base=bases.get(ref, 0),
            refund=result.refunds.get(ref, 0),
        )
        for ref in refs
        if ref in members
    )
    audit.record(
        "treasury.allocation_proposed",
        f"treasury:{coop.slug}:allocation:{allocation.pk}",
        {
            "coop": coop.slug,
            "allocation": allocation.pk,
            "fiscal_year": year.label,
            "dividend_rate": str(rate),
            "dividend_cap": str(rules.dividend_cap),
            "patronage_percent": str(patronage),
        },
        actor,
        private={
            "surplus": result.surplus,
            "reserve": result.reserve,
            "dividends": result.dividend_total,
            "refunds": result.refund_total,
        },
        audience=coop,
    )
    return allocation


@transaction.atomic
def put_to_vote(
    *,
    allocation: Allocation,
    actor: User,
    closes_at: datetime.datetime,
    now: datetime.datetime | None = None,
) -> Poll:
    """Open the members' poll on the allocation: one member one vote, majority, Yes or No."""
    now = now or timezone.now()
    allocation = (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("coop", "fiscal_year")
        .get(pk=allocation.pk)
    )
    coop = allocation.coop
    if not permissions.can_keep_books(actor, coop):
        raise PermissionDenied(_("Only the treasurer puts the allocation to the vote."))
    if allocation.status != Allocation.Status.DRAFT:
        raise TreasuryError(_("This allocation was already put to the vote."), code="not_draft")
    currency = Books.objects.get(coop=coop).currency
    from . import money

    title = _("Share the %(year)s surplus as proposed?") % {"year": allocation.fiscal_year.label}
    details = _(
        "Surplus %(surplus)s; reserve %(reserve)s; dividend %(rate)s%% on shares (%(dividends)s); "
        "patronage refund %(patronage)s%% of the rest (%(refunds)s). Each member's line is on "
        "the treasury's allocation page."
    ) % {
        "surplus": money.format_amount(allocation.surplus, currency, code=True),
        "reserve": money.format_amount(allocation.reserve, currency, code=True),
        "rate": allocation.dividend_rate,
        "dividends": money.format_amount(allocation.dividend_total, currency, code=True),
        "patronage": allocation.patronage_percent,
        "refunds": money.format_amount(allocation.refund_total, currency, code=True),
    }
    try:
        discussion = decisions.start_discussion(coop=coop, actor=actor, title=title, body=details)
        poll = decisions.create_poll(
            discussion=discussion,
            actor=actor,
            title=title,
            details=details,
            kind=Poll.Kind.SINGLE,
            options=[_("Yes"), _("No")],
            closes_at=closes_at,
            electorate=Poll.Electorate.MEMBER,
            threshold=Poll.Threshold.MAJORITY,
            now=now,
        )
        decisions.open_poll(poll=poll, actor=actor, now=now)
    except ValidationError as error:
        raise TreasuryError(error.messages[0], code="poll") from None
    allocation.poll = poll
    allocation.status = Allocation.Status.VOTING
    allocation.save(update_fields=["poll", "status"])
    audit.record(
        "treasury.allocation_put_to_vote",
        f"treasury:{coop.slug}:allocation:{allocation.pk}",
        {"coop": coop.slug, "allocation": allocation.pk, "poll": poll.pk},
        actor,
        audience=coop,
    )
    return poll


def _yes_won(poll: Poll) -> bool:
    """The poll passed, and what it chose is the "Yes" option (position 0)."""
    if not poll.has_passed or not poll.result:
        return False
    elected = poll.result.get("elected") or []
    return bool(elected) and elected[0] == poll.options.get(position=0).label


@transaction.atomic
def post_allocation(*, allocation: Allocation, actor: User | None) -> Allocation:
    """Post the allocation the members passed (or record that they did not)."""
    allocation = (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("coop", "fiscal_year", "poll")
        .get(pk=allocation.pk)
    )
    coop = allocation.coop
    if actor is not None and not permissions.can_keep_books(actor, coop):
        raise PermissionDenied(_("Only the treasurer posts the allocation."))
    poll = allocation.poll
    if allocation.status != Allocation.Status.VOTING or poll is None:
        raise TreasuryError(
            _("Only an allocation put to the vote can be posted."), code="not_voting"
        )
    if poll.status != Poll.Status.CLOSED:
        raise TreasuryError(_("The members' poll has not closed yet."), code="poll_open")
    subject = f"treasury:{coop.slug}:allocation:{allocation.pk}"
    voters = (poll.result or {}).get("quorum", {}).get("voters", 0)
    if not _yes_won(poll):
        allocation.status = Allocation.Status.REJECTED
        allocation.save(update_fields=["status"])
        audit.record(
            "treasury.allocation_rejected",
            subject,
            {"coop": coop.slug, "allocation": allocation.pk, "poll": poll.pk, "voters": voters},
            actor,
            audience=coop,
        )
        return allocation
    shares = list(allocation.shares.select_related("member"))
    lines = []
    if allocation.reserve:
        lines.append(books.credit("reserve", allocation.reserve))
    for share in shares:
        if share.dividend + share.refund:
            lines.append(
                books.credit("member-savings", share.dividend + share.refund, share.member)
            )
    total = -sum(line.amount for line in lines)
    lines.insert(0, books.debit("surplus", total))
    entry = books.post_entry(
        coop=coop,
        actor=actor,
        lines=lines,
        narration=_(
            "%(year)s surplus: reserve, dividend %(rate)s%% and patronage refund, passed by the "
            "members' poll %(poll)s (%(voters)s voters, log entry %(index)s)"
        )
        % {
            "year": allocation.fiscal_year.label,
            "rate": allocation.dividend_rate,
            "poll": poll.pk,
            "voters": voters,
            "index": poll.closing_log_index,
        },
        kind="allocation",
    )
    allocation.entry = entry
    allocation.status = Allocation.Status.POSTED
    allocation.save(update_fields=["entry", "status"])
    audit.record(
        "treasury.allocation_posted",
        subject,
        {
            "coop": coop.slug,
            "allocation": allocation.pk,
            "poll": poll.pk,
            "poll_closing_entry": poll.closing_log_index,
            "voters": voters,
            "passed": True,
            "entry": entry.code,
            "hash": entry.hash_hex,
        },
        actor,
        audience=coop,
    )
    return allocation
