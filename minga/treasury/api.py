"""The books over JSON, permissioned like the pages: trial balance, a member's statement, the
share register. Amounts are integers of the currency's minor unit, with the currency and its
exponent beside them (never floats)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from minga.core.api import documented

from . import permissions, queries, reports
from .models import FiscalYear, Line, MemberAccount

router = Router(tags=["treasury"])


class AccountBalance(Schema):
    code: str
    name: str
    root: str
    debit: int
    credit: int


class TrialBalanceOut(Schema):
    coop: str
    currency: str
    exponent: int
    as_of: datetime.date
    accounts: list[AccountBalance]
    total_debit: int
    total_credit: int


class StatementLineOut(Schema):
    date: datetime.date
    entry: str
    description: str
    account: str
    amount: int
    balance: int


class StatementOut(Schema):
    coop: str
    member_ref: str
    currency: str
    exponent: int
    since: datetime.date
    until: datetime.date
    opening: dict[str, int]
    closing: dict[str, int]
    shares: int
    lines: list[StatementLineOut] = Field(
        description="The page's lines, oldest first: the latest `limit` lines of the dates "
        "(older than `before` when given), each with the sub-ledger's balance after it."
    )
    older: int | None = Field(
        description="The `before` that asks for the next, older page; null on the oldest page."
    )


class HoldingOut(Schema):
    member_ref: str
    name: str
    shares: int
    value: int
    last_movement: datetime.date | None


class ShareRegisterOut(Schema):
    coop: str
    currency: str
    exponent: int
    par_value: int
    as_of: datetime.date
    holdings: list[HoldingOut]


NOT_FOUND = "No books visible to you have this short name"


@router.get(
    "/{slug}/trial-balance",
    response=TrialBalanceOut,
    summary="A cooperative's trial balance",
    openapi_extra=documented(404, 422, s404=NOT_FOUND),
)
def trial_balance(request, slug: str, as_of: datetime.date | None = None):
    books = permissions.get_books(request.user, slug, need="public")
    day = reports.report_date(request.user, books, as_of)
    if day is None:
        raise PermissionDenied
    trial = queries.trial_balance(books, as_of=day)
    return {
        "coop": slug,
        "currency": books.currency,
        "exponent": books.exponent,
        "as_of": day,
        "accounts": [
            {
                "code": r.account.code,
                "name": r.account.name,
                "root": r.account.root,
                "debit": r.debit,
                "credit": r.credit,
            }
            for r in trial.rows
        ],  # fmt: skip
        "total_debit": trial.total_debit,
        "total_credit": trial.total_credit,
    }


@router.get(
    "/{slug}/members/{ref}/statement",
    response=StatementOut,
    summary="A member's statement (the member, or those who read the books)",
    openapi_extra=documented(404, 422, s404=NOT_FOUND),
)
def statement(
    request,
    slug: str,
    ref: str,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    limit: int = Query(
        queries.STATEMENT_PAGE, ge=1, le=1000, description="Lines per page, newest first."
    ),
    before: int | None = Query(
        None, description="The `older` of the previous page: lines older than that one."
    ),
):
    books = permissions.get_books(request.user, slug, need="reports")
    member = get_object_or_404(
        MemberAccount.objects.select_related("membership", "coop"), coop_id=books.coop_id, ref=ref
    )
    if not permissions.can_see_member(request.user, member):
        raise PermissionDenied
    until = until or books.today()
    year = FiscalYear.objects.filter(coop_id=books.coop_id, start__lte=until).first()
    since = since or (year.start if year else until)
    try:
        found = queries.member_statement(
            member, since=since, until=until, limit=limit, before=before
        )
    except Line.DoesNotExist:
        raise Http404 from None
    return {
        "coop": slug,
        "member_ref": member.ref,
        "currency": books.currency,
        "exponent": books.exponent,
        "since": since,
        "until": until,
        "opening": found.opening,
        "closing": found.closing,
        "shares": found.shares,
        "lines": [
            {
                "date": line.date,
                "entry": line.code,
                "description": line.narration,
                "account": line.account.role,
                "amount": line.amount,
                "balance": line.balance,
            }
            for line in found.lines
        ],  # fmt: skip
        "older": found.older,
    }


@router.get(
    "/{slug}/share-register",
    response=ShareRegisterOut,
    summary="A cooperative's share register (those who read the books)",
    openapi_extra=documented(404, 422, s404=NOT_FOUND),
)
def share_register(request, slug: str, as_of: datetime.date | None = None):
    books = permissions.get_books(request.user, slug, need="read")
    day = as_of or books.today()
    return {
        "coop": slug,
        "currency": books.currency,
        "exponent": books.exponent,
        "par_value": books.share_par_value,
        "as_of": day,
        "holdings": [
            {
                "member_ref": h.member.ref,
                "name": h.member.membership.person.name,
                "shares": h.shares,
                "value": h.value,
                "last_movement": h.last_movement,
            }
            for h in queries.share_register(books, as_of=day)
        ],  # fmt: skip
    }
