"""The USSD simulator: the real menu in a form, never a way to act as someone else."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from minga.channels.models import InboundMessage
from minga.decisions import actions, delegation
from minga.decisions.models import SealedBallot

pytestmark = pytest.mark.django_db
URL = "/channels/ussd/simulator/"


@override_settings(DEBUG=False)
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.post(URL, {"action": "dial", "phone": "+250788000111"}).status_code == 302
    assert not InboundMessage.objects.exists()


@override_settings(DEBUG=False)
def test_outside_development_a_person_simulates_only_their_own_number(member_client, outsider):
    outsider.phone = "+250788000333"
    outsider.save()
    response = member_client.post(URL, {"action": "dial", "phone": "+250788000333"})
    assert response.status_code == 200
    assert "You can only simulate your own phone number." in response.content.decode()
    assert InboundMessage.objects.get().phone == "+250788000111"  # the member's own


@override_settings(DEBUG=False)
def test_a_person_without_a_phone_is_told_to_add_one(owner_client):
    response = owner_client.post(URL, {"action": "dial"})
    assert response.status_code == 400
    assert "Add a phone number" in response.content.decode()


@override_settings(DEBUG=True)
def test_in_development_any_number_can_be_tried(client):
    page = client.get(URL)
    assert page.status_code == 200 and 'name="phone"' in page.content.decode()
    response = client.post(URL, {"action": "dial", "phone": "+254700000001"})
    assert "not registered" in response.content.decode()
    bad = client.post(URL, {"action": "dial", "phone": "call me"})
    assert bad.status_code == 400


@override_settings(DEBUG=False)
def test_it_votes_through_the_same_menu(member_client, member, coop, owner):
    discussion = actions.start_discussion(coop=coop, actor=owner, title="Roof")
    poll = actions.create_poll(
        discussion=discussion,
        actor=owner,
        title="Repair the roof?",
        kind="consent",
        closes_at=timezone.now() + datetime.timedelta(days=1),
    )
    actions.open_poll(poll=poll, actor=owner)
    delegation.set_voting_pin(person=member, pin="48265", actor=member)
    page = member_client.post(URL, {"action": "dial"}).content.decode()
    assert "Repair the roof?" in page
    session = InboundMessage.objects.get().session_id
    text = ""
    for reply in ("1", "1", "48265"):
        page = member_client.post(
            URL, {"action": "send", "session": session, "text": text, "reply": reply}
        ).content.decode()
        text = f"{text}*{reply}" if text else reply
    assert "Vote recorded" in page and "The session has ended." in page
    assert SealedBallot.objects.filter(poll=poll).count() == 1  # sealed until the closing
