"""The JSON log format: one line per event, whatever the event carries."""

import json
import logging
import sys

from django.test import RequestFactory

from minga.core.logs import JsonFormatter


def _record(**extra):
    try:
        raise ValueError("line one\nline two")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django_tasks", logging.ERROR, __file__, 1, "Task %s failed", ("notify",), exc_info
    )
    record.__dict__.update(extra)
    return record


def test_it_writes_one_line_with_the_traceback_as_a_field():
    line = JsonFormatter().format(_record())
    assert "\n" not in line
    event = json.loads(line)
    assert event["logger"] == "django_tasks"
    assert event["message"] == "Task notify failed"
    assert event["exc_type"] == "ValueError"
    assert event["traceback"].endswith("ValueError: line one\nline two")
    assert "path" not in event


def test_it_names_the_request_without_its_query_string():
    request = RequestFactory().get("/accounts/reset/?token=s3cret")
    event = json.loads(JsonFormatter().format(_record(request=request, status_code=500)))
    assert (event["method"], event["path"], event["status"]) == ("GET", "/accounts/reset/", 500)
    assert "s3cret" not in json.dumps(event)


def test_it_sends_every_other_logger_s_warnings_to_standard_error_too(settings):
    assert settings.LOGGING["root"] == {"handlers": ["stderr"], "level": "WARNING"}
    assert settings.LOGGING["loggers"]["minga"]["propagate"] is False  # not twice


def test_an_expected_refusal_is_one_line_without_its_traceback(settings, db):
    """A 403 or a failed CSRF check is expected: it prints one line in the terminal."""
    import io
    import logging.config

    from django.test import Client

    from conftest import make_person

    stream = io.StringIO()
    logging.config.dictConfig(settings.LOGGING)
    try:
        for name in ("", "django.security", "django.request", "minga"):
            for handler in logging.getLogger(name).handlers:
                handler.setStream(stream)
        client = Client(enforce_csrf_checks=True)
        client.force_login(make_person("Refused Person", "refused@example.org"))
        assert client.post("/coops/new/", {"name": "x"}).status_code == 403
        logging.getLogger("django.security.csrf").warning(
            "Forbidden: %s", "/x", exc_info=_record().exc_info
        )
    finally:
        logging.config.dictConfig(settings.LOGGING)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2, lines  # the real refusal, then the one carrying an exception
    assert all("Forbidden" in line for line in lines)
    assert "Traceback" not in stream.getvalue()
