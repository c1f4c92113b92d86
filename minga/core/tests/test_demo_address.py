"""`make demo HOST=... PORT=...`: the demo follows the address it serves, and lists its
sign-ins last, after the server's start-up lines."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]


def demo_commands(**variables: str) -> list[str]:
    args = [f"{name}={value}" for name, value in variables.items()]
    # As from a fresh shell: the caller's own database or address would rightly win.
    overridden = ("DATABASE_URL", "MINGA_PUBLIC_URL", "ALLOWED_HOSTS")
    env = {name: value for name, value in os.environ.items() if name not in overridden}
    done = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "demo", *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return [line for line in done.stdout.splitlines() if "bin/minga " in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_every_demo_command_runs_for_the_address_it_serves():
    lines = demo_commands(HOST="192.0.2.7", PORT="8100")
    assert lines and all("MINGA_PUBLIC_URL=http://192.0.2.7:8100 " in line for line in lines)
    assert all("ALLOWED_HOSTS=192.0.2.7,127.0.0.1,localhost " in line for line in lines)
    # Its data is signed for that address: a database of its own, never the 8000 one.
    assert all("var/demo-192.0.2.7-8100.sqlite3 " in line for line in lines)
    assert any("runserver 192.0.2.7:8100" in line for line in lines)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_sign_ins_come_last_once_the_server_answers():
    lines = demo_commands(PORT="8100")
    assert any("minga demo --no-sign-ins" in line for line in lines)
    assert any("--sign-ins-after http://127.0.0.1:8100/health" in line for line in lines)


@pytest.mark.django_db
def test_it_lists_the_sign_ins_once_the_server_answers(live_server, settings):
    settings.MINGA_PUBLIC_URL = live_server.url
    out = io.StringIO()
    call_command("demo", "--sign-ins-after", f"{live_server.url}/health", stdout=out)
    text = out.getvalue()
    assert f"Minga's demo is served at {live_server.url}/" in text
    assert "organiser@demo.minga.coop" in text and "minga-demo-2026" in text
