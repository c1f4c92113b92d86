"""A voter's receipt page: theirs to bookmark, print or send to their own phone, found again
later from its link, without the database linking the voter and the ballot."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from conftest import client_for
from minga.channels.models import OutboundMessage
from minga.decisions import actions

from .conftest import make_poll

CODE = re.compile(r'id="receipt-code">(\d{5} \d{5})<')


@pytest.fixture
def secret_poll(discussion, owner):
    return make_poll(discussion, owner, kind="single", is_secret=True)


def cast(client, poll):
    url = reverse("decisions:poll-vote", args=[poll.coop.slug, poll.pk])
    return client.post(url, {"choice": "1"}, follow=True)


def test_it_lands_the_voter_on_their_receipt_page(member_client, secret_poll):
    response = cast(member_client, secret_poll)
    page = response.content.decode()
    path, _status = response.redirect_chain[-1]
    code = CODE.search(page).group(1).replace(" ", "")
    assert path.endswith(f"/receipt/?code={code}")
    assert "Your ballot is recorded." in page
    assert "the ballot with this receipt is stored" in page
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_it_finds_the_receipt_again_later_from_its_link(client, member, secret_poll):
    response = cast(client_for(client, member), secret_poll)
    link = response.redirect_chain[-1][0]
    client.logout()
    assert client.get(link).status_code == 302  # signed out: to sign in, and back
    client_for(client, member)
    later = client.get(link).content.decode()
    assert "the ballot with this receipt is stored" in later


def test_it_keeps_no_copy_of_the_receipt_with_the_voter(client, member, secret_poll):
    response = cast(client_for(client, member), secret_poll)
    code = CODE.search(response.content.decode()).group(1).replace(" ", "")
    for session in Session.objects.all():  # nor in a message waiting in the session
        assert code not in str(session.get_decoded())


def test_it_sends_the_receipt_to_the_voters_own_phone(
    member_client, member, secret_poll, django_capture_on_commit_callbacks
):
    link = cast(member_client, secret_poll).redirect_chain[-1][0]
    code = link.rsplit("=", 1)[1]
    url = reverse("decisions:receipt-sms", args=[secret_poll.coop.slug, secret_poll.pk])
    page = member_client.post(url, {"code": code}, follow=True).content.decode()
    assert "The receipt is on its way to your phone." in page
    message = OutboundMessage.objects.get()
    assert message.to == member.phone and message.kind == OutboundMessage.Kind.VOTE_RECEIPT
    assert code not in message.text and code[:5] not in message.text  # the record keeps a label


def test_it_limits_receipt_messages(member_client, secret_poll):
    link = cast(member_client, secret_poll).redirect_chain[-1][0]
    code = link.rsplit("=", 1)[1]
    url = reverse("decisions:receipt-sms", args=[secret_poll.coop.slug, secret_poll.pk])
    for _ in range(actions.RECEIPT_SMS_PER_POLL + 2):
        member_client.post(url, {"code": code})
    assert OutboundMessage.objects.count() == actions.RECEIPT_SMS_PER_POLL


def test_only_an_elector_with_a_verified_phone_gets_an_sms(
    client, coop, owner, outsider, secret_poll
):
    url = reverse("decisions:receipt-sms", args=[coop.slug, secret_poll.pk])
    assert client_for(client, outsider).post(url, {"code": "0471988231"}).status_code == 403
    no_phone = owner  # an elector without a phone
    assert client_for(client, no_phone).post(url, {"code": "0471988231"}).status_code == 403
    assert not OutboundMessage.objects.exists()


def test_it_gives_each_persona_the_right_access(client, coop, member, outsider, secret_poll):
    url = reverse("decisions:receipt", args=[coop.slug, secret_poll.pk]) + "?code=0471988231"
    assert client.get(url).status_code == 302
    assert client_for(client, outsider).get(url).status_code == 403
    assert client_for(client, member).get(url).status_code == 200
    bad = reverse("decisions:receipt", args=[coop.slug, secret_poll.pk]) + "?code=12"
    assert client.get(bad).status_code == 404


def test_the_page_never_names_the_choice(client, coop, owner, secret_poll):
    response = cast(client_for(client, owner), secret_poll)
    page = response.content.decode()
    assert "Bruno" not in page  # option 1: the receipt page never names the choice


def test_the_polls_list_marks_where_you_voted(member_client, coop, secret_poll, discussion, owner):
    other = make_poll(discussion, owner, kind="single")
    cast(member_client, secret_poll)
    page = member_client.get(reverse("decisions:index", args=[coop.slug])).content.decode()
    mine = page.split(secret_poll.get_absolute_url())[1].split("</li>")[0]
    theirs = page.split(other.get_absolute_url())[1].split("</li>")[0]
    assert "You voted" in mine and "You voted" not in theirs
