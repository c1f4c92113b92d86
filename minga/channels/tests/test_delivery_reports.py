"""Africa's Talking's delivery reports: stored raw once, authenticated like every callback, and
moving each message to delivered or failed (never back from delivered)."""

import pytest

from minga.channels.models import DeliveryReport, OutboundMessage

pytestmark = pytest.mark.django_db
URL = "/channels/africastalking/delivery"


@pytest.fixture(autouse=True)
def _callbacks_from_the_test_client(settings):
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


@pytest.fixture
def sent():
    return OutboundMessage.objects.create(
        to="+254700000001",
        text="Poll open",
        provider="africastalking",
        provider_id="ATXid_1",
        status="sent",
    )


def report(client, status, **extra):
    return client.post(
        URL, {"id": "ATXid_1", "status": status, "phoneNumber": "+254700000001"} | extra
    )


def test_it_marks_a_message_delivered_and_keeps_it_so(client, sent):
    assert report(client, "Success").status_code == 200
    assert report(client, "Success").status_code == 200  # a retry of the same report
    assert report(client, "Buffered").status_code == 200  # late, out of order
    sent.refresh_from_db()
    assert sent.status == "delivered"
    assert DeliveryReport.objects.count() == 2


def test_it_marks_a_message_failed_with_the_reason(client, sent):
    report(client, "Failed", failureReason="InsufficientCredit")
    sent.refresh_from_db()
    assert sent.status == "failed" and "InsufficientCredit" in sent.error


def test_it_refuses_an_unauthenticated_report(client, sent, settings):
    settings.AFRICASTALKING_CALLBACK_IPS = ["10.0.0.0/8"]
    assert report(client, "Success").status_code == 403
    sent.refresh_from_db()
    assert sent.status == "sent" and not DeliveryReport.objects.exists()


def test_it_refuses_a_report_without_id(client):
    assert client.post(URL, {"status": "Success"}).status_code == 400
