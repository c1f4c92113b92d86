"""A member's own Minga in a real browser (Playwright driving Debian's chromium), on a phone.

A member opens a link to a poll of their cooperative while signed out: the sign-in page takes
them there once they have signed in, not a 404. From the home page they find the poll open for
them, vote, keep the receipt's page (reachable again from its link), check it and see, back
home, that they voted, without the page ever naming their choice.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_person
from minga.coops import actions as coop_actions
from minga.coops.models import Membership
from minga.decisions import actions as decision_actions
from tests.browser.support import PHONE, assert_fits, said

PASSWORD = "a-long-test-password"  # conftest.make_person's

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def world(base_url: str):
    chair = make_person("Coffee co-op chair", "chair@hillside.example.org")
    grower = make_person("Coffee grower", "grower@hillside.example.org")
    coffee = coop_actions.create_cooperative(
        actor=chair,
        name="Hillside Coffee Growers",
        legal_form="primary",
        country="RW",
        sector="agriculture",
        languages=["rw", "en"],
    )
    invitation = coop_actions.create_invitation(
        coop=coffee, actor=chair, role=Membership.Role.MEMBER, base_url=base_url
    )
    coop_actions.accept_invitation(token=invitation.token, person=grower)
    discussion = decision_actions.start_discussion(
        coop=coffee, actor=chair, title="The dryer", body="Shall we buy it?"
    )
    poll = decision_actions.create_poll(
        discussion=discussion,
        actor=chair,
        title="Buy the solar dryer this season",
        kind="single",
        options=["Yes, this season", "Next season"],
        is_secret=True,
        closes_at=timezone.now() + datetime.timedelta(days=5),
    )
    return grower, decision_actions.open_poll(poll=poll, actor=chair)


def test_a_member_signs_in_from_a_link_and_votes_from_home(new_page, live_server):
    base = live_server.url
    grower, poll = world(base)
    poll_url = f"{base}{poll.get_absolute_url()}"

    # Signed out, the link leads to the sign-in page, then back to the poll.
    page = new_page(viewport=PHONE)
    page.goto(poll_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("E-mail address or phone number").fill(grower.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(poll_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(poll.title)

    # Home shows the poll waiting for a vote.
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Coffee grower")
    item = page.locator("li", has_text=poll.title)
    expect(item).to_contain_text("Not voted yet")
    assert_fits(page)
    item.get_by_role("link", name=poll.title).click()

    # The vote leads to the receipt's own page.
    page.get_by_label("Next season").check()
    page.get_by_role("button", name="Cast my ballot").click()
    expect(said(page)).to_contain_text("Your ballot is recorded.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your receipt")
    receipt = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"\d{5} \d{5}", receipt)
    expect(page.get_by_text("the ballot with this receipt is stored")).to_be_visible()
    expect(page.get_by_text("Next season")).to_have_count(0)  # never the choice
    assert_fits(page)
    kept = page.url

    # Kept: the link shows it again later, and the public check finds it.
    page.goto(f"{base}/")
    expect(page.locator("li", has_text=poll.title)).to_contain_text("You voted")
    page.goto(kept)
    expect(page.locator("#receipt-code")).to_have_text(receipt)
    page.get_by_role("link", name="Check another receipt").click()
    page.get_by_label("Receipt code").fill(receipt)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("the ballot with this receipt is stored")).to_be_visible()
