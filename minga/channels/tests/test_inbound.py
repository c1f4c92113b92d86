"""Inbound callbacks: stored raw first, deduplicated, answered once, guarded by the settings."""

import datetime
import threading
import time

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from minga.channels import inbound
from minga.channels.inbound import Reply
from minga.channels.models import InboundMessage, OutboundMessage

pytestmark = pytest.mark.django_db
PHONE = "+250788000999"


@pytest.fixture(autouse=True)
def _callbacks_from_the_test_client(settings):
    """Callbacks are refused until an allow-list or token is set; the test client is local."""
    settings.AFRICASTALKING_CALLBACK_IPS = ["127.0.0.1/32"]


class Menu:
    """A stand-in menu that counts its calls and can ask for a secret or fail."""

    def __init__(self, reply="CON Hello", asks_secret=False, fails=False):
        self.calls, self.reply, self.asks_secret, self.fails = [], reply, asks_secret, fails

    def __call__(self, *, phone, text, shown):
        self.calls.append((phone, text, shown))
        if self.fails:
            raise RuntimeError("boom")
        return Reply(self.reply, asks_secret=self.asks_secret)


def ussd(menu, text, session="S1"):
    return inbound.receive_ussd(
        provider="test",
        session_id=session,
        phone=PHONE,
        text=text,
        payload={"sessionId": session, "phoneNumber": PHONE, "text": text},
        menu=menu,
    )


def test_it_stores_each_step_before_answering_without_the_text():
    menu = Menu()
    assert ussd(menu, "") == "CON Hello"
    row = InboundMessage.objects.get()
    assert row.status == InboundMessage.Status.HANDLED
    assert row.payload == {"sessionId": "S1", "phoneNumber": PHONE, "inputs": "0"}
    assert row.response == ""  # a screen may name a choice
    assert row.key != "" and row.screen_digest != ""  # keyed hashes


def test_a_retried_step_runs_the_menu_again_and_stores_one_row():
    menu = Menu()
    ussd(menu, "")
    ussd(menu, "1")
    menu.reply = "CON Something else"
    assert ussd(menu, "1") == "CON Something else"
    assert InboundMessage.objects.count() == 2


def test_a_retried_answer_to_a_pin_prompt_is_answered_neutrally_and_acts_once():
    ussd(Menu(), "")
    ussd(Menu(reply="CON Your vote: Yes. PIN?", asks_secret=True), "1")
    menu = Menu(reply="END Vote recorded. Receipt: 12345 67890")
    assert ussd(menu, "1*48265") == "END Vote recorded. Receipt: 12345 67890"
    again = ussd(menu, "1*48265")
    assert "Receipt" not in again and "received" in again
    assert len(menu.calls) == 1


def test_the_menu_checks_the_previous_screen_then_it_is_forgotten():
    ussd(Menu(), "")
    ussd(Menu(reply="CON Your vote: Yes. PIN?", asks_secret=True), "1")
    screen = InboundMessage.objects.get(payload__inputs="1")
    assert screen.screen_digest and "Yes" not in screen.screen_digest
    menu = Menu(reply="END Done")
    ussd(menu, "1*48265")
    shown = menu.calls[-1][2]
    assert shown("CON Your vote: Yes. PIN?") and not shown("CON Your vote: No. PIN?")
    screen.refresh_from_db()
    assert screen.screen_digest == ""


@override_settings(MINGA_USSD_SESSION_SECONDS=60)
def test_screens_of_abandoned_sessions_are_forgotten():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ussd(Menu(reply="CON Your vote: Yes. PIN?", asks_secret=True), "", session="A")
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        ussd(Menu(), "", session="B")
    assert InboundMessage.objects.get(session_id="A").screen_digest == ""
    assert InboundMessage.objects.get(session_id="B").screen_digest != ""


@override_settings(MINGA_USSD_SESSION_SECONDS=60)
def test_a_stale_session_is_told_to_dial_again():
    menu = Menu()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ussd(menu, "")
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert "expired" in ussd(menu, "1")
    assert len(menu.calls) == 1


def test_a_retry_arriving_while_the_step_is_handled_does_not_act_again():
    ussd(Menu(), "")
    ussd(Menu(reply="CON Your vote: Yes. PIN?", asks_secret=True), "1")
    retried = []

    class Slow(Menu):
        def __call__(self, **kwargs):
            if not self.calls:  # the provider gives up on the first attempt and sends it again
                retried.append(ussd(self, "1*48265"))
            return super().__call__(**kwargs)

    menu = Slow(reply="END Vote recorded. Receipt: 12345 67890")
    assert ussd(menu, "1*48265") == "END Vote recorded. Receipt: 12345 67890"
    assert "Receipt" not in retried[0] and "received" in retried[0]
    assert len(menu.calls) == 1
    step = InboundMessage.objects.get(payload__inputs="2")
    assert step.status == InboundMessage.Status.HANDLED


def test_a_retried_menu_step_being_handled_is_answered_and_left_to_the_first_attempt():
    ussd(Menu(), "")
    retried = []

    class Slow(Menu):
        def __call__(self, **kwargs):
            if not self.calls:
                self.calls.append(kwargs)
                retried.append(ussd(Menu(reply="CON Seen again"), "1"))
            return Reply(self.reply, asks_secret=True)

    assert ussd(Slow(reply="CON Your vote: Yes. PIN?"), "1") == "CON Your vote: Yes. PIN?"
    assert retried == ["CON Seen again"]
    step = InboundMessage.objects.get(payload__inputs="1")
    assert step.status == InboundMessage.Status.HANDLED and step.asks_secret
    assert step.screen_digest == inbound.keyed_hash("screen", "S1", "CON Your vote: Yes. PIN?")


@pytest.mark.django_db(transaction=True)
def test_two_sessions_replaying_at_once_do_not_wait_for_each_other():
    """While one member's menu is rebuilt, another member's step is stored, answered and
    written: no transaction (on SQLite, the write lock) is held across a menu."""
    inside, release = threading.Event(), threading.Event()
    answers = {}

    class Held(Menu):
        def __call__(self, **kwargs):
            inside.set()
            assert release.wait(30)
            return super().__call__(**kwargs)

    def first_member():
        try:
            answers["A"] = ussd(Held(reply="CON A"), "", session="A")
        finally:
            connection.close()

    thread = threading.Thread(target=first_member)
    thread.start()
    try:
        assert inside.wait(30)
        started = time.monotonic()
        answers["B"] = ussd(Menu(reply="CON B"), "", session="B")
        assert time.monotonic() - started < 5
        assert InboundMessage.objects.get(session_id="A").status == "handling"
    finally:
        release.set()
        thread.join(30)
    assert answers == {"A": "CON A", "B": "CON B"}
    assert set(InboundMessage.objects.values_list("status", flat=True)) == {"handled"}


def test_a_failing_menu_answers_clearly_and_keeps_the_raw_step():
    answer = ussd(Menu(fails=True), "")
    assert answer.startswith("END ") and "Nothing was changed" in answer
    assert InboundMessage.objects.get().status == InboundMessage.Status.FAILED


def test_an_sms_is_stored_once_per_provider_id_and_answered_once(
    django_capture_on_commit_callbacks,
):
    calls = []

    def handler(*, phone, text):
        calls.append(text)
        return "Thanks"

    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            inbound.receive_sms(
                provider="test",
                message_id="ATXid_1",
                phone=PHONE,
                text="YES 1",
                payload={"id": "ATXid_1", "text": "YES 1"},
                handler=handler,
            )
    assert calls == ["YES 1"]
    row = InboundMessage.objects.get()
    assert row.response == "Thanks" and "text" not in row.payload and row.text_digest
    assert OutboundMessage.objects.get().text == "Thanks"


def test_an_sms_that_carried_a_vote_keeps_nothing_of_its_text_nor_the_receipt(
    django_capture_on_commit_callbacks,
    run_tasks,
):
    def handler(*, phone, text):
        return inbound.Answer("Receipt 12345 67890", kind="vote-receipt", carried_vote=True)

    with django_capture_on_commit_callbacks(execute=True):
        inbound.receive_sms(
            provider="test",
            message_id="ATXid_2",
            phone=PHONE,
            text="NO 1",
            payload={"id": "ATXid_2", "text": "NO 1"},
            handler=handler,
        )
    run_tasks()
    row = InboundMessage.objects.get()
    assert row.text_digest == "" and row.response == "[vote receipt]"
    sent = OutboundMessage.objects.get()
    assert sent.text == "[vote receipt]" and sent.kind == "vote-receipt"
    assert sent.status == "sent"


def test_an_sms_without_id_is_deduplicated_by_content():
    calls = []

    def handler(*, phone, text):
        calls.append(text)

    for _ in range(2):
        inbound.receive_sms(
            provider="test",
            message_id="",
            phone=PHONE,
            text="NO 1",
            payload={"date": "2026-11-23 10:00:00", "text": "NO 1"},
            handler=handler,
        )
    assert calls == ["NO 1"]
    assert not OutboundMessage.objects.exists()


def post_ussd(client, url="/channels/africastalking/ussd", **extra):
    data = {"sessionId": "S9", "phoneNumber": PHONE, "text": "", "serviceCode": "*1#"}
    return client.post(url, data, **extra)


@override_settings(DEBUG=False, AFRICASTALKING_CALLBACK_TOKEN="", AFRICASTALKING_CALLBACK_IPS=[])
def test_unconfigured_callbacks_are_refused_outside_development(client):
    assert post_ussd(client).status_code == 403
    assert client.post("/channels/africastalking/sms", {"from": PHONE}).status_code == 403
    assert not InboundMessage.objects.exists()


@override_settings(AFRICASTALKING_CALLBACK_TOKEN="s3cret-token", AFRICASTALKING_CALLBACK_IPS=[])
def test_a_configured_token_is_required(client):
    assert post_ussd(client).status_code == 403
    assert post_ussd(client, "/channels/africastalking/ussd?token=wrong").status_code == 403
    assert not InboundMessage.objects.exists()
    assert post_ussd(client, "/channels/africastalking/ussd?token=s3cret-token").status_code == 200


@override_settings(AFRICASTALKING_CALLBACK_IPS=["10.1.0.0/16"])
def test_a_configured_address_list_is_enforced(client):
    assert post_ussd(client, REMOTE_ADDR="192.0.2.1").status_code == 403
    assert post_ussd(client, REMOTE_ADDR="10.1.2.3").status_code == 200


@override_settings(
    AFRICASTALKING_CALLBACK_IPS=["52.48.80.0/24"], MINGA_TRUSTED_PROXIES=["10.0.0.5"]
)
def test_the_address_list_sees_the_provider_behind_our_proxy(client):
    via_proxy = {"REMOTE_ADDR": "10.0.0.5"}
    assert post_ussd(client, HTTP_X_FORWARDED_FOR="52.48.80.7", **via_proxy).status_code == 200
    assert post_ussd(client, HTTP_X_FORWARDED_FOR="192.0.2.1", **via_proxy).status_code == 403
    # Straight to the server, a forged header is not believed.
    forged = {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "52.48.80.7"}
    assert post_ussd(client, **forged).status_code == 403


def test_sms_callbacks_are_checked_and_stored(client):
    url = "/channels/africastalking/sms"
    assert client.post(url, {"from": "nobody", "text": "YES 1"}).status_code == 400
    assert client.get(url).status_code == 405
    response = client.post(url, {"from": PHONE, "text": "hello", "id": "ATXid_9", "to": "20880"})
    assert response.status_code == 200
    row = InboundMessage.objects.get()
    assert row.kind == "sms" and row.payload["to"] == "20880"
    assert "not registered" in row.response
