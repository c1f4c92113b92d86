"""Payments Minga asks for (STK push, request-to-pay) and sends (B2C, MoMo transfer), replayed
against the stand-in: each ends posted, in suspense or failed with a reason, never twice."""

import datetime

import pytest
from django.utils import timezone

from minga.channels.models import Payment, PaymentCallback
from minga.channels.payments import inbox, standin
from minga.channels.payments.providers import ProviderError

from .payments_support import deliver, post, settle_all

pytestmark = pytest.mark.django_db


def later(client, run_tasks, hours=1):
    """The periodic job's next rounds, as if `hours` had passed."""
    for hour in range(1, hours + 1):
        inbox.query_due(timezone.now() + datetime.timedelta(hours=hour))
        settle_all(client, run_tasks)


def start(account, phone, amount=1000, direction="in", reference="M0042"):
    return inbox.start(
        account=account, direction=direction, phone=phone, amount=amount, reference=reference,
        purpose="Contribution",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("phone", "status", "reason"),
    [
        ("+254712345670", "posted", ""),
        ("+254712345671", "failed", "1032: cancelled by the member"),
        ("+254712345672", "failed", "1037: the member's phone could not be reached"),
        ("+254712345673", "failed", "2001: wrong PIN"),
        ("+254712345674", "posted", ""),  # no callback ever: the query knows
        ("+254712345675", "posted", ""),  # the callback twice
    ],
)
def test_an_stk_push_ends_as_the_provider_says(
    client, books, paybill, run_tasks, phone, status, reason
):
    payment = start(paybill, phone)
    settle_all(client, run_tasks)
    if phone.endswith("4"):
        assert Payment.objects.get().status == "pending"  # nothing came: ask later
        later(client, run_tasks)
    payment.refresh_from_db()
    assert (payment.status, payment.reason) == (status, reason)
    assert len(books.settled) == (status == "posted")
    if status == "failed":
        assert books.failures == [reason]


def test_a_paid_stk_push_keeps_the_receipt_of_its_callback(client, books, paybill, run_tasks):
    payment = start(paybill, "+254712345670")
    run_tasks()
    callback = standin.outbox.pop()
    post(client, callback.url, callback.body)
    post(client, callback.url, callback.body)  # a repeat: stored once
    settle_all(client, run_tasks)
    payment.refresh_from_db()
    assert payment.status == "posted" and len(payment.receipt) == 10
    assert PaymentCallback.objects.filter(kind="stk-callback").count() == 1


def test_a_callback_before_the_request_s_id_is_saved_is_not_lost(client, books, paybill, run_tasks):
    payment = start(paybill, "+254712345670")
    run_tasks()
    callback = standin.outbox.pop()
    Payment.objects.filter(pk=payment.pk).update(provider_ref="")  # as if it came first
    post(client, callback.url, callback.body)
    Payment.objects.filter(pk=payment.pk).update(
        provider_ref=callback.body["Body"]["stkCallback"]["CheckoutRequestID"]
    )
    later(client, run_tasks)
    payment.refresh_from_db()
    assert payment.status == "posted" and payment.receipt != ""


def test_a_failed_stk_result_posts_nothing_even_when_a_forged_success_follows(
    client, books, paybill, run_tasks
):
    payment = start(paybill, "+254712345671")
    run_tasks()
    failure = standin.outbox.pop()
    forged = {"Body": {"stkCallback": dict(failure.body["Body"]["stkCallback"], ResultCode=0)}}
    post(client, failure.url, forged)
    settle_all(client, run_tasks)
    payment.refresh_from_db()
    assert payment.status == "failed" and books.settled == []


def test_an_stk_push_that_stays_pending_is_asked_again_then_left_for_the_statement(
    client, books, paybill, run_tasks
):
    payment = start(paybill, "+254712345676")
    settle_all(client, run_tasks)
    later(client, run_tasks, hours=inbox.MAX_QUERIES + 1)
    payment.refresh_from_db()
    assert payment.status == "pending" and payment.next_query_at is None
    assert payment.reason == "the provider gave no final answer: see the statement"
    assert books.settled == []


def test_a_request_is_sent_once_however_often_its_task_runs(client, books, paybill, run_tasks):
    payment = start(paybill, "+254712345670")
    assert inbox.send.call(payment.pk, "+254712345670") == "sent"
    assert inbox.send.call(payment.pk, "+254712345670") == "already sent"
    run_tasks()
    assert len([c for c in standin.outbox if "stk" in c.url]) == 1


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_a_momo_request_to_pay_is_confirmed_by_get_before_posting(
    client, books, momo_account, run_tasks, method
):
    payment = start(momo_account, "+250788000110", amount=600, reference="M0007")
    run_tasks()
    callback = standin.outbox.pop()
    assert callback.body["status"] == "SUCCESSFUL"
    assert post(client, callback.url, callback.body, method).status_code == 200
    assert books.settled == []
    run_tasks()  # GET .../requesttopay/{referenceId}
    payment.refresh_from_db()
    assert (payment.status, payment.confirmed_amount) == ("posted", 600)
    assert payment.receipt == callback.body["financialTransactionId"]


def test_a_forged_momo_success_for_a_declined_request_posts_nothing(
    client, books, momo_account, run_tasks
):
    payment = start(momo_account, "+250788000111")
    run_tasks()
    callback = standin.outbox.pop()
    post(client, callback.url, dict(callback.body, status="SUCCESSFUL"))
    settle_all(client, run_tasks)
    payment.refresh_from_db()
    assert (payment.status, payment.reason) == ("failed", "APPROVAL_REJECTED")


def test_momo_callbacks_repeated_and_out_of_order_post_once(client, books, momo_account, run_tasks):
    first = start(momo_account, "+250788000115", amount=600)
    second = start(momo_account, "+250788000110", amount=700)
    run_tasks()
    deliver(client, reverse=True)
    settle_all(client, run_tasks)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == ("posted", "posted")
    assert len(books.settled) == 2


def test_amounts_with_decimals_are_exact_or_refused(client, books, momo_account, run_tasks):
    payment = start(momo_account, "+250788000110", amount=600)
    run_tasks()
    callback = standin.outbox.pop()
    post(client, callback.url, callback.body)
    from minga.channels.payments import providers

    assert providers.momo_outcome(dict(callback.body, amount="600.00"), "RWF").amount == 600
    assert providers.momo_outcome(dict(callback.body, amount="600.5"), "RWF").state == "failed"
    run_tasks()
    payment.refresh_from_db()
    assert payment.confirmed_amount == 600


@pytest.mark.parametrize(
    ("phone", "status"),
    [("+254712345670", "posted"), ("+254712345673", "failed"), ("+254712345674", "posted")],
)
def test_a_b2c_disbursement_is_confirmed_by_the_status_query(
    client, books, paybill, run_tasks, phone, status
):
    payment = start(paybill, phone, direction="out", amount=50000)
    settle_all(client, run_tasks)
    if phone.endswith("4"):  # the result never arrives: asked, not sent again
        later(client, run_tasks)
    payment.refresh_from_db()
    assert payment.status == status
    assert len(books.settled) == (status == "posted")


def test_a_disbursement_whose_request_timed_out_is_queried_not_repeated(
    client, books, paybill, run_tasks, monkeypatch
):
    from minga.channels.payments import providers

    real = providers.Daraja.disburse

    def times_out(self, payment, *, phone):
        real(self, payment, phone=phone)  # the provider took it...
        raise ProviderError("M-PESA did not answer")  # ...but we never heard back

    monkeypatch.setattr(providers.Daraja, "disburse", times_out)
    payment = start(paybill, "+254712345674", direction="out", amount=50000)
    run_tasks()
    payment.refresh_from_db()
    assert payment.status == "pending" and payment.provider_ref == ""
    later(client, run_tasks, hours=2)
    payment.refresh_from_db()
    assert payment.status == "posted"
    b2c_requests = [c for c in PaymentCallback.objects.all() if c.kind.startswith("b2c")]
    assert b2c_requests == []  # the silent case: no result, only the status query's answer
    assert len(books.settled) == 1


def test_a_momo_transfer_is_confirmed_by_get(client, books, momo_account, run_tasks):
    payment = start(momo_account, "+250788000110", direction="out", amount=5000)
    settle_all(client, run_tasks)
    payment.refresh_from_db()
    assert (payment.method, payment.status) == ("transfer", "posted")
