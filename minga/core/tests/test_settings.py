"""Production settings come from the environment only and refuse unsafe starts."""

import base64
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SECRET = "k3y-Of-60-chars:" + "abcdefghij0123456789ABCDEFGHIJ" + "+/=!?-_.~@#$%^"


def run(args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=120,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = run(["check"], DEBUG="0", MINGA_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_a_short_secret_key(tmp_path):
    result = run(["check"], DEBUG="0", SECRET_KEY="short", MINGA_VAR_DIR=str(tmp_path))
    assert result.returncode != 0


def test_it_passes_the_deployment_checks(tmp_path):
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=SECRET,
        MINGA_VAR_DIR=str(tmp_path),
        ALLOWED_HOSTS="minga.example.coop",
        EMAIL_HOST="smtp.example.coop",
        MINGA_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
        MINGA_PROXY_MAX_REQUEST_BYTES=str(128 * 1024 * 1024),
        SENTRY_DSN="https://public@sentry.example.invalid/1",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_it_warns_about_what_weakens_production(tmp_path):
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=SECRET,
        MINGA_VAR_DIR=str(tmp_path),
        ALLOWED_HOSTS="minga.example.coop",
        MINGA_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
        DATABASE_URL=f"sqlite:///{tmp_path}/minga.sqlite3",
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "core.W003" in output  # no body limit stated for the proxy
    assert "core.W005" in output  # errors reported nowhere but standard error
    assert "core.W001" not in output  # the SQLite URL got Minga's engine


def test_it_refuses_a_key_of_few_distinct_characters(tmp_path):
    result = run(["check"], DEBUG="0", SECRET_KEY="ab" * 40, MINGA_VAR_DIR=str(tmp_path))
    assert result.returncode != 0


def test_it_fails_loudly_when_an_integration_is_half_configured(tmp_path):
    result = run(["check"], DEBUG="1", SMS_PROVIDER="africastalking", MINGA_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "AFRICASTALKING_API_KEY" in result.stderr


def test_it_rejects_malformed_values(tmp_path):
    result = run(["check"], DEBUG="maybe", MINGA_VAR_DIR=str(tmp_path))
    assert "DEBUG must be a boolean" in result.stderr
