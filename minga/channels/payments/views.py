"""The providers' callback endpoints: each checks the token and the address, then hands the
body to the inbox, which stores it raw before anything else, and answers in the provider's
shape."""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from minga.core.clients import client_address
from minga.core.fast.callbacks import callback

from . import inbox

log = logging.getLogger("minga.channels.payments")
MAX_BODY = 64 * 1024  # a callback is a few hundred bytes


def allowed(request, provider: str) -> bool:
    """The provider's shared secret (`?token=` or the `X-Callback-Token` header) and address
    allow-list (read through the trusted proxies, `minga.core.clients`).

    Outside DEBUG a money callback is refused until the token is set: anyone able to post one
    could otherwise make Minga ask the provider about made-up payments.
    """
    token = getattr(settings, f"{provider.upper()}_CALLBACK_TOKEN")
    networks = getattr(settings, f"{provider.upper()}_CALLBACK_IPS")
    if not token and not settings.DEBUG:
        log.warning("%s callback refused: set %s_CALLBACK_TOKEN", provider, provider.upper())
        return False
    given = request.GET.get("token") or request.headers.get("X-Callback-Token", "")
    if token and not hmac.compare_digest(given.encode(), token.encode()):
        return False
    if networks:
        try:
            address = ipaddress.ip_address(client_address(request))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net, strict=False) for net in networks)
    return True


def _body(request) -> dict | None:
    if len(request.body) > MAX_BODY:
        return None
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _address(request) -> str | None:
    address = client_address(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def _mpesa(request, receive, **options):
    if not allowed(request, "mpesa"):
        return JsonResponse({"ResultCode": 1, "ResultDesc": "Not allowed"}, status=403)
    payload = _body(request)
    if payload is None:
        return JsonResponse({"ResultCode": 1, "ResultDesc": "Not a JSON object"}, status=400)
    return JsonResponse(receive(payload, address=_address(request), **options))


@callback
@csrf_exempt
@require_POST
def mpesa_c2b_validation(request):
    return _mpesa(request, inbox.c2b_validation)


@callback
@csrf_exempt
@require_POST
def mpesa_c2b_confirmation(request):
    return _mpesa(request, inbox.c2b_confirmation)


@callback
@csrf_exempt
@require_POST
def mpesa_stk_callback(request):
    return _mpesa(request, inbox.stk_callback)


@callback
@csrf_exempt
@require_POST
def mpesa_b2c_result(request):
    return _mpesa(request, inbox.b2c_result)


@callback
@csrf_exempt
@require_POST
def mpesa_b2c_timeout(request):
    return _mpesa(request, inbox.b2c_result, timeout=True)


@callback
@csrf_exempt
@require_POST
def mpesa_status_result(request):
    return _mpesa(request, inbox.status_result, secret=request.GET.get("q", ""))


@callback
@csrf_exempt
@require_POST
def mpesa_status_timeout(request):
    return _mpesa(request, inbox.status_result, secret=request.GET.get("q", ""), timeout=True)


def _momo(request, product: str):
    if not allowed(request, "momo"):
        return HttpResponse(status=403)
    payload = _body(request)
    if payload is None:
        return HttpResponse(status=400)
    reference = request.GET.get("ref", "")[:100]
    inbox.momo_callback(payload, product=product, reference=reference, address=_address(request))
    return HttpResponse(status=200)


@callback
@csrf_exempt
@require_http_methods(["PUT", "POST"])
def momo_collection_callback(request):
    return _momo(request, "collection")


@callback
@csrf_exempt
@require_http_methods(["PUT", "POST"])
def momo_disbursement_callback(request):
    return _momo(request, "disbursement")
