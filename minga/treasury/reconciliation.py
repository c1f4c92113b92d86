"""A provider's statement against the books: every receipt on one side and not the other, every
amount that differs, every receipt twice (see `minga.channels.payments.statements`)."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from minga import audit
from minga.channels.payments import statements

from . import permissions
from .actions import TreasuryError
from .models import Books, Line

if TYPE_CHECKING:
    from minga.accounts.models import User


def booked_receipts(books: Books, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """The mobile-money movements booked between the two dates, by provider receipt."""
    rows = (
        Line.objects.filter(
            coop_id=books.coop_id, account__role="mobile-money", date__range=(start, end)
        )
        .exclude(entry__reference="")
        .values_list("entry__reference", "amount")
    )
    booked: dict[str, int] = {}
    for reference, amount in rows:
        booked[reference] = booked.get(reference, 0) + amount
    return booked


def _day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


@transaction.atomic
def reconcile_statement(
    *, books: Books, rows: Iterable[str], actor: User, mapping: Mapping[str, str] | None = None
) -> list[statements.Problem]:
    """Match a statement against the books over the days it covers; the exceptions. The
    treasurer, the board and the supervisory committee may; the run is in the log."""
    permissions.require(actor, books.coop, "read")
    try:
        lines = list(statements.read(rows, books.currency, mapping))
    except (ValueError, csv.Error) as error:
        raise TreasuryError(
            _("This file is not a statement Minga can read."), code="statement"
        ) from error
    days = [d for line in lines if isinstance(line, statements.Line) if (d := _day(line.time))]
    if not days:
        raise TreasuryError(_("The statement has no dated lines."), code="statement")
    problems = statements.match(lines, booked_receipts(books, min(days), max(days)))
    audit.record(
        "treasury.statement_reconciled",
        f"coop:{books.coop.slug}",
        {
            "coop": books.coop.slug,
            "from": min(days).isoformat(),
            "to": max(days).isoformat(),
            "lines": len(lines),
            "exceptions": len(problems),
        },
        actor,
        audience=books.coop,
    )
    return problems
