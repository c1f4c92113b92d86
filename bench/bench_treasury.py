"""Treasury budgets (DESIGN.md): audited postings, reports at a million postings, bean-query.

Sets up a throwaway instance (SQLite under a temporary MINGA_VAR_DIR, DEBUG off, migrated),
a savings and credit cooperative in KES with 1,000 members' accounts, and measures, in one
process:

- audited postings per second: `actions.receive_from_member` (a member's savings deposit: a
  balanced entry of two lines, numbered, hashed, with its audit entry), each in its own
  transaction as a request would run it; best of five rounds (budget >= 1,000/s). Every
  member has a verified phone, so every posting also enqueues the member's SMS receipt (issue
  17, item 4); the run checks that one receipt per posting was queued;
- books of 1,000,000 postings, bulk-loaded with valid numbers, hashes and chain (the load is
  setup, not measured; its entries have no audit entries of their own);
- the trial balance and a member's statement at 1,000,000 postings, through the full Django
  stack (`/api/treasury/...`, signed in as the treasurer), 200 requests each at random dates
  and members (budgets p95 < 200 ms). The statement asks for a year and gets its first page
  (the latest `queries.STATEMENT_PAGE` lines, balances from the stored per-member balances);
  one older page (by its cursor) is fetched and timed too;
- the same trial balance computed by `bean-query` on Minga's beancount export of those books
  (one run of the `bean-query` command, file loading included, as a person would run it),
  against Minga's trial balance computed in the same run (budget: Minga >= 20 x faster); the
  figures must be equal, account by account (budget: 0 accounts differ).

Prints what it measured, then one `BUDGET` line per budget (bench/README.md). Exits 1 when a
budget fails, 2 when the measurement itself could not be made. `--postings N` shrinks the
big books for a quick try.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

# The audit bench's throwaway instance, budget lines and clean stop (bench/ is the script's
# directory).
from bench_audit import budget, setup_django, stop

ROOT = Path(__file__).resolve().parent.parent
POSTINGS = 1_000_000
MEMBERS = 1_000
RATE_TOTAL = 5_000
RATE_ROUNDS = 5
RATE_BUDGET = 1_000  # postings per second
SAMPLES = 200
P95_BUDGET_MS = 200.0
BEAN_QUERY_RATIO_BUDGET = 20.0
BEAN_CHECK_UP_TO = 100_000
DAY_ONE = datetime.date(2026, 1, 1)


def make_books(members: int):
    """A cooperative, its treasurer, open books in KES and `members` members' accounts."""
    from minga.accounts.models import User
    from minga.coops import actions as coop_actions
    from minga.coops.models import Membership
    from minga.treasury import actions
    from minga.treasury.models import Books, MemberAccount

    admin = User.objects.create_user(email="admin@bench.example", password=None, name="Admin")
    treasurer = User.objects.create_user(
        email="treasurer@bench.example", password=None, name="Treasurer"
    )
    coop = coop_actions.create_cooperative(
        actor=admin, name="Bench Savings", legal_form="sacco", country="KE", sector="savings-credit"
    )
    Membership.objects.create(coop=coop, person=treasurer, role=Membership.Role.TREASURER)
    verified = datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)
    people = User.objects.bulk_create(
        User(
            email=f"m{i}@bench.example",
            name=f"Member {i}",
            phone=f"+25471{i:07d}",
            phone_verified_at=verified,
        )
        for i in range(members)
    )
    Membership.objects.bulk_create(Membership(coop=coop, person=p) for p in people)
    books = actions.setup_books(
        coop=coop, actor=treasurer, currency="KES", template="savings-credit",
        time_zone="Africa/Nairobi", today=DAY_ONE,
    )  # fmt: skip
    actions.open_member_accounts(books=books, actor=treasurer)
    books = Books.objects.select_related("coop").get(pk=books.pk)
    members = MemberAccount.objects.filter(
        coop=coop, membership__person__phone_verified_at__isnull=False
    )  # the bench's members, not the admin's and the treasurer's own accounts
    return books, treasurer, list(members.select_related("coop"))


def measure_postings(books, treasurer, members, *, total=RATE_TOTAL, rounds=RATE_ROUNDS):
    """(best, median, CPU-bound) audited postings per second over a few rounds."""
    from minga.treasury import actions

    rates, cpu = [], 0.0
    per_round = total // rounds
    day = DAY_ONE + datetime.timedelta(days=3)
    for r in range(rounds):
        started, cpu_started = time.perf_counter(), time.process_time()
        for i in range(per_round):
            actions.receive_from_member(
                member=members[(r * per_round + i) % len(members)],
                amount=100 + i,
                purpose="savings",
                actor=treasurer,
                date=day,
            )
        rates.append(per_round / (time.perf_counter() - started))
        cpu += time.process_time() - cpu_started
    return max(rates), statistics.median(rates), total / cpu


def bulk_load(books, members, total: int) -> float:
    """`total` more postings in the books' first year, spread over it: savings deposits,
    contributions, income and expenses (setup, not measured)."""
    from minga.treasury.models import Account

    chart = {a.role or a.code: a for a in Account.objects.filter(coop=books.coop)}
    shapes = [
        (chart["cash"], chart["member-savings"], True, "savings", "Savings deposit"),
        (chart["cash"], chart["member-savings"], True, "savings", "Savings deposit"),
        (
            chart["mobile-money"],
            chart["member-contributions"],
            True,
            "contribution",
            "Contribution",
        ),
        (chart["cash"], chart["4100"], False, "manual", "Interest and commissions"),
        (chart["5300"], chart["bank"], False, "manual", "Office and communication"),
    ]

    def entry(n: int, rng: random.Random) -> BulkEntry:
        debit, credit, is_member, kind, narration = shapes[n % len(shapes)]
        member = members[rng.randrange(len(members))] if is_member else None
        day = DAY_ONE + datetime.timedelta(days=n * 365 // total)
        return BulkEntry(day, debit, credit, member, rng.randrange(100, 100_000), kind, narration)

    return load_entries(books, total, entry)


class BulkEntry(NamedTuple):
    """One entry of a bulk load: `amount` from `credit` (a member's sub-ledger when `member`)
    to `debit`."""

    day: datetime.date
    debit: Any
    credit: Any
    member: Any
    amount: int
    kind: str
    narration: str
    reference: str = ""


def load_entries(books, total: int, entry: Callable[[int, random.Random], BulkEntry]) -> float:
    """`total` more entries `entry(n, rng)` in the books' first year, as post_entry would have
    written them (numbers, salts, hashes and chain included), but in bulk: the triggers are
    dropped for the load, the balances they keep are then computed in one statement each, and
    the triggers recreated. Entries without audit entries of their own (setup, not measured).
    The time it took."""
    from django.db import connection, transaction

    from minga.treasury import posting
    from minga.treasury.hashing import entry_hash
    from minga.treasury.models import ENTRY_ID_STRIDE, FiscalYear

    guards = importlib.import_module(
        "minga.treasury.migrations.0002_database_keeps_the_books_balanced_and_immutable"
    )
    started = time.perf_counter()
    coop = books.coop
    year = FiscalYear.objects.get(coop=coop)
    rng = random.Random(20261206)
    label = year.label
    number, prev = year.last_number, bytes(year.last_hash)
    sql = posting._sql(connection.vendor)
    stamp = connection.ops.adapt_datetimefield_value(datetime.datetime.now(datetime.UTC))
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in guards.SQLITE_DROP:
            cursor.execute(statement)
        batch_lines, batch_headers = [], []
        for n in range(total):
            number += 1
            day, debit, credit, member, amount, kind, narration, reference = entry(n, rng)
            salt = secrets.token_bytes(16)
            lines = [(debit, None, amount), (credit, member, -amount)]
            digest = entry_hash(
                prev=prev, salt=salt, coop=coop.slug, currency=books.currency,
                fiscal_year=label, number=number, date=day.isoformat(), narration=narration,
                kind=kind, reference=reference, reverses="",
                lines=[(a.code, m.ref if m else "", x) for a, m, x in lines],
            )  # fmt: skip
            pk = year.pk * ENTRY_ID_STRIDE + number
            iso = day.isoformat()
            batch_lines += [(pk, coop.pk, a.pk, m.pk if m else None, x, iso) for a, m, x in lines]
            batch_headers.append(
                (pk, coop.pk, year.pk, number, iso, narration, kind, reference, None, None, 2,
                 amount, salt, prev, digest, None, stamp)
            )  # fmt: skip
            prev = digest
            if len(batch_headers) == 20_000 or n == total - 1:
                cursor.executemany(sql["line"], batch_lines)
                cursor.executemany(sql["header"], batch_headers)
                batch_lines, batch_headers = [], []
        cursor.execute(
            "UPDATE treasury_fiscalyear SET last_number = %s, last_hash = %s WHERE id = %s",
            [number, prev, year.pk],
        )
        cursor.execute("DELETE FROM treasury_dailybalance")
        cursor.execute(
            "INSERT INTO treasury_dailybalance (coop_id, account_id, date, movement, debits, "
            "credits) SELECT coop_id, account_id, date, SUM(amount), "
            "SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END), "
            "SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END) "
            "FROM treasury_line GROUP BY coop_id, account_id, date"
        )
        cursor.execute("DELETE FROM treasury_memberbalance")
        cursor.execute(
            "INSERT INTO treasury_memberbalance (member_id, account_id, balance) "
            "SELECT member_id, account_id, SUM(amount) FROM treasury_line "
            "WHERE member_id IS NOT NULL GROUP BY member_id, account_id"
        )
        for statement in guards.SQLITE:
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def measure_reads(books, treasurer, members) -> tuple[list[float], list[float], list[float]]:
    """Milliseconds per trial balance, per member's statement (its first page) and per older
    page of it, through the whole stack."""
    from django.test import Client

    client = Client()
    client.force_login(treasurer)
    slug = books.coop.slug
    rng = random.Random(7)
    trial, statement, older = [], [], []
    for _ in range(SAMPLES):
        day = DAY_ONE + datetime.timedelta(days=rng.randrange(365))
        started = time.perf_counter()
        response = client.get(f"/api/treasury/{slug}/trial-balance", {"as_of": day.isoformat()})
        trial.append((time.perf_counter() - started) * 1000)
        if (
            response.status_code != 200
            or response.json()["total_debit"] != response.json()["total_credit"]
        ):
            raise RuntimeError(f"trial balance answered {response.status_code}")
        ref = members[rng.randrange(len(members))].ref
        started = time.perf_counter()
        response = client.get(
            f"/api/treasury/{slug}/members/{ref}/statement",
            {"since": "2026-01-01", "until": "2026-12-31"},
        )
        statement.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"statement answered {response.status_code}")
        before = response.json()["older"]
        if before is not None:
            started = time.perf_counter()
            response = client.get(
                f"/api/treasury/{slug}/members/{ref}/statement",
                {"since": "2026-01-01", "until": "2026-12-31", "before": before},
            )
            older.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"an older page answered {response.status_code}")
    return trial, statement, older


def bean_query(path: Path) -> tuple[float, dict[str, Decimal]]:
    """Seconds for `bean-query` to load the export and compute the trial balance; its figures."""
    command = [
        str(Path(sys.executable).with_name("bean-query")), "-q", "-f", "csv", str(path),
        "SELECT root(account, 2) AS account, sum(number) AS balance GROUP BY 1 ORDER BY 1",
    ]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=3600)  # noqa: S603
    seconds = time.perf_counter() - started
    figures = {}
    for line in result.stdout.splitlines()[1:]:
        account, _sep, number = line.rpartition(",")
        if account:
            figures[account.strip()] = Decimal(number.strip() or "0")
    return seconds, figures


def bean_check(path: Path) -> float:
    started = time.perf_counter()
    command = [str(Path(sys.executable).with_name("bean-check")), str(path)]
    subprocess.run(command, capture_output=True, text=True, check=True, timeout=3600)  # noqa: S603
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postings", type=int, default=POSTINGS)
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, stop)
    var_dir = tempfile.mkdtemp(prefix="minga-bench-treasury-")
    try:
        setup_django(var_dir)
        return run(options.postings, Path(var_dir))
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - exit 2: no measurement
        print(f"bench_treasury: measurement failed: {error!r}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def run(postings: int, var_dir: Path) -> int:
    from django.db import transaction

    from minga import audit
    from minga.channels.models import OutboundMessage
    from minga.treasury import beancount, queries
    from minga.treasury.models import JournalEntry

    books, treasurer, members = make_books(MEMBERS)
    started, cpu_started = time.perf_counter(), time.process_time()
    for i in range(RATE_TOTAL):
        with transaction.atomic():
            audit.record("bench.appended", f"bench:{i % 100}", {"n": i}, treasurer)
    audit_rate = RATE_TOTAL / (time.perf_counter() - started)
    audit_cpu = RATE_TOTAL / (time.process_time() - cpu_started)
    queued = OutboundMessage.objects.count()
    best, median, cpu = measure_postings(books, treasurer, members)
    receipts = OutboundMessage.objects.count() - queued
    if receipts != RATE_TOTAL:
        raise RuntimeError(f"{RATE_TOTAL} postings queued {receipts} receipts")
    print(
        f"audited postings (two lines, numbered, hashed, logged, SMS receipt enqueued): "
        f"best of {RATE_ROUNDS} rounds {best:,.0f}/s, median {median:,.0f}/s, "
        f"{cpu:,.0f}/s of CPU time; baseline in the same run, audit.record alone: "
        f"{audit_rate:,.0f}/s, {audit_cpu:,.0f}/s of CPU time"
    )
    load = bulk_load(books, members, postings - JournalEntry.objects.count())
    size = JournalEntry.objects.count()
    print(f"bulk load (setup, not a budget): {size:,} postings in {load:.1f} s")

    trial, statement, older = measure_reads(books, treasurer, members)
    p95 = {
        name: statistics.quantiles(t, n=100)[94] if len(t) > 1 else (t or [0.0])[0]
        for name, t in (("trial", trial), ("statement", statement), ("older", older))
    }
    print(
        f"at {size:,} postings, over HTTP: trial balance p50 {statistics.median(trial):.1f} ms, "
        f"p95 {p95['trial']:.1f} ms; member statement (a year, ~{size * 3 // 5 // MEMBERS} "
        f"lines; pages of {queries.STATEMENT_PAGE}) first page "
        f"p50 {statistics.median(statement):.1f} ms, p95 {p95['statement']:.1f} ms; "
        f"an older page ({len(older)} requests) p95 {p95['older']:.1f} ms"
    )

    end = datetime.date(2026, 12, 31)
    minga_times = []
    for _ in range(20):
        started = time.perf_counter()
        minga = queries.trial_balance(books, as_of=end)
        minga_times.append(time.perf_counter() - started)
    minga_seconds = statistics.median(minga_times)
    path = var_dir / "books.beancount"
    started = time.perf_counter()
    with open(path, "w", encoding="utf-8") as out:
        beancount.write(books, out)
    exported = time.perf_counter() - started
    print(f"beancount export: {path.stat().st_size / 1e6:,.0f} MB in {exported:.1f} s")
    if size <= BEAN_CHECK_UP_TO:
        checked = bean_check(path)
        print(f"bean-check accepts it, daily balance assertions included: {checked:.1f} s")
    else:  # bean-query loads (and validates) the same file below; the tests run bean-check
        print(f"bean-check: not run beyond {BEAN_CHECK_UP_TO:,} postings (the tests run it)")
    theirs, figures = bean_query(path)
    ours = {
        beancount.account_name(row.account): Decimal(row.balance).scaleb(-books.exponent)
        for row in minga.rows
    }
    differ = sorted(k for k in set(ours) | set(figures) if ours.get(k, 0) != figures.get(k, 0))
    ratio = theirs / minga_seconds
    print(
        f"trial balance at {end}: Minga {minga_seconds * 1000:.1f} ms (median of 20, in process), "
        f"bean-query {theirs:.1f} s (one run, loading included): {ratio:,.0f} x; "
        f"{len(ours)} accounts, {len(differ)} differ {differ[:5]}"
    )
    passed = [
        budget("treasury-postings", round(best), "postings/s", ">=", RATE_BUDGET),
        budget("treasury-trial-balance-p95", round(p95["trial"], 1), "ms", "<", P95_BUDGET_MS),
        budget("treasury-statement-p95", round(p95["statement"], 1), "ms", "<", P95_BUDGET_MS),
        budget("treasury-vs-bean-query", round(ratio), "x", ">=", BEAN_QUERY_RATIO_BUDGET),
        budget("treasury-bean-query-same-figures", len(differ), "accounts differ", "<=", 0),
    ]
    if older:  # small books (--postings) may have no member with a second page
        passed.append(
            budget(
                "treasury-statement-older-page-p95",
                round(p95["older"], 1),
                "ms",
                "<",
                P95_BUDGET_MS,
            )
        )
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
