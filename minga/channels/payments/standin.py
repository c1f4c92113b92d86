"""A stand-in for M-PESA Daraja and MTN MoMo, speaking their documented HTTP shapes.

`providers.http` sends here every request whose base URL setting is "standin". It answers as
the providers do (tokens, acknowledgements, `202 Accepted`, status queries, Daraja's
asynchronous Transaction Status) and sends the callbacks the providers send, to the URLs the
request named. What happens depends on the last digit of the member's number, like the
providers' sandbox numbers:

    0, 7, 8, 9  paid; one callback
    1           declined by the member (STK 1032, MoMo APPROVAL_REJECTED)
    2           the phone never answered (STK 1037, MoMo EXPIRED)
    3           wrong PIN or not enough money (STK 2001, MoMo NOT_ENOUGH_FUNDS)
    4           paid, but no callback ever comes (the status query knows)
    5           paid; the callback comes twice
    6           stays pending for ever (the query says "being processed" / PENDING)

`pay_bill` plays a member paying a paybill from their own phone (C2B): a validation, then a
confirmation, and the payment in the short code's Pull Transactions list. Callbacks go through
the task queue by HTTP to `MINGA_PUBLIC_URL` (the demo: the worker delivers them after a
short delay), or, with `MINGA_PAYMENTS_STANDIN_DELIVERY = "collect"` (tests, bench), into
`outbox` for the caller to deliver, reorder or repeat.
"""

from __future__ import annotations

import datetime
import json
import secrets
import string
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.tasks import task
from django.utils import timezone

from .amounts import from_minor, to_minor
from .providers import Response


@dataclass(frozen=True)
class Callback:
    """A callback the stand-in sends: where, how, what."""

    method: str
    url: str
    body: dict[str, Any]


outbox: list[Callback] = []
_memory: dict[str, Any] = {}
RECEIPT_CHARS = string.ascii_uppercase + string.digits


def _collecting() -> bool:
    return settings.MINGA_PAYMENTS_STANDIN_DELIVERY == "collect"


def _get(key: str) -> Any:
    return _memory.get(key) if _collecting() else caches["shared"].get(f"standin:{key}")


def _set(key: str, value: Any) -> None:
    if _collecting():
        _memory[key] = value
    else:
        caches["shared"].set(f"standin:{key}", value, 7 * 24 * 3600)


def reset() -> None:
    outbox.clear()
    _memory.clear()


def receipt() -> str:
    """A receipt number as M-PESA's: 10 upper-case letters and digits."""
    return "".join(secrets.choice(RECEIPT_CHARS) for _ in range(10))


def behaviour(phone: str) -> str:
    return {
        "1": "declined",
        "2": "unreachable",
        "3": "wrong-pin",
        "4": "silent",
        "5": "twice",
        "6": "pending",
    }.get(phone[-1:], "paid")


def send(method: str, url: str, body: dict[str, Any], *, times: int = 1) -> None:
    for _ in range(times):
        if _collecting():
            outbox.append(Callback(method, url, body))
        else:
            run_after = timezone.now() + datetime.timedelta(seconds=2)
            deliver.using(run_after=run_after).enqueue(method, url, body)


@task()
def deliver(method: str, url: str, body: dict[str, Any]) -> int:
    """The demo's callbacks, by HTTP to the running server."""
    request = urllib.request.Request(  # noqa: S310 (our own MINGA_PUBLIC_URL)
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310
        return reply.status


def answer(method: str, path: str, *, headers: dict[str, str], body: Any) -> Response:
    """The provider's answer to one request (see the module docstring)."""
    path, _, query = path.partition("?")
    if path == "/oauth/v1/generate" or path.endswith("/token/"):
        return Response(200, {"access_token": secrets.token_hex(16), "expires_in": "3599"})
    routes = {
        "/mpesa/stkpush/v1/processrequest": _stk_push,
        "/mpesa/stkpushquery/v1/query": _stk_query,
        "/mpesa/b2c/v3/paymentrequest": _b2c,
        "/mpesa/transactionstatus/v1/query": _transaction_status,
        "/pulltransactions/v1/query": _pull,
    }
    if path in routes:
        return routes[path](body)
    for product, resource in (("collection", "requesttopay"), ("disbursement", "transfer")):
        prefix = f"/{product}/v1_0/{resource}"
        if path == prefix and method == "POST":
            return _momo_request(product, headers, body)
        if path.startswith(prefix + "/") and method == "GET":
            return _momo_status(path.removeprefix(prefix + "/"))
    return Response(404, {"errorMessage": f"the stand-in does not know {method} {path}"})


# --- M-PESA -------------------------------------------------------------------------------------


def _stk_push(body: dict[str, Any]) -> Response:
    checkout = f"ws_CO_{timezone.now():%d%m%Y%H%M%S}{secrets.randbelow(10**9):09d}"
    merchant = f"{secrets.randbelow(10**5)}-{secrets.randbelow(10**8)}-1"
    phone = str(body["PhoneNumber"])
    how = behaviour(phone)
    record = {
        "amount": str(body["Amount"]),
        "phone": phone,
        "how": how,
        "receipt": receipt() if how in {"paid", "silent", "twice"} else "",
    }
    _set(f"stk:{checkout}", record)
    codes = {"declined": 1032, "unreachable": 1037, "wrong-pin": 2001}
    if how in codes:
        callback = {
            "MerchantRequestID": merchant,
            "CheckoutRequestID": checkout,
            "ResultCode": codes[how],
            "ResultDesc": {
                1032: "Request cancelled by user",
                1037: "DS timeout user cannot be reached",
                2001: "The initiator information is invalid.",
            }[codes[how]],
        }
        send("POST", body["CallBackURL"], {"Body": {"stkCallback": callback}})
    elif how in {"paid", "twice"}:
        items = [
            {"Name": "Amount", "Value": float(body["Amount"])},
            {"Name": "MpesaReceiptNumber", "Value": record["receipt"]},
            {"Name": "Balance"},
            {"Name": "TransactionDate", "Value": int(f"{timezone.now():%Y%m%d%H%M%S}")},
            {"Name": "PhoneNumber", "Value": int(phone)},
        ]
        callback = {
            "MerchantRequestID": merchant,
            "CheckoutRequestID": checkout,
            "ResultCode": 0,
            "ResultDesc": "The service request is processed successfully.",
            "CallbackMetadata": {"Item": items},
        }
        send(
            "POST",
            body["CallBackURL"],
            {"Body": {"stkCallback": callback}},
            times=2 if how == "twice" else 1,
        )
    return Response(
        200,
        {
            "MerchantRequestID": merchant,
            "CheckoutRequestID": checkout,
            "ResponseCode": "0",
            "ResponseDescription": "Success. Request accepted for processing",
            "CustomerMessage": "Success. Request accepted for processing",
        },
    )


def _stk_query(body: dict[str, Any]) -> Response:
    record = _get(f"stk:{body.get('CheckoutRequestID')}")
    if record is None:
        return Response(
            404, {"errorCode": "404.001.04", "errorMessage": "Invalid CheckoutRequestID"}
        )
    if record["how"] == "pending":
        return Response(
            500, {"errorCode": "500.001.1001", "errorMessage": "The transaction is being processed"}
        )
    code, description = {
        "declined": ("1032", "Request cancelled by user"),
        "unreachable": ("1037", "DS timeout user cannot be reached"),
        "wrong-pin": ("2001", "The initiator information is invalid."),
    }.get(record["how"], ("0", "The service request is processed successfully."))
    return Response(
        200,
        {
            "ResponseCode": "0",
            "ResponseDescription": "The service request has been accepted successsfully",
            "MerchantRequestID": "",
            "CheckoutRequestID": body["CheckoutRequestID"],
            "ResultCode": code,
            "ResultDesc": description,
        },
    )


def pay_bill(
    *,
    short_code: str,
    bill_ref: str,
    amount: str,
    msisdn: str = "2547*****149",
    validation_url: str = "",
    confirmation_url: str = "",
) -> str:
    """A member pays the paybill `short_code` with account `bill_ref`; the TransID."""
    from .providers import callback_url

    trans_id = receipt()
    _set(f"tx:{trans_id}", {"amount": amount, "status": "Completed", "kind": "c2b"})
    listed = _get(f"pull:{short_code}") or []
    row = {
        "transactionId": trans_id,
        "trxDate": f"{timezone.now():%Y-%m-%dT%H:%M:%SZ}",
        "msisdn": msisdn,
        "sender": "UPS",
        "transactiontype": "c2b-pay-bill-debit",
        "billreference": bill_ref,
        "amount": amount,
        "organizationname": "Stand-in paybill",
    }
    _set(f"pull:{short_code}", [*listed, row])
    token = settings.MPESA_CALLBACK_TOKEN
    body = {
        "TransactionType": "Pay Bill",
        "TransID": trans_id,
        "TransTime": f"{timezone.now():%Y%m%d%H%M%S}",
        "TransAmount": amount,
        "BusinessShortCode": short_code,
        "BillRefNumber": bill_ref,
        "InvoiceNumber": "",
        "OrgAccountBalance": "49197.00",
        "ThirdPartyTransID": "",
        "MSISDN": msisdn,
        "FirstName": "John",
    }
    send("POST", validation_url or callback_url("channels:mpesa-c2b-validation", token), body)
    send("POST", confirmation_url or callback_url("channels:mpesa-c2b-confirmation", token), body)
    return trans_id


def _pull(body: dict[str, Any]) -> Response:
    """Pull Transactions: what the short code received (the window is not narrowed here)."""
    listed = _get(f"pull:{body.get('ShortCode')}") or []
    offset = int(body.get("OffSetValue") or 0)
    page = listed[offset : offset + 1000]
    return Response(
        200,
        {
            "ResponseRefID": str(uuid.uuid4()),
            "ResponseCode": "1000",
            "ResponseMessage": "Success",
            "Response": [page],
        },
    )


def _b2c(body: dict[str, Any]) -> Response:
    conversation = f"AG_{timezone.now():%Y%m%d}_{secrets.token_hex(10)}"
    phone = str(body["PartyB"])
    how = behaviour(phone)
    paid = how in {"paid", "silent", "twice"}
    trans_id = receipt()
    record = {
        "amount": str(body["Amount"]),
        "status": "Completed" if paid else ("Pending" if how == "pending" else "Failed"),
        "kind": "b2c",
        "trans_id": trans_id,
    }
    _set(f"tx:{trans_id}", record)
    _set(f"conv:{body['OriginatorConversationID']}", trans_id)
    if how not in {"silent", "pending"}:
        result: dict[str, Any] = {
            "ResultType": 0,
            "ResultCode": 0 if paid else 2001,
            "ResultDesc": "The service request is processed successfully."
            if paid
            else "The initiator information is invalid.",
            "OriginatorConversationID": body["OriginatorConversationID"],
            "ConversationID": conversation,
            "TransactionID": trans_id,
        }
        if paid:
            result["ResultParameters"] = {
                "ResultParameter": [
                    {"Key": "TransactionAmount", "Value": int(body["Amount"])},
                    {"Key": "TransactionReceipt", "Value": trans_id},
                    {
                        "Key": "ReceiverPartyPublicName",
                        "Value": f"{phone[:4]}*****{phone[-3:]} - Member",
                    },
                    {
                        "Key": "TransactionCompletedDateTime",
                        "Value": f"{timezone.now():%d.%m.%Y %H:%M:%S}",
                    },
                ]
            }
        send("POST", body["ResultURL"], {"Result": result}, times=2 if how == "twice" else 1)
    return Response(
        200,
        {
            "ConversationID": conversation,
            "OriginatorConversationID": body["OriginatorConversationID"],
            "ResponseCode": "0",
            "ResponseDescription": "Accept the service request successfully.",
        },
    )


def _transaction_status(body: dict[str, Any]) -> Response:
    trans_id = str(body.get("TransactionID") or "")
    if not trans_id and body.get("OriginalConversationID"):
        trans_id = _get(f"conv:{body['OriginalConversationID']}") or ""
    record = _get(f"tx:{trans_id}") if trans_id else None
    conversation = f"AG_{timezone.now():%Y%m%d}_{secrets.token_hex(10)}"
    originator = str(uuid.uuid4())
    if record is None:
        result: dict[str, Any] = {"ResultCode": 1, "ResultDesc": "No such transaction."}
    elif record["status"] == "Pending":
        result = {"ResultCode": 0, "ResultDesc": "The service request is processed successfully."}
        result["ResultParameters"] = {
            "ResultParameter": [{"Key": "TransactionStatus", "Value": "Pending"}]
        }
    else:
        result = {"ResultCode": 0, "ResultDesc": "The service request is processed successfully."}
        result["ResultParameters"] = {
            "ResultParameter": [
                {"Key": "ReceiptNo", "Value": trans_id},
                {"Key": "TransactionStatus", "Value": record["status"]},
                {"Key": "Amount", "Value": float(record["amount"])},
                {"Key": "FinalisedTime", "Value": int(f"{timezone.now():%Y%m%d%H%M%S}")},
                {"Key": "ReasonType", "Value": "Pay Bill Online"},
            ]
        }
    result |= {
        "ResultType": 0,
        "OriginatorConversationID": originator,
        "ConversationID": conversation,
        "TransactionID": trans_id,
    }
    send("POST", body["ResultURL"], {"Result": result})
    return Response(
        200,
        {
            "OriginatorConversationID": originator,
            "ConversationID": conversation,
            "ResponseCode": "0",
            "ResponseDescription": "Accept the service request successfully.",
        },
    )


# --- MTN MoMo -----------------------------------------------------------------------------------


def _momo_request(product: str, headers: dict[str, str], body: dict[str, Any]) -> Response:
    reference = headers.get("X-Reference-Id", "")
    if not reference or _get(f"momo:{reference}") is not None:
        return Response(
            409, {"code": "RESOURCE_ALREADY_EXIST", "message": "Duplicated reference id."}
        )
    party = body.get("payer") or body.get("payee") or {}
    phone = str(party.get("partyId", ""))
    how = behaviour(phone)
    to_minor(body["amount"], body["currency"])  # refuses what MoMo would refuse
    record = {
        "amount": body["amount"],
        "currency": body["currency"],
        "externalId": body.get("externalId", ""),
        "party": party,
        "how": how,
        "product": product,
        "financialTransactionId": str(secrets.randbelow(10**10)),
    }
    _set(f"momo:{reference}", record)
    status = _momo_body(record)
    if how not in {"silent", "pending"} and headers.get("X-Callback-Url"):
        # MoMo calls back with PUT (older deployments POST): the listener takes both.
        send("PUT", headers["X-Callback-Url"], status, times=2 if how == "twice" else 1)
    return Response(202, {})


def _momo_body(record: dict[str, Any]) -> dict[str, Any]:
    reasons = {
        "declined": "APPROVAL_REJECTED",
        "unreachable": "EXPIRED",
        "wrong-pin": "NOT_ENOUGH_FUNDS",
    }
    party = "payer" if record["product"] == "collection" else "payee"
    body: dict[str, Any] = {
        "amount": record["amount"],
        "currency": record["currency"],
        "externalId": record["externalId"],
        party: record["party"],
        "payerMessage": "",
        "payeeNote": "",
    }
    if record["how"] in reasons:
        body |= {"status": "FAILED", "reason": reasons[record["how"]]}
    elif record["how"] == "pending":
        body["status"] = "PENDING"
    else:
        body |= {"status": "SUCCESSFUL", "financialTransactionId": record["financialTransactionId"]}
    return body


def _momo_status(reference: str) -> Response:
    record = _get(f"momo:{reference}")
    if record is None:
        return Response(
            404, {"code": "RESOURCE_NOT_FOUND", "message": "Requested resource was not found."}
        )
    return Response(200, _momo_body(record))


__all__ = ["Callback", "answer", "outbox", "pay_bill", "reset", "from_minor"]
