"""Staff see the failed deliveries with the provider's reason, and queue one again."""

import pytest
from django.urls import reverse

from conftest import make_person
from minga.channels import delivery
from minga.channels.models import OutboundMessage
from minga.channels.sms import send_sms

pytestmark = pytest.mark.django_db
LIST = reverse("channels:failed-deliveries")


@pytest.fixture
def staff_client(client):
    client.force_login(make_person("Support Staff", "staff@example.org", is_staff=True))
    return client


@pytest.fixture
def failed():
    message = send_sms(to="+254700000001", text="Poll open", kind="notice")
    OutboundMessage.objects.filter(pk=message.pk).update(
        status="failed", attempts=6, error="refused by Africa's Talking: InsufficientBalance (405)"
    )
    return message


@pytest.mark.parametrize("who, status", [("member", 403), ("outsider", 403), (None, 302)])
def test_it_shows_failed_deliveries_to_staff_only(client, failed, request, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == status
    retry = reverse("channels:failed-delivery-retry", args=[failed.pk])
    assert client.post(retry).status_code == status
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_it_lists_the_reason_and_retries_once(staff_client, sms_outbox, failed, run_tasks):
    page = staff_client.get(LIST).content.decode()
    assert "InsufficientBalance" in page and "+254700000001" in page
    retry = reverse("channels:failed-delivery-retry", args=[failed.pk])
    assert staff_client.post(retry).status_code == 302
    assert staff_client.post(retry).status_code == 302  # a second click queues nothing more
    run_tasks()
    failed.refresh_from_db()
    assert failed.status == "sent" and len(sms_outbox) == 1
    assert "+254700000001" not in staff_client.get(LIST).content.decode()


def test_it_retries_nothing_that_is_not_failed(failed):
    OutboundMessage.objects.filter(pk=failed.pk).update(status="sent")
    failed.refresh_from_db()
    assert delivery.retry(message=failed) is False
