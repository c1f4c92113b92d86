"""Members and their books by SMS and USSD: receipts, BAL, DISPUTE, confirmations, balances."""

import pytest

from conftest import make_person
from minga.channels.models import InboundMessage
from minga.channels.testing import UssdPhone
from minga.decisions import delegation
from minga.treasury import actions, approvals, statements
from minga.treasury.models import ApprovalRequest, Dispute, MemberConfirmation, WitnessPhone

from .members_fixtures import *  # noqa: F403 (fixtures and helpers)
from .members_fixtures import PIN, withdrawal

pytestmark = pytest.mark.django_db
SMS_URL = "/channels/africastalking/sms"
MEMBER_PHONE = "+250788000111"  # the root `member` persona's (verified) phone


def sms(client, phone, text, message_id):
    response = client.post(
        SMS_URL, {"from": phone, "to": "12345", "text": text, "id": message_id, "date": "x"}
    )
    assert response.status_code == 200
    return InboundMessage.objects.get(key=message_id)


def Phone(client, phone, session="ATUid_t1"):  # noqa: N802 (reads as the phone it makes)
    return UssdPhone(client, phone, session, network="63902")


@pytest.fixture
def member_pin(member):
    delegation.set_voting_pin(person=member, pin=PIN, actor=member)


def test_every_posting_sends_a_receipt_through_the_queue(
    member_account, treasurer, sms_outbox, run_tasks
):
    entry = actions.receive_from_member(
        member=member_account, amount=2_500_00, purpose="savings", actor=treasurer
    )
    assert not sms_outbox  # queued, not sent inline
    run_tasks()
    [receipt] = sms_outbox
    assert receipt.to == MEMBER_PHONE
    from minga import audit

    leaf = audit.entry(entry.audit_index).leaf_hash.hex()[:8]
    assert "+2,500.00" in receipt.text and "2,500.00 KES" in receipt.text
    assert entry.code in receipt.text and leaf in receipt.text


def test_a_member_without_a_phone_gets_receipts_on_the_witness_phone(
    coop, owner, books, treasurer, sms_outbox, run_tasks
):
    from .conftest import join

    person = make_person("Phoneless Member", "phoneless@example.org")
    join(coop, owner, person, "member")
    account = actions.open_member_account(membership=person.memberships.get(), actor=treasurer)
    statements.name_witness(member=account, actor=person, phone="+254712999888", name="Neighbour")
    assert WitnessPhone.objects.get(member=account).phone == "+254712999888"
    actions.receive_from_member(member=account, amount=100_00, purpose="savings", actor=treasurer)
    run_tasks()
    assert [sent.to for sent in sms_outbox] == ["+254712999888"]


def test_bal_answers_only_the_members_own_verified_number(
    client, savings, coop, sms_outbox, run_tasks
):
    sms(client, MEMBER_PHONE, "bal", "m-1")
    # The same number, unverified on another account, or a stranger's: no balance.
    make_person("Unverified", "unverified@example.org", phone="+254712345000")
    sms(client, "+254712345000", "BAL", "m-2")
    sms(client, "+254799999999", "BAL", "m-3")
    run_tasks()
    answers = {sent.to: sent.text for sent in sms_outbox}
    assert "100,000.00" in answers[MEMBER_PHONE] and savings.ref in answers[MEMBER_PHONE]
    assert all("100,000.00" not in text for to, text in answers.items() if to != MEMBER_PHONE)
    assert "PIN" not in answers[MEMBER_PHONE]


def test_dispute_by_sms_opens_a_case_once(client, savings, sms_outbox, run_tasks):
    entry = statements.movements(savings)[0].entry
    sms(client, MEMBER_PHONE, f"DISPUTE {entry.code} I paid 1,000 only", "d-1")
    sms(client, MEMBER_PHONE, f"DISPUTE {entry.code} I paid 1,000 only", "d-2")
    sms(client, MEMBER_PHONE, "DISPUTE 2026-999 not mine", "d-3")
    dispute = Dispute.objects.get()
    assert dispute.reason == "I paid 1,000 only" and dispute.channel == "sms"
    run_tasks()
    texts = [sent.text for sent in sms_outbox if sent.to == MEMBER_PHONE]
    assert any("is recorded" in text for text in texts)
    assert any("already have an open dispute" in text for text in texts)
    assert any("2026-999" in text for text in texts)


def test_the_supervisory_committee_hears_of_a_dispute(
    client, savings, supervisor, sms_outbox, run_tasks
):
    supervisor.phone = "+254712000777"
    supervisor.save(update_fields=["phone"])
    from minga.accounts.actions import record_phone_verified

    record_phone_verified(user=supervisor, actor=supervisor)
    entry = statements.movements(savings)[0].entry
    sms(client, MEMBER_PHONE, f"DISPUTE {entry.code} not my deposit", "d-9")
    run_tasks()
    [told] = [sent for sent in sms_outbox if sent.to == "+254712000777"]
    assert entry.code in told.text and savings.ref in told.text


def _drawn(coop, treasurer, checker, savings):
    request = withdrawal(coop, treasurer, savings)
    approvals.check_request(request=request, actor=checker, approve=True)
    return request, list(MemberConfirmation.objects.filter(request=request))


def test_a_drawn_member_confirms_by_sms(client, coop, treasurer, checker, savings, drawable, rule):
    request, confirmations = _drawn(coop, treasurer, checker, savings)
    for n, confirmation in enumerate(confirmations):
        phone = confirmation.member.membership.person.phone
        sms(client, phone, f"CONFIRM {confirmation.code}", f"c-{n}")
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.POSTED
    assert set(request.confirmations.values_list("channel", flat=True)) == {"sms"}


def test_a_code_from_another_member_does_nothing(
    client, coop, treasurer, checker, savings, drawable, rule
):
    request, confirmations = _drawn(coop, treasurer, checker, savings)
    outsider_phone = next(
        p.phone
        for p in drawable
        if p.pk not in {c.member.membership.person_id for c in confirmations}
    )
    sms(client, outsider_phone, f"CONFIRM {confirmations[0].code}", "x-1")
    assert not MemberConfirmation.objects.exclude(answer="").exists()


def test_a_drawn_member_confirms_by_ussd_with_the_details_and_pin(
    client, coop, treasurer, checker, savings, drawable, rule
):
    request, confirmations = _drawn(coop, treasurer, checker, savings)
    confirmation = confirmations[0]
    phone = Phone(client, confirmation.member.membership.person.phone)
    assert "77 " in phone.dial()
    assert "60,000.00 KES" in phone.send("77")
    details = phone.send("1")
    assert "school fees" in details and "1 Confirm" in details
    assert "PIN" in phone.send("1")
    done = phone.send(PIN)
    assert done.startswith("END") and "recorded" in done
    confirmation.refresh_from_db()
    assert confirmation.answer == "yes" and confirmation.channel == "ussd"


def test_ussd_balance_and_last_movements_behind_the_pin(client, savings, member_pin):
    phone = Phone(client, MEMBER_PHONE)
    assert "88 " in phone.dial()
    phone.send("88")
    assert "PIN" in phone.send("1")
    wrong = phone.send("00000")
    assert "100,000.00" not in wrong and wrong.startswith("END")
    phone = Phone(client, MEMBER_PHONE, session="ATUid_t2")
    phone.dial()
    phone.send("88", "1")
    balance = phone.send(PIN)
    assert "100,000.00" in balance
    phone = Phone(client, MEMBER_PHONE, session="ATUid_t3")
    phone.dial()
    phone.send("88", "2")
    movements = phone.send(PIN)
    assert statements.movements(savings)[0].code in movements
