"""Three-way reconciliation: provider and bank statements against the books against agents'
cash counts.

- `reconcile_statement`: a statement uploaded and compared at once (small files, no record).
- `start_import` / `run_import`: a statement of any size stored, then read by a background
  task line by line (streamed: memory does not grow with the file), each line recorded as
  matched, skipped (a failed transaction, a charge) or an exception with its reason; the
  import's page shows its progress without JavaScript. Formats: M-PESA's and MTN MoMo's
  statements (columns found through synonyms), or any other CSV read by the cooperative's
  `StatementSource` rules (hledger's CSV rules, in spirit).
- `find_exceptions` / `reconcile_day`: statement lines against entries against the registered
  exception sources (agents' shortfalls), stored as `ReconciliationException` rows once per
  (kind, key); the daily job (`daily`, run by `minga worker`) looks at today and yesterday, so
  exceptions are listed before the day closes.
- `resolve_exception`: the supervisory committee or the board closes an exception with a
  reason, in the log; nobody deletes one.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from minga import audit
from minga.channels.payments import statements
from minga.core.fast import sql as fast_sql
from minga.core.lookups import keyed

from . import permissions
from .actions import TreasuryError
from .models import Account, Books, Line
from .models_members import ApprovalRule, Operation
from .models_reconciliation import (
    ReconciliationException,
    StatementImport,
    StatementLine,
    StatementSource,
)

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


log = logging.getLogger("minga.treasury")

# --- Exception kinds, and the sources other apps register -------------------------------------

RECEIPT_WITHOUT_ENTRY = "receipt-without-entry"
AMOUNT_DIFFERS = "amount-differs"
DUPLICATE = "duplicate"
ENTRY_NOT_ON_STATEMENT = "entry-not-on-statement"
ENTRY_WITHOUT_REFERENCE = "entry-without-reference"
NEAR_THRESHOLD = "near-threshold"
AGENT_SHORTFALL = "agent-shortfall"

# An outflow within this share of an approval threshold, below it, is flagged: splitting a
# payment to stay under the members' confirmation is the pattern to catch.
NEAR_THRESHOLD_PERCENT = 10

ExceptionSource = Callable[[Any, datetime.date], list[dict[str, Any]]]
_SOURCES: dict[str, ExceptionSource] = {}


def register_exception_source(name: str, source: ExceptionSource) -> None:
    """Add a source of exceptions to the daily reconciliation (idempotent by name).

    `source(coop, day)` returns dicts with `kind` and `key` (what makes the exception the same
    one when it is found again; the source's name is put before it), and optionally `amount`
    (minor units), `reference` and `detail` (a dict of plain JSON shown with the exception).
    A source that raises is logged and skipped: the others' exceptions are still listed."""
    _SOURCES[name] = source


def exception_sources() -> dict[str, ExceptionSource]:
    return dict(_SOURCES)


def shortfalls_as_exceptions(
    shortfalls: Callable[[Any, datetime.date], list[dict[str, Any]]],
) -> ExceptionSource:
    """An exception source from a function listing agents' shortfalls for a day (dicts with
    agent, expected, counted, difference; amounts in minor units), for
    `register_exception_source("agents", shortfalls_as_exceptions(...))`."""

    def source(coop: Any, day: datetime.date) -> list[dict[str, Any]]:
        found = []
        for row in shortfalls(coop, day):
            agent = str(row["agent"])
            found.append(
                {
                    "kind": AGENT_SHORTFALL,
                    "key": f"{agent}:{day.isoformat()}",
                    # No count declared: the difference is unknown (None), the cash held is
                    # still expected.
                    "amount": None if row["difference"] is None else int(row["difference"]),
                    "reference": agent[:64],
                    "detail": {
                        "agent": agent,
                        "expected": int(row["expected"]),
                        "counted": None if row["counted"] is None else int(row["counted"]),
                    },
                }
            )
        return found

    return source


# --- Statement sources (the rules) ------------------------------------------------------------

SOURCE_FIELDS = (
    "account_role", "receipt_column", "date_column", "amount_column", "paid_in_column",
    "withdrawn_column", "reference_column", "description_column", "status_column",
    "date_format", "skip", "has_header", "delimiter", "decimal_mark", "negate",
)  # fmt: skip


def rules_of(source: StatementSource | None) -> statements.Rules:
    """How a source's CSV is read; M-PESA's and MoMo's statements need no rules of their own."""
    if source is None:
        return statements.Rules()
    columns = {
        "receipt": source.receipt_column,
        "time": source.date_column,
        "amount": source.amount_column,
        "paid_in": source.paid_in_column,
        "withdrawn": source.withdrawn_column,
        "reference": source.reference_column,
        "details": source.description_column,
        "status": source.status_column,
    }
    return statements.Rules(
        columns={k: v for k, v in columns.items() if v},
        date_format=source.date_format,
        skip=source.skip,
        has_header=source.has_header,
        delimiter=source.delimiter,
        decimal_mark=source.decimal_mark,
        negate=source.negate,
    )


@transaction.atomic
def save_source(
    *, coop, actor: User, name: str, source: StatementSource | None = None, **values: Any
) -> StatementSource:
    """Create or change a cooperative's rules for reading one source's statements (the
    treasurer, who keeps the books)."""
    permissions.require(actor, coop, "keep")
    name = " ".join(name.split())[:60]
    if not name:
        raise TreasuryError(_("Give the source a name."), code="name")
    if not values.get("receipt_column") or not values.get("date_column"):
        raise TreasuryError(
            _("Name the columns of the transaction id and of the date."), code="columns"
        )
    if not (values.get("amount_column") or values.get("paid_in_column")):
        raise TreasuryError(
            _("Name the amount column, or the money in and money out columns."), code="columns"
        )
    date_format = values.get("date_format") or ""
    if date_format:
        try:
            datetime.datetime(2026, 3, 16, 10, 30, tzinfo=datetime.UTC).strftime(date_format)
        except ValueError as error:
            raise TreasuryError(_("This date format cannot be read."), code="date") from error
        if "%" not in date_format:
            raise TreasuryError(_("This date format cannot be read."), code="date")
    if source is None:
        source = StatementSource(coop=coop)
    elif source.coop_id != coop.pk:
        raise PermissionDenied
    source.name = name
    for field_name in SOURCE_FIELDS:
        if field_name in values:
            setattr(source, field_name, values[field_name])
    if StatementSource.objects.filter(coop=coop, name=name).exclude(pk=source.pk).exists():
        raise TreasuryError(_("Another source has this name."), code="name")
    source.save()
    audit.record(
        "treasury.statement_source_saved",
        f"coop:{coop.slug}",
        {"coop": coop.slug, "source": source.pk},
        actor,
        private={"name": name},
        audience=coop,
    )
    return source


# --- Imports ----------------------------------------------------------------------------------

CHUNK = 2000  # lines read, matched and written together


@transaction.atomic
def start_import(
    *,
    books: Books,
    actor: User,
    upload: Any,
    format: str,
    source: StatementSource | None = None,
) -> StatementImport:
    """Store an uploaded statement and queue its reading (treasurer, board, supervisory
    committee: an import changes no books; each may check the statement for themselves)."""
    coop = books.coop
    permissions.require(actor, coop, "read")
    if format not in StatementImport.Format.values:
        raise TreasuryError(_("Choose the statement's format."), code="format")
    if format == StatementImport.Format.RULES:
        if source is None or source.coop_id != coop.pk:
            raise TreasuryError(_("Choose the rules to read this statement with."), code="source")
        role = source.account_role
    else:
        source, role = None, "mobile-money"
    name = default_storage.save(
        f"statements/{coop.pk}/{timezone.now():%Y%m%d}-{secrets.token_hex(8)}.csv", upload
    )
    statement = StatementImport.objects.create(
        coop=coop,
        format=format,
        source=source,
        account_role=role,
        file=name,
        filename=str(getattr(upload, "name", ""))[:120],
        size=default_storage.size(name),
        actor=actor,
    )
    audit.record(
        "treasury.statement_import_started",
        f"coop:{coop.slug}",
        {"coop": coop.slug, "import": statement.pk, "format": format, "bytes": statement.size},
        actor,
        audience=coop,
    )
    transaction.on_commit(lambda: run_import.enqueue(statement.pk))
    return statement


def _text_lines(raw: Any, progress: Callable[[int], None]) -> Iterator[str]:
    """The file's lines as text (UTF-8, a BOM dropped), reporting the bytes read so far."""
    read = 0
    for number, line in enumerate(raw):
        read += len(line)
        if number == 0 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        yield line.decode("utf-8", errors="replace")
        if number % CHUNK == 0:
            progress(read)
    progress(read)


def _booked(coop_id: int, account_id: int | None, receipts: set[str]) -> dict[str, int | None]:
    """receipt -> what the books moved on the statement's account for it (None: an entry
    exists but does not touch that account), for the receipts the books know."""
    rows = Line.objects.filter(
        keyed(entry__reference__in=receipts), coop_id=coop_id, entry__coop_id=coop_id
    ).values_list("entry__reference", "account_id", "amount")
    found: dict[str, int | None] = {}
    for reference, account, amount in rows:
        if account == account_id:
            found[reference] = (found.get(reference) or 0) + amount
        else:
            found.setdefault(reference, None)
    return found


class _Seen:
    """The receipts an import has read so far, in 2 MB whatever their number (a Bloom filter:
    a receipt it has not seen is never reported seen; one it reports seen is checked in the
    database), so a million-line statement finds its duplicates in constant memory."""

    BITS = 1 << 24

    def __init__(self) -> None:
        self.bits = bytearray(self.BITS // 8)

    def _positions(self, receipt: str) -> tuple[int, int, int]:
        digest = hash(receipt) & 0xFFFFFFFFFFFFFFFF
        mask = self.BITS - 1
        return digest & mask, (digest >> 21) & mask, (digest >> 42) & mask

    def add(self, receipt: str) -> None:
        for bit in self._positions(receipt):
            self.bits[bit >> 3] |= 1 << (bit & 7)

    def __contains__(self, receipt: str) -> bool:
        return all(self.bits[bit >> 3] & (1 << (bit & 7)) for bit in self._positions(receipt))


@dataclasses.dataclass(slots=True)
class _Row:
    """A statement line about to be written (cheaper than a model instance a million times)."""

    statement_id: int
    coop_id: int
    number: int
    date: datetime.date | None
    receipt: str
    amount: int
    reference: str
    reason: str
    value: str
    status: str = ""


def _lines_of(
    statement: StatementImport,
    records: list[statements.Record],
    account_id: int | None,
    seen: _Seen,
) -> list[_Row]:
    """The chunk's lines with their status: matched, skipped, or an exception and why."""
    receipts = {r.receipt for r in records if r.status == "ok"}
    booked = _booked(statement.coop_id, account_id, receipts)
    maybe = [receipt for receipt in receipts if receipt in seen]
    earlier = dict(
        StatementLine.objects.filter(
            coop_id=statement.coop_id, receipt__in=maybe, statement=statement
        )
        .exclude(reason=statements.SKIPPED_FAILED)
        .values_list("receipt", "number")
        if maybe
        else ()
    )
    for receipt in receipts:
        seen.add(receipt)
    lines = []
    for record in records:
        line = _Row(
            statement_id=statement.pk,
            coop_id=statement.coop_id,
            number=record.number,
            date=record.day,
            receipt=record.receipt[:64],
            amount=record.amount,
            reference=record.reference,
            reason=record.reason,
            value=record.value,
        )
        if record.status == "skipped":
            line.status = StatementLine.Status.SKIPPED
        elif record.status == "error":
            line.status = StatementLine.Status.EXCEPTION
        elif record.receipt in earlier:
            line.status, line.reason = StatementLine.Status.EXCEPTION, DUPLICATE
            line.value = str(earlier[record.receipt])
        elif record.receipt not in booked:
            line.status, line.reason = StatementLine.Status.EXCEPTION, RECEIPT_WITHOUT_ENTRY
        elif booked[record.receipt] != record.amount:
            line.status, line.reason = StatementLine.Status.EXCEPTION, AMOUNT_DIFFERS
            line.value = str(booked[record.receipt] or 0)
        else:
            line.status = StatementLine.Status.MATCHED
        if record.status == "ok":
            earlier.setdefault(record.receipt, record.number)
        lines.append(line)
    return lines


LINE_EXCEPTIONS = {RECEIPT_WITHOUT_ENTRY, AMOUNT_DIFFERS, DUPLICATE}


def _line_detail(line: _Row) -> dict[str, Any]:
    detail: dict[str, Any] = {"line": line.number, "import": line.statement_id}
    if line.reason == AMOUNT_DIFFERS:
        detail["books"] = int(line.value or 0)
    elif line.reason == DUPLICATE:
        detail["first"] = int(line.value or 0)
    return detail


@task()
def run_import(import_id: int) -> str:
    """Read a stored statement: every line recorded with its status, progress saved as it
    goes, then the exceptions of the days it covers listed. Runs once per import."""
    claimed = StatementImport.objects.filter(
        pk=import_id, status=StatementImport.Status.QUEUED
    ).update(status=StatementImport.Status.RUNNING)
    if not claimed:
        return "already read"
    statement = StatementImport.objects.select_related("coop", "source", "actor").get(pk=import_id)
    try:
        return _read(statement)
    except Exception:
        log.exception("statement import %s failed", import_id)
        StatementImport.objects.filter(pk=import_id).update(
            status=StatementImport.Status.FAILED, error="internal", finished_at=timezone.now()
        )
        raise


def _read(statement: StatementImport) -> str:
    books = Books.objects.get(coop_id=statement.coop_id)
    account_id = (
        Account.objects.filter(coop_id=statement.coop_id, role=statement.account_role)
        .values_list("pk", flat=True)
        .first()
    )
    counts = {"lines": 0, "matched": 0, "exceptions": 0, "skipped": 0}
    first: datetime.date | None = None
    last: datetime.date | None = None
    stored = 0  # exceptions listed from the statement's own lines
    seen = _Seen()

    def progress(read: int) -> None:
        StatementImport.objects.filter(pk=statement.pk).update(read_bytes=read, **counts)

    def save(records: list[statements.Record]) -> None:
        nonlocal first, last, stored
        lines = _lines_of(statement, records, account_id, seen)
        _write_lines(lines)
        stored += _store(
            Found(
                coop=statement.coop, day=line.date, kind=line.reason, key=f"receipt:{line.receipt}",
                amount=line.amount, reference=line.receipt, statement_id=statement.pk,
                detail=_line_detail(line),
            )
            for line in lines
            if line.reason in LINE_EXCEPTIONS and line.date is not None
        )  # fmt: skip
        for line in lines:
            counts["lines"] += 1
            key = {"matched": "matched", "exception": "exceptions"}.get(line.status, "skipped")
            counts[key] += 1
            if line.date is not None and line.status != StatementLine.Status.SKIPPED:
                first = line.date if first is None or line.date < first else first
                last = line.date if last is None or line.date > last else last

    with default_storage.open(statement.file, "rb") as raw:
        rows = _text_lines(raw, progress)
        try:
            records: list[statements.Record] = []
            for record in statements.read_records(rows, books.currency, rules_of(statement.source)):
                records.append(record)
                if len(records) == CHUNK:
                    with transaction.atomic():
                        save(records)
                    records = []
            with transaction.atomic():
                save(records)
        except (ValueError, csv.Error) as error:
            error_code = "columns" if isinstance(error, ValueError) else "csv"
            log.info("statement import %s unreadable: %s", statement.pk, error)
            StatementImport.objects.filter(pk=statement.pk).update(
                status=StatementImport.Status.FAILED,
                error=error_code,
                finished_at=timezone.now(),
                **counts,
            )
            return "unreadable"
    with transaction.atomic():
        statement.first_day, statement.last_day = first, last
        found = 0
        if first is not None and last is not None:
            found = find_exceptions(books.coop, first, last, statement=statement)
        StatementImport.objects.filter(pk=statement.pk).update(
            status=StatementImport.Status.DONE,
            read_bytes=statement.size,
            first_day=first,
            last_day=last,
            finished_at=timezone.now(),
            **counts,
        )
        audit.record(
            "treasury.statement_imported",
            f"coop:{books.coop.slug}",
            {
                "coop": books.coop.slug,
                "import": statement.pk,
                "from": first.isoformat() if first else "",
                "to": last.isoformat() if last else "",
                **counts,
                "new_exceptions": stored + found,
            },
            statement.actor,
            audience=books.coop,
        )
    return f"{counts['lines']} lines, {counts['exceptions']} exceptions"


# --- Writing many rows: the fenced fast path ----------------------------------------------------
# Budgets `reconcile-100k-statement-year-of-books` and `statement-import-1m-peak-rss`
# (bench/bench_reconciliation.py): a statement's lines, and the exceptions a bad one brings,
# are written with one prepared INSERT per batch (DB-API executemany) rather than through
# model instances and bulk_create, whose per-object cost was most of an import's time. The
# columns come from the models' _meta, values are adapted by the fields' own
# get_db_prep_save where they need it (dates, JSON), so the SQL follows the models.


@dataclasses.dataclass(slots=True)
class Found:
    """An exception found, not yet stored (`_store` writes it unless already known)."""

    coop: Any
    day: datetime.date
    kind: str
    key: str
    amount: int | None = None
    reference: str = ""
    detail: dict[str, Any] = dataclasses.field(default_factory=dict)
    statement_id: int | None = None
    entry_id: int | None = None


LINE_FIELDS = ("statement", "coop", "number", "date", "receipt", "amount", "reference",
               "status", "reason", "value")  # fmt: skip
EXCEPTION_FIELDS = ("coop", "day", "kind", "key", "amount", "reference", "detail", "statement",
                    "entry_id", "status", "resolution", "created_at")  # fmt: skip


def _insert_sql(model, names: tuple[str, ...], *, ignore_conflicts: bool = False) -> str:
    columns = [model._meta.get_field(name).column for name in names]
    quote = fast_sql.quote
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608 (names from _meta)
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    return sql + " ON CONFLICT DO NOTHING" if ignore_conflicts else sql


def _write_lines(lines: list[_Row]) -> None:
    date_field = StatementLine._meta.get_field("date")
    rows = [
        (line.statement_id, line.coop_id, line.number,
         date_field.get_db_prep_save(line.date, connection), line.receipt, line.amount,
         line.reference, line.status, line.reason, line.value)
        for line in lines
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(_insert_sql(StatementLine, LINE_FIELDS), rows)


def _write_exceptions(found: list[Found]) -> int:
    """Insert the exceptions not known yet (kind and key); how many were new."""
    meta = ReconciliationException._meta
    day, detail, created = (meta.get_field(n) for n in ("day", "detail", "created_at"))
    now = created.get_db_prep_save(timezone.now(), connection)
    rows = [
        (e.coop.pk, day.get_db_prep_save(e.day, connection), e.kind, e.key, e.amount,
         e.reference, detail.get_db_prep_save(e.detail, connection), e.statement_id, e.entry_id,
         ReconciliationException.Status.OPEN, "", now)
        for e in found
    ]  # fmt: skip
    sql = _insert_sql(ReconciliationException, EXCEPTION_FIELDS, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        return max(cursor.rowcount, 0)


# --- Finding exceptions -----------------------------------------------------------------------


def _statement_lines(coop, statement: StatementImport | None):
    """The lines of the finished imports (and of `statement`, being finished)."""
    done = Q(statement__status=StatementImport.Status.DONE)
    if statement is not None:
        done |= Q(statement=statement)
    return StatementLine.objects.filter(done, coop=coop)


def _covered(coop, start, end, role, statement):
    """The date ranges within [start, end] that a statement of the account covers."""
    imports = StatementImport.objects.filter(
        coop=coop, account_role=role, first_day__lte=end, last_day__gte=start
    ).filter(status=StatementImport.Status.DONE)
    ranges = sorted(
        (max(a, start), min(b, end)) for a, b in imports.values_list("first_day", "last_day")
    )
    if statement is not None and statement.first_day and statement.last_day:
        ranges.append((max(statement.first_day, start), min(statement.last_day, end)))
        ranges.sort()
    merged: list[tuple[datetime.date, datetime.date]] = []
    for a, b in ranges:
        if merged and a <= merged[-1][1] + datetime.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _statement_exceptions(coop, start, end, statement) -> Iterator[Found]:
    """Statement lines whose receipt the books lack or book for another amount, now (an
    entry booked since the import is not an exception any more), and receipts twice."""
    lines = _statement_lines(coop, statement).filter(date__range=(start, end))
    accounts = dict(
        Account.objects.filter(coop=coop, role__in=("mobile-money", "bank")).values_list(
            "role", "pk"
        )
    )
    movements = (
        lines.exclude(status=StatementLine.Status.SKIPPED)
        .exclude(reason__in=statements_errors())
        .exclude(reason=DUPLICATE)
        .values_list("receipt", "amount", "date", "number", "statement_id",
                     "statement__account_role")
    )  # fmt: skip
    batch: list[tuple] = []

    def check(batch: list[tuple]) -> Iterator[Found]:
        by_role: dict[str, set[str]] = {}
        for row in batch:
            by_role.setdefault(row[5], set()).add(row[0])
        booked = {
            role: _booked(coop.pk, accounts.get(role), receipts)
            for role, receipts in by_role.items()
        }
        for receipt, amount, day, number, statement_id, role in batch:
            known = booked[role]
            detail = {"line": number, "import": statement_id}
            if receipt not in known:
                yield Found(
                    coop=coop, day=day, kind=RECEIPT_WITHOUT_ENTRY, key=f"receipt:{receipt}",
                    amount=amount, reference=receipt, detail=detail, statement_id=statement_id,
                )  # fmt: skip
            elif known[receipt] != amount:
                yield Found(
                    coop=coop, day=day, kind=AMOUNT_DIFFERS, key=f"receipt:{receipt}",
                    amount=amount, reference=receipt, statement_id=statement_id,
                    detail={**detail, "books": known[receipt] or 0},
                )  # fmt: skip

    for row in movements.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) == CHUNK:
            yield from check(batch)
            batch = []
    yield from check(batch)
    duplicates = lines.filter(reason=DUPLICATE).values_list(
        "receipt", "amount", "date", "number", "value", "statement_id"
    )
    for receipt, amount, day, number, first, statement_id in duplicates.iterator():
        yield Found(
            coop=coop, day=day, kind=DUPLICATE, key=f"receipt:{receipt}", amount=amount,
            reference=receipt, statement_id=statement_id,
            detail={"line": number, "first": int(first or 0), "import": statement_id},
        )  # fmt: skip


def statements_errors() -> tuple[str, ...]:
    return (
        statements.ERROR_AMOUNT,
        statements.ERROR_COLUMNS,
        statements.ERROR_DATE,
        statements.ERROR_RECEIPT,
    )


def _ledger_exceptions(coop, start, end, statement) -> Iterator[Found]:
    """Entries moving mobile money without a provider reference, and entries on a statement's
    account, on days a statement covers, whose reference no statement line carries."""
    mobile = Line.objects.filter(
        coop=coop, account__role="mobile-money", date__range=(start, end), entry__reference=""
    ).exclude(entry__kind="reversal")
    rows = mobile.values("entry_id", "date").annotate(moved=Sum("amount"))
    for row in rows:
        entry_id = row["entry_id"]
        yield Found(
            coop=coop, day=row["date"], kind=ENTRY_WITHOUT_REFERENCE, key=f"entry:{entry_id}",
            amount=row["moved"], entry_id=entry_id, detail={"entry": entry_id},
        )  # fmt: skip
    lines = _statement_lines(coop, statement).exclude(reason=statements.SKIPPED_FAILED)
    for role in ("mobile-money", "bank"):
        for a, b in _covered(coop, start, end, role, statement):
            on_statement = lines.filter(
                statement__account_role=role, receipt=OuterRef("entry__reference")
            )
            missing = (
                Line.objects.filter(coop=coop, account__role=role, date__range=(a, b))
                .exclude(entry__reference="")
                .exclude(entry__kind="reversal")
                .filter(~Exists(on_statement))
                .values("entry_id", "date", "entry__reference")
                .annotate(moved=Sum("amount"))
            )
            for row in missing.iterator(chunk_size=CHUNK):
                entry_id = row["entry_id"]
                yield Found(
                    coop=coop, day=row["date"], kind=ENTRY_NOT_ON_STATEMENT,
                    key=f"entry:{entry_id}", amount=row["moved"], entry_id=entry_id,
                    reference=row["entry__reference"], detail={"entry": entry_id},
                )  # fmt: skip


def thresholds(coop) -> list[int]:
    """The statutes' approval thresholds for money going out (the amounts from which a rule's
    step starts), lowest first."""
    operations = [Operation.SAVINGS_WITHDRAWAL, Operation.SHARE_REDEMPTION, Operation.PAYMENT,
                  Operation.MANUAL]  # fmt: skip
    found = ApprovalRule.objects.filter(
        coop=coop, operation__in=operations, min_amount__gt=0
    ).values_list("min_amount", flat=True)
    return sorted(set(found))


def near_threshold(amount: int, steps: list[int]) -> int | None:
    """The threshold `amount` is just under (within NEAR_THRESHOLD_PERCENT), if any."""
    for step in steps:
        if step - step * NEAR_THRESHOLD_PERCENT // 100 <= amount < step:
            return step
    return None


def _threshold_exceptions(coop, start, end) -> Iterator[Found]:
    """Payments out of cash, the bank or mobile money just under an approval threshold."""
    steps = thresholds(coop)
    if not steps:
        return
    low = min(s - s * NEAR_THRESHOLD_PERCENT // 100 for s in steps)
    rows = (
        Line.objects.filter(
            coop=coop,
            account__role__in=("cash", "bank", "mobile-money"),
            date__range=(start, end),
            amount__lt=0,
        )
        .exclude(entry__kind="reversal")
        .values("entry_id", "date")
        .annotate(out=Sum("amount"))
        .filter(out__lte=-low, out__gt=-max(steps))
    )
    for row in rows:
        step = near_threshold(-row["out"], steps)
        if step is None:
            continue
        entry_id = row["entry_id"]
        yield Found(
            coop=coop, day=row["date"], kind=NEAR_THRESHOLD, key=f"entry:{entry_id}",
            amount=-row["out"], entry_id=entry_id,
            detail={"entry": entry_id, "threshold": step},
        )  # fmt: skip


def _source_exceptions(coop, day) -> Iterator[Found]:
    for name, source in exception_sources().items():
        try:
            with transaction.atomic():  # a source's failed query must not spoil the others'
                found = list(source(coop, day))
        except Exception:
            log.exception("exception source %s failed for %s on %s", name, coop.pk, day)
            continue
        for item in found:
            amount = item.get("amount")
            yield Found(
                coop=coop,
                day=day,
                kind=str(item["kind"])[:40],
                key=f"{name}:{item['key']}"[:120],
                amount=int(amount) if amount is not None else None,
                reference=str(item.get("reference", ""))[:64],
                detail=dict(item.get("detail") or {}),
            )


def _store(rows: Iterable[Found]) -> int:
    """Write the exceptions not yet known (by kind and key); how many were new."""
    new = 0
    batch: list[Found] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            new += _write_exceptions(batch)
            batch = []
    return new + (_write_exceptions(batch) if batch else 0)


def find_exceptions(
    coop,
    start: datetime.date,
    end: datetime.date,
    *,
    statement: StatementImport | None = None,
) -> int:
    """Store the exceptions between the statements and the books from `start` to `end`
    (an exception already listed, open or resolved, is not listed again); how many are new."""
    new = 0
    if statement is None:  # an import lists its own lines' exceptions as it reads them
        new += _store(_statement_exceptions(coop, start, end, statement))
    new += _store(_ledger_exceptions(coop, start, end, statement))
    return new + _store(_threshold_exceptions(coop, start, end))


@transaction.atomic
def reconcile_day(coop, day: datetime.date) -> int:
    """The three-way reconciliation of one day: statements, books, and the registered sources
    (agents' cash counts); the run is in the log when it found something new."""
    new = find_exceptions(coop, day, day) + _store(_source_exceptions(coop, day))
    if new:
        audit.record(
            "treasury.reconciled",
            f"coop:{coop.slug}",
            {"coop": coop.slug, "day": day.isoformat(), "new_exceptions": new},
            None,
            audience=coop,
        )
    return new


def daily(now: datetime.datetime) -> str | None:
    """The periodic job (`minga worker`): today's and yesterday's reconciliation of every
    cooperative's books, so that the day's exceptions are listed before it closes and
    yesterday's late ones are not missed."""
    found = 0
    for books in Books.objects.select_related("coop"):
        today = books.today()
        for day in (today - datetime.timedelta(days=1), today):
            try:
                found += reconcile_day(books.coop, day)
            except Exception:
                log.exception("reconciliation of %s on %s failed", books.coop_id, day)
    return f"{found} new reconciliation exceptions" if found else None


# --- Resolving --------------------------------------------------------------------------------


def can_resolve(user, coop) -> bool:
    """The supervisory committee and the board close exceptions; the treasurer, whose books
    they question, explains but does not close them."""
    return permissions.treasury_role(user, coop) in {permissions.SUPERVISORY, permissions.CHECKER}


@transaction.atomic
def resolve_exception(
    *, exception: ReconciliationException, actor: User, reason: str
) -> ReconciliationException:
    """Close an exception with the reason (what was found, what was done), in the log."""
    coop = exception.coop
    if not can_resolve(actor, coop):
        raise PermissionDenied(_("Only the supervisory committee or the board closes exceptions."))
    reason = reason.strip()
    if len(reason) < 5:
        raise TreasuryError(_("Say why the exception is resolved."), code="reason")
    if len(reason) > 2000:
        raise TreasuryError(_("Keep the reason under 2,000 characters."), code="reason")
    locked = ReconciliationException.objects.select_for_update().get(pk=exception.pk)
    if not locked.is_open:
        raise TreasuryError(_("This exception is already resolved."), code="resolved")
    locked.status = ReconciliationException.Status.RESOLVED
    locked.resolution = reason
    locked.resolved_by = actor
    locked.resolved_at = timezone.now()
    locked.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    audit.record(
        "treasury.reconciliation_exception_resolved",
        f"coop:{coop.slug}",
        {"coop": coop.slug, "exception": locked.pk, "kind": locked.kind,
         "day": locked.day.isoformat()},
        actor,
        private={"reason": reason},
        audience=coop,
    )  # fmt: skip
    return locked
