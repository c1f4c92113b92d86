"""Page weight and throughput of Minga's public pages.

Sets up a throwaway instance (SQLite under a temporary MINGA_VAR_DIR, `minga migrate`,
`minga demo`, `minga collectstatic`, DEBUG off), serves it with granian (2 workers, as in
production) and measures:

- page weight of every page a visitor reaches without signing in, in every language (with
  the demo's cooperatives, accepted needs and the pages of its announced coop-a-thon):
  first visit = gzip(HTML) + gzip of every same-origin stylesheet, script, image and icon
  it references (and what those stylesheets reference); repeat visit = gzip(HTML) only;
- throughput of the cooperative directory (/coops/) against a bare Django "hello" view
  served by the same server with the same settings and middleware (bench/urls_bench.py).

Budgets and the output format: bench/README.md. Exits 1 when a budget fails, 2 when the
measurement itself could not be made.
"""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

FIRST_VISIT_BUDGET_KB = 50
REPEAT_VISIT_BUDGET_KB = 15
THROUGHPUT_RATIO_BUDGET = 0.50
KB = 1000  # bytes: budgets are in SI kilobytes, the stricter reading

GZIP_LEVEL = 6  # what nginx, Apache and most CDNs use
WORKERS = 2
# granian as README's Production section runs it: WSGI, one application thread per worker
# process (the interpreter lock admits one at a time), HTTP handled in its own runtime.
SERVER_OPTIONS = [
    "--interface",
    "wsgi",
    "--blocking-threads",
    "1",
    "--runtime-mode",
    "st",
    "--no-ws",
]
CONNECTIONS = 4  # concurrent client connections: two per worker, so no worker waits
WARMUP_SECONDS = 1.0
MEASURE_SECONDS = 5.0
HELLO = "/bench-hello/"
DIRECTORY = "/coops/"
EXTRA_THROUGHPUT = ["/coops/?country=KE", "/"]
EXTRA_PAGES = ["/coops/?country=KE"]  # query-string variants the URLconf cannot reveal
# Pages weighed signed in, as the demo's coffee cooperative secretary (member of two
# cooperatives, with polls, trainings and credentials): the signed-in home page first. The
# registration page (/accounts/signup/) is among the routes above.
SIGNED_IN_AS = "secretary@twizerane.demo.minga.coop"
SIGNED_IN_PAGES = ["/", "/decisions/", "/credentials/"]

# Types sent compressed by a server; anything else (images, fonts) is counted as is.
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")

# Settings read from the environment that must not leak from the caller's shell into the
# throwaway instance (a DATABASE_URL would point the bench at a real database).
ENV_PREFIXES = ("MINGA_", "EMAIL_", "SECURE_", "AFRICASTALKING_", "LOGIN_THROTTLE_")
ENV_NAMES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "DEFAULT_FROM_EMAIL",
    "SMS_PROVIDER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LOG_LEVEL",
    "DJANGO_SETTINGS_MODULE",
}


class BenchError(RuntimeError):
    """The measurement could not be made (as opposed to a budget that failed)."""


def budget_line(name: str, figure: str, unit: str, op: str, limit: str, ok: bool) -> str:
    return f"BUDGET {name}: {figure} {unit} (budget {op} {limit}) {'PASS' if ok else 'FAIL'}"


# --- the throwaway instance ---------------------------------------------------------------


def make_env(tmp: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ENV_NAMES and not name.startswith(ENV_PREFIXES)
    }
    alphabet = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
            "DEBUG": "0",
            "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "MINGA_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "MINGA_VAR_DIR": str(tmp / "var"),
            "MINGA_BENCH_STATIC_ROOT": str(tmp / "static"),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def run_in_child(script: str, child, *, timeout: int) -> int:
    """Run a bench script's `child()` in a fresh process with a clean environment.

    The parent makes a temporary directory, starts the script again with `--child` under
    `make_env`, and removes the directory whatever happens (SIGTERM included). In the child,
    `child()` runs and a `BenchError` becomes exit status 2 with the reason on stderr.
    """
    name = Path(script).stem
    if sys.argv[1:] == ["--child"]:
        try:
            return child()
        except BenchError as error:
            print(f"{name}: could not measure: {error}", file=sys.stderr)
            return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup below
    tmp = Path(tempfile.mkdtemp(prefix=f"minga-{name.replace('_', '-')}-"))
    try:
        env = make_env(tmp)
        env["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
        done = subprocess.run(
            [PYTHON, str(Path(script).resolve()), "--child"],
            env=env,
            cwd=ROOT,
            timeout=int(os.environ.get("BENCH_TIMEOUT", str(timeout))),
            check=False,
        )
    except subprocess.TimeoutExpired:
        print(f"{name}: could not measure: timed out", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return done.returncode


def minga(env: dict[str, str], *args: str, **extra_env: str) -> str:
    """Run a `minga` command (the console script is `minga.cli:main`)."""
    done = subprocess.run(
        [PYTHON, "-m", "minga.cli", *args],
        env={**env, **extra_env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(
            f"`minga {' '.join(args)}` exited with {done.returncode}:\n"
            f"{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done.stdout


def python_json(env: dict[str, str], argv: list[str], what: str, timeout: int = 600):
    """Run the project's Python with `argv` under `env` and return the JSON it prints."""
    done = subprocess.run(
        [PYTHON, *argv],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"{what} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The production server, granian (README: Production), serving bench/wsgi_bench.py: the
    project plus /bench-hello/, in `workers` processes of one application thread each."""

    workers = WORKERS

    def __init__(self, env: dict[str, str], tmp: Path):
        self.env = env
        self.log_path = tmp / "server.log"
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.port = free_port()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "granian",
                    *SERVER_OPTIONS,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                    "--working-dir",
                    str(ROOT),
                    "--log-level",
                    "warning",
                    "bench.wsgi_bench:application",
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
                raise BenchError(f"the server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                workers_up = len(self.worker_pids()) == self.workers or not Path("/proc").is_dir()
                # Up when it answers: 503 only says no `minga worker` runs beside it.
                if get(self.port, "/health")[0] in (200, 503) and workers_up:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"the server did not answer within 30 s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def worker_cpu_seconds(self) -> float | None:
        """CPU time (user + system) the workers have used so far; None off Linux."""
        total = 0
        pids = self.worker_pids()
        if not pids:
            return None
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGINT)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass


def get(port: int, path: str, headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


# Pages of the coop-a-thons, by route; `list_routes` fills in the slugs and ids of the demo.
EVENT_PAGES = ["", "faq/", "challenges/", "teams/", "how-we-judge/", "results/", "winners/"]
PEOPLE_PAGES = ["log entry page", "credential page", "printable certificate", "verification result"]


def list_routes() -> None:
    """Child mode (`--list-routes`): print the URLconf's routes as JSON.

    Run with the bench environment, so it sees the throwaway database. Routes with
    parameters are measured with the demo's values: every cooperative, every accepted need,
    and the pages of the most recently announced event (its results and winners' gallery
    are public).
    """
    import django

    django.setup()
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import timezone

    from minga.challenges.models import Need
    from minga.coops.models import Cooperative
    from minga.events.models import Event

    slugs = list(Cooperative.objects.order_by("slug").values_list("slug", flat=True))
    needs = list(Need.objects.accepted().order_by("pk").values_list("pk", flat=True))
    announced = (
        Event.objects.filter(status=Event.Status.PUBLISHED, announcement_at__lte=timezone.now())
        .order_by("-announcement_at")
        .first()
    )
    samples = {
        "coops/<slug:slug>/": [f"/coops/{slug}/" for slug in slugs],
        "needs/<int:pk>/": [f"/needs/{pk}/" for pk in needs],
    }
    if announced is not None:
        for page in EVENT_PAGES:
            samples[f"events/<slug:slug>/{page}"] = [f"/events/{announced.slug}/{page}"]
    # A signed-in member's own pages (the home page above all), weighed with their session.
    from django.test import Client

    from minga.accounts.models import User

    member = User.objects.filter(email=SIGNED_IN_AS).first()
    session = ""
    if member is not None:
        client = Client()
        client.force_login(member)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Pages for people behind routes the walk cannot fill in: a log entry's page, a
    # credential's page, its printable certificate and the result of checking a printed one.
    from minga.audit.models import Entry
    from minga.credentials import credential as documents
    from minga.credentials.models import Credential

    last_entry = Entry.objects.order_by("-index").values_list("index", flat=True).first()
    if last_entry is not None:
        samples["log entry page"] = [f"/log/entry/{last_entry}"]
    shown = Credential.objects.filter(status=Credential.Status.ACTIVE).order_by("pk").first()
    if shown is not None:
        link = documents.credential_url(shown.uuid)
        check = urlsplit(documents.verify_url(link, documents.qr_digest(shown.sha256)))
        samples["credential page"] = [urlsplit(link).path]
        samples["printable certificate"] = [urlsplit(link).path.rstrip("/") + "/print/"]
        samples["verification result"] = [f"{check.path}?{check.query}"]
    missing = [route for route, paths in samples.items() if not paths]
    if not session:
        missing.append(f"the demo person {SIGNED_IN_AS} (signed-in pages)")
    if announced is None:
        missing.append("an announced event (events/<slug:slug>/...)")
    plain, skipped = [], []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            route = getattr(entry.pattern, "_route", None)
            if route is None:  # a regular expression: keep it only if it is a literal
                route = str(entry.pattern).removeprefix("^").removesuffix("$")
                if re.search(r"[\\()\[\]?*+{}|.]", route):
                    skipped.append(prefix + route)
                    continue
            if hasattr(entry, "url_patterns"):
                walk(entry.url_patterns, prefix + route)
            elif "<" not in route:
                plain.append("/" + prefix + route)
            elif prefix + route in samples:
                plain.extend(samples[prefix + route])
            else:
                skipped.append(prefix + route)

    walk(get_resolver().url_patterns, "")
    print(
        json.dumps(
            {
                "routes": list(dict.fromkeys(plain)),
                "extra": [path for name in PEOPLE_PAGES for path in samples.get(name, [])],
                "skipped": skipped,
                "missing": missing,
                "languages": [code for code, _name in settings.LANGUAGES],
                "session": f"{settings.SESSION_COOKIE_NAME}={session}",
            }
        )
    )


# --- page weight --------------------------------------------------------------------------


class References(HTMLParser):
    """What a browser fetches to show the page: stylesheets, scripts, images, icons."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            rels = (attrs.get("rel") or "").lower().split()
            if {"stylesheet", "icon", "preload", "modulepreload"} & set(rels):
                self.urls.append(attrs.get("href") or "")
        elif tag in ("script", "img") or (tag == "input" and attrs.get("type") == "image"):
            self.urls.append(attrs.get("src") or "")

    handle_startendtag = handle_starttag


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def compressed_size(content_type: str, body: bytes) -> int:
    if content_type.startswith(TEXT_TYPES):
        return len(gzip.compress(body, GZIP_LEVEL, mtime=0))
    return len(body)


class PageWeigher:
    def __init__(self, port: int):
        self.port = port
        self.origin = f"127.0.0.1:{port}"
        self.assets: dict[str, tuple[int, int]] = {}  # path -> (status, bytes over the wire)
        self.css_refs: dict[str, list[str]] = {}  # stylesheet path -> what it references
        self.missing: set[str] = set()  # for the page being weighed
        self.external: set[str] = set()
        self.not_page = ""  # why the last path weighed is not a page

    def asset(self, path: str, seen: set[str]) -> int:
        if path in seen:
            return 0
        seen.add(path)
        if path not in self.assets:
            status, content_type, body = get(self.port, path, {"Accept-Encoding": "identity"})
            size = compressed_size(content_type, body) if status == 200 else 0
            self.assets[path] = (status, size)
            if status == 200 and content_type.startswith("text/css"):
                css = body.decode(errors="replace")
                self.css_refs[path] = [m.group(1) or m.group(2) for m in CSS_URL.finditer(css)]
        status, size = self.assets[path]
        if status != 200:
            self.missing.add(f"{path} ({status})")
        for ref in self.css_refs.get(path, []):
            size += self.reference(urljoin(path, ref), seen)
        return size

    def reference(self, url: str, seen: set[str]) -> int:
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https") or not (parts.path or parts.netloc):
            return 0  # data: URIs and the like cost nothing more
        if parts.netloc and parts.netloc != self.origin:
            self.external.add(url)
            return 0
        return self.asset(parts.path + (f"?{parts.query}" if parts.query else ""), seen)

    def weigh(self, path: str, language: str, cookie: str = "") -> tuple[int, int, int] | None:
        """(raw HTML, gzip HTML, gzip HTML + assets) in bytes, or None if not an HTML page."""
        headers = {"Accept-Language": language, "Accept-Encoding": "identity"}
        if cookie:
            headers["Cookie"] = cookie
        status, content_type, body = get(self.port, path, headers)
        if status != 200 or not content_type.startswith("text/html"):
            self.not_page = f"{status} {content_type.split(';')[0] or '-'}"
            return None
        html = len(gzip.compress(body, GZIP_LEVEL, mtime=0))
        parser = References()
        parser.feed(body.decode(errors="replace"))
        seen: set[str] = set()
        assets = sum(self.reference(urljoin(path, url), seen) for url in parser.urls if url)
        return len(body), html, html + assets


def page_weights(port: int, routes: dict) -> list[str]:
    weigher = PageWeigher(port)
    rows, not_pages = [], []
    pages = [(path, "") for path in routes["routes"] + EXTRA_PAGES + routes.get("extra", [])]
    pages += [(path, routes["session"]) for path in SIGNED_IN_PAGES]
    for path, cookie in pages:
        weigher.missing, weigher.external = set(), set()
        worst = None
        for language in routes["languages"]:
            weight = weigher.weigh(path, language, cookie)
            if weight is None:
                break
            if worst is None or weight[2] > worst[1][2]:
                worst = (language, weight)
        if cookie:
            path += " (signed in)"
        if worst is None:
            not_pages.append(f"{path} ({weigher.not_page})")
            continue
        notes = []
        if weigher.missing:
            notes.append("missing: " + ", ".join(sorted(weigher.missing)))
        if weigher.external:
            notes.append(f"{len(weigher.external)} other-origin file(s) not counted")
        rows.append((path, *worst, "; ".join(notes)))

    print(f"Page weight, gzip level {GZIP_LEVEL}, 1 KB = {KB} bytes, heaviest language per page:")
    print(f"  {'page':48} {'lang':4} {'HTML':>8} {'repeat':>8} {'first':>8}  notes")
    for path, language, (raw, html, first), notes in rows:
        print(
            f"  {path:48} {language:4} {raw / KB:8.1f} {html / KB:8.1f} {first / KB:8.1f}  {notes}"
        )
    print(
        "  HTML = uncompressed HTML; repeat = gzip(HTML); "
        "first = gzip(HTML) + gzip of the files it references"
    )
    for title, items in [
        ("Not pages for an anonymous visitor", not_pages),
        ("Routes with parameters, not measured", routes["skipped"]),
    ]:
        total = len(items)
        admin = [item for item in items if item.lstrip("/").startswith("admin/")]
        if admin:
            items = [item for item in items if item not in admin]
            items.append(f"{len(admin)} more under /admin/ (staff only)")
        print(
            textwrap.fill(
                ", ".join(items),
                width=100,
                initial_indent=f"  {title} ({total}): ",
                subsequent_indent="    ",
                break_on_hyphens=False,
            )
        )
    if not rows:
        raise BenchError("no page could be weighed")
    first = max(rows, key=lambda row: row[2][2])
    repeat = max(rows, key=lambda row: row[2][1])
    print(
        f"  Heaviest first visit: {first[0]} ({first[1]}); heaviest repeat: {repeat[0]} "
        f"({repeat[1]}); {len(rows)} pages"
    )
    first_kb, repeat_kb = first[2][2] / KB, repeat[2][1] / KB
    return [
        budget_line(
            "page-weight-first-visit",
            f"{first_kb:.1f}",
            "KB",
            "<=",
            str(FIRST_VISIT_BUDGET_KB),
            first[2][2] <= FIRST_VISIT_BUDGET_KB * KB,
        ),
        budget_line(
            "page-weight-repeat-visit",
            f"{repeat_kb:.1f}",
            "KB",
            "<=",
            str(REPEAT_VISIT_BUDGET_KB),
            repeat[2][1] <= REPEAT_VISIT_BUDGET_KB * KB,
        ),
    ]


# --- throughput ---------------------------------------------------------------------------


class Load:
    """Keeps `connections` requests in flight for `seconds`, like a small wrk.

    Connections are kept alive while the server allows it; when it closes one, the client
    reconnects, as a browser would.
    """

    def __init__(self, port: int, path: str, seconds: float, connections: int = CONNECTIONS):
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: minga-bench\r\n"
            "Accept: text/html\r\nAccept-Encoding: gzip\r\nAccept-Language: en\r\n\r\n"
        ).encode()
        self.port, self.seconds, self.connections = port, seconds, connections
        self.done = [0] * connections
        self.errors = [0] * connections
        self.body_bytes = [0] * connections
        self.first_error: str | None = None

    def run(self) -> Load:
        self.deadline = time.perf_counter() + self.seconds
        cpu = time.process_time()
        start = time.perf_counter()
        threads = [
            threading.Thread(target=self.client, args=(i,), daemon=True)
            for i in range(self.connections)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.elapsed = time.perf_counter() - start
        self.client_cpu = time.process_time() - cpu
        return self

    def client(self, i: int) -> None:
        sock, buffer = None, b""
        while time.perf_counter() < self.deadline:
            try:
                if sock is None:
                    sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    buffer = b""
                sock.sendall(self.request)
                status, length, close, buffer = self.response(sock, buffer)
                if status == 200:
                    self.done[i] += 1
                    self.body_bytes[i] += length
                else:
                    self.errors[i] += 1
                    self.first_error = self.first_error or f"HTTP {status}"
                if close:
                    sock.close()
                    sock = None
            except OSError as error:
                self.errors[i] += 1
                self.first_error = self.first_error or repr(error)
                if sock is not None:
                    sock.close()
                sock = None
        if sock is not None:
            sock.close()

    @staticmethod
    def response(sock: socket.socket, buffer: bytes):
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed before the response headers")
            buffer += chunk
        head, _, buffer = buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length, close = None, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        if length is None:  # no length: the body runs to the end of the connection
            while chunk := sock.recv(65536):
                buffer += chunk
            return status, len(buffer), True, b""
        while len(buffer) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed in the middle of a response")
            buffer += chunk
        return status, length, close, buffer[length:]

    @property
    def requests(self) -> int:
        return sum(self.done)

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed


def measure(server: Server, path: str, seconds: float, label: str) -> tuple[float, float | None]:
    """(requests/s, workers' CPU seconds per request or None off Linux)."""
    cpu_before = server.worker_cpu_seconds()
    load = Load(server.port, path, seconds).run()
    cpu_after = server.worker_cpu_seconds()
    errors = sum(load.errors)
    n = max(load.requests, 1)
    cpu = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) / n
    print(
        f"  {path:22} {label:7} {load.rate:8.1f} req/s  ({load.requests} in {load.elapsed:.1f} s, "
        + (f"server CPU {cpu * 1e6:5.0f} us/req, " if cpu is not None else "")
        + f"client CPU {load.client_cpu / n * 1e6:4.0f} us/req, "
        f"{sum(load.body_bytes) / n:6.0f} B/response, {errors} errors)"
    )
    if errors:
        raise BenchError(f"{errors} failed requests on {path}, first: {load.first_error}")
    return load.rate, cpu


def throughput(server: Server) -> list[str]:
    print(
        f"Throughput: granian, {WORKERS} workers, DEBUG off, {CONNECTIONS} client "
        f"connections, {MEASURE_SECONDS:.0f} s per run, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} before:"
    )
    for path in [HELLO, DIRECTORY, *EXTRA_THROUGHPUT]:
        Load(server.port, path, WARMUP_SECONDS).run()
    hello, directory = [], []
    for run in (1, 2):
        hello.append(measure(server, HELLO, MEASURE_SECONDS, f"run {run}"))
        directory.append(measure(server, DIRECTORY, MEASURE_SECONDS, f"run {run}"))
    for path in EXTRA_THROUGHPUT:
        measure(server, path, MEASURE_SECONDS, "extra")
    hello_rate = statistics.median(rate for rate, _ in hello)
    directory_rate = statistics.median(rate for rate, _ in directory)
    ratio = directory_rate / hello_rate
    print(
        f"  medians: {HELLO} {hello_rate:.1f} req/s, {DIRECTORY} {directory_rate:.1f} req/s; "
        f"load average {os.getloadavg()[0]:.1f} after"
    )
    if all(cpu for _, cpu in hello + directory):
        hello_cpu = statistics.median(cpu for _, cpu in hello)
        directory_cpu = statistics.median(cpu for _, cpu in directory)
        print(
            f"  server CPU per request, medians: {HELLO} {hello_cpu * 1e6:.0f} us, {DIRECTORY} "
            f"{directory_cpu * 1e6:.0f} us; hello/directory = {hello_cpu / directory_cpu:.2f} "
            "(the ratio when the workers are CPU-bound; less sensitive to other load)"
        )
    return [
        budget_line(
            "public-pages-throughput",
            f"{ratio:.2f}",
            "x hello",
            ">=",
            f"{THROUGHPUT_RATIO_BUDGET:.2f}",
            ratio >= THROUGHPUT_RATIO_BUDGET,
        ),
    ]


# --- main ---------------------------------------------------------------------------------


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup below
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="minga-bench-pages-"))
    server = None
    try:
        env = make_env(tmp)
        minga(env, "migrate", "--verbosity", "0")
        minga(env, "demo", MINGA_BENCH_FAST_PASSWORDS="1")  # see bench/settings_bench.py
        minga(env, "collectstatic", "--noinput", "--verbosity", "0")
        routes = python_json(
            env, [str(Path(__file__).resolve()), "--list-routes"], "listing the routes", 120
        )
        if routes["missing"]:
            raise BenchError("the demo has nothing to measure for: " + ", ".join(routes["missing"]))
        print(f"Demo instance ready in {time.monotonic() - started:.0f} s ({tmp}).")
        server = Server(env, tmp)
        server.start()
        phase = time.monotonic()
        lines = page_weights(server.port, routes)
        print(f"  (weighed in {time.monotonic() - phase:.0f} s)")
        lines += throughput(server)
    except BenchError as error:
        print(f"bench_pages: could not measure: {error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"bench_pages took {time.monotonic() - started:.0f} s.")
    for line in lines:
        print(line)
    return 0 if all(line.endswith(" PASS") for line in lines) else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--list-routes"]:
        list_routes()
    else:
        sys.exit(main())
