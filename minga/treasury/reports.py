"""The reports as pages, CSV, JSON and the AGM pack share them: which dates a reader may see,
and each report as a title, column headings and rows."""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _

from . import money, permissions, queries
from .models import Books, FiscalYear


def visible_until(user, books: Books) -> datetime.date | None:
    """The last day whose reports `user` may read: any day for those who read the books, the
    end of the latest closed period for members, the end of the latest closed year for the
    public when the cooperative publishes its annual accounts; None: nothing yet."""
    coop = books.coop
    if permissions.can_read_books(user, coop):
        return datetime.date.max
    if permissions.can_read_reports(user, coop):
        return queries.last_closed_day(books)
    if books.publishes_annual_accounts:
        year = (
            FiscalYear.objects.filter(coop_id=books.coop_id, status=FiscalYear.Status.CLOSED)
            .order_by("-end")
            .first()
        )
        return year.end if year else None
    raise PermissionDenied


def report_date(user, books: Books, wanted: datetime.date | None) -> datetime.date | None:
    """The date a report is drawn at: `wanted` (default today) capped by what `user` may see."""
    limit = visible_until(user, books)
    if limit is None:
        return None
    day = wanted or books.today()
    return min(day, limit)


@dataclass
class Table:
    title: str
    headings: list[str]
    rows: list[list]


def money_text(books: Books, minor: int) -> str:
    return money.format_amount(minor, books.currency)


def trial_balance_table(books: Books, as_of: datetime.date) -> tuple[Table, queries.TrialBalance]:
    trial = queries.trial_balance(books, as_of=as_of)
    rows = [
        [
            row.account.code,
            row.account.name,
            money_text(books, row.debit),
            money_text(books, row.credit),
        ]
        for row in trial.rows
    ]
    rows.append(
        [
            "",
            _("Total"),
            money_text(books, trial.total_debit),
            money_text(books, trial.total_credit),
        ]
    )
    title = _("Trial balance at %(date)s") % {"date": as_of.isoformat()}
    return Table(title, [_("Code"), _("Account"), _("Debit"), _("Credit")], rows), trial


def balance_sheet_table(books: Books, as_of: datetime.date) -> Table:
    sheet = queries.balance_sheet(books, as_of=as_of)
    rows: list[list] = []
    labels = {"asset": _("Assets"), "liability": _("Liabilities"), "equity": _("Equity")}
    for root, label in labels.items():
        for row in sheet.sections.get(root, []):
            rows.append([label, row.account.code, row.account.name, money_text(books, row.natural)])
        total = sheet.total(root)
        if root == "equity":
            surplus = sheet.surplus_not_closed
            rows.append(
                [label, "", _("Surplus of the years not closed"), money_text(books, surplus)]
            )
            total += surplus
        rows.append([label, "", _("Total"), money_text(books, total)])
    title = _("Balance sheet at %(date)s") % {"date": as_of.isoformat()}
    return Table(title, [_("Section"), _("Code"), _("Account"), _("Amount")], rows)


def income_statement_table(books: Books, since: datetime.date, until: datetime.date) -> Table:
    statement = queries.income_statement(books, since=since, until=until)
    rows: list[list] = []
    for root, label in (("income", _("Income")), ("expense", _("Expenses"))):
        for row in statement.sections.get(root, []):
            rows.append([label, row.account.code, row.account.name, money_text(books, row.natural)])
        rows.append([label, "", _("Total"), money_text(books, statement.total(root))])
    surplus = statement.total("income") - statement.total("expense")
    rows.append(["", "", _("Surplus (deficit)"), money_text(books, surplus)])
    title = _("Income statement from %(since)s to %(until)s") % {
        "since": since.isoformat(),
        "until": until.isoformat(),
    }
    return Table(title, [_("Section"), _("Code"), _("Account"), _("Amount")], rows)


def share_register_table(books: Books, as_of: datetime.date) -> Table:
    rows = [
        [
            h.member.ref,
            h.member.membership.person.name,
            h.shares,
            money_text(books, h.value),
            h.last_movement.isoformat() if h.last_movement else "",
        ]
        for h in queries.share_register(books, as_of=as_of)
    ]
    title = _("Share register at %(date)s") % {"date": as_of.isoformat()}
    headings = [
        _("Member reference"),
        _("Name"),
        _("Shares"),
        _("Value at par"),
        _("Last movement"),
    ]
    return Table(title, headings, rows)


def arrears_table(books: Books, as_of: datetime.date) -> Table:
    rows = [
        [
            a.member.ref,
            a.member.membership.person.name,
            money_text(books, a.due),
            money_text(books, a.paid),
            money_text(books, a.arrears),
        ]
        for a in queries.arrears(books, as_of=as_of)
    ]
    title = _("Contribution arrears at %(date)s") % {"date": as_of.isoformat()}
    return Table(title, [_("Member reference"), _("Name"), _("Due"), _("Paid"), _("Arrears")], rows)


def statement_table(books: Books, statement: queries.MemberStatement) -> Table:
    rows = [
        [
            line.date.isoformat(),
            line.code,
            line.narration,
            line.account.name,
            money_text(books, line.amount),
            money_text(books, line.balance),
        ]
        for line in statement.lines
    ]
    title = _("Statement of %(ref)s from %(since)s to %(until)s") % {
        "ref": statement.member.ref,
        "since": statement.since.isoformat(),
        "until": statement.until.isoformat(),
    }
    headings = [_("Date"), _("Entry"), _("Description"), _("Account"), _("Amount"), _("Balance")]
    return Table(title, headings, rows)


def csv_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.headings)
    for row in table.rows:
        # A cell a spreadsheet would run as a formula is written as text.
        writer.writerow(
            [
                "'" + c if isinstance(c, str) and c[:1] in "=+-@" and not _numeric(c) else c
                for c in row
            ]
        )
    return response


def _numeric(text: str) -> bool:
    return text.lstrip("-+").replace(",", "").replace(".", "").isdigit()
