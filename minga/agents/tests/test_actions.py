"""Agents' float, members' cash at agents, confirmations and counts, through the actions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from minga.agents import actions, reconcile
from minga.agents.actions import AgentError
from minga.agents.models import AgentTransaction, CashCount, FloatMovement
from minga.audit.models import Entry
from minga.channels.models import OutboundMessage
from minga.treasury import actions as books
from minga.treasury import statements, verify
from minga.treasury.models import Account, ApprovalRequest, JournalEntry

from .conftest import FLOAT, SAVINGS, approve, code_from

pytestmark = pytest.mark.django_db


def savings_of(member):
    return -books.member_balance(member, "member-savings")


def cash_of(coop):
    return sum(line.amount for line in books.account_for(coop, "cash").lines.all())


# --- agents and float ----------------------------------------------------------------------------


def test_registering_an_agent_opens_their_float_account_and_is_audited(agent, coop):
    assert agent.account.code == "1090.1"
    assert agent.account.root == "asset"
    assert actions.float_balance(agent) == 0
    assert Entry.objects.filter(kind="agents.registered").count() == 1


def test_only_the_treasurer_registers_agents(books, coop, checker, other_member):
    with pytest.raises(PermissionDenied):
        actions.register_agent(coop=coop, actor=checker, user=other_member, phone="+254712000600")
    assert not Account.objects.filter(coop=coop, code__startswith="1090").exists()


def test_a_bad_phone_or_a_second_registration_is_refused(agent, coop, treasurer, agent_person):
    with pytest.raises(AgentError, match="international form"):
        actions.register_agent(coop=coop, actor=treasurer, user=agent_person, phone="0712")
    with pytest.raises(AgentError, match="already an agent"):
        actions.register_agent(coop=coop, actor=treasurer, user=agent_person, phone="+254712000501")
    assert Account.objects.filter(coop=coop, code__startswith="1090").count() == 1


def test_float_allocation_is_an_outflow_posted_only_once_approved(agent, coop, treasurer, checker):
    movement = actions.request_float(agent=agent, actor=treasurer, kind="allocation", amount=FLOAT)
    assert movement.request.status == ApprovalRequest.Status.CHECKING
    assert actions.float_balance(agent) == 0
    with pytest.raises(PermissionDenied):  # the treasurer (maker) never checks
        books_check(movement, treasurer)
    approve(movement, checker)
    movement.request.refresh_from_db()
    assert movement.request.status == ApprovalRequest.Status.POSTED
    assert actions.float_balance(agent) == FLOAT
    assert cash_of(coop) == -FLOAT
    assert verify.verify_all() == []


def books_check(movement, actor):
    from minga.treasury import approvals

    return approvals.check_request(request=movement.request, actor=actor, approve=True)


def test_settling_back_more_than_the_agent_holds_is_refused(funded, treasurer, checker, coop):
    with pytest.raises(AgentError, match="holds only"):
        actions.request_float(agent=funded, actor=treasurer, kind="settlement", amount=FLOAT + 1)
    movement = actions.request_float(
        agent=funded, actor=treasurer, kind="settlement", amount=30_000_00
    )
    assert actions.available(funded) == FLOAT - 30_000_00  # promised while it waits
    approve(movement, checker)
    assert actions.float_balance(funded) == FLOAT - 30_000_00
    assert cash_of(coop) == -FLOAT + 30_000_00
    assert FloatMovement.objects.count() == 2


def test_an_agent_holding_float_cannot_be_suspended(funded, treasurer):
    with pytest.raises(AgentError, match="Settle"):
        actions.set_active(agent=funded, actor=treasurer, active=False)
    funded.refresh_from_db()
    assert funded.active


# --- deposits and withdrawals -------------------------------------------------------------------


def test_a_deposit_waits_for_the_member_s_code_then_posts_with_a_receipt(
    funded, agent_person, saver, sms_outbox, run_tasks
):
    txn = actions.start_transaction(
        agent=funded, actor=agent_person, kind="deposit", member_ref=saver.ref, amount=5_000_00
    )
    assert txn.status == "pending"
    assert savings_of(saver) == SAVINGS
    message = OutboundMessage.objects.get(kind=OutboundMessage.Kind.VERIFICATION_CODE)
    assert message.to == "+250788000111"  # the member's own verified phone
    assert "5,000.00" not in message.text  # a secret: its text is not kept in the record
    run_tasks()
    code = code_from(sms_outbox)
    txn = actions.confirm_transaction(txn=txn, actor=agent_person, code=code)
    assert txn.status == "confirmed"
    assert txn.entry.reference == f"AGT-{txn.pk}"
    assert savings_of(saver) == SAVINGS + 5_000_00
    assert actions.float_balance(funded) == FLOAT + 5_000_00
    run_tasks()
    assert txn.entry.code in sms_outbox[-1].text  # the treasury's receipt
    assert verify.verify_all() == []


def test_a_withdrawal_confirmed_by_the_member_s_pin_pays_out_of_the_float(
    funded, agent_person, saver, member_pin
):
    txn = actions.start_transaction(
        agent=funded, actor=agent_person, kind="withdrawal", member_ref=saver.ref, amount=2_000_00
    )
    assert actions.available(funded) == FLOAT - 2_000_00
    txn = actions.confirm_transaction(txn=txn, actor=agent_person, pin=member_pin)
    assert txn.confirmed_with == "pin"
    assert txn.entry.kind == "agent-withdrawal"
    assert savings_of(saver) == SAVINGS - 2_000_00
    assert actions.float_balance(funded) == FLOAT - 2_000_00
    assert verify.verify_all() == []


def test_a_withdrawal_beyond_the_float_is_refused_and_nothing_changes(
    agent, treasurer, checker, agent_person, saver
):
    movement = actions.request_float(
        agent=agent, actor=treasurer, kind="allocation", amount=1_000_00
    )
    approve(movement, checker)
    before = (JournalEntry.objects.count(), OutboundMessage.objects.count())
    with pytest.raises(AgentError, match="float is too small"):
        actions.start_transaction(
            agent=agent,
            actor=agent_person,
            kind="withdrawal",
            member_ref=saver.ref,
            amount=1_000_01,
        )
    assert AgentTransaction.objects.count() == 0
    assert (JournalEntry.objects.count(), OutboundMessage.objects.count()) == before


def test_pending_withdrawals_count_against_the_float(
    agent, treasurer, checker, agent_person, saver
):
    approve(
        actions.request_float(agent=agent, actor=treasurer, kind="allocation", amount=1_000_00),
        checker,
    )
    actions.start_transaction(
        agent=agent, actor=agent_person, kind="withdrawal", member_ref=saver.ref, amount=600_00
    )
    with pytest.raises(AgentError, match="400.00"):
        actions.start_transaction(
            agent=agent, actor=agent_person, kind="withdrawal", member_ref=saver.ref, amount=600_00
        )


def test_a_withdrawal_beyond_the_member_s_savings_is_refused(funded, agent_person, saver):
    with pytest.raises(AgentError, match="savings are less"):
        actions.start_transaction(
            agent=funded,
            actor=agent_person,
            kind="withdrawal",
            member_ref=saver.ref,
            amount=SAVINGS + 1,
        )


def test_the_refusal_is_translated(funded, agent_person, saver):
    with translation.override("es"), pytest.raises(AgentError) as error:
        actions.start_transaction(
            agent=funded,
            actor=agent_person,
            kind="withdrawal",
            member_ref=saver.ref,
            amount=FLOAT + 1,
        )
    assert "agente" in error.value.messages[0]


def test_wrong_codes_are_counted_and_the_fifth_cancels(funded, agent_person, saver):
    txn = actions.start_transaction(
        agent=funded, actor=agent_person, kind="deposit", member_ref=saver.ref, amount=100_00
    )
    for _ in range(4):
        with pytest.raises(AgentError, match="wrong"):
            actions.confirm_transaction(txn=txn, actor=agent_person, code="000000")
    with pytest.raises(AgentError, match="cancelled"):
        actions.confirm_transaction(txn=txn, actor=agent_person, code="000000")
    txn.refresh_from_db()
    assert (txn.status, txn.attempts, txn.entry) == ("cancelled", 5, None)
    assert savings_of(saver) == SAVINGS


def test_only_the_agent_confirms_and_not_after_the_wait(
    funded, agent_person, saver, treasurer, sms_outbox, run_tasks
):
    txn = actions.start_transaction(
        agent=funded, actor=agent_person, kind="deposit", member_ref=saver.ref, amount=100_00
    )
    run_tasks()
    code = code_from(sms_outbox)
    with pytest.raises(PermissionDenied):
        actions.confirm_transaction(txn=txn, actor=treasurer, code=code)
    later = timezone.now() + actions.PENDING_FOR + datetime.timedelta(seconds=1)
    with pytest.raises(AgentError, match="too long"):
        actions.confirm_transaction(txn=txn, actor=agent_person, code=code, now=later)
    assert savings_of(saver) == SAVINGS


def test_a_member_without_a_phone_gets_the_code_on_their_witness_phone(
    funded, agent_person, other_account, other_member, sms_outbox, run_tasks
):
    with pytest.raises(AgentError, match="witness"):
        actions.start_transaction(
            agent=funded,
            actor=agent_person,
            kind="deposit",
            member_ref=other_account.ref,
            amount=100,
        )
    statements.name_witness(
        member=other_account, actor=other_member, phone="+254712000777", name="Neighbour"
    )
    actions.start_transaction(
        agent=funded, actor=agent_person, kind="deposit", member_ref=other_account.ref, amount=100
    )
    run_tasks()
    assert sms_outbox[-1].to == "+254712000777"


@pytest.mark.parametrize(
    ("kind", "ref", "amount", "message"),
    [
        ("deposit", "ZZZZ", 100, "No member"),
        ("deposit", None, 0, "above zero"),
        ("deposit", None, -5, "above zero"),
        ("loan", None, 100, "deposit or a withdrawal"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    funded, agent_person, saver, kind, ref, amount, message
):
    with pytest.raises(books.TreasuryError, match=message):
        actions.start_transaction(
            agent=funded, actor=agent_person, kind=kind, member_ref=ref or saver.ref, amount=amount
        )
    assert AgentTransaction.objects.count() == 0


# --- cash counts ---------------------------------------------------------------------------------


def test_a_cash_count_records_the_difference_and_reconcile_lists_it(funded, agent_person, coop):
    count = actions.declare_count(agent=funded, actor=agent_person, counted=FLOAT - 150_00)
    assert (count.expected, count.difference) == (FLOAT, -150_00)
    with pytest.raises(AgentError, match="already recorded"):
        actions.declare_count(agent=funded, actor=agent_person, counted=FLOAT)
    found = reconcile.shortfalls(coop, count.date)
    assert found == [
        {
            "agent": funded,
            "account": "1090.1",
            "expected": FLOAT,
            "counted": FLOAT - 150_00,
            "difference": -150_00,
        }
    ]
    assert CashCount.objects.count() == 1


def test_reconcile_lists_an_agent_holding_float_who_did_not_count(funded, coop):
    day = datetime.date(2026, 3, 16)
    assert reconcile.shortfalls(coop, day) == [
        {
            "agent": funded,
            "account": "1090.1",
            "expected": FLOAT,
            "counted": None,
            "difference": None,
        }
    ]


def test_a_count_that_matches_is_no_exception(funded, agent_person, coop):
    count = actions.declare_count(agent=funded, actor=agent_person, counted=FLOAT)
    assert reconcile.shortfalls(coop, count.date) == []


def test_only_the_agent_declares_their_count(funded, treasurer):
    with pytest.raises(PermissionDenied):
        actions.declare_count(agent=funded, actor=treasurer, counted=FLOAT)


def test_a_person_cannot_post_an_agent_withdrawal_without_approval(funded, treasurer, saver):
    with pytest.raises(books.TreasuryError, match="approved"):
        books.post_entry(
            coop=funded.coop,
            actor=treasurer,
            lines=[books.debit("member-savings", 100, saver), books.credit(funded.account, 100)],
            narration="Withdrawal",
            kind="agent-withdrawal",
        )
    with pytest.raises(books.TreasuryError, match="approved"):  # nor the platform, from cash
        books.post_entry(
            coop=funded.coop,
            actor=None,
            lines=[books.debit("member-savings", 100, saver), books.credit("cash", 100)],
            narration="Withdrawal",
            kind="agent-withdrawal",
        )
    assert savings_of(saver) == SAVINGS


def test_transactions_not_confirmed_in_time_expire(funded, agent_person, saver):
    txn = actions.start_transaction(
        agent=funded, actor=agent_person, kind="withdrawal", member_ref=saver.ref, amount=100_00
    )
    assert actions.expire_due() == 0
    later = timezone.now() + actions.PENDING_FOR
    assert actions.expire_due(later) == 1
    txn.refresh_from_db()
    assert txn.status == "cancelled"
    assert actions.available(funded) == FLOAT


def test_the_daily_reconciliation_lists_a_short_count_and_a_missing_one(funded, agent_person, coop):
    from minga.treasury import reconciliation
    from minga.treasury.models_reconciliation import ReconciliationException

    count = actions.declare_count(agent=funded, actor=agent_person, counted=FLOAT - 150_00)
    reconciliation.reconcile_day(coop, count.date)
    silent_day = count.date + datetime.timedelta(days=1)
    reconciliation.reconcile_day(coop, silent_day)

    found = ReconciliationException.objects.filter(kind=reconciliation.AGENT_SHORTFALL)
    assert {(e.amount, e.detail["counted"]) for e in found} == {
        (-150_00, FLOAT - 150_00),
        (None, None),
    }
