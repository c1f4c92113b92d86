"""The monthly circularisation: the draw from the log, idempotent per month; answers by SMS
from the drawn member's own verified number; a "no" opens a dispute; receipts cite the latest
published checkpoint."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from conftest import client_for
from minga.audit import log
from minga.audit.models import Entry
from minga.treasury import actions, circularisation, statements
from minga.treasury.models import BalanceCheck, Circularisation, Dispute

from .members_fixtures import *  # noqa: F403 (fixtures and helpers)
from .members_fixtures import PIN
from .test_concurrency import run_at_once
from .test_members_channels import MEMBER_PHONE, Phone, member_pin, sms

__all__ = ["member_pin"]

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 6, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def drawn(settings, books, drawable, member, savings, sms_outbox):
    """Every ordinary member drawn (k above their number), the root member's savings posted."""
    settings.MINGA_TREASURY_CIRCULARISATION_K = 20
    sms_outbox.clear()
    return circularisation.circularise(books=books, now=NOW)


def check_of(person):
    return BalanceCheck.objects.get(member__membership__person=person)


def test_the_draw_is_recorded_and_anyone_can_redo_it(drawn, coop):
    assert drawn.k == drawn.candidates == drawn.checks.count()
    assert circularisation.redraw_check(drawn)
    logged = Entry.objects.filter(kind="treasury.circularisation_drawn").get()
    assert logged.subject == f"treasury:{coop.slug}:circularisation:2026-12"


def test_the_draw_takes_k_members_reproducibly(settings, books, drawable, coop):
    settings.MINGA_TREASURY_CIRCULARISATION_K = 2
    made = circularisation.circularise(books=books, now=NOW)
    assert made.checks.count() == 2
    assert circularisation.redraw_check(made)
    # A different seed would draw differently: the check is not vacuous.
    made.seed = "00" * 32
    assert not circularisation.redraw_check(made)


def test_one_draw_per_month(drawn, books, sms_outbox):
    sent = len(sms_outbox)
    assert circularisation.circularise(books=books, now=NOW + datetime.timedelta(days=3)) is None
    assert circularisation.run_due(NOW + datetime.timedelta(hours=1)) == "0 drawn"
    assert Circularisation.objects.count() == 1
    assert len(sms_outbox) == sent
    assert circularisation.circularise(books=books, now=NOW + datetime.timedelta(days=30))


def test_each_drawn_member_is_asked_their_balances_as_of_the_draw(
    drawn, member, run_tasks, sms_outbox
):
    check = check_of(member)
    assert check.savings == 100_000_00
    assert check.last_entry is not None
    run_tasks()
    asked = [m for m in sms_outbox if f"YES {check.code}" in m.text]
    assert len(asked) == 1
    assert asked[0].to == MEMBER_PHONE
    assert "100,000.00" in asked[0].text


def test_yes_by_sms_confirms(drawn, client, member):
    check = check_of(member)
    sms(client, MEMBER_PHONE, f"YES {check.code.lower()}", "c1")
    check.refresh_from_db()
    assert (check.answer, check.channel) == ("yes", "sms")
    assert not Dispute.objects.exists()
    assert Entry.objects.filter(kind="treasury.balance_confirmed").count() == 1


def test_no_by_sms_opens_a_dispute(drawn, client, member):
    check = check_of(member)
    sms(client, MEMBER_PHONE, f"NO {check.code} my savings are 120000", "c2")
    check.refresh_from_db()
    assert check.answer == "no"
    dispute = Dispute.objects.get()
    assert check.dispute == dispute
    assert (dispute.member, dispute.entry, dispute.channel) == (
        check.member,
        check.last_entry,
        "sms",
    )
    assert "120000" in dispute.reason


def test_another_number_cannot_answer_for_the_drawn_member(drawn, client, member, drawable):
    check = check_of(member)
    sms(client, "+254712000001", f"NO {check.code} wrong", "c3")  # a drawn member's phone
    check.refresh_from_db()
    assert check.answer == ""
    assert not Dispute.objects.exists()
    with pytest.raises(PermissionDenied):
        circularisation.answer_check(check=check, actor=drawable[0], confirm=False, channel="web")


def test_an_answer_counts_once(drawn, member):
    check = check_of(member)
    circularisation.answer_check(check=check, actor=member, confirm=True, channel="web")
    with pytest.raises(actions.TreasuryError):
        circularisation.answer_check(check=check, actor=member, confirm=False, channel="web")
    check.refresh_from_db()
    assert check.answer == "yes"


def test_yes_with_a_number_is_still_a_vote(drawn, client, member):
    message = sms(client, MEMBER_PHONE, "YES 424242", "c4")
    assert check_of(member).answer == ""
    assert message is not None


def test_receipts_carry_the_latest_published_checkpoint(
    member_account, treasurer, sms_outbox, run_tasks
):
    actions.receive_from_member(
        member=member_account, amount=1_000_00, purpose="savings", actor=treasurer
    )
    checkpoint = log.create_checkpoint()
    assert checkpoint.published_at is not None
    short = f"{checkpoint.size}/{bytes(checkpoint.root).hex()[:8]}"
    assert statements.checkpoint_short() == short
    sms_outbox.clear()
    actions.receive_from_member(
        member=member_account, amount=2_000_00, purpose="savings", actor=treasurer
    )
    run_tasks()
    assert any(short in message.text for message in sms_outbox)


# --- USSD ---------------------------------------------------------------------------------------


def test_yes_by_ussd_behind_the_pin(drawn, client, member, member_pin):
    check = check_of(member)
    phone = Phone(client, MEMBER_PHONE)
    phone.dial()
    menu = phone.send("88")
    assert "3 " in menu
    asked = phone.send("3")
    assert check.code in asked
    assert "100,000.00" not in asked  # the amounts only behind the PIN
    assert "PIN" in phone.send("1")
    done = phone.send(PIN)
    assert "100,000.00" in done
    check.refresh_from_db()
    assert (check.answer, check.channel) == ("yes", "ussd")


def test_no_by_ussd_opens_a_dispute_and_a_wrong_pin_changes_nothing(
    drawn, client, member, member_pin
):
    check = check_of(member)
    phone = Phone(client, MEMBER_PHONE)
    phone.dial()
    phone.send("88", "3", "2")
    assert phone.send("00000").startswith("END")
    check.refresh_from_db()
    assert check.answer == ""
    phone = Phone(client, MEMBER_PHONE, session="ATUid_t2")
    phone.dial()
    phone.send("88", "3", "2")
    phone.send(PIN)
    check.refresh_from_db()
    assert (check.answer, check.channel) == ("no", "ussd")
    assert Dispute.objects.get().channel == "ussd"


def test_no_balance_line_in_the_menu_for_a_member_not_drawn(client, savings, member_pin):
    phone = Phone(client, MEMBER_PHONE)
    phone.dial()
    assert "3 " not in phone.send("88")


# --- web ----------------------------------------------------------------------------------------

PERSONAS = ["treasurer", "checker", "supervisor", "member", "other_member", "outsider"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("member", 200), *((p, 404) for p in PERSONAS if p != "member")],
)
def test_balance_check_page_access(client, request, drawn, member, persona, expected):
    check = check_of(member)
    viewer = client_for(client, request.getfixturevalue(persona))
    response = viewer.get(f"/treasury/balance-check/{check.pk}/")
    assert response.status_code == expected
    answered = viewer.post(f"/treasury/balance-check/{check.pk}/", {"answer": "no"})
    check.refresh_from_db()
    if persona == "member":
        assert b"100,000.00" in response.content
        assert answered.status_code == 302
        assert (check.answer, check.channel) == ("no", "web")
        assert Dispute.objects.get().channel == "web"
    else:
        assert answered.status_code == 404
        assert check.answer == ""


def test_yes_on_the_web(client, drawn, member):
    check = check_of(member)
    client_for(client, member).post(f"/treasury/balance-check/{check.pk}/", {"answer": "yes"})
    check.refresh_from_db()
    assert (check.answer, check.channel) == ("yes", "web")


def test_a_reason_too_long_changes_nothing(client, drawn, member):
    check = check_of(member)
    client_for(client, member).post(
        f"/treasury/balance-check/{check.pk}/", {"answer": "no", "reason": "x" * 401}
    )
    check.refresh_from_db()
    assert check.answer == ""
    assert not Dispute.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("treasurer", 200),
        ("checker", 200),
        ("supervisor", 200),
        ("member", 403),
        ("other_member", 403),
        ("outsider", 404),
    ],
)
def test_results_page_access(client, request, coop, drawn, member, persona, expected):
    circularisation.answer_check(
        check=check_of(member), actor=member, confirm=False, channel="web", reason="too low"
    )
    response = client_for(client, request.getfixturevalue(persona)).get(
        f"/treasury/{coop.slug}/balance-checks/"
    )
    assert response.status_code == expected
    if expected == 200:
        assert check_of(member).member.ref.encode() in response.content


# --- two workers at once ------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_draw_the_month_once(books, drawable):
    if connection.vendor != "postgresql":
        pytest.skip("row locks only mean something on PostgreSQL: run with DATABASE_URL=...")
    jobs = [lambda: circularisation.circularise(books=books, now=NOW) for _ in range(20)]
    assert run_at_once(jobs) == []
    assert Circularisation.objects.count() == 1
    assert Entry.objects.filter(kind="treasury.circularisation_drawn").count() == 1


def test_the_statement_page_asks_the_drawn_member(client, coop, drawn, member):
    check = check_of(member)
    page = client_for(client, member).get(f"/treasury/{coop.slug}/my-account/")
    assert f"/treasury/balance-check/{check.pk}/".encode() in page.content
    circularisation.answer_check(check=check, actor=member, confirm=True, channel="web")
    page = client_for(client, member).get(f"/treasury/{coop.slug}/my-account/")
    assert f"/treasury/balance-check/{check.pk}/".encode() not in page.content
