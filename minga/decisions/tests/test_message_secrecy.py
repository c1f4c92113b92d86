"""Votes by USSD and SMS in a secret poll leave no row pairing the voter's phone with a choice.

Method: a member votes by USSD in one secret poll and by SMS in another, through the provider's
callbacks as a phone would; then every row of every table of the database (messages, decisions,
audit, sessions, cache tables if any) is read back as text, and no row holding the phone may
hold the choice (its label, its menu path, the SMS command) or the receipt, and no record of a
sent SMS may hold a choice or the receipt's digits.
"""

import io
import json
import re
import urllib.parse

import pytest
from django.db import connection

from minga.channels.models import InboundMessage, OutboundMessage
from minga.decisions import delegation

from .ballots import stored_choice

pytestmark = pytest.mark.django_db
PHONE = "+250788000111"  # the member persona's phone
PIN = "48265"
OPTIONS = ["Monday morning", "Wednesday evening", "Saturday noon"]


@pytest.fixture(autouse=True)
def _callbacks_from_the_test_client(settings):
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


@pytest.fixture
def provider(settings, monkeypatch):
    """Africa's Talking as the SMS provider, answering from here: the texts it was handed."""
    settings.SMS_PROVIDER = "africastalking"
    settings.AFRICASTALKING_USERNAME, settings.AFRICASTALKING_API_KEY = "sandbox", "key"
    handed = []

    def urlopen(request, timeout, context=None):
        handed.append(urllib.parse.parse_qs(request.data.decode())["message"][0])
        recipient = {"status": "Success", "statusCode": 101, "messageId": f"ATXid_{len(handed)}"}
        answer = {"SMSMessageData": {"Recipients": [recipient]}}
        return io.BytesIO(json.dumps(answer).encode())

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    return handed


def ussd(client, text):
    data = {"sessionId": "ATUid_s", "serviceCode": "*384*1#", "phoneNumber": PHONE, "text": text}
    return client.post("/channels/africastalking/ussd", data).content.decode()


def sms(client, text, message_id):
    data = {"from": PHONE, "to": "20880", "text": text, "id": message_id, "date": "2026-12-06"}
    return client.post("/channels/africastalking/sms", data)


def every_row():
    """(table, the row as text) for every row of every table."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (table names)
            for row in cursor.fetchall():
                cells = [
                    bytes(v).hex() if isinstance(v, memoryview | bytes) else str(v) for v in row
                ]
                yield table, " ".join(cells)


def test_it_keeps_no_row_pairing_a_phone_with_a_choice_or_a_receipt(
    client, member, poll_factory, provider, django_capture_on_commit_callbacks, run_tasks
):
    delegation.set_voting_pin(person=member, pin=PIN, actor=member)
    by_ussd = poll_factory(kind="single", options=OPTIONS)
    by_sms = poll_factory(kind="consent")
    assert by_ussd.is_secret and by_sms.is_secret
    # USSD: poll 1 (soonest closing first: both close together, by pk), option 2, the PIN.
    assert by_ussd.title in ussd(client, "")
    ussd(client, "1")
    assert "Your vote: Wednesday evening" in ussd(client, "1*2")
    done = ussd(client, f"1*2*{PIN}")
    assert done.startswith("END Vote recorded"), done
    ussd_receipt = re.search(r"Receipt: (\d{5}) (\d{5})", done).groups()
    with django_capture_on_commit_callbacks(execute=True):
        sms(client, f"NO {by_sms.pk}", "ATXid_vote")
    run_tasks()
    (sent,) = provider
    assert "recorded" in sent
    sms_receipt = re.search(r"Receipt (\d{5}) (\d{5})", sent).groups()
    assert stored_choice(by_ussd) == {"choice": 1}
    assert stored_choice(by_sms)["consent"] == "disagree"

    receipts = [
        form for parts in (ussd_receipt, sms_receipt) for form in (" ".join(parts), "".join(parts))
    ]
    choices = ["Wednesday", "Disagree", "disagree", "1*2", f"NO {by_sms.pk}", PIN]
    rows = list(every_row())
    assert any(PHONE in text for _table, text in rows)  # the reading sees the phone at all
    for table, text in rows:
        if PHONE in text:
            found = [secret for secret in choices + receipts if secret in text]
            assert not found, (table, found, text)
    assert not any(secret in sent for secret in choices)  # the confirmation names no choice
    for record in OutboundMessage.objects.all():
        assert not any(secret in record.text for secret in choices + receipts), record.text
        assert record.status == "sent" and record.provider_id
    assert InboundMessage.objects.filter(phone=PHONE).count() == 5
    assert not InboundMessage.objects.exclude(screen_digest="").filter(payload__inputs="2")
