"""Provider callbacks (Africa's Talking USSD, SMS, delivery reports), the USSD simulator page and
the staff page of failed deliveries."""

import re
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import delivery
from .inbound import callback_allowed, receive_sms, receive_ussd
from .models import OutboundMessage

USSD_FIELDS = ("sessionId", "serviceCode", "phoneNumber", "networkCode", "text")
DELIVERY_FIELDS = ("id", "status", "phoneNumber", "networkCode", "failureReason", "retryCount")
SMS_FIELDS = ("from", "to", "text", "date", "id", "linkId")
PHONE = re.compile(r"^\+?[0-9]{6,15}$")


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def africastalking_ussd(request):
    if not callback_allowed(request):
        return _plain("END", status=403)
    fields = {name: request.POST.get(name, "") for name in USSD_FIELDS}
    session_id, phone = fields["sessionId"].strip(), fields["phoneNumber"].strip()
    if not session_id or not PHONE.match(phone):
        return _plain("END " + _("This request is not a valid USSD step."), status=400)
    answer = receive_ussd(
        provider="africastalking",
        session_id=session_id,
        phone=phone,
        text=fields["text"],
        payload=fields,
    )
    return _plain(answer)


@csrf_exempt
@require_POST
def africastalking_sms(request):
    if not callback_allowed(request):
        return _plain("", status=403)
    fields = {name: request.POST.get(name, "") for name in SMS_FIELDS}
    phone = fields["from"].strip()
    if not PHONE.match(phone):
        return _plain(_("This request is not a valid SMS callback."), status=400)
    receive_sms(
        provider="africastalking",
        message_id=fields["id"].strip(),
        phone=phone,
        text=fields["text"],
        payload=fields,
    )
    return _plain("")


@csrf_exempt
@require_POST
def africastalking_delivery(request):
    """Africa's Talking's delivery reports: stored raw, then the message's status updated."""
    if not callback_allowed(request):
        return _plain("", status=403)
    fields = {name: request.POST.get(name, "")[:200] for name in DELIVERY_FIELDS}
    if not fields["id"].strip() or not fields["status"].strip():
        return _plain(_("This request is not a valid delivery report."), status=400)
    delivery.receive_delivery_report(provider="africastalking", payload=fields)
    return _plain("")


def simulator_phone(request, posted: str) -> tuple[str | None, str]:
    """The number the simulator may act as, and why not when it may not.

    With DEBUG on (development, demo) any number may be simulated. Otherwise a signed-in
    person may simulate only their own number, so nobody can vote as someone else: the menu
    still asks for that person's PIN, as it would on their phone.
    """
    if settings.DEBUG:
        posted = posted.strip()
        if not PHONE.match(posted):
            return None, _("Enter a phone number in international format, e.g. +250788123456.")
        return posted, ""
    if not request.user.phone:
        return None, _("Add a phone number to your profile to try the menu with it.")
    return request.user.phone, ""


def ussd_simulator(request):
    """The USSD menu in the browser: the session lives in hidden fields, no JavaScript."""
    if not settings.DEBUG and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = {
        "any_number": settings.DEBUG,
        "phone": request.POST.get("phone", "") if settings.DEBUG else request.user.phone or "",
        "service_code": settings.MINGA_USSD_CODE or "*384*000#",
    }
    if request.method == "POST":
        phone, error = simulator_phone(request, request.POST.get("phone", ""))
        if phone is None:
            context["error"] = error
            return render(request, "channels/ussd_simulator.html", context, status=400)
        session_id = request.POST.get("session", "")
        text = request.POST.get("text", "")
        if request.POST.get("action") == "dial" or not session_id.startswith("sim-"):
            session_id, text = f"sim-{secrets.token_urlsafe(12)}", ""
        else:
            reply = request.POST.get("reply", "").strip()
            text = f"{text}*{reply}" if text else reply
        answer = receive_ussd(
            provider="simulator",
            session_id=session_id,
            phone=phone,
            text=text,
            payload={"sessionId": session_id, "phoneNumber": phone, "text": text},
        )
        context.update(
            phone=phone,
            session=session_id,
            text=text,
            screen=answer[4:],
            is_end=answer.startswith("END"),
        )
    return render(request, "channels/ussd_simulator.html", context)


def _staff_only(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_staff:
        raise PermissionDenied
    return None


def failed_deliveries(request):
    """Staff: the messages that could not be delivered, with the provider's reason."""
    if (refused := _staff_only(request)) is not None:
        return refused
    failed = OutboundMessage.objects.filter(status=OutboundMessage.Status.FAILED).order_by(
        "-updated_at"
    )
    page = Paginator(failed, 50).get_page(request.GET.get("page"))
    return render(request, "channels/failed_deliveries.html", {"page": page})


@require_POST
def failed_delivery_retry(request, pk: int):
    if (refused := _staff_only(request)) is not None:
        return refused
    message = get_object_or_404(OutboundMessage, pk=pk)
    if delivery.retry(message=message):
        messages.success(request, _("The message is queued again."))
    else:
        messages.error(request, _("This message is not failed: nothing to retry."))
    return redirect("channels:failed-deliveries")
