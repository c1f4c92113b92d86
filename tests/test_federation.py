"""Global links, tested across hosts: three Minga instances on three hosts of their own.

The test builds its own small internet: a network namespace per instance (``a``, ``b``, ``c``),
joined by veth pairs to a bridge in a fourth namespace (the "hub"), addresses of its own
(10.231.0.0/24), and each host's names in that namespace's own ``/etc/netns/NS/hosts`` (which
``ip netns exec`` puts in place of ``/etc/hosts`` for the processes it starts there, and for
nobody else). A certificate authority made for the run (``trustme``) signs each host's
certificate; every instance is told to trust it through MINGA_TLS_CA_BUNDLE and to fetch from
the federation's network through MINGA_FEDERATION_NETWORKS, and serves HTTPS itself (granian)
from its own SQLite database. Nothing leaves the namespaces: the test process only starts
processes in them.

Then, as operators linking their instances would, it checks that each instance:

- resolves the others' did:web and did:webvh identifiers (the platform's and a
  cooperative's) over HTTPS, the did:webvh ones from their verified ``did.jsonl`` logs;
- verifies their credentials: one signed before the issuer rotated its key, one after, and
  rejects one revoked (its status list fetched from the issuer), one signed by a key its
  issuer declared compromised, and one altered on the way;
- witnesses the others' logs: each signs a checkpoint that is published only once 2 of its
  2 witnesses cosigned (MINGA_LOG_WITNESS_QUORUM=2), the witnesses publish what they
  cosigned, and `minga log monitor`, run from a third host, checks the log's growth with a
  consistency proof and the quorum, and refuses a quorum the cosignatures do not reach;
- and fails to reach the others when not told to trust the test's authority.

It needs root (namespaces, port 443) and ``ip``; elsewhere it skips, saying why. Everything it
made (processes, namespaces, hosts files) goes away at the end, whatever happened.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from minga.audit import note

pytestmark = pytest.mark.federation

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "tests" / "federation_node.py"
NETWORK = "10.231.0.0/24"
HOSTS = {"a": "10.231.0.11", "b": "10.231.0.12", "c": "10.231.0.13"}
DOMAIN = "minga.test"  # RFC 2606: never a real domain
NETNS_ETC = Path("/etc/netns")


def host(name: str) -> str:
    return f"{name}.{DOMAIN}"


def _run(args: list[str], *, timeout: float = 60, check: bool = True, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(args[:8])} exited {result.returncode}:\n{result.stderr[-3000:]}"
        )
    return result


def _skip_reason() -> str | None:
    if sys.platform != "linux":
        return "network namespaces exist only on Linux"
    if os.geteuid() != 0:
        return "creating network namespaces needs root (CI runs as root)"
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is missing"
    return None


@dataclass
class Federation:
    """The namespaces, files and processes of one run, torn down by `close` in every case."""

    tmp: Path
    prefix: str = field(default_factory=lambda: f"mfed{os.getpid()}")
    namespaces: list[str] = field(default_factory=list)
    servers: dict[str, subprocess.Popen] = field(default_factory=dict)
    made_netns_etc: bool = False
    ca_file: Path | None = None
    info: dict[str, dict] = field(default_factory=dict)

    def ns(self, name: str) -> str:
        return f"{self.prefix}{name}"

    # --- network -----------------------------------------------------------------------------

    def build_network(self) -> None:
        hub = self.ns("hub")
        probe = _run(["ip", "netns", "add", hub], check=False)
        if probe.returncode != 0:
            pytest.skip(f"cannot create a network namespace: {probe.stderr.strip()}")
        self.namespaces.append(hub)
        _run(["ip", "-n", hub, "link", "add", "br0", "type", "bridge"])
        _run(["ip", "-n", hub, "link", "set", "br0", "up"])
        self.made_netns_etc = not NETNS_ETC.exists()
        hosts = "".join(f"{address} {host(name)}\n" for name, address in HOSTS.items())
        for name, address in HOSTS.items():
            ns = self.ns(name)
            _run(["ip", "netns", "add", ns])
            self.namespaces.append(ns)
            (NETNS_ETC / ns).mkdir(parents=True, exist_ok=True)
            (NETNS_ETC / ns / "hosts").write_text("127.0.0.1 localhost\n" + hosts)
            port = f"v{name}"
            _run(
                ["ip", "link", "add", "eth0", "netns", ns, "type", "veth"]
                + ["peer", "name", port, "netns", hub]
            )
            _run(["ip", "-n", hub, "link", "set", port, "master", "br0", "up"])
            _run(["ip", "-n", ns, "addr", "add", f"{address}/24", "dev", "eth0"])
            _run(["ip", "-n", ns, "link", "set", "eth0", "up"])
            _run(["ip", "-n", ns, "link", "set", "lo", "up"])

    # --- instances ---------------------------------------------------------------------------

    def env(self, name: str, **extra: str) -> dict[str, str]:
        """The settings of instance `name`: its own host, database, keys; the federation's CA."""
        var = self.tmp / name
        others = [other for other in HOSTS if other != name]
        peers = [
            f"https://{host(o)}/log/witness {self.info[o]['witness_vkey']} "
            f"{self.info[o]['log_vkey']}"
            for o in others
            if o in self.info
        ]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(var),
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "minga.settings",
            "DEBUG": "1",
            "LOG_LEVEL": "WARNING",
            "MINGA_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{var}/minga.sqlite3",
            "MINGA_PUBLIC_URL": f"https://{host(name)}",
            "ALLOWED_HOSTS": host(name),
            "MINGA_TLS_CA_BUNDLE": str(self.ca_file),
            "MINGA_FEDERATION_NETWORKS": NETWORK,
            "MINGA_LOG_WITNESS_QUORUM": "2",
            "MINGA_WITNESS_PEERS": ",".join(peers),
            "FEDERATION_NODE": name,
        }
        return env | extra

    def exec_args(self, name: str, *args: str) -> list[str]:
        return ["ip", "netns", "exec", self.ns(name), *args]

    def node(self, name: str, step: str, stdin: str = "") -> subprocess.Popen:
        return subprocess.Popen(
            self.exec_args(name, sys.executable, str(NODE), step),
            cwd=ROOT,
            env=self.env(name),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def nodes(
        self, step: str, stdin: dict[str, str] | None = None, only: str = ""
    ) -> dict[str, dict]:
        """Run `step` on every instance (or `only` one) at once; their JSON answers."""
        running = {name: self.node(name, step) for name in ([only] if only else HOSTS)}
        answers = {}
        for name, process in running.items():
            out, err = process.communicate((stdin or {}).get(name, ""), timeout=120)
            assert process.returncode == 0, f"{step} on {name} failed:\n{err[-4000:]}"
            answers[name] = json.loads(out.strip().splitlines()[-1])
        return answers

    def make_instances(self) -> None:
        import trustme
        from cryptography.hazmat.primitives import serialization

        authority = trustme.CA(organization_name="Minga federation test")
        self.ca_file = self.tmp / "federation-ca.pem"
        authority.cert_pem.write_to_path(str(self.ca_file))
        template = self.tmp / "template"
        template.mkdir()
        _run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            timeout=180,
            env={
                "PATH": os.environ.get("PATH", ""),
                "PYTHONPATH": str(ROOT),
                "DEBUG": "1",
                "MINGA_VAR_DIR": str(template),
                "DATABASE_URL": f"sqlite:///{template}/minga.sqlite3",
            },
        )
        for name in HOSTS:
            var = self.tmp / name
            var.mkdir()
            shutil.copy(template / "minga.sqlite3", var / "minga.sqlite3")
            leaf = authority.issue_cert(host(name))
            key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), None)
            (var / "key.pem").write_bytes(
                key.private_bytes(  # granian reads PKCS#8 keys only
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            (var / "cert.pem").write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))

    def start_servers(self) -> None:
        for name in HOSTS:
            var = self.tmp / name
            command = [sys.executable, "-m", "granian", "--interface", "wsgi"]
            command += ["--host", "0.0.0.0", "--port", "443", "--workers", "1"]  # noqa: S104
            command += ["--ssl-certificate", str(var / "cert.pem")]
            command += ["--ssl-keyfile", str(var / "key.pem"), "minga.wsgi:application"]
            with open(var / "server.log", "w") as output:
                self.servers[name] = subprocess.Popen(
                    self.exec_args(name, *command),
                    cwd=ROOT,
                    env=self.env(name),
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, ended as one
                )
        # Ready when a TLS handshake with each host succeeds, from inside host a.
        wait = (
            "import socket, ssl, sys, time\n"
            "context = ssl.create_default_context(cafile=sys.argv[1])\n"
            "deadline = time.monotonic() + 90\n"
            "for name in sys.argv[2:]:\n"
            "    while True:\n"
            "        try:\n"
            "            with socket.create_connection((name, 443), timeout=2) as raw:\n"
            "                context.wrap_socket(raw, server_hostname=name).close()\n"
            "            break\n"
            "        except OSError:\n"
            "            if time.monotonic() > deadline:\n"
            "                raise\n"
            "            time.sleep(0.2)\n"
        )
        result = _run(
            self.exec_args("a", sys.executable, "-c", wait, str(self.ca_file))
            + [host(name) for name in HOSTS],
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, f"the servers did not start:\n{result.stderr}{self.logs()}"

    def logs(self) -> str:
        return "".join(
            f"\n--- {name} server ---\n{(self.tmp / name / 'server.log').read_text()[-3000:]}"
            for name in HOSTS
            if (self.tmp / name / "server.log").exists()
        )

    def monitor(self, where: str, log_of: str, *extra: str, ca: bool = True, state: str = ""):
        """`minga log monitor` for `log_of`'s log, run on host `where` (needs no Django)."""
        witnesses = [o for o in HOSTS if o != log_of]
        args = [f"https://{host(log_of)}/log", "--log-key", self.info[log_of]["log_vkey"]]
        for other in witnesses:
            args += ["--witness", self.info[other]["witness_vkey"]]
        args += ["--state", str(self.tmp / where / (state or f"monitor-{log_of}.json"))]
        env = self.env(where)
        if not ca:
            del env["MINGA_TLS_CA_BUNDLE"]
        return _run(
            self.exec_args(
                where,
                sys.executable,
                "-c",
                "from minga.cli import main; main()",
                "log",
                "monitor",
                *args,
                *extra,
            ),
            cwd=ROOT,
            env=env,
            check=False,
        )

    def fetch(self, where: str, url: str) -> dict:
        """GET a JSON document from host `where`, trusting the federation's authority."""
        code = (
            "import json, sys, urllib.request\n"
            "from minga.core.tls import client_context\n"
            "with urllib.request.urlopen(sys.argv[1], timeout=10,\n"
            "                            context=client_context(sys.argv[2])) as answer:\n"
            "    print(answer.read().decode())\n"
        )
        result = _run(
            self.exec_args(where, sys.executable, "-c", code, url, str(self.ca_file)),
            cwd=ROOT,
            env=self.env(where),
        )
        return json.loads(result.stdout)

    # --- teardown ----------------------------------------------------------------------------

    def close(self) -> None:
        for process in self.servers.values():
            _end_group(process)
        for ns in self.namespaces:
            # Anything still running in our namespaces was started by this test.
            pids = _run(["ip", "netns", "pids", ns], check=False).stdout.split()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            _run(["ip", "netns", "del", ns], check=False)
            shutil.rmtree(NETNS_ETC / ns, ignore_errors=True)
        if self.made_netns_etc:
            with contextlib.suppress(OSError):  # unless someone else's arrived meanwhile
                NETNS_ETC.rmdir()


def _end_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture
def federation(tmp_path):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    run = Federation(tmp=tmp_path)
    try:
        run.build_network()
        run.make_instances()
        yield run
    finally:
        run.close()


def test_it_links_three_instances_across_hosts(federation):
    # Each instance: a cooperative, its credentials, a key rotation (no network needed yet).
    federation.info = federation.nodes("setup")
    info = federation.info
    federation.start_servers()

    # Each resolves, verifies and asks the two others to witness its checkpoint.
    stdin = {name: json.dumps([info[other] for other in HOSTS if other != name]) for name in HOSTS}
    found = federation.nodes("probe", stdin)
    for name, report in found.items():
        for other in (o for o in HOSTS if o != name):
            peer, resolved = info[other], report["resolved"]
            for kind in ("platform_did", "coop_did", "platform_webvh", "coop_webvh"):
                assert resolved[peer[kind]].get("id") == peer[kind], (name, kind, resolved)
            # did:webvh, verified entry by entry by did-webvh's resolver, names its did:web.
            assert peer["coop_did"] in resolved[peer["coop_webvh"]]["also_known_as"]
            signer = {
                kind: credential["proof"]["verificationMethod"].rpartition("#")[2]
                for kind, credential in peer["credentials"].items()
            }
            web_keys = resolved[peer["coop_did"]]["keys"]
            webvh_keys = resolved[peer["coop_webvh"]]["keys"]
            # Rotated keys stay published (what they signed keeps verifying); the compromised
            # one is gone from both documents; the did:webvh one names the active key only.
            assert signer["before_rotation"] in web_keys and signer["after_rotation"] in web_keys
            assert signer["compromised"] not in web_keys + webvh_keys
            assert len(webvh_keys) == 1 and webvh_keys[0] in web_keys
            assert webvh_keys[0] not in signer.values()
            verified = report["verified"]
            for kind in ("before_rotation", "after_rotation"):
                assert verified[f"{other}:{kind}"]["verified"], (name, other, kind, verified)
                assert verified[f"{other}:{kind}"]["checks"]["status"] == "passed"
            leaked = verified[f"{other}:compromised"]  # signed by a key declared compromised
            assert not leaked["verified"]
            assert leaked["checks"]["issuer"] == "failed", leaked
            revoked = verified[f"{other}:revoked"]  # its issuer's status list says so
            assert not revoked["verified"]
            assert revoked["checks"]["signature"] == "passed"
            assert revoked["checks"]["status"] == "failed"
            altered = verified[f"{other}:altered"]
            assert not altered["verified"]
            assert altered["checks"]["signature"] == "failed"
        # Its checkpoint waited for 2 witnesses and was published when they cosigned.
        assert report["checkpoint"] == {
            "size": report["checkpoint"]["size"],
            "cosigners": 2,
            "published": True,
        }, (name, report["checkpoint"], federation.logs())

    # Each witness publishes what it cosigned, for everyone to compare.
    for witness in HOSTS:
        state = federation.fetch("a", f"https://{host(witness)}/log/witness")
        cosigned = {item["origin"]: item["size"] for item in state["cosigned"]}
        expected = {f"{host(o)}/log": found[o]["checkpoint"]["size"] for o in HOSTS if o != witness}
        assert cosigned == expected
        assert state["refused"] == []

    # A monitor on a third host follows a's log, as anyone may, against the witnesses' keys.
    first = federation.monitor("c", "a", "--quorum", "2")
    assert first.returncode == 0, first.stderr
    assert "2 of 2 witnesses cosigned" in first.stdout
    grown = federation.nodes("checkpoint", only="a")["a"]
    assert grown["cosigners"] == 2 and grown["published"], grown
    again = federation.monitor("c", "a", "--quorum", "2")
    assert again.returncode == 0, again.stderr
    assert f"at {grown['size']} entries (was {found['a']['checkpoint']['size']})" in again.stdout

    # A quorum larger than the witnesses who cosigned is a finding (exit 1), not a pass.
    stranger = Ed25519PrivateKey.generate().public_key()
    extra = note.Verifier(f"x.{DOMAIN}/log/witness", stranger, note.SIG_COSIGNATURE_V1).vkey
    short = federation.monitor("b", "a", "--witness", extra, state="short.json")
    assert short.returncode == 1, short.stdout + short.stderr
    assert "missing quorum: 2 of the 3 required witnesses" in short.stderr

    # Without the federation's authority, the other hosts' certificates are not trusted.
    untrusted = federation.monitor("b", "a", ca=False, state="untrusted.json")
    assert untrusted.returncode == 2, untrusted.stdout + untrusted.stderr
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
