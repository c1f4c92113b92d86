"""The agent's USSD menu: deposit and withdrawal, confirmation by the member's code or PIN,
my float, the cash count."""

import pytest

from minga.agents import actions
from minga.agents.models import AgentTransaction, CashCount
from minga.channels.testing import UssdPhone

from .conftest import AGENT_PHONE, FLOAT, PIN, SAVINGS, code_from

pytestmark = pytest.mark.django_db


def Phone(client, phone, session):  # noqa: N802 (reads as the phone it makes)
    return UssdPhone(client, phone, session, network="63902")


def test_the_menu_is_offered_to_agents_only(client, funded, agent_person):
    assert "66 Agent" in Phone(client, AGENT_PHONE, "s1").send()


def test_a_deposit_by_ussd_confirmed_with_the_member_s_code(
    client, funded, saver, sms_outbox, run_tasks
):
    phone = Phone(client, AGENT_PHONE, "s1")
    phone.send()
    assert "1 Deposit" in phone.send("66")
    assert "Member reference" in phone.send("1")
    assert "Amount (KES)" in phone.send(saver.ref)
    assert "Enter your PIN" in phone.send("1500")
    reply = phone.send(PIN)
    assert reply.startswith("END") and "code by SMS" in reply
    txn = AgentTransaction.objects.get()
    assert (txn.kind, txn.amount, txn.status) == ("deposit", 1500_00, "pending")
    run_tasks()
    confirm = Phone(client, AGENT_PHONE, "s2")
    confirm.send()
    confirm.send("66")
    assert saver.ref in confirm.send("3")
    confirm.send("1")
    assert "code the member received" in confirm.send("1")
    reply = confirm.send(code_from(sms_outbox))
    assert reply.startswith("END Confirmed")
    txn.refresh_from_db()
    assert txn.status == "confirmed"
    assert actions.float_balance(funded) == FLOAT + 1500_00


def test_a_withdrawal_beyond_the_float_by_ussd_is_refused(client, agent, saver):
    phone = Phone(client, AGENT_PHONE, "s1")
    phone.send()
    phone.send("66", "2", saver.ref, "100")
    reply = phone.send(PIN)
    assert "float is too small" in reply and "Nothing was changed" in reply
    assert not AgentTransaction.objects.exists()


def test_a_withdrawal_confirmed_with_the_member_s_pin(client, funded, saver, member_pin):
    phone = Phone(client, AGENT_PHONE, "s1")
    phone.send()
    phone.send("66", "2", saver.ref, "700")
    phone.send(PIN)
    confirm = Phone(client, AGENT_PHONE, "s2")
    confirm.send()
    confirm.send("66", "3", "1")
    assert "enter your PIN" in confirm.send("2")
    assert confirm.send(member_pin).startswith("END Confirmed")
    assert -actions.books.member_balance(saver, "member-savings") == SAVINGS - 700_00


def test_my_float_and_the_cash_count(client, funded):
    phone = Phone(client, AGENT_PHONE, "s1")
    phone.send()
    assert "50,000.00" in phone.send("66", "4")
    count = Phone(client, AGENT_PHONE, "s2")
    count.send()
    count.send("66", "5")
    assert "Enter your PIN" in count.send("49900")
    reply = count.send(PIN)
    assert "Cash count recorded" in reply and "-100.00" in reply
    assert CashCount.objects.get().difference == -100_00


def test_an_unknown_member_reference_is_asked_again(client, funded):
    phone = Phone(client, AGENT_PHONE, "s1")
    phone.send()
    reply = phone.send("66", "1", "QQQQQ")
    assert reply.startswith("CON") and "No member" in reply
