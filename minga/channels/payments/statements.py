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
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .amounts import AmountError, to_minor

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
