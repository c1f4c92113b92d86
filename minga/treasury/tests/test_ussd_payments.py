"""Paying from the USSD menu ("88 My account", "4 Pay"): the member's own phone is asked to pay
(STK push through the provider stand-in), the payment shows pending, then posted once; bad
input, a cooperative without mobile money and a wrong PIN change nothing."""

import pytest
from django.utils import timezone

from minga.accounts.models import User
from minga.channels.models import Payment
from minga.decisions import delegation
from minga.decisions.ussd import Context
from minga.treasury import actions, ussd
from minga.treasury.models import JournalEntry

from .members_fixtures import PIN, _callbacks_from_the_test_client  # noqa: F401 (fixture)
from .test_members_channels import Phone
from .test_payments import replay

pytestmark = pytest.mark.django_db
PAYING_PHONE = "+254712345670"  # the stand-in's sandbox: a number ending in 0 pays


@pytest.fixture
def payer(member, member_account):
    User.objects.filter(pk=member.pk).update(phone=PAYING_PHONE)
    member.refresh_from_db()
    delegation.set_voting_pin(person=member, pin=PIN, actor=member)
    return member


def dial_to_pin(client, *inputs, session="ATUid_p1"):
    phone = Phone(client, PAYING_PHONE, session=session)
    assert "88 " in phone.dial()
    menu = phone.send("88")
    assert "4 Pay" in menu
    screen = ""
    for value in inputs:
        screen = phone.send(value)
    return phone, screen


def test_a_member_pays_a_contribution_by_ussd_pending_then_posted_once(
    client, paybill, member_account, payer, run_tasks
):
    phone, details = dial_to_pin(client, "4", "1", "1500")
    assert details.startswith("CON")
    assert "1,500.00 KES" in details and member_account.ref in details
    assert "Contributions" in details and PAYING_PHONE in details and "PIN" in details
    done = phone.send(PIN)
    assert done.startswith("END") and "pending" in done
    payment = Payment.objects.get()
    assert (payment.amount, payment.purpose, payment.status) == (150000, "contribution", "pending")

    phone = Phone(client, PAYING_PHONE, session="ATUid_p2")
    phone.dial()
    assert "1 pending" in phone.send("88")
    phone.send("5")
    assert "pending" in phone.send(PIN)

    replay(client, run_tasks)
    replay(client, run_tasks)  # nothing is booked twice
    payment.refresh_from_db()
    assert payment.status == "posted"
    entry = JournalEntry.objects.get(reference=payment.receipt)  # one entry, not two
    assert entry.code == payment.booked_as
    assert actions.member_balance(member_account, "member-contributions") == -150000

    phone = Phone(client, PAYING_PHONE, session="ATUid_p3")
    phone.dial()
    phone.send("88", "5")
    assert "posted" in phone.send(PIN)


def test_a_member_buys_shares_by_ussd(client, paybill, member_account, payer, run_tasks):
    phone, details = dial_to_pin(client, "4", "2", "200")
    assert "Shares" in details and "200.00 KES" in details
    phone.send(PIN)
    replay(client, run_tasks)
    assert actions.shares_held(member_account) == 2


@pytest.mark.parametrize("amount", ["abc", "10.555", "0", "-5"])
def test_a_bad_amount_redraws_the_screen_and_changes_nothing(client, paybill, payer, amount):
    _phone, screen = dial_to_pin(client, "4", "1", amount)
    assert screen.startswith("CON") and "Enter the amount" in screen
    assert "PIN" not in screen
    assert not Payment.objects.exists()


def test_shares_that_do_not_divide_are_refused_with_the_web_s_rule(client, paybill, payer):
    phone, _details = dial_to_pin(client, "4", "2", "150")
    done = phone.send(PIN)
    assert done.startswith("END") and "whole shares" in done and "Nothing was changed" in done
    assert not Payment.objects.exists()


def test_a_wrong_pin_changes_nothing(client, paybill, payer):
    phone, _details = dial_to_pin(client, "4", "1", "1500")
    done = phone.send("00000")
    assert done.startswith("END") and "Wrong PIN" in done
    assert not Payment.objects.exists()


def test_a_cooperative_without_mobile_money_says_so(client, payer, provider):
    _phone, screen = dial_to_pin(client, "4")
    assert screen.startswith("END") and "no mobile money" in screen
    assert not Payment.objects.exists()


def test_a_member_without_a_verified_phone_is_told_so(paybill, member_account, payer):
    """The menu answers verified numbers only; should the number lose its check between two
    steps, the action's own refusal is the screen."""
    User.objects.filter(pk=payer.pk).update(phone_verified_at=None)
    payer.refresh_from_db()
    ctx = Context(person=payer, now=timezone.now(), shown=lambda text: True)
    member_account.refresh_from_db()
    screen = ussd.PayPin(ctx, member=member_account, purpose="contribution", amount=100_00)
    done = screen.act()
    assert done.text.startswith("END") and "verify your phone" in done.text
    assert "Nothing was changed" in done.text
    assert not Payment.objects.exists()


def test_the_screens_are_in_the_member_s_language(client, paybill, payer):
    User.objects.filter(pk=payer.pk).update(preferred_language="es")
    phone = Phone(client, PAYING_PHONE, session="ATUid_es")
    phone.dial()
    assert "4 Pagar" in phone.send("88")
    phone.send("4", "1")
    assert "Escriba el importe en KES" in phone.send("abc")
    details = phone.send("1500")
    assert "Pagar 1,500.00 KES" in details and "Aportes" in details
    done = phone.send("00000")
    assert done.startswith("END")
    assert not Payment.objects.exists()
