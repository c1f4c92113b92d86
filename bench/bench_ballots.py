"""Ballots accepted over HTTP (DESIGN.md budget: >= 1,000/s on 2 cores, none lost or doubled).

Sets up a throwaway instance (SQLite under a temporary MINGA_VAR_DIR, DEBUG off, migrated), a
cooperative of N members with a signed-in session each, and one open secret poll; serves it with
gunicorn (2 workers) and, from this process, sends every member's ballot once through the JSON
API, `POST /api/decisions/polls/<id>/ballots`, with its session cookie and CSRF token, over
keep-alive connections. Then it checks the database holds exactly N ballots, N participations
and N commitments in the audit log, and that every answer was a 201 with a distinct receipt.

The published peer figure is about 500 ballots/s. Prints what it measured, then one `BUDGET`
line (bench/README.md). Exits 1 when the budget fails, 2 when the measurement could not be made.
`--electors N` changes the number of ballots (default 12,000).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_pages as pages  # noqa: E402  (the repository root is added above)
from bench.bench_pages import (  # noqa: E402
    PYTHON,
    BenchError,
    budget_line,
    free_port,
    get,
    make_env,
    minga,
)

BUDGET = 1_000  # ballots per second
PEER = 500
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "gthread")
THREADS = int(os.environ.get("BENCH_THREADS", "1"))  # per worker (gthread: keep-alive connections)
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
ELECTORS = 12_000

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
    from minga.decisions.models import Ballot, Participation
    poll = int(sys.argv[1])
    json.dump({
        "ballots": Ballot.objects.filter(poll_id=poll).count(),
        "participations": Participation.objects.filter(poll_id=poll).count(),
        "commitments": Entry.objects.filter(kind="ballot.cast", subject=f"poll:{poll}").count(),
    }, sys.stdout)
    """
)


def django_script(env: dict[str, str], code: str, *args: str) -> dict:
    done = subprocess.run(
        [PYTHON, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"a setup script failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return json.loads(done.stdout)


class Server(pages.Server):
    """gunicorn with threaded workers, which keep connections alive between requests."""

    def start(self) -> None:
        self.port = free_port()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "bench.wsgi_bench:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(WORKERS),
                    "--worker-class",
                    WORKER_CLASS,
                    "--threads",
                    str(THREADS),
                    "--keep-alive",
                    "30",
                    "--chdir",
                    str(ROOT),
                    "--no-control-socket",
                    "--backlog",
                    "2048",
                    "--timeout",
                    "60",
                    "--log-level",
                    "warning",
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so cleanup reaches workers
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.proc.returncode}:\n{self.log()}")
            try:
                workers_up = len(self.worker_pids()) == WORKERS or not Path("/proc").is_dir()
                if get(self.port, "/health")[0] == 200 and workers_up:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer within 30 s:\n{self.log()}")


CHOICES = [
    b'{"choice":{"ranking":[[0],[1],[2]]}}',
    b'{"choice":{"ranking":[[1],[0]]}}',
    b'{"choice":{"ranking":[[2],[3],[4],[0]]}}',
    b'{"choice":{"ranking":[[3]]}}',
    b'{"choice":{"ranking":[[4],[2]]}}',
]


class Voters:
    """Each connection posts its share of the ballots back to back over one kept-alive socket."""

    def __init__(self, port: int, poll: int, sessions: list[list[str]]):
        self.port, self.poll, self.sessions = port, poll, sessions
        self.statuses: list[int] = []
        self.receipts: list[str] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.reconnects = 0

    def request(self, i: int) -> bytes:
        key, csrf = self.sessions[i]
        body = CHOICES[i % len(CHOICES)]
        return (
            f"POST /api/decisions/polls/{self.poll}/ballots HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{self.port}\r\nUser-Agent: minga-bench\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"Cookie: sessionid={key}; csrftoken={csrf}\r\nX-CSRFToken: {csrf}\r\n"
            "Accept: application/json\r\nAccept-Language: en\r\n\r\n"
        ).encode() + body

    @staticmethod
    def response(sock: socket.socket, buffer: bytes) -> tuple[int, bytes, bool, bytes]:
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

    def client(self, share: range) -> None:
        sock, buffer = None, b""
        statuses, receipts, errors, reconnects = [], [], [], 0
        for i in share:
            try:
                if sock is None:
                    sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    buffer, reconnects = b"", reconnects + 1
                sock.sendall(self.request(i))
                status, body, close, buffer = self.response(sock, buffer)
            except OSError as error:
                # Never resend a ballot whose answer may have been lost: that could hide a
                # double count. It is reported as an error instead.
                errors.append(repr(error))
                status, body, close = 0, b"", True
            statuses.append(status)
            if status == 201:
                receipts.append(json.loads(body)["receipt"])
            if close and sock is not None:
                sock.close()
                sock = None
        if sock is not None:
            sock.close()
        with self.lock:
            self.statuses.extend(statuses)
            self.receipts.extend(receipts)
            self.errors.extend(errors)
            self.reconnects += reconnects

    def run(self) -> float:
        n = len(self.sessions)
        shares = [range(c, n, CONNECTIONS) for c in range(CONNECTIONS)]
        threads = [threading.Thread(target=self.client, args=(s,)) for s in shares]
        started, cpu = time.perf_counter(), time.process_time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.client_cpu = time.process_time() - cpu
        return time.perf_counter() - started


class SignedInHello(Voters):
    """The reference: a bare view requested by signed-in members through the same middleware
    (session and person loaded, as for every signed-in page), over the same connections."""

    def request(self, i: int) -> bytes:
        key, csrf = self.sessions[i]
        return (
            f"GET /bench-hello/ HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"User-Agent: minga-bench\r\nCookie: sessionid={key}; csrftoken={csrf}\r\n"
            "Accept: text/html\r\nAccept-Language: en\r\n\r\n"
        ).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--electors", type=int, default=ELECTORS)
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix="minga-bench-ballots-"))
    server = None
    try:
        env = make_env(tmp)
        minga(env, "migrate", "--verbosity", "0")
        started = time.monotonic()
        setup = django_script(env, SETUP, str(options.electors))
        n = len(setup["sessions"])
        took = time.monotonic() - started
        print(f"Set up {n} members with sessions and an open poll in {took:.0f} s.")
        server = Server(env, tmp)
        server.start()
        voters = Voters(server.port, setup["poll"], setup["sessions"])
        # Warm both workers up with a few reads, so imports and connections are not measured.
        for _ in range(20):
            get(server.port, f"/api/decisions/polls/{setup['poll']}")
        hello = SignedInHello(server.port, 0, setup["sessions"][: min(n, 3000)])
        hello_cpu = server.worker_cpu_seconds()
        hello_elapsed = hello.run()
        hello_after = server.worker_cpu_seconds()
        if hello.statuses.count(200) != len(hello.sessions):
            raise BenchError(f"the reference view failed: {set(hello.statuses)}")
        cpu_before = server.worker_cpu_seconds()
        elapsed = voters.run()
        cpu_after = server.worker_cpu_seconds()
        rate = n / elapsed
        accepted = voters.statuses.count(201)
        others = {s: voters.statuses.count(s) for s in set(voters.statuses) if s != 201}
        print(
            f"Ballots over HTTP: gunicorn, {WORKERS} {WORKER_CLASS} workers x {THREADS} threads, "
            f"DEBUG off, SQLite; {CONNECTIONS} keep-alive client connections ({voters.reconnects} "
            f"opened), {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} after:"
        )
        print(
            f"  {accepted} of {n} accepted in {elapsed:.2f} s: {rate:.0f} ballots/s"
            f" (peer figure about {PEER}/s); other answers {others or 'none'};"
            f" {len(voters.errors)} transport errors"
        )
        hello_rate = len(hello.sessions) / hello_elapsed
        print(
            f"  reference: a bare view for signed-in members, {hello_rate:.0f} requests/s; "
            f"ballots/reference = {rate / hello_rate:.2f}"
        )
        if None not in (cpu_before, cpu_after, hello_cpu, hello_after):
            per_ballot = (cpu_after - cpu_before) / n
            per_hello = (hello_after - hello_cpu) / len(hello.sessions)
            print(
                f"  server CPU {per_ballot * 1e3:.2f} ms per ballot, {per_hello * 1e3:.2f} ms per "
                f"signed-in bare view: {WORKERS} busy cores would accept "
                f"{WORKERS / per_ballot:.0f} ballots/s (client CPU "
                f"{voters.client_cpu / n * 1e3:.2f} ms per ballot, on the same machine)"
            )
        counts = django_script(env, CHECK, str(setup["poll"]))
        print(
            f"  database: {counts['ballots']} ballots, {counts['participations']} participations, "
            f"{counts['commitments']} commitments in the audit log"
        )
        print(f"  {len(set(voters.receipts))} distinct receipts")
        intact = (
            accepted == n
            and len(set(voters.receipts)) == n
            and all(value == n for value in counts.values())
        )
        if not intact:
            print(f"  LOST OR DOUBLED: expected {n} of each. {server.log()[-1500:]}")
        ok = intact and rate >= BUDGET
        print(budget_line("ballots-per-second", f"{rate:.0f}", "ballots/s", ">=", str(BUDGET), ok))
        return 0 if ok else 1
    except BenchError as error:
        print(f"bench_ballots: {error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
