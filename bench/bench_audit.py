"""Audit log budgets (DESIGN.md): appends, proofs at a million entries, full verification.

Sets up a throwaway instance (SQLite under a temporary MINGA_VAR_DIR, DEBUG off, migrated)
and measures, in one process:

- audited appends per second: `audit.record` each in its own transaction, as actions do
  (budget >= 1,000/s);
- a log of 1,000,000 entries, bulk-loaded (the load itself is setup, not measured against a
  budget), then a checkpoint over it (tiles written, root signed);
- inclusion proof latency at 1,000,000 entries: GET /log/entries/<random index> through the
  full Django stack, entry + proof + offline receipt (budget p95 < 50 ms);
- proof sizes: an inclusion proof is at most ceil(log2 n) hashes, exactly that on the left edge;
- `minga log verify` over the 1,000,000 entries (budget < 60 s).

Prints one line per figure and a JSON summary. Exits 1 when a budget fails, 2 when the
measurement itself could not be made. `--entries N` shrinks the big log for a quick try.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPENDS = 5_000
APPEND_BUDGET = 1_000  # per second
PROOF_SAMPLES = 1_000
PROOF_P95_BUDGET_MS = 50.0
VERIFY_BUDGET_S = 60.0


def setup_django(var_dir: str) -> None:
    os.environ.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        MINGA_MASTER_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        MINGA_VAR_DIR=var_dir,
        SECURE_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="minga.settings",
    )
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def measure_appends() -> float:
    from django.db import transaction

    from minga import audit

    started = time.perf_counter()
    for i in range(APPENDS):
        with transaction.atomic():
            audit.record("bench.appended", f"bench:{i % 100}", {"n": i, "ok": True}, None)
    return APPENDS / (time.perf_counter() - started)


def bench_body(n: int, at: str) -> bytes:
    """An entry's canonical JSON, written out directly: rfc8785 for a million would be slow."""
    return (
        f'{{"actor":"system","at":"{at}","data":{{"n":{n}}},"kind":"bench.loaded",'
        f'"subject":"bench:{n % 1000}","v":1}}'
    ).encode()


def bulk_load(total: int) -> float:
    """Append entries straight into the tables, as the sequencer would have, but in bulk."""
    import rfc8785
    from django.db import connection, transaction
    from django.utils import timezone

    from minga.audit import log, merkle
    from minga.audit.models import Entry, LogHead

    started = time.perf_counter()
    first = log.head_size()
    now = timezone.now()
    at = log.format_time(now)
    stamp = Entry._meta.get_field("created_at").get_db_prep_save(now, connection)
    sample = bench_body(12345, at)
    if sample != rfc8785.dumps(json.loads(sample)):
        raise RuntimeError("bench entries are not canonical JSON")
    table = connection.ops.quote_name(Entry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in log.ENTRY_COLUMNS)
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)"
    batch = 20_000
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(first, first + total, batch):
            rows = []
            for index in range(start, min(start + batch, first + total)):
                n = index - first
                body = bench_body(n, at)
                rows.append(
                    (
                        index,
                        "bench.loaded",
                        f"bench:{n % 1000}",
                        body,
                        merkle.leaf_hash(body),
                        stamp,
                    )
                )
            cursor.executemany(sql, rows)
        LogHead.objects.update_or_create(pk=1, defaults={"size": first + total})
    return time.perf_counter() - started


def measure_proofs(size: int) -> tuple[list[float], list[int]]:
    from django.test import Client

    client = Client()
    rng = random.Random(20261122)
    timings, lengths = [], []
    for _ in range(PROOF_SAMPLES):
        index = rng.randrange(size)
        started = time.perf_counter()
        response = client.get(f"/log/entries/{index}")
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"/log/entries/{index} answered {response.status_code}")
        data = response.json()
        lengths.append(len(data["inclusion_proof"]))
    return timings, lengths


def check_proof_sizes(size: int) -> list[str]:
    """Left-edge proofs are exactly ceil(log2 n) hashes, and none is longer."""
    from minga.audit import log

    problems = []
    for n in sorted({1, 2, 3, 255, 256, 257, 1000, 65_537, size}):
        if n > size:
            continue
        expected = math.ceil(math.log2(n)) if n > 1 else 0
        got = len(log.inclusion_proof(0, n))
        last = len(log.inclusion_proof(n - 1, n))
        if got != expected or last > expected:
            problems.append(f"size {n}: proof of 0 has {got} hashes, of {n - 1} {last}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="minga-bench-audit-")
    results: dict[str, float | int | str] = {}
    failures = []
    try:
        setup_django(var_dir)
        from django.conf import settings
        from django.core.management import call_command

        from minga.audit import log

        settings.DEBUG = False  # never keep a log of queries while measuring

        rate = measure_appends()
        results["appends_per_s"] = round(rate)
        print(f"audited appends:            {rate:,.0f}/s (budget >= {APPEND_BUDGET:,}/s)")
        if rate < APPEND_BUDGET:
            failures.append("appends")

        load = bulk_load(args.entries - APPENDS)
        size = log.head_size()
        results["entries"] = size
        results["bulk_load_s"] = round(load, 1)
        print(f"bulk load (setup):          {size:,} entries in {load:.1f} s")

        started = time.perf_counter()
        checkpoint = log.create_checkpoint()
        elapsed = time.perf_counter() - started
        results["checkpoint_s"] = round(elapsed, 2)
        print(
            f"first checkpoint:           {elapsed:.2f} s (tiles for {checkpoint.size:,} entries)"
        )

        timings, lengths = measure_proofs(size)
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=100)[94]
        results.update(proof_p50_ms=round(p50, 2), proof_p95_ms=round(p95, 2))
        print(
            f"inclusion proof (HTTP):     p50 {p50:.1f} ms, p95 {p95:.1f} ms at {size:,} entries "
            f"(budget p95 < {PROOF_P95_BUDGET_MS:g} ms)"
        )
        if p95 >= PROOF_P95_BUDGET_MS:
            failures.append("proof latency")

        bound = math.ceil(math.log2(size))
        results.update(proof_hashes_max=max(lengths), proof_hashes_bound=bound)
        print(
            f"proof sizes:                at most {max(lengths)} hashes ({max(lengths) * 32} B), "
            f"ceil(log2 n) = {bound}"
        )
        problems = check_proof_sizes(size)
        if max(lengths) > bound or problems:
            failures.append("proof size")
            print("  " + "; ".join(problems))

        started = time.perf_counter()
        call_command("log", "verify", stdout=open(os.devnull, "w"))  # noqa: SIM115
        elapsed = time.perf_counter() - started
        results["verify_s"] = round(elapsed, 1)
        print(
            f"log verify:                 {elapsed:.1f} s for {size:,} entries "
            f"(budget < {VERIFY_BUDGET_S:g} s)"
        )
        if elapsed >= VERIFY_BUDGET_S:
            failures.append("verify")
        digest = hashlib.sha256(json.dumps(results, sort_keys=True).encode()).hexdigest()[:8]
        print(json.dumps({"bench": "audit", **results, "failed": failures, "run": digest}))
    except Exception as error:  # noqa: BLE001 - a broken measurement is exit 2, not a budget miss
        print(f"bench_audit: measurement failed: {error!r}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    if failures:
        print(f"bench_audit: budget failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
