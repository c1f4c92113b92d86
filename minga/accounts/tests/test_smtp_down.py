"""With SMTP down, no request fails and none tells whether an account exists: messages are only
queued by the request, and the worker meets the failure (see `minga.channels.delivery`)."""

import re
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from minga.channels.models import OutboundMessage


class DownBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


@pytest.fixture
def smtp_down(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.DownBackend"}}


@pytest.mark.django_db(transaction=True)
def test_it_signs_up_while_smtp_is_down(client, smtp_down):
    data = {
        "name": "New Person",
        "email": "new@example.org",
        "phone": "",
        "password1": "a-long-new-password",
        "password2": "a-long-new-password",
        "preferred_language": "en",
        "timezone": "Africa/Kigali",
    }
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 302
    assert OutboundMessage.objects.get().status == OutboundMessage.Status.QUEUED


@pytest.mark.django_db(transaction=True)
def test_it_answers_a_reset_the_same_for_known_and_unknown_addresses(client, member, smtp_down):
    url = reverse("accounts:password-reset")
    known = client.post(url, {"identifier": "member@example.org"}, follow=True)
    unknown = client.post(url, {"identifier": "nobody@example.org"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert page(known) == page(unknown)


def page(response) -> str:
    """The page without its CSRF token (new on every page)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
