"""Production reports its errors: one JSON line on standard error, and Sentry when set.

Before, with DEBUG off, an unhandled error left no trace anywhere while the error page
said "The error is recorded". Each test runs a production process (DEBUG off) that serves
one failing request; Sentry gets a transport that keeps what it would send (no network).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SECRET = "k3y-Of-60-chars:" + "abcdefghij0123456789ABCDEFGHIJ" + "+/=!?-_.~@#$%^"

SERVE_ONE_FAILING_REQUEST = """
import json, sys
import django
django.setup()
import sentry_sdk
from sentry_sdk.transport import Transport
from django.test import Client, override_settings

class Keep(Transport):
    def __init__(self):
        super().__init__()
        self.events = []
    def capture_envelope(self, envelope):
        event = envelope.get_event()
        if event is not None:
            self.events.append(event)

client = sentry_sdk.get_client()
client.transport = keep = Keep()
with override_settings(ROOT_URLCONF="minga.core.tests.raising_urls"):
    response = Client(raise_request_exception=False).post(
        "/fail?token=s3cret", {"choice": "Wednesday evening"}, secure=True
    )
sentry_sdk.flush()
print(json.dumps({
    "status": response.status_code,
    "sentry": client.is_active(),
    "options": {k: client.options[k] for k in (
        "environment", "send_default_pii", "include_local_variables", "max_request_body_size"
    )},
    "events": keep.events,
}, default=str))
"""


def serve_one_failing_request(tmp_path, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "SENTRY_DSN", "LOG_FORMAT"}
    }
    result = subprocess.run(
        [sys.executable, "-c", SERVE_ONE_FAILING_REQUEST],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "minga.settings",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "0",
            "SECRET_KEY": SECRET,
            "MINGA_VAR_DIR": str(tmp_path),
            **env,
        },
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_it_logs_an_unhandled_error_as_one_json_line_on_standard_error(tmp_path):
    outcome, stderr = serve_one_failing_request(tmp_path)
    assert outcome["status"] == 500
    # Python's own warnings (a missing static directory) may precede it, as plain text.
    events = [line for line in stderr.splitlines() if line.startswith("{")]
    assert len(events) == 1, stderr
    event = json.loads(events[0])
    assert event["level"] == "ERROR"
    assert event["logger"] == "django.request"
    assert event["message"] == "Internal Server Error: /fail"
    assert event["method"] == "POST"
    assert event["path"] == "/fail"  # never the query string, which may carry tokens
    assert event["status"] == 500
    assert event["exc_type"] == "RuntimeError"
    assert event["traceback"].startswith("Traceback (most recent call last):")
    assert "the ledger does not balance" in event["traceback"]
    assert event["time"].endswith("+00:00")


def test_it_does_not_start_sentry_without_a_dsn(tmp_path):
    outcome, _stderr = serve_one_failing_request(tmp_path)
    assert outcome["sentry"] is False
    assert outcome["events"] == []


def test_it_sends_unhandled_errors_to_sentry_when_a_dsn_is_set(tmp_path):
    outcome, stderr = serve_one_failing_request(
        tmp_path, SENTRY_DSN="https://public@sentry.example.coop/1", SENTRY_ENVIRONMENT="staging"
    )
    assert outcome["sentry"] is True
    assert outcome["options"] == {
        "environment": "staging",
        "send_default_pii": False,
        "include_local_variables": False,
        "max_request_body_size": "never",
    }
    (event,) = outcome["events"]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    # Nothing of the request's body (a ballot's choice) nor any local variable leaves.
    assert "Wednesday evening" not in json.dumps(event)
    assert all(
        "vars" not in frame for frame in event["exception"]["values"][-1]["stacktrace"]["frames"]
    )
    # Standard error still has it.
    assert "RuntimeError" in stderr
