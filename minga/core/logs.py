"""Where errors go in production: standard error, one JSON event per line, and Sentry.

A log collector (journald, a container runtime) keeps standard error, and one JSON object
per line survives it intact: a traceback is a field of its event, not thirty lines a reader
must stitch back together. Django's `django.request` logger reports every unhandled error
with the request and the status; they become fields too.

Sentry receives no personal data and nothing a vote could be read from: no cookies, users or
addresses (`send_default_pii`), no request bodies (a ballot's choice, a PIN) and no local
variables of the failing frames (a voter next to a choice, in `cast_ballot`).
"""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines in values are escaped by JSON)."""

    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            # The path without its query string, which may carry tokens.
            event["method"] = request.method
            event["path"] = request.path
        status = getattr(record, "status_code", None)
        if status is not None:
            event["status"] = status
        if record.exc_info and record.exc_info[0] is not None:
            event["exc_type"] = record.exc_info[0].__qualname__
            event["traceback"] = self.formatException(record.exc_info)
        elif record.exc_text:
            event["traceback"] = record.exc_text
        if record.stack_info:
            event["stack"] = self.formatStack(record.stack_info)
        return json.dumps(event, ensure_ascii=False, default=str)


def start_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Send unhandled errors (and error logs) to Sentry, without personal or voting data."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
    )


class OneLineRefusals(logging.Filter):
    """Expected refusals (a 403, a 404, a failed CSRF check: warnings, not errors) are one
    line each: the message, never the traceback of the exception that refused."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            record.exc_info = None
            record.exc_text = None
        return True
