"""Only a verified phone number is a USSD or SMS identity (`person_by_verified_phone`)."""

import pytest
from django.utils import timezone

from conftest import make_person
from minga.accounts.queries import person_by_verified_phone
from minga.decisions import delegation, sms

from .ballots import stored_count
from .conftest import join

pytestmark = pytest.mark.django_db
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


def ussd(client, session: str, text: str) -> str:
    data = {"sessionId": session, "phoneNumber": PHONE, "text": text}
    return client.post("/channels/africastalking/ussd", data).content.decode()


def sent_code(outbox) -> str:
    from minga.core.worker import run_ready_tasks

    run_ready_tasks()  # the code is queued with the step that asked for it
    [message] = [m for m in outbox if m.to == PHONE and m.kind == "verification-code"]
    return "".join(ch for ch in message.text if ch.isdigit())


def test_an_unverified_phone_cannot_vote_by_ussd(client, unverified, poll_factory, sms_outbox):
    poll_factory(kind="consent")
    answer = ussd(client, "ATUid_v", "")
    assert answer.startswith("CON ") and "code" in answer  # asked to confirm, not to vote
    assert ussd(client, "ATUid_v", "1").startswith("END ")  # not a vote: a wrong code
    assert not stored_count()
    unverified.refresh_from_db()
    assert unverified.phone_verified_at is None


def test_an_unverified_phone_cannot_vote_by_sms(unverified, poll_factory, sms_outbox):
    poll = poll_factory(kind="consent")
    answer = sms.respond(phone=PHONE, text=f"YES {poll.pk}")
    assert "not confirmed yet" in getattr(answer, "text", answer)
    assert not stored_count()


def test_a_basic_phone_confirms_its_number_by_ussd_then_votes(
    client, unverified, poll_factory, sms_outbox, django_capture_on_commit_callbacks
):
    poll_factory(kind="consent")
    with django_capture_on_commit_callbacks(execute=True):
        assert ussd(client, "ATUid_c1", "").startswith("CON ")
    answer = ussd(client, "ATUid_c1", sent_code(sms_outbox))
    assert answer.startswith("END ") and "confirmed" in answer
    unverified.refresh_from_db()
    assert unverified.phone_verified_at is not None
    assert "open votes" in ussd(client, "ATUid_c2", "")  # the voting menu now


def test_a_basic_phone_confirms_its_number_by_sms(
    unverified, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sms.respond(phone=PHONE, text="hello")
    answer = sms.respond(phone=PHONE, text=sent_code(sms_outbox))
    assert "confirmed" in getattr(answer, "text", answer)
    unverified.refresh_from_db()
    assert unverified.phone_verified_at is not None
