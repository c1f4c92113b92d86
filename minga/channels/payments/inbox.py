"""The payment inbox: callbacks stored raw first, payments confirmed by the provider, then booked.

Every callback is written as it came (`PaymentCallback`) before anything reads it, and kept
even when what follows fails (its own transaction, or a savepoint after it: `_kept_raw`); a
repeat (same provider, kind and provider id) is stored once and answered as the first was. A
callback never books money: it makes a payment `pending` (creating it for a paybill payment,
keyed by the provider's TransID so two workers seeing the same money make one payment) and asks
for the `confirm` task, which queries the provider's status API through the background queue.
Only the provider's answer to that query settles a payment (`apply`), once, under a row lock:
posted or in suspense by the owner's handler, or failed with the provider's reason. Daraja's
Transaction Status answers by callback too: that answer counts only when it comes to the URL
carrying the secret of the query (`query_ref`), which only the provider saw.

Payments still pending are queried again by a periodic job with a growing delay, so a callback
that never comes changes nothing; a disbursement whose result never came is queried, never sent
again (`send` claims the request once).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from minga.channels.models import Payment, PaymentAccount, PaymentCallback
from minga.core.fast import sql
from minga.core.fast.cursor import hot_cursor
from minga.core.lookups import keyed

from .amounts import AmountError, to_minor
from .providers import (
    FAILED,
    PENDING,
    SUCCEEDED,
    Outcome,
    ProviderError,
    momo_outcome,
    new_secret,
    provider,
    status_outcome,
)

log = logging.getLogger("minga.channels.payments")

MAX_QUERIES = 12  # about a day of growing delays; then the payment waits for the statement
UNKNOWN_ANSWERS = 3  # "no such transaction" this many times before it counts as failed
Status = Payment.Status


@dataclass(frozen=True)
class Booking:
    """What the owner's handler did with a confirmed payment."""

    status: str  # Payment.Status.POSTED or SUSPENSE
    booked_as: str = ""  # e.g. the journal entry's number
    reason: str = ""


class PaymentHandler(Protocol):
    """What an app registers to receive its payments (see `register_handler`).

    A handler may also have `prepare(payments)`, a context manager the inbox enters around
    the settlement of several payments at once, to read what their `settle` calls need in
    one go (the treasury reads the members the references name)."""

    def check(self, *, owner: str, reference: str, amount: int, currency: str) -> str:
        """Before a paybill payment: "" to accept, "account" (unknown reference) or "amount"."""
        ...

    def settle(self, payment: Payment, *, doubt: str) -> Booking:
        """Book a confirmed payment, inside the transaction that settles it. `doubt` is a
        reason to book it to suspense ("" when none); raise to leave it pending."""
        ...

    def failed(self, payment: Payment) -> None:
        """A payment ended without money moving (its `reason` says why)."""
        ...


_HANDLERS: dict[str, PaymentHandler] = {}


def register_handler(kind: str, handler: PaymentHandler) -> None:
    """Receive the payments of accounts whose owner is `kind:...` (from AppConfig.ready)."""
    _HANDLERS[kind] = handler


def handler_for(owner: str) -> PaymentHandler | None:
    return _HANDLERS.get(owner.partition(":")[0])


def clean_reference(value: object) -> str:
    """The account reference as the payer typed it, without stray spaces."""
    return "".join(str(value or "").split())[:40]


def backoff(queries: int) -> datetime.timedelta:
    """30 s, 1 min, 2 min ... at most an hour between two queries of one payment."""
    return datetime.timedelta(seconds=min(30 * 2 ** max(queries - 1, 0), 3600))


def store(
    *, provider: str, kind: str, key: str, payload: Any, address: str | None
) -> tuple[PaymentCallback, bool]:
    """Write the raw callback in its own transaction; (row, False) for a repeat."""
    try:
        with transaction.atomic():
            row = PaymentCallback.objects.create(
                provider=provider,
                kind=kind,
                key=key[:128],
                payload=payload,
                address=address or None,
            )
        return row, True
    except IntegrityError:
        return PaymentCallback.objects.get(provider=provider, kind=kind, key=key[:128]), False


def store_once(*, provider: str, kind: str, key: str, payload: Any, address: str | None) -> bool:
    """`store` for callbacks found by their key alone, in the caller's transaction
    (`_kept_raw`, which commits it whatever follows): whether it was new.

    Fast path for the budget "confirmation callbacks accepted and posted >= 500/s with 30%
    duplicates" (bench/bench_payments.py): one INSERT that skips a repeat (ON CONFLICT DO
    NOTHING on the unique key, in SQLite and PostgreSQL alike), on `core.fast.cursor`'s cursor,
    each value prepared by its field. The inbox's tests compare its row with `store`'s."""
    db = connections[DEFAULT_DB_ALIAS]
    values = {
        "provider": provider,
        "kind": kind,
        "key": key[:128],
        "payload": payload,
        "address": address or None,
        "payment": None,
        "answer": {},
        "received_at": timezone.now(),
    }
    field = PaymentCallback._meta.get_field
    row = [field(name).get_db_prep_save(value, db) for name, value in values.items()]
    with hot_cursor(db) as cursor:
        cursor.execute(_store_once_sql(db.vendor), row)
        return cursor.fetchone() is not None


@functools.lru_cache(maxsize=4)
def _store_once_sql(vendor: str) -> str:
    q = sql.quote
    columns = (
        "provider",
        "kind",
        "key",
        "payload",
        "address",
        "payment_id",
        "answer",
        "received_at",
    )
    return (
        f"INSERT INTO {sql.table(PaymentCallback)} ({', '.join(q(c) for c in columns)}) "  # noqa: S608 (names quoted, values bound)
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({q('provider')}, {q('kind')}, {q('key')}) DO NOTHING RETURNING id"
    )


def _ask(payment_id: int) -> None:
    """Queue the status query, in the transaction that needs it."""
    confirm.enqueue(payment_id)


def _ask_account(account_id: int) -> None:
    """Queue one batch query of an account's paybill payments, unless one is queued already
    (a burst of callbacks makes one task, not one each): one conditional UPDATE, in plain SQL
    for the budget payment-callbacks-per-second (every paybill callback runs it)."""
    db = connections[DEFAULT_DB_ALIAS]
    with hot_cursor(db) as cursor:
        cursor.execute(_fast_sql(db.vendor)["ask"], [True, account_id, False])
        queued = cursor.rowcount
    if queued:
        confirm_account.enqueue(account_id)


# --- M-PESA -------------------------------------------------------------------------------------

REJECT = {
    "C2B00012": "Invalid Account Number",
    "C2B00013": "Invalid Amount",
    "C2B00015": "Invalid ShortCode",
    "C2B00016": "Other Error",
}
ACCEPTED = {"ResultCode": "0", "ResultDesc": "Accepted"}


def _reject(code: str) -> dict[str, str]:
    return {"ResultCode": code, "ResultDesc": f"Rejected: {REJECT[code]}"}


def c2b_validation(payload: dict[str, Any], *, address: str | None) -> dict[str, str]:
    """Accept or refuse a paybill payment before it happens (the documented C2B000xx codes)."""
    key = str(payload.get("TransID") or "")
    if not key:
        return _reject("C2B00016")
    row, new = store(
        provider="mpesa", kind="c2b-validation", key=key, payload=payload, address=address
    )
    if not new:
        return row.answer or ACCEPTED
    answer = _validate(payload)
    PaymentCallback.objects.filter(pk=row.pk).update(answer=answer)
    return answer


def _validate(payload: dict[str, Any]) -> dict[str, str]:
    account = _paybill(payload.get("BusinessShortCode"))
    if account is None:
        return _reject("C2B00015")
    try:
        amount = to_minor(payload.get("TransAmount"), account.currency)
    except AmountError:
        return _reject("C2B00013")
    if amount <= 0:
        return _reject("C2B00013")
    handler = handler_for(account.owner)
    if handler is None:
        return _reject("C2B00016")
    verdict = handler.check(
        owner=account.owner,
        reference=clean_reference(payload.get("BillRefNumber")),
        amount=amount,
        currency=account.currency,
    )
    return {"account": _reject("C2B00012"), "amount": _reject("C2B00013")}.get(verdict, ACCEPTED)


def c2b_confirmation(payload: dict[str, Any], *, address: str | None) -> dict[str, Any]:
    """A paybill payment happened, says the callback: a pending payment, and a status query."""
    key = str(payload.get("TransID") or "")[:100]
    if not key:
        return {"ResultCode": 1, "ResultDesc": "Missing TransID"}
    if _answered(key):  # a repeat, stored and made into its payment already: nothing to write
        return {"ResultCode": 0, "ResultDesc": "Success"}
    return _kept_raw(
        lambda: store_once(
            provider="mpesa", kind="c2b-confirmation", key=key, payload=payload, address=address
        ),
        lambda new: _confirmed(payload, key, new),
    )


def _kept_raw(store_raw: Callable[[], bool], receive: Callable[[bool], Any]) -> Any:
    """Store a callback raw, then `receive(new)` it, in one transaction: the raw copy first,
    the rest in a savepoint after it, so an error there undoes only the rest and the raw copy
    is committed all the same before the error goes on (one commit per callback, not two:
    budget payment-callbacks-per-second). On SQLite, writers queue for the lock at its BEGIN
    (`core.fast.sqlite`), where a lone statement would wait in SQLite's growing sleeps."""
    failure: Exception | None = None
    with transaction.atomic():
        new = store_raw()
        try:
            with transaction.atomic():
                answer = receive(new)
        except Exception as error:  # raised once the raw copy is committed
            failure = error
    if failure is not None:
        raise failure
    return answer


def _confirmed(payload: dict[str, Any], key: str, new: bool) -> dict[str, Any]:
    success = {"ResultCode": 0, "ResultDesc": "Success"}
    # A repeat goes through too when its payment is missing (the first copy died before
    # making it); otherwise the unique receipt finds the payment already there.
    if not new and _has_payment("mpesa", key):
        return success
    account = _paybill(payload.get("BusinessShortCode"))
    currency = account.currency if account else "KES"
    try:
        amount = to_minor(payload.get("TransAmount"), currency)
    except AmountError:
        amount = 0  # the status query says how much arrived; the difference puts it in suspense
    reference = clean_reference(payload.get("BillRefNumber"))
    if account is None:
        _payment_for_receipt(
            provider="mpesa", receipt=key, account=None, method=Payment.Method.C2B,
            amount=amount, currency=currency, reference=reference,
        )  # fmt: skip
        return success
    # The payment's receipt is the callback's key: each is found from the other.
    now = timezone.now()
    pending = {
        "provider": "mpesa", "receipt": key, "account_id": account.id,
        "method": Payment.Method.C2B, "direction": Payment.Direction.IN,
        "status": Status.PENDING, "amount": amount, "currency": currency,
        "reference": reference, "requested_at": now, "next_query_at": now + backoff(1),
    }  # fmt: skip
    if _insert_payment(pending, now):
        _ask_account(account.id)
    return success


# --- fast path: budget payment-callbacks-per-second (bench/bench_payments.py) ----------------
# ">= 500 confirmation callbacks/s accepted and posted": through the ORM, a paybill callback's
# four statements (its account, the payment, the queued query) cost several times what
# running them does. Here each is one plain statement on `core.fast.cursor`'s cursor, its
# values prepared by their fields (`core.fast.sql`); the rules are the same as the ORM path's
# (`_payment_for_receipt`, which an unknown account still takes), and
# tests/test_payments_mpesa.py compares the two payments.


def _answered(key: str) -> bool:
    """Whether this confirmation was stored and made into its payment already: one read,
    without the write lock a repeat would otherwise queue for (30% of the budget's callbacks)."""
    db = connections[DEFAULT_DB_ALIAS]
    with hot_cursor(db) as cursor:
        cursor.execute(_fast_sql(db.vendor)["answered"], ["mpesa", "c2b-confirmation", key, key])
        return cursor.fetchone() is not None


def _has_payment(provider_name: str, receipt: str) -> bool:
    db = connections[DEFAULT_DB_ALIAS]
    with hot_cursor(db) as cursor:
        cursor.execute(_fast_sql(db.vendor)["has_payment"], [provider_name, receipt])
        return cursor.fetchone() is not None


class Paybill(NamedTuple):
    id: int
    currency: str
    owner: str


def _paybill(short_code: object) -> Paybill | None:
    """The active M-PESA account at `short_code` (what a callback needs of it), or None."""
    db = connections[DEFAULT_DB_ALIAS]
    with hot_cursor(db) as cursor:
        cursor.execute(_fast_sql(db.vendor)["paybill"], ["mpesa", str(short_code or "")])
        row = cursor.fetchone()
    return Paybill(*row) if row else None


def _insert_payment(values: dict[str, Any], now: datetime.datetime) -> bool:
    """INSERT a payment of these field values (the others their defaults, its times `now`)
    unless another has its receipt already; whether it was new. No model instance is built:
    each value is prepared by its field, as `Model.save` would (a constant default once)."""
    db = connections[DEFAULT_DB_ALIAS]
    constant = _constant_defaults(db.alias)
    row = []
    for field in _payment_fields():
        name = field.attname
        if name in values:
            row.append(field.get_db_prep_save(values[name], db))
        elif name in constant:
            row.append(constant[name])
        elif _set_on_save(field):
            row.append(field.get_db_prep_save(now, db))
        else:
            row.append(field.get_db_prep_save(field.get_default(), db))
    with hot_cursor(db) as cursor:
        cursor.execute(_fast_sql(db.vendor)["insert_payment"], row)
        return cursor.fetchone() is not None


@functools.cache
def _payment_fields() -> tuple[Any, ...]:
    return tuple(f for f in sql.concrete_fields(Payment) if not f.primary_key)


@functools.cache
def _constant_defaults(alias: str) -> dict[str, Any]:
    """The prepared default of each field whose default is a constant (not a callable such as
    `uuid4`, not a time set on save)."""
    db = connections[alias]
    return {
        field.attname: field.get_db_prep_save(field.get_default(), db)
        for field in _payment_fields()
        if not callable(field.default) and not _set_on_save(field)
    }


def _set_on_save(field: Any) -> bool:
    """A time the ORM sets when it saves (`auto_now`, `auto_now_add`)."""
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


@functools.lru_cache(maxsize=4)
def _fast_sql(vendor: str) -> dict[str, str]:
    q = sql.quote
    payment, account = sql.table(Payment), sql.table(PaymentAccount)
    columns = [q(f.column) for f in _payment_fields()]
    return {
        "has_payment": f"SELECT 1 FROM {payment} WHERE provider = %s AND receipt = %s "  # noqa: S608 (names quoted, values bound)
        "AND NOT (receipt = '')",  # the partial unique index's condition (`core.lookups`)
        "answered": f"SELECT 1 FROM {sql.table(PaymentCallback)} c WHERE c.provider = %s "  # noqa: S608
        f"AND c.kind = %s AND c.{q('key')} = %s AND EXISTS (SELECT 1 FROM {payment} p "
        "WHERE p.provider = c.provider AND p.receipt = %s AND NOT (p.receipt = ''))",
        "paybill": f"SELECT id, currency, owner FROM {account} "  # noqa: S608
        "WHERE provider = %s AND account = %s AND is_active ORDER BY id LIMIT 1",
        "insert_payment": f"INSERT INTO {payment} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) ON CONFLICT DO NOTHING RETURNING id",
        "ask": f"UPDATE {account} SET is_query_queued = %s WHERE id = %s "  # noqa: S608
        "AND is_query_queued = %s",
    }


def _payment_for_receipt(*, provider: str, receipt: str, account, **fields) -> Payment:
    status, reason = Status.PENDING, ""
    if account is None:
        status, reason = Status.FAILED, "paid to an account Minga does not manage"
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                provider=provider,
                receipt=receipt,
                account=account,
                direction=Payment.Direction.IN,
                status=status,
                reason=reason,
                requested_at=timezone.now(),
                next_query_at=timezone.now() + backoff(1),
                **fields,
            )
            if status == Status.PENDING:
                _ask_account(account.pk)
            return payment
    except IntegrityError:  # another worker made it a moment ago
        return Payment.objects.get(keyed(receipt=receipt), provider=provider)


def stk_callback(payload: dict[str, Any], *, address: str | None) -> dict[str, Any]:
    """The end of an STK push, says the callback: a hint to query, and the receipt number."""
    body = (payload.get("Body") or {}).get("stkCallback") or {}
    key = str(body.get("CheckoutRequestID") or "")
    if not key:
        return {"ResultCode": 1, "ResultDesc": "Missing CheckoutRequestID"}
    row, new = store(
        provider="mpesa", kind="stk-callback", key=key, payload=payload, address=address
    )
    payment = Payment.objects.filter(keyed(provider_ref=key), provider="mpesa").first()
    if payment is not None:
        PaymentCallback.objects.filter(pk=row.pk).update(payment=payment)
        _note_receipt(payment, stk_receipt(body))
        if new and payment.status == Status.PENDING:
            _ask(payment.pk)
    return {"ResultCode": 0, "ResultDesc": "Accepted"}


def stk_receipt(body: dict[str, Any]) -> str:
    items = (body.get("CallbackMetadata") or {}).get("Item") or []
    for item in items:
        if isinstance(item, dict) and item.get("Name") == "MpesaReceiptNumber":
            return str(item.get("Value") or "")[:100]
    return ""


def _note_receipt(payment: Payment, receipt: str) -> None:
    """Keep the receipt number a callback gave, for the statement (it books nothing)."""
    if not receipt or payment.receipt:
        return
    try:
        with transaction.atomic():
            Payment.objects.filter(pk=payment.pk, receipt="").update(receipt=receipt)
    except IntegrityError:
        log.warning("receipt %s already belongs to another payment", receipt)


def b2c_result(
    payload: dict[str, Any], *, address: str | None, timeout: bool = False
) -> dict[str, Any]:
    """The end of a disbursement (or its timeout), says the callback: a hint to query."""
    result = payload.get("Result") or payload
    conversation = str(result.get("ConversationID") or "")
    originator = str(result.get("OriginatorConversationID") or "")
    kind = "b2c-timeout" if timeout else "b2c-result"
    key = conversation or originator
    if not key:
        return {"ResultCode": 1, "ResultDesc": "Missing ConversationID"}
    row, new = store(provider="mpesa", kind=kind, key=key, payload=payload, address=address)
    payment = (
        Payment.objects.filter(keyed(provider_ref=conversation), provider="mpesa").first()
        if conversation
        else None
    )
    if payment is None and originator:
        payment = Payment.objects.filter(provider="mpesa", uid=_uuid(originator)).first()
    if payment is not None:
        PaymentCallback.objects.filter(pk=row.pk).update(payment=payment)
        if not timeout and str(result.get("ResultCode")) == "0":
            _note_receipt(payment, str(result.get("TransactionID") or "")[:100])
        if new and payment.status == Status.PENDING:
            _ask(payment.pk)
    return {"ResultCode": 0, "ResultDesc": "Accepted"}


def _uuid(text: str) -> str | None:
    import uuid

    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def status_result(
    payload: dict[str, Any], *, secret: str, address: str | None, timeout: bool = False
) -> dict[str, Any]:
    """Daraja's answer to our Transaction Status query: it settles the payment, when it comes
    to the URL of that very query."""
    result = payload.get("Result") or payload
    kind = "status-timeout" if timeout else "status-result"
    key = str(result.get("ConversationID") or "") or f"q:{secret}"
    store(provider="mpesa", kind=kind, key=key, payload=payload, address=address)
    payment = (
        Payment.objects.select_related("account").filter(provider="mpesa", query_ref=secret).first()
        if secret
        else None
    )
    if payment is None or payment.status != Status.PENDING or timeout:
        return {"ResultCode": 0, "ResultDesc": "Accepted"}
    outcome = status_outcome(result, payment.currency)
    if (
        outcome.state == FAILED
        and str(result.get("ResultCode")) != "0"
        and payment.queries < UNKNOWN_ANSWERS
    ):
        outcome = Outcome(PENDING)  # not known yet may still become known: ask again later
    try:
        apply(payment.pk, outcome)
    except Exception:
        log.exception("payment %s could not be settled; it stays pending", payment.pk)
    return {"ResultCode": 0, "ResultDesc": "Accepted"}


# --- MTN MoMo -----------------------------------------------------------------------------------


def momo_callback(
    payload: dict[str, Any], *, product: str, reference: str, address: str | None
) -> None:
    """A MoMo callback (PUT or POST): a hint to GET the request's status."""
    status = str(payload.get("status") or "")
    key = f"{reference}:{status}:{payload.get('financialTransactionId') or ''}"
    row, new = store(provider="momo", kind=product, key=key, payload=payload, address=address)
    payment = (
        Payment.objects.filter(keyed(provider_ref=reference), provider="momo").first()
        if reference
        else None
    )
    if payment is not None:
        PaymentCallback.objects.filter(pk=row.pk).update(payment=payment)
        if new and payment.status == Status.PENDING:
            _ask(payment.pk)


# --- requests, queries, settlement --------------------------------------------------------------


@transaction.atomic
def start(
    *,
    account: PaymentAccount,
    direction: str,
    phone: str,
    amount: int,
    reference: str,
    purpose: str = "",
) -> Payment:
    """A payment Minga asks for (STK push, request-to-pay) or sends (B2C, transfer), pending,
    with the task that sends the request, in the caller's transaction (see `send`)."""
    methods = {
        ("mpesa", "in"): Payment.Method.STK,
        ("mpesa", "out"): Payment.Method.B2C,
        ("momo", "in"): Payment.Method.REQUEST_TO_PAY,
        ("momo", "out"): Payment.Method.TRANSFER,
    }
    payment = Payment.objects.create(
        provider=account.provider,
        account=account,
        direction=direction,
        method=methods.get((account.provider, direction), ""),
        amount=amount,
        currency=account.currency,
        reference=reference[:40],
        purpose=purpose[:64],
        query_ref=new_secret(),
    )
    send.enqueue(payment.pk, phone)
    return payment


@task()
def send(payment_id: int, phone: str) -> str:
    """Send a payment's request to its provider, once: the request is claimed first, so a task
    run twice (a worker that died, a retry) never asks or pays twice; what was claimed and not
    answered is queried later, never sent again."""
    now = timezone.now()
    claimed = Payment.objects.filter(
        pk=payment_id, requested_at__isnull=True, status=Status.PENDING
    )
    if not claimed.update(requested_at=now, next_query_at=now + backoff(1)):
        return "already sent"
    payment = Payment.objects.select_related("account").get(pk=payment_id)
    source = provider(payment.provider)
    try:
        if payment.direction == Payment.Direction.IN:
            source.collect(payment, phone=phone)
        else:
            source.disburse(payment, phone=phone)
    except ProviderError as error:
        if error.temporary and payment.direction == Payment.Direction.OUT:
            # The provider may have taken it: ask, don't send again.
            Payment.objects.filter(pk=payment_id).update(reason=str(error)[:255])
            return "asked later"
        apply(payment_id, Outcome(FAILED, reason=str(error)[:255]))
        return "failed"
    Payment.objects.filter(pk=payment_id).update(provider_ref=payment.provider_ref)
    return "sent"


@task()
def confirm(payment_id: int) -> str:
    """Ask the provider how a payment ended, and settle it when the answer is final."""
    payment = Payment.objects.select_related("account").filter(pk=payment_id).first()
    if payment is None or payment.status != Status.PENDING or payment.requested_at is None:
        return "nothing to ask"
    if payment.method == Payment.Method.C2B and payment.account is not None:
        _ask_account(payment.account.pk)
        return "asked with the account's others"
    if payment.method == Payment.Method.STK and not payment.provider_ref:
        if payment.queries >= UNKNOWN_ANSWERS:
            return apply(payment_id, Outcome(FAILED, reason="the provider never took the request"))
        _count_query(payment, payment.query_ref)
        return "not sent yet"
    secret = new_secret()
    payment.query_ref = secret
    # The secret is saved before the query goes, so an answer however quick finds it.
    _count_query(payment, secret)
    try:
        outcome = provider(payment.provider).query(payment)
    except ProviderError as error:
        Payment.objects.filter(pk=payment_id).update(reason=str(error)[:255])
        return "asked later"
    if outcome is None:
        return "asked"
    return apply(payment_id, outcome)


BATCH = 2000  # paybill payments confirmed by one batch query at most
CHUNK = 50  # payments settled in one transaction (each in a savepoint of its own)


@task()
def confirm_account(account_id: int) -> dict[str, int]:
    """Confirm the pending paybill payments of one account with one provider request (M-PESA's
    Pull Transactions), and settle each the provider lists; the others wait for the next round
    and fail once the provider has not listed them `UNKNOWN_ANSWERS` times.

    Those listed are settled `CHUNK` at a time, in one transaction that locks them together,
    each in a savepoint: a payment its handler refuses stays pending (logged, asked again
    later) and the others of its chunk are settled all the same. The handler may read what
    its settlements need for the whole chunk at once (`PaymentHandler.prepare`).

    Two workers may run it at once for one account (the queued task and the periodic job's):
    each counts its query only on the payments no other holds (SKIP LOCKED), and rows are
    always locked in the order of their ids, so neither ever waits for the other in a cycle."""
    PaymentAccount.objects.filter(pk=account_id).update(is_query_queued=False)
    account = PaymentAccount.objects.get(pk=account_id)
    now = timezone.now()
    with transaction.atomic():
        pending = list(
            Payment.objects.select_for_update(skip_locked=True)
            .filter(account=account, method=Payment.Method.C2B, status=Status.PENDING)
            .order_by("pk")[:BATCH]
        )
        if not pending:
            return {}
        for payment in pending:
            payment.queries += 1
        Payment.objects.filter(pk__in=[p.pk for p in pending]).update(
            queries=F("queries") + 1, next_query_at=now + backoff(1)
        )
    try:
        outcomes = provider(account.provider).query_many(account, pending)
    except ProviderError as error:
        log.warning("account %s: %s; asked again later", account_id, error)
        return {"asked later": len(pending)}
    counts: dict[str, int] = {}
    final: dict[int, Outcome] = {}
    for payment in pending:
        outcome = outcomes.get(payment.pk)
        if outcome is None and payment.queries >= UNKNOWN_ANSWERS:
            outcome = Outcome(FAILED, reason="the provider does not list this transaction")
        if outcome is None or outcome.state not in {SUCCEEDED, FAILED}:
            Payment.objects.filter(pk=payment.pk).update(
                next_query_at=now + backoff(payment.queries)
            )
            counts["pending"] = counts.get("pending", 0) + 1
        else:
            final[payment.pk] = outcome
    listed = [payment for payment in pending if payment.pk in final]
    for payment in listed:
        payment.account = account  # the one they were read for
    for start in range(0, len(listed), CHUNK):
        for result in _apply_chunk(listed[start : start + CHUNK], final):
            counts[result] = counts.get(result, 0) + 1
    if len(pending) == BATCH:
        _ask_account(account_id)
    return counts


def _count_query(payment: Payment, secret: str) -> None:
    payment.queries += 1
    Payment.objects.filter(pk=payment.pk, status=Status.PENDING).update(
        queries=F("queries") + 1,
        query_ref=secret,
        next_query_at=timezone.now() + backoff(payment.queries),
    )


def _apply_chunk(payments: list[Payment], outcomes: dict[int, Outcome]) -> list[str]:
    """Settle these payments (read before the provider was asked) on their final outcomes in
    one transaction; what became of each. Those still pending once locked are settled: a
    payment changes only by being settled, so what was read of the others still holds."""
    results = []
    with transaction.atomic():
        still = set(
            Payment.objects.select_for_update()
            .filter(pk__in=[payment.pk for payment in payments], status=Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        with _prepared([payment for payment in payments if payment.pk in still]):
            for payment in payments:
                if payment.pk not in still:
                    results.append("settled already")
                    continue
                try:
                    # Its entry and its own row together: a receipt already another
                    # payment's, refused by the unique constraint, undoes both.
                    with transaction.atomic():
                        _settle(payment, outcomes[payment.pk])
                        _save_settled(payment)
                except Exception:
                    log.exception("payment %s could not be settled; it stays pending", payment.pk)
                    results.append("pending")
                    continue
                results.append(str(payment.status))
    return results


def _prepared(payments: list[Payment]) -> contextlib.AbstractContextManager:
    """The handlers' `prepare` for these payments (each handler's own, when it has one)."""
    stack = contextlib.ExitStack()
    by_handler: dict[int, tuple[PaymentHandler, list[Payment]]] = {}
    for payment in payments:
        handler = handler_for(payment.account.owner) if payment.account else None
        if handler is not None and hasattr(handler, "prepare"):
            by_handler.setdefault(id(handler), (handler, []))[1].append(payment)
    for handler, theirs in by_handler.values():
        stack.enter_context(handler.prepare(theirs))  # type: ignore[attr-defined]
    return stack


def apply(payment_id: int, outcome: Outcome) -> str:
    """Settle a payment on the provider's own answer, once (the row is locked and must still
    be pending): booked by the owner's handler, or failed with the provider's reason."""
    if outcome.state not in {SUCCEEDED, FAILED}:
        return "pending"
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("account")
            .get(pk=payment_id)
        )
        if payment.status != Status.PENDING:
            return str(payment.status)
        _settle(payment, outcome)
        payment.save(update_fields=SETTLED_FIELDS)
    return str(payment.status)


def _settle(payment: Payment, outcome: Outcome) -> None:
    """Settle a locked, pending payment on a final outcome, in the caller's transaction; the
    caller saves its `SETTLED_FIELDS`."""
    handler = handler_for(payment.account.owner) if payment.account else None
    if handler is None:
        raise LookupError(f"no payment handler for {payment.account}")
    if outcome.state == FAILED:
        payment.status, payment.reason = Status.FAILED, outcome.reason
        handler.failed(payment)
    else:
        payment.confirmed_amount = outcome.amount
        if outcome.reference is not None:
            payment.reference = outcome.reference  # the provider's list says who typed what
        if not payment.receipt:
            payment.receipt = outcome.receipt or _receipt_from_callbacks(payment)
        doubt = ""
        if outcome.amount != payment.amount:
            doubt = f"the provider confirmed {outcome.amount}, the callback said {payment.amount}"
        # A receipt already another payment's is refused by the unique constraint: the
        # whole settlement rolls back, nothing is booked twice.
        booking = handler.settle(payment, doubt=doubt)
        payment.status, payment.booked_as = booking.status, booking.booked_as[:100]
        payment.reason = (booking.reason or doubt)[:255]
    payment.settled_at = timezone.now()
    payment.next_query_at = None


def _save_settled(payment: Payment) -> None:
    """Save the settled fields of a payment.

    Fast path for the budget "confirmation callbacks accepted and posted >= 500/s"
    (bench/bench_payments.py): `Model.save` built the same UPDATE once per payment, which cost
    more than running it. Each value is prepared by its field (`core.fast.sql`)."""
    db = connections[DEFAULT_DB_ALIAS]
    payment.updated_at = timezone.now()
    row = [
        field.get_db_prep_value(getattr(payment, field.attname), db, prepared=False)
        for field in _settled_fields()
    ]
    with hot_cursor(db) as cursor:
        cursor.execute(_save_settled_sql(db.vendor), [*row, payment.pk])


@functools.lru_cache(maxsize=4)
def _save_settled_sql(vendor: str) -> str:
    columns = ", ".join(f"{sql.quote(name)} = %s" for name in SETTLED_FIELDS)
    return f"UPDATE {sql.table(Payment)} SET {columns} WHERE id = %s"  # noqa: S608 (names quoted, values bound)


SETTLED_FIELDS = [
    "status", "reason", "confirmed_amount", "receipt", "reference", "booked_as", "settled_at",
    "next_query_at", "updated_at",
]  # fmt: skip


@functools.cache
def _settled_fields() -> tuple[Any, ...]:
    return tuple(Payment._meta.get_field(name) for name in SETTLED_FIELDS)


def _receipt_from_callbacks(payment: Payment) -> str:
    """The receipt number an STK callback brought before the request's id was saved."""
    if payment.method != Payment.Method.STK or not payment.provider_ref:
        return ""
    row = PaymentCallback.objects.filter(
        provider="mpesa", kind="stk-callback", key=payment.provider_ref
    ).first()
    if row is None:
        return ""
    return stk_receipt((row.payload.get("Body") or {}).get("stkCallback") or {})


def query_due(now: datetime.datetime) -> int:
    """Periodic job: queue the status query of every pending payment whose time has come (for
    paybill payments, their account's batch query)."""
    due = list(
        Payment.objects.filter(
            status=Status.PENDING, next_query_at__lte=now, requested_at__isnull=False
        ).values_list("pk", "queries", "method", "account_id")[:500]
    )
    for pk, queries, method, account_id in due:
        if queries >= MAX_QUERIES:
            Payment.objects.filter(pk=pk).update(
                next_query_at=None, reason="the provider gave no final answer: see the statement"
            )
            continue
        with transaction.atomic():
            Payment.objects.filter(pk=pk).update(next_query_at=now + backoff(queries + 1))
            if method == Payment.Method.C2B and account_id:
                _ask_account(account_id)
            else:
                _ask(pk)
    return len(due)


__all__ = [
    "Booking",
    "PaymentHandler",
    "apply",
    "confirm",
    "momo_outcome",
    "register_handler",
    "start",
]
