"""Providers' money callbacks go straight to their views (minga.core.fast.callbacks), past the
browser's middleware, and still through the host check, the size limit and the NUL check."""

import json

import pytest
from django.urls import URLPattern, reverse

from minga.channels import urls as channel_urls
from minga.channels.models import Payment, PaymentCallback
from minga.channels.payments import standin

from .payments_support import TOKEN, deliver

pytestmark = pytest.mark.django_db

CONFIRMATION = f"/channels/mpesa/c2b/confirmation?token={TOKEN}"


def confirmation_body():
    standin.pay_bill(short_code="600638", bill_ref="M0042", amount="10")
    body = standin.outbox[-1].body
    standin.outbox.clear()
    return body


def went_through_the_browser_stack(response) -> bool:
    # LocaleMiddleware names the language of every answer; clickjacking's header is set on all.
    return "Content-Language" in response.headers or "X-Frame-Options" in response.headers


def test_every_money_callback_is_marked_and_nothing_else_is():
    marked = {
        pattern.name
        for pattern in channel_urls.urlpatterns
        if isinstance(pattern, URLPattern) and getattr(pattern.callback, "minga_callback", False)
    }
    money = {
        pattern.name
        for pattern in channel_urls.urlpatterns
        if pattern.name.startswith(("mpesa-", "momo-"))
    }
    assert marked == money and len(money) == 9


def test_a_money_callback_is_answered_directly(client, books, paybill):
    response = client.post(
        CONFIRMATION, data=json.dumps(confirmation_body()), content_type="application/json"
    )
    assert response.json() == {"ResultCode": 0, "ResultDesc": "Success"}
    assert not went_through_the_browser_stack(response)
    assert response.resolver_match.url_name == "mpesa-c2b-confirmation"
    assert Payment.objects.get().status == "pending"


def test_every_money_callback_route_is_answered_directly(client, books, paybill):
    for pattern in channel_urls.urlpatterns:
        if getattr(pattern.callback, "minga_callback", False):
            response = client.post(
                reverse(f"channels:{pattern.name}") + f"?token={TOKEN}",
                data="{}",
                content_type="application/json",
            )
            assert response.status_code in {200, 400}, pattern.name
            assert not went_through_the_browser_stack(response), pattern.name


def test_other_paths_keep_the_whole_stack(client):
    for path in ["/channels/ussd/simulator/", "/channels/africastalking/sms", "/channels/nowhere"]:
        response = client.post(path, data={})
        assert went_through_the_browser_stack(response), path


def test_the_wrong_method_is_still_refused(client, books, paybill):
    response = client.get(CONFIRMATION)
    assert response.status_code == 405
    assert not PaymentCallback.objects.exists()


def test_an_oversized_callback_is_refused_before_it_is_read(client, books, paybill, settings):
    settings.MINGA_MAX_REQUEST_BYTES = 1000
    body = confirmation_body()
    body["padding"] = "x" * 2000
    response = client.post(CONFIRMATION, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 413
    assert not PaymentCallback.objects.exists() and not Payment.objects.exists()


def test_a_callback_carrying_nul_is_refused(client, books, paybill):
    body = confirmation_body()
    body["BillRefNumber"] = "M00\x0042"
    response = client.post(CONFIRMATION, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert not PaymentCallback.objects.exists() and not Payment.objects.exists()


def test_a_callback_for_a_host_not_allowed_is_refused(client, books, paybill, settings):
    settings.ALLOWED_HOSTS = ["minga.example.org"]
    response = client.post(
        CONFIRMATION,
        data=json.dumps(confirmation_body()),
        content_type="application/json",
        HTTP_HOST="attacker.example.com",
    )
    assert response.status_code == 400
    assert not PaymentCallback.objects.exists()


def test_the_routes_follow_the_urlconf_of_the_request(client, books, paybill, settings):
    """A changed URLconf (as in a test or a deployment under another root) is read, not a
    stale copy of the first one seen."""
    body = json.dumps(confirmation_body())
    assert client.post(CONFIRMATION, data=body, content_type="application/json").status_code == 200
    settings.ROOT_URLCONF = "minga.channels.tests.urls_without_money"
    response = client.post(CONFIRMATION, data=body, content_type="application/json")
    assert response.status_code == 404


def test_a_replay_through_the_direct_path_posts_once(client, books, paybill, run_tasks):
    standin.pay_bill(short_code="600638", bill_ref="M0042", amount="10")
    callbacks = list(standin.outbox)
    standin.outbox.clear()
    deliver(client, callbacks + callbacks)
    run_tasks()
    assert Payment.objects.get().status == "posted"
    assert len(books.settled) == 1
