"""Only a verified phone number is a USSD or SMS identity (`person_by_verified_phone`)."""

import pytest
from django.utils import timezone

from conftest import make_person
from minga.accounts.models import User
from minga.accounts.queries import person_by_verified_phone
from minga.decisions import delegation, sms
from minga.decisions.models import Ballot

from .conftest import join

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not hasattr(User, "phone_verified_at"),
        reason="needs accounts.User.phone_verified_at from the roles branch",
    ),
]
PHONE = "+250788000333"


@pytest.fixture(autouse=True)
def _callbacks_from_the_test_client(settings):
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


@pytest.fixture
def unverified(coop):
    person = make_person("Unverified Member", "unverified@example.org", phone=PHONE)
    join(coop, person)
    delegation.set_voting_pin(person=person, pin="48265", actor=person)
    return person


def test_it_finds_only_verified_active_people(unverified):
    assert person_by_verified_phone(PHONE) is None
    unverified.phone_verified_at = timezone.now()
    unverified.save()
    assert person_by_verified_phone(PHONE) == unverified
    unverified.is_active = False
    unverified.save()
    assert person_by_verified_phone(PHONE) is None


def test_an_unverified_phone_cannot_vote_by_ussd(client, unverified, poll_factory):
    poll_factory(kind="consent")
    data = {"sessionId": "ATUid_v", "phoneNumber": PHONE, "text": ""}
    answer = client.post("/channels/africastalking/ussd", data).content.decode()
    assert answer.startswith("END ") and "not verified" in answer
    assert not Ballot.objects.exists()


def test_an_unverified_phone_cannot_vote_by_sms(unverified, poll_factory):
    poll = poll_factory(kind="consent")
    answer = sms.respond(phone=PHONE, text=f"YES {poll.pk}")
    assert "not verified" in getattr(answer, "text", answer)
    assert not Ballot.objects.exists()
