"""Agent transactions at once on PostgreSQL: the float is never overdrawn."""

import pytest
from django.db import connection
from django.utils import timezone

from conftest import run_at_once
from minga.agents import actions
from minga.agents.actions import AgentError
from minga.agents.models import AgentTransaction
from minga.treasury import verify

from .conftest import approve

# Skipped before any fixture posts: SQLite's flush could not empty books that refuse deletes.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks only mean something on PostgreSQL: run with DATABASE_URL=postgres://...",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_withdrawals_at_once_never_overdraw_the_float(
    agent, treasurer, checker, agent_person, saver, member_pin
):
    approve(
        actions.request_float(agent=agent, actor=treasurer, kind="allocation", amount=1_000_00),
        checker,
    )

    def withdraw():
        actions.start_transaction(
            agent=agent, actor=agent_person, kind="withdrawal", member_ref=saver.ref, amount=300_00
        )

    failures = run_at_once([withdraw for _ in range(10)], connections=10)
    assert len(failures) == 7 and all(isinstance(f, AgentError) for f in failures)
    pending = list(AgentTransaction.objects.filter(status="pending"))
    assert len(pending) == 3

    def confirm(txn):
        return lambda: actions.confirm_transaction(txn=txn, actor=agent_person, pin=member_pin)

    assert run_at_once([confirm(txn) for txn in pending], connections=3) == []
    assert actions.float_balance(agent) == 100_00
    assert verify.verify_all() == []


def test_a_settlement_and_withdrawals_at_once_never_overdraw(
    agent, treasurer, checker, agent_person, saver
):
    approve(
        actions.request_float(agent=agent, actor=treasurer, kind="allocation", amount=1_000_00),
        checker,
    )

    def settle():
        actions.request_float(agent=agent, actor=treasurer, kind="settlement", amount=800_00)

    def withdraw():
        actions.start_transaction(
            agent=agent, actor=agent_person, kind="withdrawal", member_ref=saver.ref, amount=400_00
        )

    failures = run_at_once([settle, withdraw, withdraw, withdraw], connections=4)
    assert all(isinstance(f, AgentError) for f in failures)
    assert actions.promised(agent, timezone.now()) <= 1_000_00
