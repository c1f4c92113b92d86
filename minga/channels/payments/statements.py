"""Provider statements read line by line, and matched against what the inbox booked.

Pure module (no Django). A statement is the source of truth callbacks are reconciled against
(finance-anchors, section 7). `read` streams a CSV (M-PESA's customer or organisation
statement, MoMo's, or any bank's with a mapping) into `Line`s, one at a time, so a statement
of a million lines needs no more memory than one; column names are matched through synonyms
(case, spaces and punctuation ignored), amounts may carry thousands separators, and charges
rows are kept apart. `match` compares the lines with the payments booked (receipt ->
amount) and lists every exception: a receipt the books lack, a booked payment the statement
lacks, an amount that differs, a receipt twice in the statement.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .amounts import AmountError, exponent, to_minor

# Our field -> the names providers give the column (normalised: lower case, letters only).
SYNONYMS = {
    "receipt": ("receiptno", "receipt", "transactionid", "financialtransactionid", "id"),
    "time": ("completiontime", "date", "transactiondate", "datetime", "time"),
    "details": ("details", "description", "reasontype", "narration"),
    "status": ("transactionstatus", "status"),
    "paid_in": ("paidin", "credit", "amountin", "moneyin"),
    "withdrawn": ("withdrawn", "debit", "amountout", "moneyout"),
    "amount": ("amount",),
    "reference": ("acno", "accountnumber", "billrefnumber", "externalid", "reference"),
    "linked": ("linkedtransactionid",),
}
DONE = {"", "completed", "successful", "success"}


@dataclass(frozen=True)
class Line:
    number: int  # the line in the file (1 is the header)
    receipt: str
    time: str
    amount: int  # minor units: positive paid in, negative paid out
    reference: str
    is_charge: bool


@dataclass(frozen=True)
class Problem:
    kind: str  # "unreadable", "missing-in-books", "missing-in-statement", "amount", "duplicate"
    receipt: str
    line: int = 0
    detail: str = ""


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def columns(header: list[str], mapping: Mapping[str, str] | None = None) -> dict[str, int]:
    """Our field -> the column's index, from a mapping (field -> column name) or synonyms."""
    found = {_key(name): i for i, name in enumerate(header)}
    result = {}
    for field, names in SYNONYMS.items():
        wanted = (_key(mapping[field]),) if mapping and field in mapping else names
        for name in wanted:
            if name in found:
                result[field] = found[name]
                break
    if "receipt" not in result or not ({"amount", "paid_in", "withdrawn"} & result.keys()):
        raise ValueError("the statement has no receipt or amount column")
    return result


def read(
    rows: Iterable[str], currency: str, mapping: Mapping[str, str] | None = None
) -> Iterator[Line | Problem]:
    """The statement's lines, or a `Problem` for each line that cannot be read."""
    reader = csv.reader(rows)
    header = next(reader, None)
    if header is None:
        return
    where = columns(header, mapping)

    def cell(row: list[str], field: str) -> str:
        index = where.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    for number, row in enumerate(reader, start=2):
        if not any(value.strip() for value in row):
            continue
        receipt = cell(row, "receipt").upper()
        if cell(row, "status").lower() not in DONE:
            continue  # a failed transaction moved no money
        try:
            if "amount" in where:
                amount = _signed(cell(row, "amount"), currency)
            else:
                paid_in = cell(row, "paid_in")
                amount = (
                    to_minor(paid_in, currency)
                    if paid_in
                    else -abs(_signed(cell(row, "withdrawn"), currency))
                )
        except AmountError as error:
            yield Problem("unreadable", receipt, number, str(error))
            continue
        details = cell(row, "details").lower()
        yield Line(
            number=number,
            receipt=receipt,
            time=cell(row, "time"),
            amount=amount,
            reference="".join(cell(row, "reference").split()),
            is_charge="charge" in details,
        )


def _signed(text: str, currency: str) -> int:
    text = text.strip()
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    value = to_minor(text.strip("-()"), currency)
    return -value if negative else value


def match(lines: Iterable[Line | Problem], booked: Mapping[str, int]) -> list[Problem]:
    """Every difference between the statement and the books (`booked`: receipt -> amount in
    minor units, signed as the statement signs it); charges are left to their own rules."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for line in lines:
        if isinstance(line, Problem):
            problems.append(line)
            continue
        if line.is_charge or not line.receipt:
            continue
        if line.receipt in seen:
            problems.append(
                Problem("duplicate", line.receipt, line.number, f"also line {seen[line.receipt]}")
            )
            continue
        seen[line.receipt] = line.number
        if line.receipt not in booked:
            problems.append(Problem("missing-in-books", line.receipt, line.number))
        elif booked[line.receipt] != line.amount:
            detail = f"statement {line.amount}, books {booked[line.receipt]}"
            problems.append(Problem("amount", line.receipt, line.number, detail))
    for receipt in booked.keys() - seen.keys():
        problems.append(Problem("missing-in-statement", receipt))
    return problems


# --- Statements read by a source's rules (hledger's CSV rules, in spirit) ---------------------

# Why a line gave no movement: codes the pages translate (the module stays free of Django).
SKIPPED_FAILED = "failed"  # the provider says the transaction failed: no money moved
SKIPPED_CHARGE = "charge"  # a provider's charge row, linked to its payment
ERROR_COLUMNS = "columns"  # the line has fewer columns than the rules name
ERROR_RECEIPT = "receipt"  # no receipt / transaction id
ERROR_DATE = "date"  # the date does not follow the rules' format
ERROR_AMOUNT = "amount"  # not an amount in the currency (or both or neither of in and out)


@dataclass(frozen=True)
class Rules:
    """How one source's CSV is read: which column holds what (a name from the header, or a
    1-based position), the date format (strptime; empty: an ISO date starts the cell), the
    lines to skip before the header, whether there is a header at all, the delimiter, the
    decimal mark, and whether amounts are signed the other way round (a statement written
    from the payer's side)."""

    columns: Mapping[str, str] = dataclasses.field(default_factory=dict)
    date_format: str = ""
    skip: int = 0
    has_header: bool = True
    delimiter: str = ","
    decimal_mark: str = "."
    negate: bool = False


@dataclass(slots=True)
class Record:
    """One line of a statement read by `Rules`: a movement ("ok"), a line that moved nothing
    ("skipped", `reason` says why), or one that cannot be read ("error": `reason` and the
    offending `value`)."""

    number: int  # the line in the file, counting from 1, skipped lines and header included
    status: str
    receipt: str = ""
    day: datetime.date | None = None
    amount: int = 0
    reference: str = ""
    reason: str = ""
    value: str = ""


def _positions(header: list[str] | None, columns: Mapping[str, str]) -> dict[str, int]:
    """Our field -> the column's index: by number, by the header's name, or by synonyms."""
    found = {_key(name): i for i, name in enumerate(header or [])}
    result: dict[str, int] = {}
    for field_name, names in SYNONYMS.items():
        given = (columns.get(field_name) or "").strip()
        if given.isdigit() and int(given) > 0:
            result[field_name] = int(given) - 1
            continue
        for name in (_key(given),) if given else names:
            if name in found:
                result[field_name] = found[name]
                break
    if "receipt" not in result or not ({"amount", "paid_in", "withdrawn"} & result.keys()):
        raise ValueError("the statement has no receipt or amount column")
    if "time" not in result:
        raise ValueError("the statement has no date column")
    return result


def _minor(text: str, places: int, currency: str) -> int:
    """A plain amount ("1500", "1500.50") in minor units without Decimal (the million-line
    budget); anything else goes through `to_minor`, which refuses or reads it."""
    whole, _dot, part = text.partition(".")
    if whole.isascii() and whole.isdigit() and len(whole) <= 15:
        if not part:
            return int(whole) * 10**places
        if part.isascii() and part.isdigit() and len(part) <= places:
            return int(whole) * 10**places + int(part.ljust(places, "0"))
    return to_minor(text, currency)


def read_records(rows: Iterable[str], currency: str, rules: Rules) -> Iterator[Record]:
    """Every line of the statement after the header as a `Record`, one at a time (a million
    lines need no more memory than one); blank lines are passed over. Raises ValueError when
    the header lacks a receipt, date or amount column."""
    reader = csv.reader(rows, delimiter=rules.delimiter or ",")
    for _skipped in range(rules.skip):
        if next(reader, None) is None:
            return
    header = None
    if rules.has_header:
        header = next(reader, None)
        if header is None:
            return
    where = _positions(header, rules.columns)
    needed = max(where.values())
    places = exponent(currency)
    decimal_mark, date_format, negate = rules.decimal_mark, rules.date_format, rules.negate
    # Column indices as locals: every line is checked to have them all before it is read.
    at_receipt, at_time = where["receipt"], where["time"]
    at_amount, at_in, at_out = where.get("amount"), where.get("paid_in"), where.get("withdrawn")
    at_status, at_details, at_ref = (
        where.get("status"),
        where.get("details"),
        where.get("reference"),
    )

    def money(text: str) -> int:
        if decimal_mark == ",":
            text = text.replace(".", "").replace(",", ".")
        text = text.replace(",", "").replace(" ", "").replace("\u00a0", "").replace("'", "")
        negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
        value = _minor(text.strip("-()+"), places, currency)
        return -value if negative else value

    for row in reader:
        number = reader.line_num
        if len(row) <= needed:
            if any(value.strip() for value in row):
                yield Record(number, "error", reason=ERROR_COLUMNS, value=str(len(row)))
            continue
        receipt = "".join(row[at_receipt].split()).upper()
        if at_status is not None and row[at_status].strip().lower() not in DONE:
            yield Record(number, "skipped", receipt=receipt, reason=SKIPPED_FAILED)
            continue
        if not receipt:
            if any(value.strip() for value in row):
                yield Record(number, "error", reason=ERROR_RECEIPT)
            continue
        when = row[at_time].strip()
        try:
            if date_format:
                day = datetime.datetime.strptime(when, date_format).date()  # noqa: DTZ007
            else:
                day = datetime.date.fromisoformat(when[:10])
        except ValueError:
            yield Record(number, "error", receipt=receipt, reason=ERROR_DATE, value=when[:64])
            continue
        text = ""
        try:
            if at_amount is not None:
                text = row[at_amount].strip()
                amount = money(text)
            else:
                paid_in = row[at_in].strip() if at_in is not None else ""
                withdrawn = row[at_out].strip() if at_out is not None else ""
                text = withdrawn or paid_in
                received = money(paid_in) if paid_in else 0
                paid = abs(money(withdrawn)) if withdrawn else 0
                if received and paid:
                    raise AmountError(text)
                amount = received - paid
        except AmountError:
            yield Record(number, "error", receipt=receipt, reason=ERROR_AMOUNT, value=text[:64])
            continue
        if amount == 0:
            yield Record(number, "error", receipt=receipt, reason=ERROR_AMOUNT, value=text[:64])
            continue
        if negate:
            amount = -amount
        if at_details is not None and "charge" in row[at_details].lower():
            yield Record(number, "skipped", receipt=receipt, day=day, amount=amount,
                         reason=SKIPPED_CHARGE)  # fmt: skip
            continue
        reference = "".join(row[at_ref].split())[:64] if at_ref is not None else ""
        yield Record(number, "ok", receipt, day, amount, reference)
