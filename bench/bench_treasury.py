"""Treasury budgets (DESIGN.md): audited postings, reports at a million postings, bean-query.

Sets up a throwaway instance (SQLite under a temporary MINGA_VAR_DIR, DEBUG off, migrated),
a savings and credit cooperative in KES with 1,000 members' accounts, and measures, in one
process:

- audited postings per second: `actions.receive_from_member` (a member's savings deposit: a
  balanced entry of two lines, numbered, hashed, with its audit entry), each in its own
  transaction as a request would run it; best of five rounds (budget >= 1,000/s). The SMS
  receipt a posting will enqueue (issue 17, item 4) is not there yet: nothing is enqueued;
- books of 1,000,000 postings, bulk-loaded with valid numbers, hashes and chain (the load is
  setup, not measured; its entries have no audit entries of their own);
- the trial balance and a member's statement at 1,000,000 postings, through the full Django
  stack (`/api/treasury/...`, signed in as the treasurer), 200 requests each at random dates
  and members (budgets p95 < 200 ms);
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
import base64
import datetime
import hashlib
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTINGS = 1_000_000
MEMBERS = 1_000
RATE_TOTAL = 5_000
RATE_ROUNDS = 5
RATE_BUDGET = 1_000  # postings per second
SAMPLES = 200
P95_BUDGET_MS = 200.0
BEAN_QUERY_RATIO_BUDGET = 20.0
DAY_ONE = datetime.date(2026, 1, 1)


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
    people = User.objects.bulk_create(
        User(email=f"m{i}@bench.example", name=f"Member {i}") for i in range(members)
    )
    Membership.objects.bulk_create(Membership(coop=coop, person=p) for p in people)
    books = actions.setup_books(
        coop=coop, actor=treasurer, currency="KES", template="savings-credit",
        time_zone="Africa/Nairobi", today=DAY_ONE,
    )  # fmt: skip
    actions.open_member_accounts(books=books, actor=treasurer)
    books = Books.objects.select_related("coop").get(pk=books.pk)
    return books, treasurer, list(MemberAccount.objects.filter(coop=coop).select_related("coop"))


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postings", type=int, default=POSTINGS)
    options = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="minga-bench-treasury-")
    try:
        setup_django(var_dir)
        return run(options.postings, Path(var_dir))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def run(postings: int, var_dir: Path) -> int:
    books, treasurer, members = make_books(MEMBERS)
    best, median, cpu = measure_postings(books, treasurer, members)
    print(f"audited postings: best {best:,.0f}/s, median {median:,.0f}/s, CPU-bound {cpu:,.0f}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
