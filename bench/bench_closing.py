"""Closing a secret poll of 300,000 ballots, wipe included (budget: < 60 s).

Sets up a throwaway instance (SQLite under a temporary MINGA_VAR_DIR, DEBUG off, migrated), a
cooperative of N members and one open secret poll (ranked, five candidates) in which every
member has voted: sealed ballots, participations, and the commitments in the audit log as the
batching worker leaves them (all logged but the last `PENDING`, which the closing logs). The
ballots are written directly with the poll's key, as `cast_ballot` writes them (sending them
over HTTP is what bench_ballots measures). Then a fresh process closes the poll through
`actions.close_poll` and the clock runs until the wipe is durable: the sealed ballots opened
and written as plain ballots in random order, the sealed rows deleted with `secure_delete`,
the last commitments logged, the count, the salt wiped, the truncating checkpoint of the
`-wal` file. Also printed, as a reference for this host's speed: reading the sealed rows alone
in the same process.

Prints what it measured, then one `BUDGET` line (bench/README.md). Exits 1 when the budget
fails, 2 when the measurement could not be made. `--ballots N` changes the size (default
300,000).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_pages import BenchError, budget_line, make_env, minga, python_json  # noqa: E402

BUDGET = 60.0  # seconds
BALLOTS = 300_000
PENDING = 1_000

SETUP = textwrap.dedent(
    """
    import json, sys, datetime, random, secrets, uuid
    import django
    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone
    from minga import audit
    from minga.accounts.models import User
    from minga.coops import actions as coops
    from minga.coops.models import Membership
    from minga.decisions import actions, secrecy
    from minga.decisions.models import Elector, Participation, PendingCommitment, SealedBallot

    count, pending = int(sys.argv[1]), int(sys.argv[2])
    chair = User.objects.create_user(email="chair@example.org", password=None, name="Chair")
    coop = coops.create_cooperative(
        actor=chair, name="Bench Dairy Cooperative", legal_form="primary", country="KE",
        sector="agriculture", languages=["en"],
    )
    User.objects.bulk_create(
        [User(email=f"voter{i}@example.org", name=f"Voter {i}", password="!")
         for i in range(count)],
        batch_size=5000,
    )
    people = User.objects.filter(email__startswith="voter").values_list("pk", flat=True)
    Membership.objects.bulk_create(
        [Membership(coop=coop, person_id=p) for p in people], batch_size=5000
    )
    discussion = actions.start_discussion(coop=coop, actor=chair, title="Board election")
    poll = actions.create_poll(
        discussion=discussion, actor=chair, title="Who chairs the board?", kind="irv",
        options=["Achieng", "Baraka", "Chebet", "Daudi", "Njeri"],
        closes_at=timezone.now() + datetime.timedelta(days=1),
    )
    poll = actions.open_poll(poll=poll, actor=chair)
    sealer = secrecy.Sealer(poll.pk, bytes(poll.ballot_salt))
    rng = random.Random(7)
    electors = list(Elector.objects.filter(poll=poll).values_list("pk", "weight"))
    sealed, participations, commitments = [], [], []
    for elector, weight in electors:
        ranking = [[c] for c in rng.sample(range(5), rng.randint(1, 5))]
        choice = {"ranking": ranking}
        code, ballot_id = secrecy.new_receipt(), uuid.uuid4()
        token = sealer.token(elector)
        sealed.append(SealedBallot(poll=poll, token=token,
                                   sealed=sealer.seal(token, ballot_id, choice, weight)))
        participations.append(Participation(poll=poll, elector_id=elector, channel="web"))
        commitments.append(secrecy.commitment(code, ballot_id, choice))
    with transaction.atomic():
        SealedBallot.objects.bulk_create(sealed, batch_size=5000)
        Participation.objects.bulk_create(participations, batch_size=5000)
    rng.shuffle(commitments)
    logged, waiting = commitments[pending:], commitments[:pending]
    for start in range(0, len(logged), 10000):  # as the batching worker leaves them
        with transaction.atomic():
            for commitment in logged[start:start + 10000]:
                audit.record("ballot.cast", f"poll:{poll.pk}", {"commitment": commitment}, None)
    PendingCommitment.objects.bulk_create(
        [PendingCommitment(poll=poll, id=secrets.token_bytes(16), commitment=c) for c in waiting],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    json.dump({"poll": poll.pk, "ballots": len(electors)}, sys.stdout)
    """
)

CLOSE = textwrap.dedent(
    """
    import json, sys, time
    import django
    django.setup()
    from django.db import connection
    from minga.decisions import actions
    from minga.decisions.models import Ballot, Poll, SealedBallot
    poll = Poll.objects.get(pk=int(sys.argv[1]))
    connection.ensure_connection()
    started = time.perf_counter()
    rows = list(SealedBallot.objects.filter(poll=poll).values_list("token", "sealed"))
    reference = time.perf_counter() - started
    del rows
    started = time.perf_counter()
    closed = actions.close_poll(poll=poll, actor=None)  # the wipe runs once it commits
    elapsed = time.perf_counter() - started
    json.dump({
        "seconds": elapsed,
        "reference": reference,
        "ballots": Ballot.objects.filter(poll=closed).count(),
        "sealed": SealedBallot.objects.filter(poll=closed).count(),
        "salt": len(bytes(Poll.objects.get(pk=closed.pk).ballot_salt)),
        "casts": len(actions.logged_commitments(closed)),
        "elected": closed.result["elected"],
    }, sys.stdout)
    """
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", type=int, default=BALLOTS)
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix="minga-bench-closing-"))
    try:
        env = make_env(tmp)
        minga(env, "migrate", "--verbosity", "0")
        started = time.monotonic()
        pending = min(PENDING, options.ballots)
        setup = python_json(
            env, ["-c", SETUP, str(options.ballots), str(pending)], "the setup", timeout=3600
        )
        print(
            f"Set up an open secret poll with {setup['ballots']} sealed ballots "
            f"({pending} commitments still waiting for their batch) in "
            f"{time.monotonic() - started:.0f} s."
        )
        closed = python_json(env, ["-c", CLOSE, str(setup["poll"])], "the closing", timeout=1200)
        wal = Path(env["MINGA_VAR_DIR"]) / "minga.sqlite3-wal"
        wal_size = wal.stat().st_size if wal.exists() else 0
        print(
            f"Closed in {closed['seconds']:.1f} s, wipe included (reading the sealed rows alone: "
            f"{closed['reference']:.2f} s): {closed['ballots']} plain ballots, "
            f"{closed['sealed']} sealed left, salt of {closed['salt']} bytes, {closed['casts']} "
            f"commitments in the log, -wal file {wal_size} bytes; elected {closed['elected']}."
        )
        intact = (
            closed["ballots"] == setup["ballots"] == closed["casts"]
            and closed["sealed"] == 0
            and closed["salt"] == 0
            and wal_size == 0
        )
        if not intact:
            print("  The closing left something behind (see above).")
        ok = intact and closed["seconds"] < BUDGET
        print(
            budget_line(
                "close-secret-poll-300k", f"{closed['seconds']:.1f}", "s", "<", f"{BUDGET:.0f}", ok
            )
        )
        return 0 if ok else 1
    except BenchError as error:
        print(f"bench_closing: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
