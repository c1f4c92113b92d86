"""Reconciliation budgets (issue 18): a statement against a year of books, and the memory of
a statement import of a million lines.

Sets up a throwaway instance (SQLite under a temporary MINGA_VAR_DIR, DEBUG off, migrated), a
savings and credit cooperative in KES with 500 members' accounts, and a year of books bulk-
loaded with valid numbers, hashes and chain (setup, not measured): 150,000 entries, of which
100,000 are mobile-money receipts carrying their provider reference. Then, in one process:

- a statement of 100,000 lines (M-PESA's customer statement columns) with 99,000 receipts
  the books have and planted exceptions (500 receipts the books lack, 300 amounts that
  differ, 200 receipts twice, 1,000 booked receipts missing from it), imported the way the
  background task does it (`reconciliation.run_import`: streamed, every line written with its
  status, the exceptions of the year listed): budget < 10 s (`reconcile-100k-statement-
  year-of-books`). The run checks that exactly the planted exceptions were found. As a
  baseline in the same run, the older in-memory comparison (`reconcile_statement`, no line
  recorded, nothing stored) on the same file is timed too, and the ratio printed;
- a statement of 1,000,000 lines imported by `run_import` in a child process, whose peak
  resident set size (getrusage) counts: budget < 300 MB (`statement-import-1m-peak-rss`);
  the peak of a child that only starts Django is printed beside it as the baseline. The child
  is started from a small launcher process, since on Linux getrusage's peak carries over the
  peak of the process forked from; the kernel's VmHWM is printed beside it.

Prints what it measured, then one `BUDGET` line per budget (bench/README.md). Exits 1 when a
budget fails, 2 when the measurement itself could not be made. `--lines N` and `--big N`
shrink the statements for a quick try.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_audit import budget, setup_django, stop
from bench_treasury import BulkEntry, load_entries, make_books

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = 500
BOOKED = 100_000  # mobile-money receipts in the year's books
OTHER = 50_000  # other entries of the year (cash, bank)
LINES = 100_000
BIG = 1_000_000
SECONDS_BUDGET = 10.0
RSS_BUDGET_MB = 300.0
DAY_ONE = datetime.date(2026, 1, 1)
HEADER = "Receipt No.,Completion Time,Details,Transaction Status,Paid In,Withdrawn,Balance\n"


def receipt(n: int) -> str:
    return f"R{n:09d}"


def amount_of(n: int) -> int:
    return 100_00 + (n * 7919) % 50_000_00


def day_of(n: int, total: int) -> datetime.date:
    return DAY_ONE + datetime.timedelta(days=n * 365 // total)


def bulk_load(books, members, booked: int, other: int) -> float:
    """A year of entries as post_entry would have written them (bench_treasury's loader):
    `booked` mobile-money receipts with references R000000000..., then `other` cash entries."""
    from minga.treasury.models import Account

    chart = {a.role or a.code: a for a in Account.objects.filter(coop=books.coop)}

    def entry(n: int, rng: random.Random) -> BulkEntry:
        member = members[rng.randrange(len(members))]
        if n < booked:
            return BulkEntry(
                day_of(n, booked), chart["mobile-money"], chart["member-savings"], member,
                amount_of(n), "savings", "Bench", receipt(n),
            )  # fmt: skip
        return BulkEntry(
            day_of(n - booked, other), chart["cash"], chart["member-contributions"], member,
            rng.randrange(100, 10**6), "contribution", "Bench",
        )  # fmt: skip

    return load_entries(books, booked + other, entry)


def write_statement(path: Path, lines: int, booked: int) -> tuple[set[tuple[str, str]], int]:
    """A statement of `lines` lines with planted exceptions; the (kind, key) expected, and how
    many of the books' receipts it lists. Lines beyond the books' receipts (a big statement)
    are receipts the books lack, by design."""
    unbooked, differ, twice, unlisted = 500, 300, 200, 1_000
    expected: set[tuple[str, str]] = set()
    listed = min(booked, lines - unbooked - twice) - unlisted
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        written = 0
        for n in range(listed):
            value = amount_of(n) + (1_00 if n < differ else 0)
            if n < differ:
                expected.add(("amount-differs", f"receipt:{receipt(n)}"))
            out.write(f"{receipt(n)},{day_of(n, booked)} 10:00:00,Pay Bill,Completed,"
                      f"{value / 100:.2f},,0\n")  # fmt: skip
            written += 1
            if differ <= n < differ + twice:
                out.write(f"{receipt(n)},{day_of(n, booked)} 10:00:00,Pay Bill,Completed,"
                          f"{value / 100:.2f},,0\n")  # fmt: skip
                expected.add(("duplicate", f"receipt:{receipt(n)}"))
                written += 1
        n = 10**8
        while written < lines:
            out.write(f"{receipt(n)},{day_of(written % booked, booked)} 11:00:00,Pay Bill,"
                      f"Completed,25.00,,0\n")  # fmt: skip
            expected.add(("receipt-without-entry", f"receipt:{receipt(n)}"))
            n += 1
            written += 1
    return expected, listed


def expected_unlisted(books, listed: int, booked: int) -> set[tuple[str, str]]:
    from minga.treasury.models import JournalEntry

    ids = JournalEntry.objects.filter(
        coop=books.coop, reference__gte=receipt(listed), reference__lt=receipt(booked)
    ).values_list("pk", flat=True)
    return {("entry-not-on-statement", f"entry:{pk}") for pk in ids}


def start(books, treasurer, path: Path) -> int:
    from django.core.files import File

    from minga.treasury import reconciliation

    with path.open("rb") as handle:
        statement = reconciliation.start_import(
            books=books, actor=treasurer, upload=File(handle, name=path.name), format="mpesa"
        )
    return statement.pk


def child(import_id: int) -> int:
    """In a fresh process: import the statement (or, with 0, only start Django); print the
    peak resident set size, by getrusage and by the kernel's VmHWM."""
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if import_id:
        from minga.treasury import reconciliation

        reconciliation.run_import.call(import_id)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    hwm = 0.0
    with open("/proc/self/status") as status:  # Linux; 0 elsewhere
        for line in status:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    print(json.dumps({"peak_mb": peak, "hwm_mb": hwm}))
    return 0


def launch(import_id: int) -> int:
    """Start the measured child from this small process: on Linux a process's getrusage peak
    keeps the peak of the process it was forked from, so it must not be forked from the
    bench's own (large) process."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(import_id)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    print(result.stdout.strip().splitlines()[-1])
    return 0


def run_child(import_id: int) -> tuple[float, float, float]:
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, __file__, "--launch", str(import_id)],
        check=True, capture_output=True, text=True, env=os.environ.copy(),
    ).stdout  # fmt: skip
    figures = json.loads(output.strip().splitlines()[-1])
    return figures["peak_mb"], figures["hwm_mb"], time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=LINES)
    parser.add_argument("--big", type=int, default=BIG)
    parser.add_argument("--booked", type=int, default=BOOKED)
    parser.add_argument("--child", type=int, default=None)
    parser.add_argument("--launch", type=int, default=None)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child)
    if args.launch is not None:
        return launch(args.launch)
    signal.signal(signal.SIGTERM, stop)
    var_dir = tempfile.mkdtemp(prefix="minga-bench-reconciliation-")
    try:
        setup_django(var_dir)
        from django.conf import settings

        settings.DEBUG = False
        from minga.treasury import reconciliation
        from minga.treasury.models import ReconciliationException, StatementImport

        books, treasurer, members = make_books(MEMBERS)
        load = bulk_load(books, members, args.booked, OTHER)
        print(f"books (setup, not a budget): {args.booked + OTHER:,} entries in {load:.1f} s")

        path = Path(var_dir) / "statement-100k.csv"
        expected, listed = write_statement(path, args.lines, args.booked)
        expected |= expected_unlisted(books, listed, args.booked)

        started = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as rows:
            old = reconciliation.reconcile_statement(books=books, rows=rows, actor=treasurer)
        baseline = time.perf_counter() - started

        import_id = start(books, treasurer, path)
        started, cpu_started = time.perf_counter(), time.process_time()
        reconciliation.run_import.call(import_id)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        statement = StatementImport.objects.get(pk=import_id)
        found = set(
            ReconciliationException.objects.filter(coop=books.coop).values_list("kind", "key")
        )
        print(
            f"statement of {statement.lines:,} lines against {args.booked + OTHER:,} entries: "
            f"imported and reconciled in {seconds:.2f} s ({cpu:.2f} s of CPU time in this "
            f"process; {statement.matched:,} matched, "
            f"{statement.exceptions:,} exception lines, {len(found):,} exceptions listed); "
            f"baseline, the in-memory comparison recording nothing: {baseline:.2f} s "
            f"({len(old):,} exceptions), ratio {seconds / baseline:.2f} x"
        )
        if found != expected:
            print(
                f"exceptions differ from the planted ones: {len(found - expected)} unexpected, "
                f"{len(expected - found)} missed",
                file=sys.stderr,
            )
            return 2

        big = Path(var_dir) / "statement-1m.csv"
        write_statement(big, args.big, args.booked)
        size = big.stat().st_size / 1e6
        big_id = start(books, treasurer, big)
        bare_mb, bare_hwm, _ = run_child(0)
        peak_mb, peak_hwm, big_seconds = run_child(big_id)
        statement = StatementImport.objects.get(pk=big_id)
        if statement.status != "done" or statement.lines != args.big:
            print(f"the big import ended {statement.status} at {statement.lines}", file=sys.stderr)
            return 2
        print(
            f"statement of {statement.lines:,} lines ({size:.0f} MB) imported in a child "
            f"process in {big_seconds:.1f} s: peak RSS {peak_mb:.0f} MB (VmHWM {peak_hwm:.0f} "
            f"MB); a child that only starts Django: {bare_mb:.0f} MB (VmHWM {bare_hwm:.0f} MB)"
        )
        results = [
            budget("reconcile-100k-statement-year-of-books", round(seconds, 2), "s", "<",
                   SECONDS_BUDGET),
            budget("statement-import-1m-peak-rss", round(peak_mb), "MB", "<", RSS_BUDGET_MB),
        ]  # fmt: skip
        return 0 if all(results) else 1
    except KeyboardInterrupt:
        return 2
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
