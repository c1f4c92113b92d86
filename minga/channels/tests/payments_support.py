"""The provider stand-in, a handler standing in for the books, and helpers to replay callbacks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from minga.channels.models import Payment
from minga.channels.payments import standin
from minga.channels.payments.inbox import Booking

TOKEN = "callback-secret-for-tests"


@dataclass
class Books:
    """Books the payments it is given: a member reference it knows posts, others go to suspense."""

    members: set[str] = field(default_factory=lambda: {"M0042", "M0007"})
    settled: list[tuple[str, int, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def check(self, *, owner, reference, amount, currency):
        if reference.upper() not in self.members:
            return "account"
        return "amount" if amount > 150_000_00 else ""

    def settle(self, payment, *, doubt):
        self.settled.append((str(payment.uid), payment.confirmed_amount, payment.reference))
        if doubt or payment.reference.upper() not in self.members:
            return Booking(
                Payment.Status.SUSPENSE, f"entry {len(self.settled)}", doubt or "unknown"
            )
        return Booking(Payment.Status.POSTED, f"entry {len(self.settled)}")

    def failed(self, payment):
        self.failures.append(payment.reason)


def post(client, url, body, method="POST", **extra):
    """Send one callback as the provider would (the test client speaks to the path part)."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    send = client.put if method == "PUT" else client.post
    return send(path, data=json.dumps(body), content_type="application/json", **extra)


def deliver(client, callbacks=None, *, reverse=False):
    """Deliver (and forget) the stand-in's callbacks; their answers."""
    todo = list(standin.outbox if callbacks is None else callbacks)
    if callbacks is None:
        standin.outbox.clear()
    if reverse:
        todo.reverse()
    return [post(client, c.url, c.body, c.method) for c in todo]


def settle_all(client, run_tasks, rounds=6):
    """Run the worker and deliver callbacks until nothing is left to do."""
    for _ in range(rounds):
        ran = run_tasks()
        sent = deliver(client)
        if not ran and not sent:
            return


def url(name, **params):
    from minga.channels.payments.providers import callback_url

    return callback_url(name, TOKEN, **params)
