"""M-PESA callbacks replayed: raw first, deduplicated, nothing booked before the status query."""

import datetime

import pytest
from django.utils import timezone

from minga.channels.models import Payment, PaymentCallback
from minga.channels.payments import inbox, standin

from .payments_support import deliver, post, settle_all, url

pytestmark = pytest.mark.django_db


def pay(amount="10", ref="M0042", short_code="600638"):
    return standin.pay_bill(short_code=short_code, bill_ref=ref, amount=amount)


def test_it_accepts_a_known_reference_and_posts_only_after_the_provider_lists_it(
    client, books, paybill, run_tasks
):
    trans_id = pay("1500.50")
    validation, confirmation = deliver(client)
    assert validation.json() == {"ResultCode": "0", "ResultDesc": "Accepted"}
    assert confirmation.json() == {"ResultCode": 0, "ResultDesc": "Success"}
    payment = Payment.objects.get()
    assert (payment.status, payment.receipt, payment.amount) == ("pending", trans_id, 150050)
    assert books.settled == []  # the callback's word alone books nothing
    assert run_tasks() == 1  # one batch query (Pull Transactions) for the account
    payment.refresh_from_db()
    assert (payment.status, payment.confirmed_amount, payment.booked_as) == (
        "posted",
        150050,
        "entry 1",
    )


def test_the_provider_s_list_says_who_paid_not_the_callback(client, books, paybill, run_tasks):
    pay("10", "M0042")
    _, confirmation = list(standin.outbox)
    standin.outbox.clear()
    confirmation.body["BillRefNumber"] = "M0007"  # a callback that names someone else
    deliver(client, [confirmation])
    run_tasks()
    payment = Payment.objects.get()
    assert (payment.status, payment.reference) == ("posted", "M0042")
    assert books.settled[0][2] == "M0042"


def test_a_burst_of_callbacks_makes_one_batch_query(client, books, paybill, run_tasks):
    for i in range(5):
        pay(f"{10 + i}")
    deliver(client)
    assert run_tasks() == 1
    assert sorted(p.status for p in Payment.objects.all()) == ["posted"] * 5
    assert len(books.settled) == 5


@pytest.mark.parametrize(
    ("ref", "amount", "code"),
    [("NOBODY", "10", "C2B00012"), ("M0042", "10.005", "C2B00013"), ("M0042", "-5", "C2B00013")],
)
def test_it_rejects_with_the_documented_codes(client, books, paybill, ref, amount, code):
    pay(amount, ref)
    validation, _ = deliver(client)
    assert validation.json()["ResultCode"] == code


def test_it_rejects_an_unknown_short_code(client, books, paybill):
    pay(short_code="999999")
    validation, confirmation = deliver(client)
    assert validation.json()["ResultCode"] == "C2B00015"
    assert Payment.objects.get().status == "failed"


def test_a_repeated_validation_gets_the_first_answer(client, books, paybill):
    pay(ref="NOBODY")
    validation = standin.outbox[0]
    answers = deliver(client, [validation, validation])
    assert [a.json()["ResultCode"] for a in answers] == ["C2B00012", "C2B00012"]
    assert PaymentCallback.objects.filter(kind="c2b-validation").count() == 1


def test_an_unknown_reference_goes_to_suspense_never_lost(client, books, paybill, run_tasks):
    pay("250", "nobody 9")
    settle_all(client, run_tasks)
    payment = Payment.objects.get()
    assert (payment.status, payment.reference, payment.confirmed_amount) == (
        "suspense",
        "nobody9",
        25000,
    )


def test_duplicates_and_retries_post_once(client, books, paybill, run_tasks):
    pay("10")
    _, confirmation = list(standin.outbox)
    standin.outbox.clear()
    answers = deliver(client, [confirmation] * 3)
    assert {a.status_code for a in answers} == {200}
    settle_all(client, run_tasks)
    deliver(client, [confirmation])  # a retry after the provider timed out on us
    settle_all(client, run_tasks)
    assert Payment.objects.count() == 1 and len(books.settled) == 1
    assert Payment.objects.get().status == "posted"
    assert PaymentCallback.objects.filter(kind="c2b-confirmation").count() == 1


def payout(paybill, phone="+254712345674"):
    """A disbursement whose result never comes: the Transaction Status query answers."""
    return inbox.start(
        account=paybill, direction="out", phone=phone, amount=50000, reference="M0042"
    )


def test_a_second_status_answer_changes_nothing(client, books, paybill, run_tasks):
    payment = payout(paybill)
    run_tasks()
    inbox.confirm.enqueue(payment.pk)
    run_tasks()
    answer = standin.outbox.pop()
    deliver(client, [answer, answer])
    inbox.confirm.call(payment.pk)  # a late query of a settled payment asks nothing
    assert standin.outbox == [] and len(books.settled) == 1
    assert PaymentCallback.objects.filter(kind="status-result").count() == 1


def test_the_status_answer_counts_only_at_the_query_s_own_url(client, books, paybill, run_tasks):
    payment = payout(paybill)
    run_tasks()
    inbox.confirm.enqueue(payment.pk)
    run_tasks()
    answer = standin.outbox.pop()
    forged = answer.url.replace("q=", "q=guess")
    assert post(client, forged, answer.body).status_code == 200
    assert Payment.objects.get().status == "pending" and books.settled == []
    post(client, answer.url, answer.body)
    assert Payment.objects.get().status == "posted"


def test_an_amount_that_differs_from_the_provider_s_goes_to_suspense(
    client, books, paybill, run_tasks
):
    pay("10")
    _, confirmation = list(standin.outbox)
    standin.outbox.clear()
    confirmation.body["TransAmount"] = "10000"  # a callback that lies about the amount
    deliver(client, [confirmation])
    settle_all(client, run_tasks)
    payment = Payment.objects.get()
    assert (payment.status, payment.amount, payment.confirmed_amount) == ("suspense", 1000000, 1000)


def test_a_confirmation_the_provider_does_not_know_fails_after_asking_again(
    client, books, paybill, run_tasks
):
    body = {"TransID": "RKTQDM7W6S", "TransAmount": "10", "BusinessShortCode": "600638",
            "BillRefNumber": "M0042", "MSISDN": "2547*****149"}  # fmt: skip
    post(client, url("channels:mpesa-c2b-confirmation"), body)
    for hours in range(1, inbox.UNKNOWN_ANSWERS + 2):
        settle_all(client, run_tasks)
        inbox.query_due(timezone.now() + datetime.timedelta(hours=hours))  # the periodic job
    payment = Payment.objects.get()
    assert payment.status == "failed" and books.settled == []
    assert payment.reason == "the provider does not list this transaction"


def test_masked_numbers_are_kept_raw_and_never_identify_anyone(client, books, paybill, run_tasks):
    standin.pay_bill(short_code="600638", bill_ref="M0007", amount="20", msisdn="2547*****149")
    settle_all(client, run_tasks)
    assert Payment.objects.get().reference == "M0007"
    assert books.settled[0][2] == "M0007"


def test_callbacks_out_of_order_still_post_once(client, books, paybill, run_tasks):
    pay("10")
    pay("20", "M0007")
    deliver(client, reverse=True)
    settle_all(client, run_tasks)
    assert sorted(p.status for p in Payment.objects.all()) == ["posted", "posted"]
    assert len(books.settled) == 2


def test_bad_token_and_address_not_allowed_are_refused_and_store_nothing(
    client, books, paybill, settings
):
    pay()
    _, confirmation = list(standin.outbox)
    bad = confirmation.url.replace("token=", "token=x")
    assert post(client, bad, confirmation.body).status_code == 403
    no_token = confirmation.url.split("?")[0]
    assert post(client, no_token, confirmation.body).status_code == 403
    settings.MPESA_CALLBACK_IPS = ["196.201.214.0/24"]
    assert post(client, confirmation.url, confirmation.body).status_code == 403
    assert PaymentCallback.objects.count() == 0 and Payment.objects.count() == 0


def test_the_allow_list_reads_the_address_through_trusted_proxies(client, books, paybill, settings):
    pay()
    _, confirmation = list(standin.outbox)
    settings.MPESA_CALLBACK_IPS = ["196.201.214.0/24"]
    settings.MINGA_TRUSTED_PROXIES = ["127.0.0.1/32"]
    answer = post(client, confirmation.url, confirmation.body, HTTP_X_FORWARDED_FOR="196.201.214.7")
    assert answer.status_code == 200
    assert PaymentCallback.objects.get().address == "196.201.214.7"
    settings.MINGA_TRUSTED_PROXIES = []  # the header is not believed from anyone else
    answer = post(client, confirmation.url, confirmation.body, HTTP_X_FORWARDED_FOR="196.201.214.7")
    assert answer.status_code == 403


def test_outside_debug_a_callback_without_a_configured_token_is_refused(
    client, books, paybill, settings
):
    settings.DEBUG = False
    settings.MPESA_CALLBACK_TOKEN = ""
    response = post(client, url("channels:mpesa-c2b-confirmation"), {"TransID": "X"})
    assert response.status_code == 403


def test_it_refuses_what_is_not_a_json_object(client, books, paybill):
    response = client.post(
        "/channels/mpesa/c2b/confirmation?token=" + "callback-secret-for-tests",
        data="[1, 2]",
        content_type="application/json",
    )
    assert response.status_code == 400


def test_a_confirmation_makes_the_payment_the_orm_path_makes(client, books, paybill):
    """The callback's plain statements (the budget's fast path) store what `_payment_for_receipt`
    stores through the ORM, field by field."""
    trans_id = pay("1500.50")
    deliver(client)
    fast = Payment.objects.get()
    slow = inbox._payment_for_receipt(
        provider="mpesa", receipt="OTHER1", account=paybill, method=Payment.Method.C2B,
        amount=150050, currency="KES", reference="M0042",
    )  # fmt: skip
    skip = {"id", "uid", "receipt", "requested_at", "next_query_at", "created_at", "updated_at"}
    for field in Payment._meta.concrete_fields:
        if field.name not in skip:
            assert getattr(fast, field.attname) == getattr(slow, field.attname), field.name
    assert fast.receipt == trans_id and fast.uid != slow.uid
    assert fast.next_query_at - fast.requested_at == inbox.backoff(1)
    paybill.refresh_from_db()
    assert paybill.is_query_queued  # asked once for both


def test_a_payment_its_handler_refuses_stays_pending_and_the_others_settle(
    client, books, paybill, run_tasks, monkeypatch
):
    for i in range(4):
        pay(f"{10 + i}")
    deliver(client)
    refused = Payment.objects.order_by("pk")[1]
    settle = books.settle

    def refusing(payment, *, doubt):
        if payment.pk == refused.pk:
            raise RuntimeError("the books are away")
        return settle(payment, doubt=doubt)

    monkeypatch.setattr(books, "settle", refusing)
    run_tasks()
    statuses = dict(Payment.objects.values_list("pk", "status"))
    assert statuses.pop(refused.pk) == "pending"
    assert sorted(statuses.values()) == ["posted"] * 3
    assert len(books.settled) == 3


def test_a_chunk_settles_in_one_transaction_with_one_prepare(client, books, paybill, run_tasks):
    prepared = []

    @__import__("contextlib").contextmanager
    def prepare(payments):
        prepared.append(sorted(p.reference for p in payments))
        yield

    books.prepare = prepare
    for i in range(3):
        pay(f"{10 + i}")
    deliver(client)
    run_tasks()
    assert prepared == [["M0042"] * 3]
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["posted"] * 3


def test_a_confirmation_that_fails_after_its_raw_copy_keeps_the_copy_and_a_repeat_makes_the_payment(
    client, books, paybill, run_tasks, monkeypatch
):
    """The raw copy and the payment are written in one transaction, the payment in a savepoint
    after the copy: an error there answers 500 (the provider sends it again) and keeps the
    copy; the repeat, finding no payment, makes it."""
    trans_id = pay("10")
    callbacks = list(standin.outbox)
    standin.outbox.clear()

    def broken(values, now):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(inbox, "_insert_payment", broken)
    client.raise_request_exception = False
    _validation, confirmation = deliver(client, callbacks)
    assert confirmation.status_code == 500
    stored = PaymentCallback.objects.get(kind="c2b-confirmation")
    assert stored.key == trans_id and stored.payload["TransID"] == trans_id
    assert not Payment.objects.exists()
    paybill.refresh_from_db()
    assert not paybill.is_query_queued  # undone with the payment
    monkeypatch.undo()
    assert deliver(client, callbacks[1:])[0].json() == {"ResultCode": 0, "ResultDesc": "Success"}
    assert PaymentCallback.objects.filter(kind="c2b-confirmation").count() == 1
    run_tasks()
    assert Payment.objects.get().status == "posted"


def test_a_repeat_of_a_confirmation_already_made_into_a_payment_is_one_read(
    client, books, paybill, django_assert_num_queries
):
    """No write transaction, no lock to queue for: the raw copy is there, and its payment."""
    pay("10")
    callbacks = list(standin.outbox)
    standin.outbox.clear()
    deliver(client, callbacks)
    with django_assert_num_queries(1) as sent:
        (answer,) = deliver(client, callbacks[1:])
    assert answer.json() == {"ResultCode": 0, "ResultDesc": "Success"}
    assert sent.captured_queries[0]["sql"].lstrip().upper().startswith("SELECT")
    assert PaymentCallback.objects.filter(kind="c2b-confirmation").count() == 1
    assert Payment.objects.count() == 1
