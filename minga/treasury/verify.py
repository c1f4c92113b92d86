"""`minga treasury verify`: recompute the books from their lines and hold them against the log.

The database refuses unbalanced, renumbered or changed entries (migration 0002), but whoever
can drop a trigger can change anything. So this trusts nothing stored but the lines and the
public log: every entry's hash is recomputed from its lines and salt and chained on the one
before, numbers run without gaps up to the year's counter, every entry's hash is the one its
audit entry published (and every published posting still has its entry), and the balances the
reports read are recomputed from the lines. Problems are sentences; none means intact.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum

from minga import audit

from .hashing import entry_hash
from .models import (
    Account,
    Books,
    DailyBalance,
    FiscalYear,
    JournalEntry,
    Line,
    MemberAccount,
    MemberBalance,
)

MAX_PROBLEMS = 50


def verify_all() -> list[str]:
    """Problems in every cooperative's books (the check `minga log verify` runs too)."""
    problems: list[str] = []
    for books in Books.objects.select_related("coop").order_by("coop__slug"):
        problems += verify_books(books)
    orphans = Line.objects.exclude(entry_id__in=JournalEntry.objects.values("id")).count()
    if orphans:
        problems.append(f"{orphans} lines belong to no entry.")
    return problems[:MAX_PROBLEMS]


def verify_books(books: Books) -> list[str]:
    coop = books.coop
    problems: list[str] = []
    codes = dict(Account.objects.filter(coop=coop).values_list("id", "code"))
    refs = dict(MemberAccount.objects.filter(coop=coop).values_list("id", "ref"))
    published = {
        logged.subject.rsplit(":", 1)[1]: logged
        for logged in audit.entries(
            kind="treasury.entry_posted", subject_prefix=f"treasury:{coop.slug}:"
        )
    }
    hashes: dict[int, str] = {}
    for year in FiscalYear.objects.filter(coop=coop).order_by("start"):
        problems += _verify_year(books, year, codes, refs, published, hashes)
        if len(problems) >= MAX_PROBLEMS:
            return problems
    for code in sorted(published):
        problems.append(f"{coop.slug}: entry {code} is in the audit log but not in the books.")
    problems += _verify_balances(books)
    return problems


def _lines_by_entry(year: FiscalYear) -> dict[int, list[tuple[int, int | None, int, object, int]]]:
    grouped: dict[int, list] = defaultdict(list)
    rows = (
        Line.objects.filter(entry__fiscal_year=year)
        .order_by("entry_id", "id")
        .values_list("entry_id", "account_id", "member_id", "amount", "date", "coop_id")
    )
    for entry_id, account, member, amount, date, coop_id in rows.iterator(chunk_size=5000):
        grouped[entry_id].append((account, member, amount, date, coop_id))
    return grouped


def _verify_year(books, year, codes, refs, published, hashes) -> list[str]:
    coop = books.coop
    problems: list[str] = []
    lines = _lines_by_entry(year)
    prev = bytes(32)
    expected = 1
    columns = (
        "id", "number", "date", "narration", "kind", "reference", "reverses_id", "line_count",
        "total", "salt", "prev_hash", "hash", "audit_index", "coop_id",
    )  # fmt: skip
    entries = JournalEntry.objects.filter(fiscal_year=year).order_by("number")
    for row in entries.values_list(*columns).iterator(chunk_size=5000):
        (pk, number, date, narration, kind, reference, reverses_id, count, total, salt,
         prev_hash, stored_hash, audit_index, coop_id) = row  # fmt: skip
        code = f"{year.label}-{number}"
        where = f"{coop.slug}: entry {code}"
        if number != expected:
            problems.append(f"{where}: numbers {expected} to {number - 1} are missing.")
        expected = number + 1
        own = lines.get(pk, [])
        amounts = [amount for _a, _m, amount, _d, _c in own]
        if (
            len(own) != count
            or sum(amounts) != 0
            or sum(a for a in amounts if a > 0) != total
            or any(d != date or c != coop_id for _a, _m, _x, d, c in own)
            or coop_id != coop.pk
        ):
            problems.append(f"{where}: its lines do not balance or were changed.")
        if bytes(prev_hash) != prev:
            problems.append(f"{where}: the hash chain is broken before it.")
        digest = entry_hash(
            prev=bytes(prev_hash),
            salt=bytes(salt),
            coop=coop.slug,
            currency=books.currency,
            fiscal_year=year.label,
            number=number,
            date=date.isoformat(),
            narration=narration,
            kind=kind,
            reference=reference,
            reverses=hashes.get(reverses_id, "") if reverses_id else "",
            lines=[(codes.get(a, "?"), refs.get(m, "") if m else "", x) for a, m, x, _d, _c in own],
        )
        if digest != bytes(stored_hash):
            problems.append(f"{where}: its content no longer matches its hash.")
        prev = bytes(stored_hash)
        hashes[pk] = prev.hex()
        logged = published.pop(code, None)
        if logged is None or logged.index != audit_index:
            problems.append(f"{where}: the audit log has no record of its posting.")
        elif logged.data.get("hash") != prev.hex():
            problems.append(f"{where}: its hash differs from the one in the audit log.")
        if len(problems) >= MAX_PROBLEMS:
            return problems
    if expected - 1 != year.last_number:
        problems.append(
            f"{coop.slug}: fiscal year {year.label} numbered {year.last_number} entries, "
            f"the books hold entries up to {expected - 1}."
        )
    if year.last_number and bytes(year.last_hash) != prev:
        problems.append(f"{coop.slug}: fiscal year {year.label}'s chain head was changed.")
    return problems


def _verify_balances(books: Books) -> list[str]:
    """The balances the reports read, recomputed from the lines."""
    coop = books.coop
    problems: list[str] = []
    daily = {
        (row["account_id"], row["date"]): (row["s"], row["n"])
        for row in Line.objects.filter(coop=coop)
        .values("account_id", "date")
        .annotate(s=Sum("amount"), n=Count("id"))
    }
    stored = {
        (account, date): movement
        for account, date, movement in DailyBalance.objects.filter(coop=coop).values_list(
            "account_id", "date", "movement"
        )
    }
    for key in set(daily) | set(stored):
        if daily.get(key, (0, 0))[0] != stored.get(key, 0):
            problems.append(
                f"{coop.slug}: the stored movement of account {key[0]} on {key[1]} "
                "differs from its lines."
            )
            break
    members = {
        (row["member_id"], row["account_id"]): row["s"]
        for row in Line.objects.filter(coop=coop, member__isnull=False)
        .values("member_id", "account_id")
        .annotate(s=Sum("amount"))
    }
    kept = {
        (member, account): balance
        for member, account, balance in MemberBalance.objects.filter(member__coop=coop).values_list(
            "member_id", "account_id", "balance"
        )
    }
    for key in set(members) | set(kept):
        if members.get(key, 0) != kept.get(key, 0):
            problems.append(
                f"{coop.slug}: the stored balance of member account {key[0]} differs "
                "from its lines."
            )
            break
    return problems
