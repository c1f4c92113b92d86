"""One interface for every mobile-money provider, and the two Minga speaks: M-PESA (Daraja)
and MTN MoMo. A Pix or bank API is one more `PaymentProvider`: the books never see which.

A provider does three things, each over HTTP in the provider's documented shapes:
`collect` asks the member's own number to pay (STK push, request-to-pay), `disburse` sends
money (B2C, transfer), `query` asks how a payment ended. `query` answers an `Outcome`, or
None when the provider answers later by callback (Daraja's Transaction Status result, posted to
a URL carrying a secret of that query only: see `minga.channels.payments.inbox`).

Hosts and credentials come from settings (README, configuration table). A base URL of
"standin" sends every request to the provider stand-in (`standin.py`), for tests and the demo.
"""

from __future__ import annotations

import base64
import datetime
import json
import secrets
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from .amounts import AmountError, from_minor, to_minor

if TYPE_CHECKING:
    from minga.channels.models import Payment, PaymentAccount

SUCCEEDED, FAILED, PENDING = "succeeded", "failed", "pending"


class ProviderError(Exception):
    """The provider refused the request or could not be reached: `temporary` says whether
    asking again later may help."""

    def __init__(self, message: str, *, temporary: bool = True) -> None:
        super().__init__(message)
        self.temporary = temporary


@dataclass(frozen=True)
class Outcome:
    """How a payment ended, in the provider's own answer to our query."""

    state: str  # SUCCEEDED, FAILED or PENDING
    amount: int | None = None  # minor units, as the provider confirmed it
    receipt: str = ""
    reason: str = ""
    reference: str | None = None  # the payer's account reference, when the provider lists it


@dataclass(frozen=True)
class Response:
    status: int
    data: Any


def http(method: str, url: str, *, headers: dict[str, str], body: Any = None) -> Response:
    """One HTTP exchange with a provider (or its stand-in); JSON in, JSON out."""
    if url.startswith("standin:"):
        from . import standin

        return standin.answer(method, url.removeprefix("standin:"), headers=headers, body=body)
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as reply:  # noqa: S310 (https hosts)
            raw = reply.read()
            status = reply.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    except (TimeoutError, urllib.error.URLError, OSError) as error:
        raise ProviderError(f"{url} did not answer: {error}") from error
    try:
        return Response(status, json.loads(raw) if raw.strip() else {})
    except ValueError:
        return Response(status, {"raw": raw[:500].decode(errors="replace")})


def callback_url(name: str, token: str, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"token": token, **params}.items() if value)
    return f"{settings.MINGA_PUBLIC_URL}{reverse(name)}?{query}"


def new_secret() -> str:
    return secrets.token_urlsafe(16)


class PaymentProvider(ABC):
    """What the inbox and the apps need of a provider (see the module docstring)."""

    name: str

    # Each request names `payment.query_ref` (a secret new for each request, set by the
    # caller) in the URL its answer comes back to, when the answer comes by callback.

    @abstractmethod
    def collect(self, payment: Payment, *, phone: str) -> None:
        """Ask `phone` (the member's own number) to pay `payment`; set its `provider_ref`."""

    @abstractmethod
    def disburse(self, payment: Payment, *, phone: str) -> None:
        """Send `payment` to `phone`; set its `provider_ref`. Never called twice for one payment."""

    @abstractmethod
    def query(self, payment: Payment) -> Outcome | None:
        """How `payment` ended, or None when the answer comes by callback (`query_ref` set)."""

    def query_many(self, account: PaymentAccount, payments: list[Payment]) -> dict[int, Outcome]:
        """How the payments made to `account` by its payers (paybill) ended, by payment id; one
        request for all where the provider has one, else one query each."""
        outcomes = {}
        for payment in payments:
            outcome = self.query(payment)
            if outcome is not None:
                outcomes[payment.pk] = outcome
        return outcomes


def _base(setting: str) -> str:
    base = getattr(settings, setting)
    return "standin:" if base == "standin" else base.rstrip("/")


# --- M-PESA Daraja ------------------------------------------------------------------------------

# STK results that mean the member did not pay (django-daraja's sandbox examples, Daraja docs).
STK_FAILURES = {
    "1": "insufficient balance",
    "1001": "a transaction is already in process for this number",
    "1019": "the request expired",
    "1025": "the request could not be sent",
    "1032": "cancelled by the member",
    "1036": "SMSC acknowledgement timeout",
    "1037": "the member's phone could not be reached",
    "2001": "wrong PIN",
}
STK_PROCESSING = "500.001.1001"  # STK query: "The transaction is being processed"


class Daraja(PaymentProvider):
    name = "mpesa"

    def _url(self, path: str) -> str:
        return _base("MPESA_BASE_URL") + path

    def _token(self) -> str:
        key = "mpesa:token"
        token = cache.get(key)
        if token:
            return token
        basic = f"{settings.MPESA_CONSUMER_KEY}:{settings.MPESA_CONSUMER_SECRET}"
        reply = http(
            "GET",
            self._url("/oauth/v1/generate?grant_type=client_credentials"),
            headers={"Authorization": "Basic " + base64.b64encode(basic.encode()).decode()},
        )
        if reply.status != 200 or "access_token" not in reply.data:
            raise ProviderError(f"M-PESA refused the credentials (HTTP {reply.status})")
        token = reply.data["access_token"]
        cache.set(key, token, max(int(reply.data.get("expires_in", 3599)) - 60, 60))
        return token

    def _post(self, path: str, body: dict[str, Any]) -> Response:
        headers = {"Authorization": f"Bearer {self._token()}", "Content-Type": "application/json"}
        reply = http("POST", self._url(path), headers=headers, body=body)
        if reply.status >= 500 and reply.data.get("errorCode") != STK_PROCESSING:
            raise ProviderError(f"M-PESA answered HTTP {reply.status}")
        return reply

    @staticmethod
    def _timestamp() -> str:
        eat = datetime.timezone(datetime.timedelta(hours=3))  # Daraja's clock: East Africa Time
        return datetime.datetime.now(tz=eat).strftime("%Y%m%d%H%M%S")

    def _password(self, short_code: str, timestamp: str) -> str:
        return base64.b64encode(
            f"{short_code}{settings.MPESA_PASSKEY}{timestamp}".encode()
        ).decode()

    def _whole(self, payment: Payment) -> int:
        amount = from_minor(payment.amount, payment.currency)
        if not amount.isdigit():
            raise ProviderError("M-PESA takes whole amounts only", temporary=False)
        return int(amount)

    def collect(self, payment: Payment, *, phone: str) -> None:
        short_code, timestamp = payment.account.account, self._timestamp()
        body = {
            "BusinessShortCode": short_code,
            "Password": self._password(short_code, timestamp),
            "Timestamp": timestamp,
            "TransactionType": "CustomerPayBillOnline",
            "Amount": self._whole(payment),
            "PartyA": phone.lstrip("+"),
            "PartyB": short_code,
            "PhoneNumber": phone.lstrip("+"),
            "CallBackURL": callback_url(
                "channels:mpesa-stk-callback", settings.MPESA_CALLBACK_TOKEN, q=payment.query_ref
            ),
            "AccountReference": payment.reference[:12],
            "TransactionDesc": (payment.purpose or "Payment")[:13],
        }
        reply = self._post("/mpesa/stkpush/v1/processrequest", body)
        if reply.status != 200 or str(reply.data.get("ResponseCode")) != "0":
            message = reply.data.get("errorMessage") or reply.data.get("ResponseDescription")
            raise ProviderError(f"M-PESA refused the request: {message}", temporary=False)
        payment.provider_ref = str(reply.data["CheckoutRequestID"])

    def disburse(self, payment: Payment, *, phone: str) -> None:
        token = settings.MPESA_CALLBACK_TOKEN
        q = payment.query_ref
        body = {
            "OriginatorConversationID": str(payment.uid),
            "InitiatorName": settings.MPESA_INITIATOR_NAME,
            "SecurityCredential": settings.MPESA_SECURITY_CREDENTIAL,
            "CommandID": "BusinessPayment",
            "Amount": self._whole(payment),
            "PartyA": payment.account.account,
            "PartyB": phone.lstrip("+"),
            "Remarks": (payment.purpose or "Payment")[:100],
            "QueueTimeOutURL": callback_url("channels:mpesa-b2c-timeout", token, q=q),
            "ResultURL": callback_url("channels:mpesa-b2c-result", token, q=q),
            "Occasion": payment.reference[:100],
        }
        reply = self._post("/mpesa/b2c/v3/paymentrequest", body)
        if reply.status != 200 or str(reply.data.get("ResponseCode")) != "0":
            message = reply.data.get("errorMessage") or reply.data.get("ResponseDescription")
            raise ProviderError(f"M-PESA refused the disbursement: {message}", temporary=False)
        payment.provider_ref = str(reply.data["ConversationID"])

    @staticmethod
    def _result_urls(secret: str) -> dict[str, str]:
        token = settings.MPESA_CALLBACK_TOKEN
        return {
            "result": callback_url("channels:mpesa-status-result", token, q=secret),
            "timeout": callback_url("channels:mpesa-status-timeout", token, q=secret),
        }

    def query(self, payment: Payment) -> Outcome | None:
        if payment.method == payment.Method.STK:
            return self._stk_query(payment)
        return self._status_query(payment)

    def _stk_query(self, payment: Payment) -> Outcome:
        short_code, timestamp = payment.account.account, self._timestamp()
        body = {
            "BusinessShortCode": short_code,
            "Password": self._password(short_code, timestamp),
            "Timestamp": timestamp,
            "CheckoutRequestID": payment.provider_ref,
        }
        reply = self._post("/mpesa/stkpushquery/v1/query", body)
        if reply.data.get("errorCode") == STK_PROCESSING:
            return Outcome(PENDING)
        if reply.status != 200 or "ResultCode" not in reply.data:
            raise ProviderError(f"M-PESA could not say how the request ended: {reply.data}")
        code = str(reply.data["ResultCode"])
        if code == "0":
            # The query confirms the amount asked for; the receipt number comes by callback.
            return Outcome(SUCCEEDED, amount=payment.amount, receipt=payment.receipt)
        reason = STK_FAILURES.get(code, str(reply.data.get("ResultDesc", "")))
        return Outcome(FAILED, reason=f"{code}: {reason}"[:255])

    def _status_query(self, payment: Payment) -> None:
        """Daraja's Transaction Status: accepted now, answered at our result URL later (its
        `q` is the payment's `query_ref`, a secret new for each query)."""
        urls = self._result_urls(payment.query_ref)
        body = {
            "Initiator": settings.MPESA_INITIATOR_NAME,
            "SecurityCredential": settings.MPESA_SECURITY_CREDENTIAL,
            "CommandID": "TransactionStatusQuery",
            "TransactionID": payment.receipt,
            "OriginalConversationID": str(payment.uid) if payment.direction == "out" else "",
            "PartyA": payment.account.account,
            "IdentifierType": "4",
            "ResultURL": urls["result"],
            "QueueTimeOutURL": urls["timeout"],
            "Remarks": "Status",
            "Occasion": "",
        }
        reply = self._post("/mpesa/transactionstatus/v1/query", body)
        if reply.status != 200 or str(reply.data.get("ResponseCode")) != "0":
            raise ProviderError(f"M-PESA did not take the status query: {reply.data}")
        return None

    PULL_PAGE = 1000  # transactions per page of the Pull Transactions API

    def query_many(self, account: PaymentAccount, payments: list[Payment]) -> dict[int, Outcome]:
        """Paybill payments, confirmed in one go by Daraja's Pull Transactions (the short
        code's own list of what it received, with each payer's account reference); a payment
        not listed yet is left pending."""
        if not payments:
            return {}
        eat = datetime.timezone(datetime.timedelta(hours=3))
        start = min(p.created_at for p in payments) - datetime.timedelta(hours=1)
        end = datetime.datetime.now(tz=eat) + datetime.timedelta(minutes=5)
        listed: dict[str, dict[str, Any]] = {}
        offset = 0
        while True:
            reply = self._post(
                "/pulltransactions/v1/query",
                {
                    "ShortCode": account.account,
                    "StartDate": start.astimezone(eat).strftime("%Y-%m-%d %H:%M:%S"),
                    "EndDate": end.strftime("%Y-%m-%d %H:%M:%S"),
                    "OffSetValue": str(offset),
                },
            )
            if reply.status != 200 or str(reply.data.get("ResponseCode")) != "1000":
                raise ProviderError(f"M-PESA did not list the transactions: {reply.data}"[:255])
            page = [row for group in reply.data.get("Response") or [] for row in group or []]
            for row in page:
                if isinstance(row, dict) and row.get("transactionId"):
                    listed[str(row["transactionId"])] = row
            if len(page) < self.PULL_PAGE:
                break
            offset += len(page)
        outcomes = {}
        for payment in payments:
            row = listed.get(payment.receipt)
            if row is None:
                continue
            try:
                amount = to_minor(row.get("amount"), payment.currency)
            except AmountError:
                outcomes[payment.pk] = Outcome(FAILED, reason="M-PESA listed an unreadable amount")
                continue
            outcomes[payment.pk] = Outcome(
                SUCCEEDED,
                amount=amount,
                receipt=payment.receipt,
                reference="".join(str(row.get("billreference") or "").split())[:40],
            )
        return outcomes


def result_parameters(result: dict[str, Any]) -> dict[str, Any]:
    """Daraja's `ResultParameters.ResultParameter` list (or single item) as a dict."""
    items = (result.get("ResultParameters") or {}).get("ResultParameter") or []
    if isinstance(items, dict):
        items = [items]
    return {str(item.get("Key")): item.get("Value") for item in items if isinstance(item, dict)}


def status_outcome(result: dict[str, Any], currency: str) -> Outcome:
    """The Outcome in a Transaction Status (or B2C) result of Daraja."""
    code = str(result.get("ResultCode", ""))
    if code != "0":
        return Outcome(FAILED, reason=f"{code}: {result.get('ResultDesc', '')}"[:255])
    values = result_parameters(result)
    status = str(values.get("TransactionStatus", "Completed"))
    if status == "Pending":
        return Outcome(PENDING)
    if status != "Completed":
        return Outcome(FAILED, reason=f"M-PESA says {status}"[:255])
    raw = values.get("Amount", values.get("TransactionAmount"))
    try:
        amount = to_minor(raw, currency)
    except AmountError:
        return Outcome(FAILED, reason=f"M-PESA confirmed an unreadable amount: {raw!r}"[:255])
    receipt = str(values.get("ReceiptNo") or values.get("TransactionReceipt") or "")
    return Outcome(
        SUCCEEDED, amount=amount, receipt=receipt or str(result.get("TransactionID", ""))
    )


# --- MTN MoMo -----------------------------------------------------------------------------------


class MoMo(PaymentProvider):
    name = "momo"
    PRODUCTS = {"in": "collection", "out": "disbursement"}
    RESOURCES = {"in": "requesttopay", "out": "transfer"}

    def _url(self, path: str) -> str:
        return _base("MOMO_BASE_URL") + path

    def _key(self, product: str) -> str:
        return settings.MOMO_SUBSCRIPTION_KEYS.get(product, "")

    def _token(self, product: str, api_user: str) -> str:
        key = f"momo:token:{product}:{api_user}"
        token = cache.get(key)
        if token:
            return token
        basic = f"{api_user}:{settings.MOMO_API_KEYS.get(api_user, '')}"
        reply = http(
            "POST",
            self._url(f"/{product}/token/"),
            headers={
                "Authorization": "Basic " + base64.b64encode(basic.encode()).decode(),
                "Ocp-Apim-Subscription-Key": self._key(product),
            },
        )
        if reply.status != 200 or "access_token" not in reply.data:
            raise ProviderError(f"MoMo refused the API user (HTTP {reply.status})")
        token = reply.data["access_token"]
        cache.set(key, token, max(int(reply.data.get("expires_in", 3600)) - 60, 60))
        return token

    def _headers(self, payment: Payment) -> dict[str, str]:
        product = self.PRODUCTS[payment.direction]
        return {
            "Authorization": f"Bearer {self._token(product, payment.account.account)}",
            "X-Target-Environment": settings.MOMO_TARGET_ENVIRONMENT,
            "Ocp-Apim-Subscription-Key": self._key(product),
            "Content-Type": "application/json",
        }

    def _request(self, payment: Payment, phone: str) -> None:
        product, resource = self.PRODUCTS[payment.direction], self.RESOURCES[payment.direction]
        party = "payer" if payment.direction == "in" else "payee"
        payment.provider_ref = str(payment.uid)
        headers = self._headers(payment) | {
            "X-Reference-Id": payment.provider_ref,
            "X-Callback-Url": callback_url(
                f"channels:momo-{product}-callback",
                settings.MOMO_CALLBACK_TOKEN,
                ref=payment.provider_ref,
            ),
        }
        body = {
            "amount": from_minor(payment.amount, payment.currency),
            "currency": payment.currency,
            "externalId": payment.reference,
            party: {"partyIdType": "MSISDN", "partyId": phone.lstrip("+")},
            "payerMessage": (payment.purpose or "Payment")[:160],
            "payeeNote": payment.reference,
        }
        reply = http("POST", self._url(f"/{product}/v1_0/{resource}"), headers=headers, body=body)
        if reply.status != 202:
            raise ProviderError(
                f"MoMo refused the request (HTTP {reply.status}): {reply.data}"[:255],
                temporary=reply.status >= 500,
            )

    def collect(self, payment: Payment, *, phone: str) -> None:
        self._request(payment, phone)

    def disburse(self, payment: Payment, *, phone: str) -> None:
        self._request(payment, phone)

    def query(self, payment: Payment) -> Outcome:
        product, resource = self.PRODUCTS[payment.direction], self.RESOURCES[payment.direction]
        url = self._url(f"/{product}/v1_0/{resource}/{payment.provider_ref}")
        reply = http("GET", url, headers=self._headers(payment))
        if reply.status == 404:
            return Outcome(FAILED, reason="MoMo does not know this request")
        if reply.status != 200:
            raise ProviderError(f"MoMo answered HTTP {reply.status}")
        return momo_outcome(reply.data, payment.currency)


def momo_outcome(data: dict[str, Any], currency: str) -> Outcome:
    status = str(data.get("status", ""))
    if status == "SUCCESSFUL":
        if str(data.get("currency", currency)) != currency:
            return Outcome(
                FAILED, reason=f"MoMo confirmed another currency: {data.get('currency')}"
            )
        try:
            amount = to_minor(data.get("amount"), currency)
        except AmountError:
            return Outcome(
                FAILED, reason=f"MoMo confirmed an unreadable amount: {data.get('amount')!r}"
            )
        return Outcome(
            SUCCEEDED, amount=amount, receipt=str(data.get("financialTransactionId", ""))
        )
    if status == "FAILED":
        reason = data.get("reason")
        if isinstance(reason, dict):  # older API versions: {"code": ..., "message": ...}
            reason = reason.get("code") or reason.get("message")
        return Outcome(FAILED, reason=str(reason or "FAILED")[:255])
    return Outcome(PENDING)


PROVIDERS: dict[str, type[PaymentProvider]] = {"mpesa": Daraja, "momo": MoMo}


def register_provider(cls: type[PaymentProvider]) -> None:
    """Add a provider (a Pix PSP, a bank's API) by its `name`."""
    PROVIDERS[cls.name] = cls


def provider(name: str) -> PaymentProvider:
    return PROVIDERS[name]()
