"""Mobile money into the books: confirmed payments post one balanced entry and the member's
receipt; unknown references go to suspense; nothing is booked twice or on a callback's word."""

import json
import threading
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from minga.accounts.models import User
from minga.channels.models import OutboundMessage, Payment
from minga.channels.payments import standin
from minga.treasury import actions, payments
from minga.treasury.models import JournalEntry, Line

pytestmark = pytest.mark.django_db


def replay(client, run_tasks, rounds=6):
    """The worker and the provider, until nothing is left to do."""
    for _ in range(rounds):
        ran = run_tasks()
        todo = list(standin.outbox)
        standin.outbox.clear()
        for callback in todo:
            send(client, callback)
        if not ran and not todo:
            return


def send(client, callback):
    parts = urlsplit(callback.url)
    method = client.put if callback.method == "PUT" else client.post
    return method(
        f"{parts.path}?{parts.query}", json.dumps(callback.body), content_type="application/json"
    )


def lines_of(entry):
    return sorted((line.account.role, line.amount) for line in Line.objects.filter(entry=entry))


def test_a_paybill_payment_posts_one_balanced_entry_and_a_receipt(
    client, paybill, member_account, run_tasks, member
):
    trans_id = standin.pay_bill(short_code="600638", bill_ref=member_account.ref, amount="1500.50")
    replay(client, run_tasks)
    entry = JournalEntry.objects.get(reference=trans_id)
    assert lines_of(entry) == [("member-savings", -150050), ("mobile-money", 150050)]
    assert actions.member_balance(member_account, "member-savings") == -150050
    payment = Payment.objects.get()
    assert (payment.status, payment.booked_as) == ("posted", entry.code)
    receipt = OutboundMessage.objects.get(to=member.phone)
    assert entry.code in receipt.text and "1,500.50 KES" in receipt.text


def test_a_reference_typed_with_spaces_still_finds_the_member(
    client, paybill, member_account, run_tasks
):
    typed = f" {member_account.ref[:3]} {member_account.ref[3:]}"
    standin.pay_bill(short_code="600638", bill_ref=typed, amount="100")
    replay(client, run_tasks)
    assert Payment.objects.get().status == "posted"


def test_an_unknown_reference_goes_to_suspense_and_the_exceptions_list(
    client, paybill, member_account, run_tasks, coop
):
    trans_id = standin.pay_bill(short_code="600638", bill_ref="999999", amount="250")
    validation = standin.outbox[0]
    assert send(client, validation).json()["ResultCode"] == "C2B00012"
    replay(client, run_tasks)
    entry = JournalEntry.objects.get(reference=trans_id)
    assert lines_of(entry) == [("mobile-money", 25000), ("suspense", -25000)]
    assert [p.status for p in payments.exceptions(coop)] == ["suspense"]


def test_the_same_money_is_booked_once_however_many_callbacks(
    client, paybill, member_account, run_tasks
):
    standin.pay_bill(short_code="600638", bill_ref=member_account.ref, amount="10")
    validation, confirmation = list(standin.outbox)
    standin.outbox[:] = [validation, confirmation, confirmation, confirmation]
    replay(client, run_tasks)
    standin.outbox[:] = [confirmation]  # a retry after a timeout, much later
    replay(client, run_tasks)
    assert JournalEntry.objects.filter(kind="savings").count() == 1
    assert actions.member_balance(member_account, "member-savings") == -1000


def test_money_a_statement_booked_first_is_not_booked_again(
    client, paybill, member_account, run_tasks, treasurer
):
    trans_id = standin.pay_bill(short_code="600638", bill_ref=member_account.ref, amount="10")
    actions.receive_from_member(
        member=member_account, amount=1000, purpose="savings", actor=treasurer,
        paid_into="mobile-money", reference=trans_id,
    )  # fmt: skip
    replay(client, run_tasks)
    assert JournalEntry.objects.filter(reference=trans_id).count() == 1
    assert Payment.objects.get().status == "posted"


def test_a_member_pays_shares_from_their_own_phone_pending_then_posted(
    client, paybill, member_account, member, run_tasks
):
    User.objects.filter(pk=member.pk).update(phone="+254712345670")
    member.refresh_from_db()
    payment = payments.request_payment(
        member=member_account, amount=2 * 100_00, purpose="shares", actor=member
    )
    assert payment.status == "pending"
    replay(client, run_tasks)
    payment.refresh_from_db()
    assert payment.status == "posted"
    assert actions.shares_held(member_account) == 2


def test_a_declined_request_books_nothing(client, paybill, member_account, member, run_tasks):
    payment = payments.request_payment(  # the member's number ends in 1: declined
        member=member_account, amount=500_00, purpose="savings", actor=member
    )
    replay(client, run_tasks)
    payment.refresh_from_db()
    assert (payment.status, payment.reason) == ("failed", "1032: cancelled by the member")
    assert not JournalEntry.objects.filter(kind="savings").exists()


def test_only_the_member_asks_to_pay_into_their_account(
    paybill, member_account, other_member, treasurer
):
    for actor in (other_member, treasurer):
        with pytest.raises(actions.TreasuryError):
            payments.request_payment(
                member=member_account, amount=100_00, purpose="savings", actor=actor
            )
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("amount", "purpose"), [(0, "savings"), (100_50, "savings"), (150_00, "shares"), (100, "gift")]
)
def test_bad_requests_are_refused_and_change_nothing(
    paybill, member_account, member, amount, purpose
):
    with pytest.raises(actions.TreasuryError) as refused:
        payments.request_payment(
            member=member_account, amount=amount, purpose=purpose, actor=member
        )
    assert str(refused.value.messages[0])
    assert not Payment.objects.exists()


def test_a_member_without_a_verified_phone_is_told_so(paybill, other_account, other_member):
    with pytest.raises(actions.TreasuryError) as refused:
        payments.request_payment(
            member=other_account, amount=100_00, purpose="savings", actor=other_member
        )
    assert refused.value.code == "no_phone"


def test_a_payout_is_booked_when_the_provider_confirms_it(
    client, paybill, member_account, member, treasurer, checker, run_tasks
):
    from minga.treasury import approvals

    actions.receive_from_member(member=member_account, amount=5000_00, purpose="savings",
                                actor=treasurer, paid_into="mobile-money")  # fmt: skip
    User.objects.filter(pk=member.pk).update(phone="+254712345674")  # no result ever comes
    member_account.membership.person.refresh_from_db()
    request = approvals.request_approval(
        coop=member_account.coop, actor=treasurer, operation="savings-withdrawal",
        amount=2000_00, member=member_account, paid_from="mobile-money", narration="Fees",
    )  # fmt: skip
    request = approvals.check_request(request=request, actor=checker, approve=True)
    assert request.status == "paying" and request.entry is None  # sent, not yet booked
    payment = Payment.objects.get(direction="out")
    assert payment.amount == 2000_00
    replay(client, run_tasks)
    assert Payment.objects.get().status == "pending"
    from minga.channels.payments import inbox

    inbox.confirm.enqueue(payment.pk)  # the periodic job's query
    replay(client, run_tasks)
    payment.refresh_from_db()
    assert payment.status == "posted"
    assert actions.member_balance(member_account, "member-savings") == -3000_00
    assert JournalEntry.objects.filter(kind="savings-withdrawal").count() == 1
    request.refresh_from_db()
    assert request.status == "posted" and request.entry.kind == "savings-withdrawal"


def test_a_share_redemption_paid_by_mobile_money_is_booked_when_the_provider_confirms_it(
    client, paybill, member_account, member, treasurer, checker, run_tasks
):
    from minga.treasury import approvals
    from minga.treasury.models import Books, ShareMovement

    Books.objects.filter(coop=member_account.coop).update(
        share_par_value=100_00, allows_share_redemption=True, share_minimum=0
    )
    actions.buy_shares(member=member_account, shares=5, actor=treasurer, paid_into="mobile-money")
    User.objects.filter(pk=member.pk).update(phone="+254712345674")  # no result ever comes
    member_account.membership.person.refresh_from_db()
    request = approvals.request_approval(
        coop=member_account.coop, actor=treasurer, operation="share-redemption", amount=0,
        shares=2, member=member_account, paid_from="mobile-money", narration="Leaving",
    )  # fmt: skip
    request = approvals.check_request(request=request, actor=checker, approve=True)
    assert request.status == "paying" and request.entry is None  # sent, not yet booked
    payment = Payment.objects.get(direction="out")
    assert payment.amount == 200_00
    assert not JournalEntry.objects.filter(kind="share-redemption").exists()
    replay(client, run_tasks)
    from minga.channels.payments import inbox

    inbox.confirm.enqueue(payment.pk)  # the periodic job's query
    replay(client, run_tasks)
    payment.refresh_from_db()
    assert payment.status == "posted"
    assert actions.shares_held(member_account) == 3
    assert ShareMovement.objects.filter(kind="redemption").get().shares == -2
    request.refresh_from_db()
    assert request.status == "posted" and request.entry.kind == "share-redemption"


def test_nobody_pays_out_without_an_approved_request(
    paybill, member_account, member, treasurer, checker
):
    actions.receive_from_member(member=member_account, amount=5000_00, purpose="savings",
                                actor=treasurer, paid_into="mobile-money")  # fmt: skip
    User.objects.filter(pk=member.pk).update(phone="+254712345674")
    with pytest.raises(PermissionDenied):
        payments.pay_out(member=member_account, amount=100_00, actor=checker)
    for actor in (treasurer, None):
        with pytest.raises(actions.TreasuryError) as refused:
            payments.pay_out(member=member_account, amount=100_00, actor=actor)
        assert refused.value.code == "needs_approval"
    assert not Payment.objects.filter(direction="out").exists()


def test_only_the_treasurer_registers_a_short_code(books, member, checker, provider):
    for actor in (member, checker):
        with pytest.raises(PermissionDenied):
            payments.add_mobile_money_account(
                books=books, provider="mpesa", account="600638", actor=actor
            )


def at_once(work, n=4):
    """Run `work` in `n` threads released together, each closing its own connection; raise
    what any of them raised (a deadlock, say)."""
    barrier, errors = threading.Barrier(n), []

    def run():
        try:
            barrier.wait()
            work()
        except Exception as error:  # noqa: BLE001 (raised again below, in the test)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def confirm_at_once(paybill):
    """The account's batch query run by four workers at once (the queued one and the
    periodic job's, say)."""
    from minga.channels.payments import inbox

    at_once(lambda: inbox.confirm_account.call(paybill.pk))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL")
def test_the_same_transid_from_two_workers_at_once_posts_once(paybill, member_account, run_tasks):
    from django.test import Client

    standin.pay_bill(short_code="600638", bill_ref=member_account.ref, amount="10")
    _validation, confirmation = list(standin.outbox)
    standin.outbox.clear()
    answers = []
    at_once(lambda: answers.append(send(Client(), confirmation).status_code))
    assert answers == [200] * 4
    assert Payment.objects.count() == 1
    confirm_at_once(paybill)
    run_tasks()
    assert JournalEntry.objects.filter(kind="savings").count() == 1
    assert Payment.objects.get().status == "posted"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL")
def test_two_workers_settling_the_same_chunk_post_each_payment_once(
    paybill, member_account, run_tasks
):
    """Four workers run the account's batch query at once: each locks its chunk, those another
    settled first are left to it, and every payment is posted exactly once."""
    from django.test import Client

    for i in range(7):
        standin.pay_bill(short_code="600638", bill_ref=member_account.ref, amount=f"{10 + i}")
    for callback in [c for c in standin.outbox if "confirmation" in c.url]:
        assert send(Client(), callback).status_code == 200
    standin.outbox.clear()
    confirm_at_once(paybill)
    run_tasks()
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["posted"] * 7
    entries = JournalEntry.objects.filter(kind="savings")
    assert entries.count() == 7
    assert sorted(entries.values_list("total", flat=True)) == [(10 + i) * 100 for i in range(7)]


# --- pages --------------------------------------------------------------------------------------


def test_it_asks_the_member_s_own_phone_from_the_web(client, paybill, member_account, member):
    from conftest import client_for

    User.objects.filter(pk=member.pk).update(phone="+254712345670")
    page = client_for(client, member)
    url = f"/treasury/{member_account.coop.slug}/me/pay/"
    assert page.get(url).status_code == 200
    answer = page.post(url, {"purpose": "savings", "amount": "1,500"})
    assert answer.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.reference, payment.status) == (
        150000,
        member_account.ref,
        "pending",
    )
    assert (
        "Pending" in page.get(url).content.decode() or "pending" in page.get(url).content.decode()
    )


@pytest.mark.parametrize("amount", ["abc", "10.555", "0"])
def test_bad_amounts_on_the_page_are_refused_and_change_nothing(
    client, paybill, member_account, member, amount
):
    from conftest import client_for

    answer = client_for(client, member).post(
        f"/treasury/{member_account.coop.slug}/me/pay/", {"purpose": "savings", "amount": amount}
    )
    assert answer.status_code == 400
    assert not Payment.objects.exists()


def test_only_members_of_the_cooperative_pay_there(client, paybill, coop, outsider):
    from conftest import client_for

    assert client.get(f"/treasury/{coop.slug}/me/pay/").status_code == 302  # sign in first
    assert client_for(client, outsider).get(f"/treasury/{coop.slug}/me/pay/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("treasurer", 200), ("checker", 200), ("supervisor", 200), ("member", 403),
     ("other_member", 403), ("outsider", 404)],
)  # fmt: skip
def test_the_exceptions_list_is_for_those_who_read_the_books(
    client, paybill, coop, request, persona, status, run_tasks
):
    from conftest import client_for

    trans_id = standin.pay_bill(short_code="600638", bill_ref="000000", amount="77")
    replay(client, run_tasks)
    person = request.getfixturevalue(persona)
    answer = client_for(client, person).get(f"/treasury/{coop.slug}/mobile-money/exceptions/")
    assert answer.status_code == status
    if status == 200:
        assert trans_id in answer.content.decode()


# --- reconciliation -----------------------------------------------------------------------------

HEADER = "Receipt No.,Completion Time,Details,Transaction Status,Paid In,Withdrawn,Balance,A/C No."


def statement(*rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile("statement.csv", text.encode(), content_type="text/csv")


def test_a_statement_is_matched_against_the_books_line_by_line(
    client, paybill, member_account, treasurer, run_tasks
):
    from conftest import client_for

    trans_id = standin.pay_bill(short_code="600638", bill_ref=member_account.ref, amount="10")
    replay(client, run_tasks)
    actions.receive_from_member(
        member=member_account, amount=500, purpose="savings", actor=treasurer,
        paid_into="mobile-money", reference="NOTINSTMT1",
    )  # fmt: skip
    upload = statement(
        f"{trans_id},2026-03-16 09:00:00,Pay Bill,Completed,10.00,,100.00,{member_account.ref}",
        "UNBOOKED01,2026-03-16 10:00:00,Pay Bill,Completed,7.00,,107.00,999999",
    )
    page = client_for(client, treasurer)
    answer = page.post(
        f"/treasury/{member_account.coop.slug}/mobile-money/reconcile/", {"statement": upload}
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "UNBOOKED01" in text and "NOTINSTMT1" in text and trans_id not in text


@pytest.mark.parametrize(
    ("persona", "status"),
    [("treasurer", 200), ("supervisor", 200), ("member", 403), ("outsider", 404)],
)
def test_only_those_who_read_the_books_reconcile(client, books, coop, request, persona, status):
    from conftest import client_for

    page = client_for(client, request.getfixturevalue(persona))
    assert page.get(f"/treasury/{coop.slug}/mobile-money/reconcile/").status_code == status


def test_a_file_that_is_not_a_statement_is_refused(client, books, coop, treasurer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import client_for

    upload = SimpleUploadedFile("x.csv", b"Name,Age\nAmina,30\n", content_type="text/csv")
    answer = client_for(client, treasurer).post(
        f"/treasury/{coop.slug}/mobile-money/reconcile/", {"statement": upload}
    )
    assert answer.status_code == 400
