"""Ballots accepted over HTTP (DESIGN.md budget: >= 1,000/s on 2 cores, none lost or doubled).

Sets up a throwaway instance (SQLite under a temporary MINGA_VAR_DIR, DEBUG off, migrated), a
cooperative of N members with a signed-in session each, and one open secret poll; serves it with
the production server (granian, 2 workers: bench_pages.Server) and sends every member's ballot
once through the JSON API,
`POST /api/decisions/polls/<id>/ballots`, with its session cookie and CSRF token, over kept-alive
connections spread evenly over the workers, each driven by its own client process with pre-built
requests. Every worker first serves the measured paths (the reference view, and ballots it
refuses, which write nothing), so imports are not measured. Then it checks the database holds
exactly N ballots, N participations and N commitments in the audit log, and that every answer
was a 201 with a distinct receipt.

Members vote in rounds (default 3, each a third of them), each round after a run of the
reference view, and the budget is judged on the median round: this host's speed varies from
one minute to the next, and one slow or fast minute should not decide it. Every round is
printed. The published peer figure is about 500 ballots/s.

Secret ballots are sealed and their commitments logged in shuffled batches by `minga worker`,
which runs beside the server (README: Production): it runs during the rounds, as in
production, and what it has not logged by the end is logged before the check.

The whole measurement runs twice in one run: with the default database settings and with
`DATABASE_URL=sqlite:///<file>` (which must get the same SQLite settings, and so reach the
same figure). Both are served at once and their rounds alternate, in an order reversed from
one round to the next (A B, B A, A B): measured one after the other, the second always came
out slower, whichever it was. Prints what it measured, then the `BUDGET` lines
(bench/README.md): each configuration's median >= 1,000/s, and the second's median against
the first's. Exits 1 when a budget fails, 2 when the measurement could not be made.
`--electors N` changes the number of ballots (default 15,000), `--rounds R` the number of
rounds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_pages as pages  # noqa: E402  (the repository root is added above)
from bench.bench_pages import (  # noqa: E402
    BenchError,
    budget_line,
    make_env,
    minga,
    python_json,
)

BUDGET = 1_000  # ballots per second
SAME_FIGURE = 0.90  # DATABASE_URL=sqlite:///... against the default, same run (drift: a tenth)
WORKER_INTERVAL = "1"  # `minga worker`'s default: its sleep when it found nothing to do
PEER = 500
WORKERS = pages.WORKERS
CONNECTIONS = 4
ELECTORS = 15_000
ROUNDS = 3  # this many rounds, each of ELECTORS / ROUNDS members; the median counts
HELLOS = 1_500  # reference requests before each round

SETUP = textwrap.dedent(
    """
    import json, sys, datetime
    import django
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone
    from minga.accounts.models import User
    from minga.coops import actions as coops
    from minga.coops.models import Membership
    from minga.decisions import actions

    count = int(sys.argv[1])
    chair = User.objects.create_user(email="chair@example.org", password=None, name="Chair")
    coop = coops.create_cooperative(
        actor=chair, name="Bench Dairy Cooperative", legal_form="primary", country="KE",
        sector="agriculture", languages=["en"],
    )
    people = User.objects.bulk_create(
        [User(email=f"voter{i}@example.org", name=f"Voter {i}", password="!")
         for i in range(count)],
        batch_size=2000,
    )
    people = list(User.objects.filter(email__startswith="voter").order_by("pk"))
    Membership.objects.bulk_create(
        [Membership(coop=coop, person=p) for p in people], batch_size=2000
    )
    discussion = actions.start_discussion(coop=coop, actor=chair, title="Board election")
    poll = actions.create_poll(
        discussion=discussion, actor=chair, title="Who joins the board?", kind="stv-scottish",
        options=["Achieng", "Baraka", "Chebet", "Daudi", "Njeri"], seats=2,
        closes_at=timezone.now() + datetime.timedelta(days=1),
    )
    poll = actions.open_poll(poll=poll, actor=chair)
    from django.conf import settings
    backend = settings.AUTHENTICATION_BACKENDS[0]
    sessions, out = [], []
    expiry = timezone.now() + datetime.timedelta(days=1)
    store = SessionStore()
    for person in people:
        key = store._get_new_session_key()
        data = {
            SESSION_KEY: str(person.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: person.get_session_auth_hash(),
        }
        encoded = store.encode(data)
        sessions.append(Session(session_key=key, session_data=encoded, expire_date=expiry))
        out.append([key, _get_new_csrf_string()])
    Session.objects.bulk_create(sessions, batch_size=2000)
    json.dump({"poll": poll.pk, "sessions": out}, sys.stdout)
    """
)

CHECK = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from minga.audit.models import Entry
    from minga.decisions import actions
    from minga.decisions.models import Ballot, Participation, SealedBallot
    poll = int(sys.argv[1])
    actions.flush_commitments(minimum=0)  # what the worker had not logged yet
    json.dump({
        "ballots": Ballot.objects.filter(poll_id=poll).count()
        + SealedBallot.objects.filter(poll_id=poll).count(),
        "participations": Participation.objects.filter(poll_id=poll).count(),
        "commitments": Entry.objects.filter(kind="ballot.cast", subject=f"poll:{poll}").count(),
    }, sys.stdout)
    """
)


def django_script(env: dict[str, str], code: str, *args: str) -> dict:
    return python_json(env, ["-c", code, *args], "a setup script")


CHOICES = [
    b'{"choice":{"ranking":[[0],[1],[2]]}}',
    b'{"choice":{"ranking":[[1],[0]]}}',
    b'{"choice":{"ranking":[[2],[3],[4],[0]]}}',
    b'{"choice":{"ranking":[[3]]}}',
    b'{"choice":{"ranking":[[4],[2]]}}',
]
# A ballot every worker refuses (the poll has no option 99): it walks the whole path of a vote
# (session, person, API, electorate, the poll's row under the write lock) and writes nothing.
REFUSED = b'{"choice":{"ranking":[[99]]}}'
WARMUP_HELLOS = 50  # per connection
WARMUP_REFUSALS = 10


def ballot_request(port: int, poll: int, session: list[str], body: bytes) -> bytes:
    key, csrf = session
    return (
        f"POST /api/decisions/polls/{poll}/ballots HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\nUser-Agent: minga-bench\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"Cookie: sessionid={key}; csrftoken={csrf}\r\nX-CSRFToken: {csrf}\r\n"
        "Accept: application/json\r\nAccept-Language: en\r\n\r\n"
    ).encode() + body


def hello_request(port: int, session: list[str], path: str = "/bench-hello/") -> bytes:
    """The reference: a bare view requested by a signed-in member through the same middleware
    (session and person loaded, as for every signed-in page), over the same connections."""
    key, csrf = session
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"User-Agent: minga-bench\r\nCookie: sessionid={key}; csrftoken={csrf}\r\n"
        "Accept: text/html\r\nAccept-Language: en\r\n\r\n"
    ).encode()


def read_response(sock: socket.socket, buffer: bytes) -> tuple[int, bytes, bool, bytes]:
    """(status, body, whether the server closes, bytes already read past the body)."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before the response headers")
        buffer += chunk
    head, _, buffer = buffer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status, length, close = int(lines[0].split()[1]), 0, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            close = value.strip().lower() == b"close"
    while len(buffer) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed in the middle of a response")
        buffer += chunk
    return status, buffer[:length], close, buffer[length:]


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def ask(sock: socket.socket, request: bytes) -> tuple[int, bytes]:
    sock.sendall(request)
    status, body, close, rest = read_response(sock, b"")
    if close or rest:
        raise BenchError("a warm-up connection was closed or answered out of turn")
    return status, body


def balanced_connections(port: int, workers: int, per_worker: int) -> list[socket.socket]:
    """Kept-alive connections, `per_worker` to each server worker.

    A worker serves every connection it accepts, and which worker accepts one is the
    kernel's choice: left to chance, one worker can hold three of four connections while the
    other idles half the time. Each new connection asks /bench-worker/ which process serves it,
    and surplus ones are closed.
    """
    kept: dict[int, list[socket.socket]] = {}
    for _ in range(50 * workers * per_worker):
        sock = connect(port)
        status, body = ask(
            sock, f"GET /bench-worker/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        )
        if status != 200:
            raise BenchError(f"/bench-worker/ answered {status}")
        mine = kept.setdefault(int(body), [])
        if len(mine) < per_worker:
            mine.append(sock)
        else:
            sock.close()
        if len(kept) == workers and all(len(c) == per_worker for c in kept.values()):
            return [sock for socks in kept.values() for sock in socks]
    raise BenchError(f"could not open {per_worker} connections to each of {workers} workers")


def warm_up(connections: list[socket.socket], port: int, poll: int, sessions: list[list[str]]):
    """Every worker serves the measured paths a few times over the measured connections first,
    so importing modules and opening the database are not measured."""
    for c, sock in enumerate(connections):
        for i in range(WARMUP_HELLOS):
            status, _ = ask(sock, hello_request(port, sessions[(c + i) % len(sessions)]))
            if status != 200:
                raise BenchError(f"the reference view answered {status} while warming up")
        for i in range(WARMUP_REFUSALS):
            session = sessions[(c + i) % len(sessions)]
            status, _ = ask(sock, ballot_request(port, poll, session, REFUSED))
            if status != 400:
                raise BenchError(f"a refused ballot was answered {status} while warming up")


def _client(sock, port, requests, go, results) -> None:  # runs in a child process
    statuses, receipts, errors, reconnects = [], [], [], 0
    buffer = b""
    go.wait()
    cpu = os.times()
    for request in requests:
        try:
            if sock is None:
                sock, buffer, reconnects = connect(port), b"", reconnects + 1
            sock.sendall(request)
            status, body, close, buffer = read_response(sock, buffer)
        except OSError as error:
            # Never resend a ballot whose answer may have been lost: that could hide a double
            # count. It is reported as an error instead.
            errors.append(repr(error))
            status, body, close = 0, b"", True
        statuses.append(status)
        if status == 201:
            receipts.append(json.loads(body)["receipt"])
        if close and sock is not None:
            sock.close()
            sock = None
    after = os.times()
    results.put(
        (statuses, receipts, errors, reconnects, after.user + after.system - cpu.user - cpu.system)
    )


class Run:
    """One request per item of `requests`, spread over `connections`, each connection driven by
    its own client process (so no client waits on another's interpreter lock) sending
    pre-built requests back to back."""

    def __init__(self, port: int, connections: list[socket.socket], requests: list[bytes]):
        self.port, self.connections, self.requests = port, connections, requests
        self.statuses: list[int] = []
        self.receipts: list[str] = []
        self.errors: list[str] = []
        self.reconnects = 0
        self.client_cpu = 0.0

    def run(self) -> float:
        context = multiprocessing.get_context("fork")
        go, results = context.Event(), context.Queue()
        k = len(self.connections)
        children = [
            context.Process(
                target=_client, args=(sock, self.port, self.requests[c::k], go, results)
            )
            for c, sock in enumerate(self.connections)
        ]
        for child in children:
            child.start()
        time.sleep(0.2)  # every child is waiting on `go`
        started = time.perf_counter()
        go.set()
        for _ in children:
            statuses, receipts, errors, reconnects, cpu = results.get(timeout=900)
            self.statuses += statuses
            self.receipts += receipts
            self.errors += errors
            self.reconnects += reconnects
            self.client_cpu += cpu
        elapsed = time.perf_counter() - started
        for child in children:
            child.join()
        return elapsed


def measure_round(server, connections, poll: int, sessions: list[list[str]]) -> dict:
    """One round: the reference view, then one ballot from each of `sessions`."""
    port = server.port
    hello = Run(port, connections, [hello_request(port, s) for s in sessions[:HELLOS]])
    hello_cpu = server.worker_cpu_seconds()
    hello_elapsed = hello.run()
    hello_after = server.worker_cpu_seconds()
    if hello.statuses.count(200) != len(hello.requests):
        raise BenchError(f"the reference view failed: {set(hello.statuses)}")
    voters = Run(
        port,
        connections,
        [
            ballot_request(port, poll, session, CHOICES[i % len(CHOICES)])
            for i, session in enumerate(sessions)
        ],
    )
    cpu_before = server.worker_cpu_seconds()
    elapsed = voters.run()
    cpu_after = server.worker_cpu_seconds()
    n = len(sessions)
    measured = {
        "n": n,
        "rate": n / elapsed,
        "elapsed": elapsed,
        "hello_rate": len(hello.requests) / hello_elapsed,
        "voters": voters,
        "per_ballot": None,
        "per_hello": None,
        "client": voters.client_cpu / n,
    }
    if None not in (cpu_before, cpu_after, hello_cpu, hello_after):
        measured["per_ballot"] = (cpu_after - cpu_before) / n
        measured["per_hello"] = (hello_after - hello_cpu) / len(hello.requests)
    return measured


class Configuration:
    """One database configuration: its instance set up and served, its rounds, its check."""

    def __init__(self, label: str, env: dict[str, str], options: argparse.Namespace) -> None:
        self.label, self.env, self.options = label, env, options
        self.server: Any = None
        self.worker: subprocess.Popen | None = None
        self.rounds: list[dict] = []

    def start(self) -> None:
        env = self.env
        minga(env, "migrate", "--verbosity", "0")
        started = time.monotonic()
        self.setup = django_script(env, SETUP, str(self.options.electors))
        n = len(self.setup["sessions"])
        took = time.monotonic() - started
        print(f"[{self.label}] Set up {n} members with sessions and an open poll in {took:.0f} s.")
        self.server = pages.Server(env, Path(env["MINGA_VAR_DIR"]).parent)
        self.server.start()
        self.worker = subprocess.Popen(  # noqa: S603 (the project's own command)
            [pages.PYTHON, "-m", "minga.cli", "worker", "--interval", WORKER_INTERVAL],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.connections = balanced_connections(
            self.server.port, WORKERS, max(1, CONNECTIONS // WORKERS)
        )
        warm_up(self.connections, self.server.port, self.setup["poll"], self.setup["sessions"])
        self.load_before = os.getloadavg()[0]
        self.size = n // self.options.rounds

    def round(self) -> None:
        if self.worker is None or self.worker.poll() is not None:
            raise BenchError(f"[{self.label}] the worker beside the server stopped")
        r, size = len(self.rounds), self.size
        sessions = self.setup["sessions"][r * size : (r + 1) * size]
        poll = self.setup["poll"]
        self.rounds.append(measure_round(self.server, self.connections, poll, sessions))

    def finish(self) -> tuple[float, bool]:
        """Stop serving, print the rounds, check the database; (median rate, intact)."""
        for sock in self.connections:
            sock.close()
        self.stop_worker()
        options, env, label = self.options, self.env, self.label
        print(
            f"[{label}] Ballots over HTTP: granian, {WORKERS} workers of one application thread, "
            f"DEBUG off, SQLite, `minga worker` beside them; {len(self.connections)} keep-alive "
            f"client connections, as many to each worker, one client process each; "
            f"{os.cpu_count()} CPUs, load average {self.load_before:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after; {options.rounds} rounds of {self.size} members "
            "voting, each after the reference:"
        )
        statuses, receipts, errors = [], [], []
        for number, measured in enumerate(self.rounds, 1):
            voters = measured["voters"]
            statuses += voters.statuses
            receipts += voters.receipts
            errors += voters.errors
            line = (
                f"  round {number}: {measured['rate']:.0f} ballots/s ({measured['n']} in "
                f"{measured['elapsed']:.2f} s, {voters.reconnects} connections reopened); "
                f"reference {measured['hello_rate']:.0f} requests/s, "
                f"ballots/reference = {measured['rate'] / measured['hello_rate']:.2f}"
            )
            if measured["per_ballot"] is not None:
                line += (
                    f"; server CPU {measured['per_ballot'] * 1e3:.2f} ms per ballot, "
                    f"{measured['per_hello'] * 1e3:.2f} ms per bare view (client "
                    f"{measured['client'] * 1e3:.2f} ms per ballot, same machine)"
                )
            print(line)
        rates = sorted(measured["rate"] for measured in self.rounds)
        rate = statistics.median(rates)
        total = self.size * options.rounds
        accepted = statuses.count(201)
        others = {s: statuses.count(s) for s in set(statuses) if s != 201}
        print(
            f"  median {rate:.0f} ballots/s (rounds {rates[0]:.0f} to {rates[-1]:.0f}; peer "
            f"figure about {PEER}/s); {accepted} of {total} accepted, other answers "
            f"{others or 'none'}, {len(errors)} transport errors"
        )
        # The server's checkpoint threads keep the write-ahead log bounded (minga.core.fast.sqlite).
        wal = Path(database_path(env) + "-wal")
        wal_mb = wal.stat().st_size / 1e6 if wal.exists() else 0.0
        counts = django_script(env, CHECK, str(self.setup["poll"]))
        print(
            f"  database: {counts['ballots']} ballots, {counts['participations']} participations, "
            f"{counts['commitments']} commitments in the audit log; write-ahead log "
            f"{wal_mb:.1f} MB after {total} ballots"
        )
        print(f"  {len(set(receipts))} distinct receipts")
        intact = (
            accepted == total
            and len(set(receipts)) == total
            and all(value == total for value in counts.values())
        )
        if not intact:
            print(f"  LOST OR DOUBLED: expected {total} of each. {self.server.log()[-1500:]}")
        return rate, intact

    def stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.terminate()
            self.worker.wait(timeout=30)
            self.worker = None

    def stop(self) -> None:
        self.stop_worker()
        if self.server is not None:
            self.server.stop()
            self.server = None


def measure(configurations: list[Configuration], rounds: int) -> list[tuple[float, bool]]:
    """Serve every configuration at once and run their rounds in turn, each round's order the
    reverse of the one before (A B, B A, A B...): this machine's speed drifts from one minute
    to the next, and the configuration always measured second would pay for it."""
    try:
        for configuration in configurations:
            configuration.start()
        for r in range(rounds):
            for configuration in configurations if r % 2 == 0 else configurations[::-1]:
                configuration.round()
        return [configuration.finish() for configuration in configurations]
    finally:
        for configuration in configurations:
            configuration.stop()


def database_path(env: dict[str, str]) -> str:
    url = env.get("DATABASE_URL", "")
    return (
        url.removeprefix("sqlite:///") if url else str(Path(env["MINGA_VAR_DIR"]) / "minga.sqlite3")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--electors", type=int, default=ELECTORS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix="minga-bench-ballots-"))
    try:
        default_env = make_env(tmp / "default")
        (tmp / "url").mkdir()
        url_env = {
            **make_env(tmp / "url"),
            "DATABASE_URL": f"sqlite:///{tmp / 'url' / 'minga.sqlite3'}",
        }
        (rate, intact), (url_rate, url_intact) = measure(
            [
                Configuration("default", default_env, options),
                Configuration("DATABASE_URL=sqlite:///...", url_env, options),
            ],
            options.rounds,
        )
        ratio = url_rate / rate if rate else 0.0
        print(f"DATABASE_URL=sqlite:///... / default: {ratio:.2f} (same run)")
        lines = [
            ("ballots-per-second", rate, intact and rate >= BUDGET),
            ("ballots-per-second-database-url", url_rate, url_intact and url_rate >= BUDGET),
        ]
        for name, figure, ok in lines:
            print(budget_line(name, f"{figure:.0f}", "ballots/s", ">=", str(BUDGET), ok))
        same = url_intact and ratio >= SAME_FIGURE
        print(
            budget_line(
                "ballots-database-url-vs-default", f"{ratio:.2f}", "x", ">=", f"{SAME_FIGURE}", same
            )
        )
        return 0 if all(ok for _name, _figure, ok in lines) and same else 1
    except BenchError as error:
        print(f"bench_ballots: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
