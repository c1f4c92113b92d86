"""Payment callbacks (DESIGN.md budget: >= 500 confirmation callbacks/s accepted and posted, with
30% duplicates, receipts enqueued, none lost or doubled).

Sets up a throwaway instance (bench_audit's: SQLite under a temporary MINGA_VAR_DIR, DEBUG off,
migrated), a savings cooperative with its books, N members with their accounts and verified
phones, and an M-PESA paybill served by the provider stand-in (`minga.channels.payments.standin`,
callbacks collected in process). Then, in one process, the whole path of a paybill payment:

1. the provider's C2B confirmation callbacks (N distinct TransIDs plus 30% repeats, shuffled)
   go through Minga's WSGI application as a server calls it, set up as minga/wsgi.py sets up a
   server process (the whole Django stack: middleware, token check, JSON), each stored raw
   and answered;
2. one worker (`run_ready_tasks`, what `minga worker` runs) asks the provider which of them it
   received (M-PESA's Pull Transactions: one batch query for a burst of callbacks), and each
   payment listed posts its entry (audit log, hash chain, balances) and queues the member's
   SMS receipt (the receipts' deliveries stay queued: "receipts enqueued");
3. any callback the provider sends in answer to a query (none for paybill payments) comes back
   through the stack.

The server's part and the worker's run one after the other, on one core: in production they
run side by side on the two, but on SQLite every write waits for the one writer, so side by
side they can be no faster than the sum of their writes, and on this shared machine they
disturb each other's measurement. The figure is N / the seconds of the three (budget >=
500/s). The cost ratio: the CPU time per payment against the CPU time of one entry and its
receipt posted directly by `treasury.actions.receive_from_member` in the same run, what the
books alone cost (budget >= 0.5: a payment may cost the inbox as much again as its posting).
The two are measured in four alternating rounds (books then inbox, inbox then books, ...), a
quarter of the payments each, so a machine that slows down during the run weighs on both
alike; the figures are the sums of the rounds. Then it checks: N payments posted, N entries,
2N receipts queued (the payments' and the baseline's), every member's balance exactly their
one payment. Prints what it measured, then the BUDGET lines (bench/README.md); exits 1 when
the budget fails, 2 when the measurement could not be made. `--payments N`.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import bench_audit  # the same throwaway instance (bench/ is the script's directory)

ROOT = Path(__file__).resolve().parent.parent
PAYMENTS = 3_000
ROUNDS = 4  # the baseline and the inbox alternate, a quarter of the payments each time
DUPLICATES = 0.30
BUDGET = 500  # payments per second
# Against the books' own postings in the same run: the treasury's budget is 1,000 postings/s,
# this one 500 payments/s, so a payment may cost the inbox as much again as its posting.
RATIO = 0.50
TOKEN = "bench-callback-token"
SHORT_CODE = "600638"


def setup(n: int):
    from django.conf import settings
    from django.utils import timezone

    from minga.accounts.models import User
    from minga.coops import actions as coops
    from minga.coops.models import Membership
    from minga.treasury import actions, payments

    settings.SMS_PROVIDER = "memory"
    settings.MINGA_PAYMENTS_STANDIN_DELIVERY = "collect"
    settings.MPESA_CALLBACK_TOKEN = TOKEN
    settings.ALLOWED_HOSTS = ["*"]
    owner = User.objects.create_user(email="owner@example.org", password=None, name="Owner")
    coop = coops.create_cooperative(
        actor=owner, name="Bench Savings Cooperative", legal_form="primary", country="KE",
        sector="agriculture", languages=["en"],
    )  # fmt: skip
    treasurer = User.objects.create_user(email="t@example.org", password=None, name="Treasurer")
    Membership.objects.create(coop=coop, person=treasurer, role=Membership.Role.TREASURER)
    people = User.objects.bulk_create(
        [
            User(email=f"m{i}@example.org", name=f"Member {i}", password="!",
                 phone=f"+2547{i:08}", phone_verified_at=timezone.now())
            for i in range(2 * n)
        ],
        batch_size=2000,
    )  # fmt: skip
    people = list(User.objects.filter(email__startswith="m").order_by("pk"))
    Membership.objects.bulk_create([Membership(coop=coop, person=p) for p in people])
    books = actions.setup_books(
        coop=coop, actor=treasurer, currency="KES", template="savings-credit",
        time_zone="Africa/Nairobi",
    )  # fmt: skip
    actions.open_member_accounts(books=books, actor=treasurer)
    payments.add_mobile_money_account(
        books=books, provider="mpesa", account=SHORT_CODE, actor=treasurer
    )
    return coop, treasurer


def confirmations(coop, n: int) -> list[dict]:
    """N paybill payments the stand-in knows, one per member, as their confirmation bodies."""
    from minga.channels.payments import standin
    from minga.treasury.models import MemberAccount

    refs = list(
        MemberAccount.objects.filter(coop=coop, membership__person__phone__startswith="+2547")
        .order_by("pk")
        .values_list("ref", flat=True)[:n]
    )
    bodies = []
    for i, ref in enumerate(refs):
        standin.pay_bill(short_code=SHORT_CODE, bill_ref=ref, amount=f"{100 + i % 50}.50")
        bodies.append(standin.outbox[-1].body)
    standin.outbox.clear()
    return bodies


def baseline_members(coop, n: int) -> list:
    """The members whose entries the baseline posts (others than those who pay)."""
    from minga.treasury.models import MemberAccount

    return list(
        MemberAccount.objects.filter(coop=coop)
        .select_related("membership__person", "coop")
        .order_by("-pk")[:n]
    )


def baseline(members: list, first: int) -> tuple[float, float]:
    """Entries and receipts alone, the books' own cost per payment in the same run: (seconds,
    CPU seconds) for these members' postings. Each posting that touches a member's account
    queues the member's receipt itself."""
    from minga.treasury import actions

    started, cpu = time.perf_counter(), time.process_time()
    for i, member in enumerate(members, start=first):
        entry = actions.receive_from_member(
            member=member, amount=10_000 + i, purpose="savings", actor=None,
            paid_into="mobile-money", reference=f"BASE{i:06}",
        )  # fmt: skip
        if entry.line_count != 2:
            raise RuntimeError("the baseline posted an unexpected entry")
    return time.perf_counter() - started, time.process_time() - cpu


def run_confirmations() -> int:
    """Run the ready batch queries (`confirm_account`) as `minga worker` runs any task, and
    none of the receipts' deliveries queued meanwhile; how many ran."""
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    from minga.core import worker

    runner = worker._task_runner(worker.new_worker_id())
    done = 0
    while True:
        ready = DBTaskResult.objects.ready().filter(task_path__endswith=".confirm_account")
        with exclusive_transaction(ready.db):
            claimed = ready.get_locked()
            if claimed is None:
                return done
            claimed.claim(runner.worker_id)
        runner.run_task(claimed)
        done += 1


def wsgi_post(application, path: str, body: bytes) -> int:
    """POST `body` to `path` through the WSGI application as a server calls it; the status."""
    route, _sep, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": route, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1", "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0),
    }  # fmt: skip
    status = []
    chunks = application(environ, lambda line, headers, exc_info=None: status.append(line))
    b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return int(status[0].split()[0])


def callbacks(application, bodies: list[dict], seed: int) -> tuple[float, float]:
    """Every payment through the inbox: callbacks, batch queries, results; (seconds, CPU
    seconds)."""
    from minga.channels.payments import standin

    sent = bodies + random.Random(seed).sample(bodies, int(len(bodies) * DUPLICATES))
    random.Random(seed + 1).shuffle(sent)
    path = f"/channels/mpesa/c2b/confirmation?token={TOKEN}"
    payloads = [json.dumps(body).encode() for body in sent]
    started, cpu = time.perf_counter(), time.process_time()
    for payload in payloads:
        status = wsgi_post(application, path, payload)
        if status != 200:
            raise RuntimeError(f"a confirmation was answered {status}")
    accepted = time.perf_counter()
    # The batch queries the callbacks queued, and only those: the receipts they queue in turn
    # are delivered by the worker later, not measured here ("receipts enqueued").
    while run_confirmations():
        pass
    queried = time.perf_counter()
    results = list(standin.outbox)
    standin.outbox.clear()
    for result in results:
        url = result.url.split("/channels/", 1)[1]
        wsgi_post(application, "/channels/" + url, json.dumps(result.body).encode())
    ended = time.perf_counter()
    print(
        f"  {len(bodies)} payments: callbacks accepted {accepted - started:.2f} s, batch queries"
        f" and settlements {queried - accepted:.2f} s, results posted {ended - queried:.2f} s"
    )
    return ended - started, time.process_time() - cpu


def check(coop, n: int) -> list[str]:
    from minga.channels.models import OutboundMessage, Payment
    from minga.treasury.models import JournalEntry, MemberBalance

    problems = []
    posted = Payment.objects.filter(status="posted").count()
    if posted != n or Payment.objects.count() != n:
        problems.append(f"{posted} of {Payment.objects.count()} payments posted, expected {n}")
    entries = JournalEntry.objects.filter(coop=coop, kind="savings").exclude(
        reference__startswith="BASE"
    )
    if entries.count() != n:
        problems.append(f"{entries.count()} entries for {n} payments")
    # Nothing delivers them: one receipt queued per payment and one per baseline posting.
    receipts = OutboundMessage.objects.filter(
        text__contains=": entry ", kind="notice", status="queued"
    ).count()
    if receipts != 2 * n:
        problems.append(f"{receipts} receipts queued for {n} payments and {n} postings")
    doubled = MemberBalance.objects.filter(account__role="member-savings", balance__lt=-200_00)
    if doubled.exists():
        problems.append("a member's balance holds more than one payment")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=PAYMENTS)
    n = parser.parse_args().payments
    var_dir = tempfile.mkdtemp(prefix="minga-bench-payments-")
    try:
        bench_audit.setup_django(var_dir)
        from django.core.handlers.wsgi import WSGIHandler

        from minga.core.serving import prepare_server_process

        coop, treasurer = setup(n)
        bodies = confirmations(coop, n)
        members = baseline_members(coop, n)
        # The application as minga/wsgi.py makes it for a server process (WAL checkpoints in
        # a thread of the process's own, the loaded application frozen out of the garbage
        # collector's sight); the baseline's postings run in the same process.
        application = WSGIHandler()
        prepare_server_process()
        path = f"/channels/mpesa/c2b/confirmation?token={TOKEN}"
        if wsgi_post(application, path, b"[]") != 400:  # the path is warm, nothing is stored
            raise RuntimeError("the confirmation path answered a list")
        # The two measured in alternating rounds (ABBA...), so a machine that slows down or
        # speeds up during the run weighs on both alike.
        size = -(-n // ROUNDS)
        seconds = cpu = books_seconds = books_cpu = 0.0
        for round_ in range(ROUNDS):
            part = slice(round_ * size, (round_ + 1) * size)
            for which in ("books", "inbox") if round_ % 2 == 0 else ("inbox", "books"):
                if which == "books":
                    took, used = baseline(members[part], part.start)
                    books_seconds, books_cpu = books_seconds + took, books_cpu + used
                else:
                    took, used = callbacks(application, bodies[part], 7 + 2 * round_)
                    seconds, cpu = seconds + took, cpu + used
        problems = check(coop, n)
    except Exception as error:  # the measurement itself could not be made
        print(f"bench_payments: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    books_rate, books_cpu = n / books_seconds, books_cpu / n
    rate = n / seconds
    print(f"{n} payments, {int(n * DUPLICATES)} repeated callbacks: {seconds:.2f} s")
    ratio = books_cpu / (cpu / n)
    print(
        f"baseline (entries and receipts alone): {books_rate:.0f}/s, {books_cpu * 1000:.2f} ms"
        f" CPU each; inbox: {rate:.0f}/s, {cpu / n * 1000:.2f} ms CPU per payment"
        f" ({ratio:.2f} x the baseline's cost)"
    )
    for problem in problems:
        print(f"PROBLEM {problem}")
    lines = [
        ("payment-callbacks-per-second", f"{rate:.0f}", "payments/s", ">=", str(BUDGET),
         rate >= BUDGET and not problems),
        ("payment-callbacks-vs-postings", f"{ratio:.2f}", "x", ">=", str(RATIO),
         ratio >= RATIO and not problems),
    ]  # fmt: skip
    for name, figure, unit, op, limit, passed in lines:
        verdict = "PASS" if passed else "FAIL"
        print(f"BUDGET {name}: {figure} {unit} (budget {op} {limit}) {verdict}")
    ok = all(line[-1] for line in lines)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
