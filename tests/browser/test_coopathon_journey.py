"""A coop-a-thon end to end in a real browser (Playwright driving Debian's chromium).

A coffee cooperative's secretary describes a need through the guided form on a 320 px
phone screen and submits it; an organiser of the alliance accepts it into the catalogue,
creates an event with the need as its challenge and a prize, and publishes it. A developer
registers, starts a team that a second developer asks to join, chooses the challenge and
submits a proposal. Three jurors are named; when the deadline passes they are assigned the
proposal and score it; at the announcement the winner is on the public results page and in
the winners' gallery, seen on a phone.

Only what has no page is set up through actions: the people and cooperatives (their pages
have their own journey), and the alliance's standing as an organiser of coop-a-thons. The
clock moves as organisers move it, through the event's edit page: the event is created with
registration open and the challenges released, then its deadline, and later its judging and
announcement, are set to the present.
"""

import datetime
import time
import zoneinfo

import pytest
from playwright.sync_api import Page, expect

from conftest import make_person
from minga.coops import actions as coop_actions
from minga.coops.models import Membership
from tests.browser.support import PHONE, assert_fits, said

# The event's own zone: no daylight-saving change, so times computed from now always exist.
ZONE = zoneinfo.ZoneInfo("Africa/Nairobi")

NEED_TITLE = "Delivery receipts by SMS"
EVENT_TITLE = "East Africa coffee coop-a-thon"
TEAM = "Cherry Counters"
PROPOSAL_TITLE = "An SMS receipt for every delivery"
PRIZE = "A .coop domain for a year"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # One worker, one browser per module under `pytest -n 2 --dist loadgroup`.
    pytest.mark.xdist_group("browser"),
]


def local(instant: datetime.datetime, *, seconds: bool = False) -> str:
    """`instant` as a datetime-local field takes it, in the event's zone."""
    return instant.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M")


def wait_until(instant: datetime.datetime) -> None:
    delay = (instant - datetime.datetime.now(datetime.UTC)).total_seconds()
    if delay > 0:
        time.sleep(delay + 0.05)


def people_and_cooperatives(base_url: str) -> dict:
    """Who takes part, and their cooperatives: the foundation's pages make these elsewhere."""
    chair = make_person("Coffee co-op chair", "chair@coffee.example.org", timezone="Africa/Kigali")
    secretary = make_person(
        "Coffee co-op secretary", "secretary@coffee.example.org", timezone="Africa/Kigali"
    )
    coffee = coop_actions.create_cooperative(
        actor=chair,
        name="Hillside Coffee Growers",
        legal_form="primary",
        country="RW",
        region="Southern Province",
        sector="agriculture",
        founded_year=2001,
        member_count=640,
        languages=["rw", "fr", "en"],
        description="Coffee growers who deliver cherries to a shared washing station.",
    )
    invitation = coop_actions.create_invitation(
        coop=coffee, actor=chair, role=Membership.Role.SECRETARY, base_url=base_url
    )
    coop_actions.accept_invitation(token=invitation.token, person=secretary)

    organiser = make_person(
        "Alliance events organiser", "events@alliance.example.org", timezone="Europe/Brussels"
    )
    coop_actions.create_cooperative(
        actor=organiser,
        name="Alliance of Cooperatives",
        legal_form="federation",
        country="BE",
        sector="federation",
        is_organiser=True,  # no page sets this: the platform's operators decide it
    )

    developer = make_person(
        "Code co-op developer",
        "developer@code.example.org",
        timezone="Africa/Nairobi",
        languages=["en", "sw"],
        skills=["backend", "ussd-sms"],
        roles=["developer"],
    )
    coop_actions.create_cooperative(
        actor=developer,
        name="Savannah Code Workers",
        legal_form="worker",
        country="KE",
        region="Nairobi",
        sector="it",
        founded_year=2016,
        member_count=12,
        languages=["en", "sw"],
        description="Software for savings groups, built by its workers.",
    )
    designer = make_person(
        "Freelance designer",
        "designer@example.org",
        timezone="Europe/Lisbon",
        languages=["en", "pt"],
        skills=["ux"],
        roles=["designer"],
    )
    jurors = [
        make_person("Credit union juror", "juror1@example.org", timezone="America/Toronto"),
        make_person("Energy co-op juror", "juror2@example.org", timezone="Europe/Madrid"),
        make_person("Dairy co-op juror", "juror3@example.org", timezone="Asia/Kolkata"),
    ]
    return {
        "secretary": secretary,
        "organiser": organiser,
        "developer": developer,
        "designer": designer,
        "jurors": jurors,
    }


def describe_need(page: Page, base: str) -> str:
    """The secretary fills in the four steps of the need form and submits it; its URL."""
    page.goto(f"{base}/needs/mine/")
    page.get_by_role("link", name="Describe a need").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Describe a need")
    assert_fits(page)

    page.get_by_label("Short title").fill(NEED_TITLE)
    page.get_by_label("Theme").select_option(label="Access to technology")
    page.get_by_label("Language this need is written in").select_option("en")
    page.get_by_label("Who is affected").fill("The 640 growers who deliver cherries.")
    page.get_by_label("Basic phones (calls, SMS, USSD)").check()
    page.get_by_label("Connection most of them have").select_option("sms")
    page.get_by_label("Reading and digital skills").select_option("basic")
    page.get_by_label("One concrete scenario").fill("A grower delivers 40 kg, is paid for 31.")
    page.get_by_label("The problem, in plain words").fill(
        "Growers cannot check the kilos recorded in their name."
    )
    page.get_by_label("“How might we…?” question").fill(
        "How might we let growers check each delivery from a basic phone?"
    )
    # A draft saves as it is: members on slow links carry on later.
    page.get_by_role("button", name="Save draft").click()
    expect(said(page)).to_contain_text("Your draft is saved.")
    expect(page.get_by_label("Short title")).to_have_value(NEED_TITLE)
    assert_fits(page)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=2)).to_contain_text("Step 2 of 4")
    assert_fits(page)
    page.get_by_label("How it is handled today").fill("Paper notebooks at the washing station.")
    page.get_by_label("Electric power", exact=True).check()
    page.get_by_label("Connectivity", exact=True).check()
    page.get_by_label("The constraints in detail").fill("No power at the collection points.")
    page.get_by_label("Budget available").fill("About 30 USD a month for SMS")
    page.get_by_label("The part a remote team can tackle").fill("A prototype SMS confirmation.")
    page.get_by_label("A working prototype").check()
    page.get_by_label("What success looks like").fill("Every delivery confirmed by SMS.")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=2)).to_contain_text("Step 3 of 4")
    assert_fits(page)
    page.get_by_label("Owner of this need").select_option(label="Coffee co-op secretary")
    page.get_by_label("Owner's time zone").fill("Africa/Kigali")
    page.get_by_label("Owner's hours during the event").fill("Weekdays 08:00-12:00")
    page.get_by_label("Expert's name and role").fill("Washing-station manager")
    page.get_by_label("Expert's time zone").fill("Africa/Kigali")
    page.get_by_label("Expert's hours during the event").fill("Weekdays 14:00-16:00")
    page.get_by_label("Members can test a prototype").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=2)).to_contain_text("Step 4 of 4")
    assert_fits(page)
    page.get_by_label("Who would adopt and maintain it").fill("The cooperative's office.")
    page.get_by_label("GNU AGPL 3.0 or later").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check and submit")
    expect(page.get_by_text("Everything the organisers need is there.")).to_be_visible()
    assert_fits(page)
    page.get_by_role("button", name="Submit to the organisers").click()
    expect(said(page)).to_contain_text("Your need is submitted.")
    expect(page.get_by_role("heading", level=1)).to_have_text(NEED_TITLE)
    expect(page.locator(".need-status")).to_contain_text("Submitted.")
    assert_fits(page)
    return page.url


def accept_need(page: Page, base: str) -> None:
    page.goto(f"{base}/needs/mine/")
    page.get_by_role("row", name=NEED_TITLE).get_by_role("link", name=NEED_TITLE).click()
    page.get_by_label("Accept into the public catalogue").check()
    page.get_by_label("Message to the cooperative").fill("Clear and within reach of a team.")
    page.get_by_role("button", name="Record the decision").click()
    expect(said(page)).to_contain_text("Your decision is recorded")
    expect(page.locator(".need-status")).to_have_count(0)  # public now


def create_event(page: Page, base: str) -> str:
    """The organiser creates the event with registration open and challenges released."""
    now = datetime.datetime.now(ZONE).replace(second=0, microsecond=0)
    day, hour = datetime.timedelta(days=1), datetime.timedelta(hours=1)
    page.goto(f"{base}/events/")
    page.get_by_role("link", name="Create an event").click()
    page.get_by_label("Title:", exact=True).fill(EVENT_TITLE)
    page.get_by_label("What it is about").fill(
        "IT cooperatives and volunteers answer the needs of coffee cooperatives."
    )
    page.get_by_label("Time zone of the event").select_option("Africa/Nairobi")
    page.get_by_label("English", exact=True).check()
    for label, instant in [
        ("Registration opens", now - 2 * day),
        ("Registration closes", now + day),
        ("Challenge intake opens", now - 30 * day),
        ("Challenge intake closes", now - day),
        ("Challenges released", now - hour),
        ("Proposal deadline", now + 2 * day),
        ("Judging ends", now + 3 * day),
        ("Winners announced", now + 3 * day + hour),
    ]:
        page.get_by_label(label).fill(local(instant))
    page.get_by_label("Communication channels").fill("One Matrix room per team.")
    page.get_by_label("Written proposal").check()
    page.get_by_role("button", name="Save as a draft").click()
    expect(said(page)).to_contain_text("saved as a draft")
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT_TITLE)
    event_url = page.url

    page.get_by_role("link", name="Pick challenges").click()
    page.get_by_label("An accepted need").select_option(
        label=f"{NEED_TITLE} (Hillside Coffee Growers)"
    )
    page.get_by_role("button", name="Add", exact=True).click()
    expect(said(page)).to_contain_text("The challenge is added.")
    expect(page.get_by_role("heading", level=2, name=NEED_TITLE)).to_be_visible()

    page.goto(event_url)
    page.get_by_role("link", name="Prizes", exact=True).click()
    page.get_by_label("Prize:", exact=True).fill(PRIZE)
    page.get_by_label("Details").fill("And a flag for the winning team.")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("main ol")).to_contain_text(PRIZE)

    page.goto(event_url)
    page.get_by_role("button", name="Publish").click()
    expect(said(page)).to_contain_text("The event is published.")
    expect(page.get_by_text("Draft: only the organisers see this event.")).to_have_count(0)
    return event_url


def register(page: Page, event_url: str) -> None:
    page.goto(event_url)
    page.get_by_role("link", name="Register", exact=True).click()
    page.get_by_role("button", name="Register", exact=True).click()
    expect(said(page)).to_contain_text("You are registered.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Teams")


def move_phases(page: Page, event_url: str, changes: dict[str, datetime.datetime]) -> None:
    """The organiser sets phases on the event's edit page, to the second."""
    page.goto(event_url)
    page.get_by_role("link", name="Edit", exact=True).click()
    for label, instant in changes.items():
        page.get_by_label(label).fill(local(instant, seconds=True))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(said(page)).to_contain_text("The event is saved.")


def test_a_need_becomes_a_challenge_a_team_answers_it_and_wins(new_page, live_server):
    base = live_server.url
    cast = people_and_cooperatives(base)

    # A member cooperative's secretary describes a need on a phone.
    secretary = new_page(cast["secretary"], viewport=PHONE)
    need_url = describe_need(secretary, base)

    # An organiser accepts it; it is in the public catalogue for teams to read.
    organiser = new_page(cast["organiser"])
    accept_need(organiser, base)
    visitor = new_page(viewport=PHONE)
    visitor.goto(f"{base}/needs/")
    visitor.get_by_role("link", name=NEED_TITLE).click()
    expect(visitor).to_have_url(need_url)
    expect(visitor.locator("p.hmw")).to_contain_text("How might we let growers check")
    assert_fits(visitor)

    # The organiser creates the event, adds the need as its challenge and a prize, publishes.
    event_url = create_event(organiser, base)
    slug = event_url.rstrip("/").rsplit("/", 1)[-1]
    visitor.goto(f"{base}/events/")
    visitor.get_by_role("link", name=EVENT_TITLE).click()
    expect(visitor.locator("main")).to_contain_text("Teams are building")
    expect(visitor.locator("ol.timeline")).to_contain_text("Africa/Nairobi")
    assert_fits(visitor)

    # A developer registers, starts a team; a designer asks to join and is accepted.
    developer = new_page(cast["developer"])
    register(developer, event_url)
    developer.get_by_label("Team name").fill(TEAM)
    developer.get_by_label("Team channel").fill("https://matrix.example.org/#/room/cherry")
    developer.get_by_role("button", name="Start the team").click()
    expect(said(developer)).to_contain_text("Your team is started.")
    expect(developer.get_by_role("heading", level=1)).to_have_text(TEAM)
    team_url = developer.url

    designer = new_page(cast["designer"])
    register(designer, event_url)
    designer.get_by_role("link", name=TEAM).click()
    designer.get_by_role("button", name="Ask to join").click()
    expect(said(designer)).to_contain_text("Your request is sent to the team.")

    developer.goto(team_url)
    developer.get_by_role("listitem").filter(has_text="Freelance designer").get_by_role(
        "button", name="Accept"
    ).click()
    expect(said(developer)).to_contain_text("The new member is in.")
    expect(developer.get_by_text("2 of 5 members")).to_be_visible()

    # The team chooses the challenge and submits its proposal.
    developer.get_by_label("Our challenge").select_option(label=NEED_TITLE)
    developer.get_by_role("button", name="Choose", exact=True).click()
    expect(developer.locator("main")).to_contain_text("Contact the challenge owner:")
    developer.get_by_role("link", name="Write the proposal").click()
    developer.get_by_label("Title:", exact=True).fill(PROPOSAL_TITLE)
    developer.get_by_label("Summary").fill("Growers get an SMS for every delivery they make.")
    developer.get_by_label("Our understanding of the problem").fill(
        "Kilos are written on paper that growers never see."
    )
    developer.get_by_label("Proposed solution").fill(
        "The clerk's scale sends the weight to an SMS gateway; the grower replies to dispute."
    )
    developer.get_by_label("How it serves cooperative principles").fill(
        "Members check the records themselves: democratic control starts with the facts."
    )
    developer.get_by_label("Feasibility and cost for the cooperative").fill(
        "One basic phone per station and about 20 USD of SMS a month."
    )
    developer.get_by_role("button", name="Save a new version").click()
    expect(said(developer)).to_contain_text("Version 1 is saved.")

    # The organiser names the jury while teams build.
    organiser.goto(f"{base}/events/{slug}/jury/")
    for juror in cast["jurors"]:
        organiser.get_by_label("E-mail address or phone number").fill(juror.email)
        organiser.get_by_role("button", name="Add to the jury").click()
        expect(said(organiser)).to_contain_text(f"{juror.name} is on the jury.")

    # The proposal deadline passes: the organiser sets it to now, and judging opens.
    deadline = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(
        seconds=1
    )
    move_phases(
        organiser, event_url, {"Registration closes": deadline, "Proposal deadline": deadline}
    )
    wait_until(deadline)
    developer.goto(team_url)
    developer.get_by_role("link", name="The proposal (version 1)").click()
    expect(developer.get_by_text("Proposals are read-only now.")).to_be_visible()
    expect(developer.get_by_role("button", name="Save a new version")).to_have_count(0)

    organiser.goto(f"{base}/events/{slug}/jury/")
    organiser.get_by_role("button", name="Assign jurors to proposals").click()
    expect(said(organiser)).to_contain_text("New assignments: 3.")

    # Each juror scores the proposal on every criterion of the default rubric.
    sheets = [(4, 4, 5, 4), (5, 3, 4, 4), (4, 4, 4, 3)]
    for juror, sheet in zip(cast["jurors"], sheets, strict=True):
        page = new_page(juror)
        page.goto(f"{base}/events/{slug}/jury/mine/")
        page.get_by_role("link", name=PROPOSAL_TITLE).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(PROPOSAL_TITLE)
        criteria = [
            "Relevance to the need",
            "Feasibility for the cooperative",
            "Cooperative values",
            "Quality",
        ]
        for criterion, value in zip(criteria, sheet, strict=True):
            group = page.get_by_role("group", name=criterion)
            group.locator(f"input[type=radio][value='{value}']").check()
        page.get_by_label("Comment for the team").fill("Grounded in what the growers described.")
        page.get_by_role("button", name="Save my scores").click()
        expect(said(page)).to_contain_text("Your scores are saved.")
        expect(page.get_by_text("1 of 1 scored.")).to_be_visible()

    # Before the announcement the results stay hidden from the public.
    response = visitor.goto(f"{base}/events/{slug}/results/")
    assert response is not None and response.status == 404

    # Judging ends and the winners are announced: the organiser sets both to now.
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    move_phases(
        organiser,
        event_url,
        {
            # The edit page shows phases to the minute: keep the deadline's seconds.
            "Registration closes": deadline,
            "Proposal deadline": deadline,
            "Judging ends": now,
            "Winners announced": now,
        },
    )

    # Anyone sees the winner on the public results page and in the gallery, on a phone.
    visitor.goto(event_url)
    expect(visitor.locator("main")).to_contain_text("Results announced")
    visitor.goto(f"{base}/events/{slug}/results/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Results")
    winners = visitor.locator("ol.winners")
    expect(winners).to_contain_text(TEAM)
    expect(winners).to_contain_text(PROPOSAL_TITLE)
    expect(winners).to_contain_text(PRIZE)
    first = visitor.locator("table.results tbody tr").first
    expect(first).to_contain_text(TEAM)
    expect(first.locator("td").last).to_have_text("3")  # jurors
    assert_fits(visitor)

    visitor.get_by_role("link", name="See the winners' gallery").click()
    card = visitor.locator("ol.gallery li.card").first
    expect(card).to_contain_text(PROPOSAL_TITLE)
    expect(card).to_contain_text("Code co-op developer")
    expect(card).to_contain_text("Freelance designer")
    assert_fits(visitor)
