"""Background delivery budget (DESIGN.md): a burst of 10,000 notices, as one poll opening for a
cooperative of 10,000 members makes.

Sets up a throwaway instance (SQLite under a temporary MINGA_VAR_DIR, DEBUG off, migrated) and
measures, in one process:

- enqueueing 10,000 SMS notices in one transaction, as a request does, and one worker
  (`minga.core.worker.run_ready_tasks`, what `minga worker` runs) handing them all to a stub
  provider (the "memory" SMS provider), every message `sent` exactly once. Two ways, both
  reported: one `send_sms` per notice (the library's own enqueue, a task per message), and
  `delivery.enqueue_many` (two bulk inserts, a task per 100 messages), what large fan-outs
  use and what the budgets are on: enqueue < 2 s, delivery < 60 s.

Prints what it measured, then one `BUDGET` line per budget (bench/README.md). Exits 1 when a
budget fails, 2 when the measurement itself could not be made. `--notices N` for a quick try.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import bench_audit  # the same throwaway instance (bench/ is the script's directory)

ROOT = Path(__file__).resolve().parent.parent
NOTICES = 10_000
ENQUEUE_BUDGET_S = 2.0
DELIVER_BUDGET_S = 60.0


def setup_django(var_dir: str) -> None:
    """The audit bench's throwaway instance, with the stub SMS provider."""
    bench_audit.setup_django(var_dir)
    from django.conf import settings

    settings.SMS_PROVIDER = "memory"  # the stub provider: keeps what it is handed in a list


def phones(n: int, offset: int) -> list[str]:
    return [f"+2547{offset + i:08}" for i in range(n)]


def enqueue_one_by_one(n: int) -> float:
    from django.db import transaction

    from minga.channels.sms import send_sms

    started = time.perf_counter()
    with transaction.atomic():
        for to in phones(n, 0):
            send_sms(to=to, text="Minga: a poll is open. Reply YES 1 or NO 1.", kind="notice")
    return time.perf_counter() - started


def enqueue_in_bulk(n: int) -> float:
    from django.db import transaction

    from minga.channels import delivery

    started = time.perf_counter()
    with transaction.atomic():
        delivery.enqueue_many(
            [
                delivery.new_message(
                    channel="sms",
                    to=to,
                    text="Minga: a poll is open. Reply YES 1 or NO 1.",
                    kind="notice",
                )
                for to in phones(n, n)
            ]
        )
    return time.perf_counter() - started


def deliver_all() -> tuple[float, int]:
    from minga.core.worker import run_ready_tasks

    started = time.perf_counter()
    ran = run_ready_tasks()
    return time.perf_counter() - started, ran


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=NOTICES)
    n = parser.parse_args().notices
    var_dir = tempfile.mkdtemp(prefix="minga-bench-notices-")
    try:
        setup_django(var_dir)
        from minga.channels import delivery, sms
        from minga.channels.models import OutboundMessage

        one_by_one = enqueue_one_by_one(n)
        print(f"enqueue {n} notices, one send_sms (one task) each: {one_by_one:.2f} s")
        single_seconds, ran = deliver_all()
        print(f"one worker delivered them in {single_seconds:.2f} s ({ran / single_seconds:.0f}/s)")
        bulk = enqueue_in_bulk(n)
        print(f"enqueue {n} notices, enqueue_many (a task per {delivery.BATCH}): {bulk:.2f} s")
        seconds, ran = deliver_all()
        print(f"one worker delivered them in {seconds:.2f} s ({n / seconds:.0f}/s)")
        total = 2 * n
        sent = OutboundMessage.objects.filter(status="sent").count()
        handed = len(sms.outbox)
        if sent != total or handed != total or len({m.to for m in sms.outbox}) != total:
            print(f"delivery incomplete: sent {sent}, handed {handed} of {total}")
            return 2
        per_burst = seconds
        enqueue = bulk
        ok_enqueue = enqueue < ENQUEUE_BUDGET_S
        ok_deliver = per_burst < DELIVER_BUDGET_S
        verdict = {True: "PASS", False: "FAIL"}
        print(
            f"BUDGET notices-enqueue-10k: {enqueue:.2f} s (budget < {ENQUEUE_BUDGET_S:g}) "
            f"{verdict[ok_enqueue]}"
        )
        print(
            f"BUDGET notices-deliver-10k: {per_burst:.2f} s (budget < {DELIVER_BUDGET_S:g}) "
            f"{verdict[ok_deliver]}"
        )
        return 0 if ok_enqueue and ok_deliver else 1
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
