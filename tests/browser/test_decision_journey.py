"""A cooperative decision end to end in a real browser (Playwright driving Debian's chromium).

A member of a coffee cooperative, on a 320 px phone screen, goes from the cooperative's page to
its decisions and opens a discussion on a proposal; another member comments. The chair prepares
a consent poll on it and opens it; the members vote (one gives a reason, one changes their
vote), keep their receipts, and cannot see any result while the poll is open. The chair closes
it: the results, with their chart, and the printable minutes citing the audit log's entry show,
and a member finds their ballot on the receipts page.

Only what has no page is set up through actions: the people and their cooperative (the
foundation's journey covers those pages).
"""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import Page, expect

from conftest import make_person
from minga.coops import actions as coop_actions
from minga.coops.models import Membership
from minga.decisions.models import Poll, SealedBallot
from tests.browser.support import PHONE, assert_fits, said

KIGALI = zoneinfo.ZoneInfo("Africa/Kigali")
PROPOSAL = "A shared solar dryer for the washing station"
RECEIPT = re.compile(r"(\d{5} \d{5})")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def people(base_url: str) -> dict:
    chair = make_person(
        "Coffee co-op chair", "chair@hillside.example.org", timezone="Africa/Kigali"
    )
    coffee = coop_actions.create_cooperative(
        actor=chair,
        name="Hillside Coffee Growers",
        legal_form="primary",
        country="RW",
        sector="agriculture",
        languages=["rw", "fr", "en"],
    )
    members = []
    for n, name in enumerate(["Coffee grower", "Washing station worker"]):
        person = make_person(name, f"member{n}@hillside.example.org", timezone="Africa/Kigali")
        invitation = coop_actions.create_invitation(
            coop=coffee, actor=chair, role=Membership.Role.MEMBER, base_url=base_url
        )
        coop_actions.accept_invitation(token=invitation.token, person=person)
        members.append(person)
    return {"chair": chair, "coop": coffee, "members": members}


def vote(page: Page, position: str, reason: str = "") -> str:
    page.get_by_label(position, exact=True).check()
    if reason:
        page.get_by_label("Your reason").fill(reason)
    page.get_by_role("button", name=re.compile("Cast my ballot|Change my vote")).click()
    expect(said(page)).to_contain_text("Your ballot is recorded")
    # The receipt has a page of its own, to bookmark or print; back to the ballot from it.
    receipt = RECEIPT.fullmatch(page.locator("#receipt-code").inner_text()).group(1)
    page.get_by_role("link", name="Back to the ballot").click()
    return receipt


def test_a_member_proposes_the_members_decide_and_the_minutes_show(new_page, live_server):
    base = live_server.url
    cast = people(base)
    grower, worker = cast["members"]
    slug = cast["coop"].slug

    # A member opens a discussion from the cooperative's page, on a phone.
    page = new_page(grower, viewport=PHONE)
    page.goto(f"{base}/coops/{slug}/")
    page.get_by_role("link", name="Decisions: discussions and votes").click()
    page.get_by_role("link", name="Start a discussion").click()
    page.get_by_label("Proposal or question").fill(PROPOSAL)
    page.get_by_label("Context").fill("Cherries wait too long in the rainy weeks.")
    page.get_by_role("button", name="Start the discussion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROPOSAL)
    assert_fits(page)
    discussion_url = page.url

    other = new_page(worker, viewport=PHONE)
    other.goto(discussion_url)
    other.get_by_label("Your comment").fill("Who would maintain it?")
    other.get_by_role("button", name="Post the comment").click()
    expect(said(other)).to_contain_text("Your comment is posted.")

    # The chair prepares a consent poll on it and opens it.
    chair = new_page(cast["chair"])
    chair.goto(discussion_url)
    expect(chair.get_by_text("Who would maintain it?")).to_be_visible()
    chair.get_by_role("link", name="Prepare a poll").click()
    chair.get_by_label("Question").fill("Build the shared solar dryer this season")
    chair.get_by_label("Kind of vote").select_option("consent")
    closes = datetime.datetime.now(KIGALI) + datetime.timedelta(days=7)
    chair.get_by_label("Closes at").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    chair.get_by_role("button", name="Save the draft").click()
    expect(said(chair)).to_contain_text("The poll is ready.")
    chair.get_by_role("button", name="Open the poll").click()
    expect(chair.get_by_text("0 of 3 have voted.")).to_be_visible()
    poll_url = chair.url
    expect(chair.get_by_text("The proposal passes if nobody blocks it")).to_be_visible()

    # The members vote; one changes their vote, and no result shows while the poll is open.
    page.goto(poll_url)
    assert_fits(page)
    vote(page, "Disagree", "Too costly this year.")
    receipt = vote(page, "Agree")
    expect(page.get_by_text("Results are hidden until the poll closes.")).to_be_visible()
    other.goto(poll_url)
    vote(other, "Agree", "I can look after it.")
    chair.goto(poll_url)
    vote(chair, "Abstain")
    assert page.request.get(poll_url + "results/").status == 404
    poll = Poll.objects.get()
    assert SealedBallot.objects.filter(poll=poll).count() == 3  # sealed until the closing

    # The chair closes the poll: results, chart and minutes.
    chair.goto(poll_url)
    chair.get_by_role("button", name="Close and count now").click()
    chair.get_by_role("link", name="Results").click()
    expect(chair.get_by_text("Passed.")).to_be_visible()
    expect(chair.locator("figure.chart svg")).to_be_visible()
    chair.get_by_label("Outcome").fill("The board orders the dryer before the rains.")
    chair.get_by_role("button", name="Save the outcome").click()
    expect(chair.get_by_text("The board orders the dryer before the rains.")).to_be_visible()

    page.goto(poll_url + "results/")
    expect(page.get_by_text("Too costly this year.")).to_have_count(0)  # replaced by "Agree"
    expect(page.get_by_text("I can look after it.")).to_be_visible()  # reasons, anonymously
    assert_fits(page)
    page.goto(poll_url)
    page.get_by_role("link", name="Minutes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Minutes of a decision")
    poll.refresh_from_db()
    expect(
        page.get_by_text(f"is entry {poll.closing_log_index} of the public audit log")
    ).to_be_visible()
    expect(page.get_by_text("The board orders the dryer before the rains.")).to_be_visible()
    assert_fits(page)

    # A member finds their ballot from their receipt, without it showing how they voted.
    page.goto(poll_url + "receipts/")
    page.get_by_label("Receipt code").fill(receipt)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Found: the ballot with this receipt is counted.")).to_be_visible()
    expect(page.get_by_text("4 ballots were cast.")).to_be_visible()
    assert_fits(page)
