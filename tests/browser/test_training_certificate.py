"""A training end to end in a real browser: attend it, receive the certificate, verify it.

A coffee cooperative's chair announces "Bookkeeping basics" with an assessment, and records
the morning session that has just ended at the washing station. A member enrols from her
phone (320 px); the chair writes down a second member who has only a phone number, takes
attendance, enters the scores and closes the training. The member finds her certificate on
the training's page, opens the public verification page from it and sees every check pass;
a visitor with no account pastes the downloaded JSON and gets the same answer. The score on
her public profile can be recomputed from its JSON.

Only the people and the cooperative are made through actions (their pages have their own
journey). The session is entered as one that has just ended, so no clock needs moving.
"""

import datetime
import json
import zoneinfo

import pytest
from playwright.sync_api import expect

from conftest import make_person
from minga.channels.models import OutboundMessage
from minga.coops import actions as coop_actions
from minga.coops.models import Membership
from minga.credentials import reputation
from tests.browser.support import PHONE, assert_fits, said

KIGALI = zoneinfo.ZoneInfo("Africa/Kigali")
TITLE = "Bookkeeping basics"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def local(instant: datetime.datetime) -> str:
    return instant.astimezone(KIGALI).strftime("%Y-%m-%dT%H:%M")


def test_it_certifies_a_member_who_attended_and_anyone_can_verify_it(
    new_page, live_server, settings
):
    base = live_server.url
    # Credential ids and the printed link to the verification page name this server.
    settings.MINGA_PUBLIC_URL = base
    chair = make_person("Coffee co-op chair", "chair@coffee.example.org", timezone="Africa/Kigali")
    learner = make_person(
        "Coffee co-op bookkeeper", "books@coffee.example.org", timezone="Africa/Kigali"
    )
    coop = coop_actions.create_cooperative(
        actor=chair,
        name="Hillside Coffee Growers",
        legal_form="primary",
        country="RW",
        region="Southern Province",
        sector="agriculture",
        languages=["rw", "fr", "en"],
    )
    invitation = coop_actions.create_invitation(
        coop=coop, actor=chair, role=Membership.Role.MEMBER, base_url=base
    )
    coop_actions.accept_invitation(token=invitation.token, person=learner)

    # The chair announces the training and records this morning's session.
    page = new_page(chair)
    page.goto(f"{base}/credentials/trainings/")
    page.get_by_role("link", name="Announce a training").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What participants learn").fill(
        "The cash book, the members' ledger and reconciling mobile-money receipts."
    )
    page.get_by_label("Time zone of the sessions").select_option("Africa/Kigali")
    page.get_by_label("Sessions to attend (percent)").fill("100")
    page.get_by_label("Pass mark of the assessment (out of 100)").fill("60")
    page.get_by_role("button", name="Announce").click()
    expect(said(page)).to_contain_text("Now schedule its sessions")
    now = datetime.datetime.now(datetime.UTC)
    page.get_by_label("Starts").fill(local(now - datetime.timedelta(hours=3)))
    page.get_by_label("Ends").fill(local(now - datetime.timedelta(minutes=2)))
    page.get_by_label("Place").fill("Hillside washing station")
    page.get_by_role("button", name="Schedule").click()
    expect(said(page)).to_contain_text("The session is scheduled.")
    training_url = page.url

    # The member enrols from her phone.
    phone = new_page(learner, viewport=PHONE)
    phone.goto(training_url)
    expect(phone.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(phone.get_by_text("Hillside washing station")).to_be_visible()
    assert_fits(phone)
    phone.get_by_role("button", name="Enrol").click()
    expect(said(phone)).to_contain_text("You are enrolled.")

    # The chair adds a member who has only a phone, takes attendance, scores, and closes.
    page.get_by_role("link", name="Participants and attendance").click()
    page.get_by_label("Name").fill("Hillside member by phone")
    page.get_by_label("Phone number").fill("+250788555001")
    page.get_by_role("button", name="Add").click()
    expect(said(page)).to_contain_text("The participant is added.")
    page.locator("main ul a").first.click()  # the session's attendance
    page.get_by_label("Coffee co-op bookkeeper").check()
    page.get_by_label("Hillside member by phone").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(said(page)).to_contain_text("2 present")
    page.goto(training_url)
    page.get_by_role("link", name="Assessment").click()
    page.get_by_label("Coffee co-op bookkeeper").fill("86")
    page.get_by_label("Hillside member by phone").fill("41")
    page.get_by_role("button", name="Save the scores").click()
    expect(said(page)).to_contain_text("assessment results are saved")
    page.goto(training_url)
    page.get_by_role("link", name="Close and issue certificates").click()
    page.get_by_role("button", name="Close the training and issue the certificates").click()
    expect(said(page)).to_contain_text("1 certificate was issued")
    assert not OutboundMessage.objects.filter(to="+250788555001").exists()  # below the mark

    # The member receives her certificate and verifies it on the public page.
    phone.goto(training_url)
    phone.get_by_role("link", name="Your certificate").click()
    expect(phone.get_by_text(TITLE).first).to_be_visible()
    assert_fits(phone)
    json_url = phone.get_by_role("link", name="JSON for a wallet").get_attribute("href")
    phone.get_by_role("link", name="Verify it").click()
    expect(phone.get_by_role("heading", name="This credential is valid.")).to_be_visible()
    expect(phone.locator("ol.checks li.failed")).to_have_count(0)
    assert_fits(phone)

    # A visitor without an account pastes the downloaded credential.
    visitor = new_page()
    document = visitor.request.get(f"{base}{json_url}").text()
    assert json.loads(document)["credentialSubject"]["achievement"]["name"] == TITLE
    visitor.goto(f"{base}/credentials/verify/")
    visitor.get_by_label("Paste the credential (JSON)").fill(document)
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.get_by_role("heading", name="This credential is valid.")).to_be_visible()

    # Her public profile shows the certificate and a score anyone can recompute.
    visitor.goto(f"{base}/credentials/people/{learner.pk}/")
    expect(visitor.get_by_text("3 points", exact=True)).to_be_visible()
    published = visitor.request.get(f"{base}/credentials/people/{learner.pk}/reputation.json")
    assert reputation.recompute(published.text()) == published.json()["score"] == 3
