"""Every page of the access tables on a 320 px phone, in a real browser (Debian's chromium).

The pages are the ones the access tables say each persona may open (200): the foundation's
(tests/test_pages_access.py), the decisions', the credentials' and the treasury's. On each:
nothing scrolls sideways, no visible text is smaller than 12 CSS px as drawn (an SVG scaled
down shrinks its text with it), and the console stays free of errors (a style or script the
content security policy refuses is one).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from conftest import make_person
from minga.coops.models import Membership
from minga.credentials import actions as credential_actions
from minga.credentials.tests import test_views_access as credentials_access
from minga.credentials.tests.issuing_setup import define_bookkeeping
from minga.decisions import actions as decision_actions
from minga.decisions.models import Poll
from minga.decisions.tests import test_views_access as decisions_access
from minga.decisions.tests.conftest import make_poll
from minga.treasury import actions as treasury_actions
from minga.treasury.tests import test_views_access as treasury_access
from minga.treasury.tests.conftest import account_of
from minga.treasury.tests.conftest import join as join_with_role
from tests import test_pages_access as foundation
from tests.browser.support import PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

SMALLEST_TEXT_PX = 12
PERSONAS = ["anonymous", "outsider", "associate", "member", "owner", "treasurer"]

# Visible text drawn under the smallest size: the size as drawn, so an SVG's 12 px text
# scaled to a third counts as 4 px; text nobody sees (display:none, clipped to a pixel,
# moved off the screen as the skip link is) does not count.
SMALL_TEXT = """(smallest) => {
  const small = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!element || seen.has(element) || !node.textContent.trim()) continue;
    seen.add(element);
    if (element.closest('title, desc, script, style, option')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width < 2 || box.height < 2 || box.right <= 0 || box.bottom <= 0) continue;
    const style = getComputedStyle(element);
    if (style.visibility !== 'visible' || style.opacity === '0') continue;
    let size = parseFloat(style.fontSize);
    if (element instanceof SVGElement && element.getScreenCTM()) {
      const m = element.getScreenCTM();
      size *= Math.hypot(m.a, m.b);
    }
    if (size < smallest - 0.01) {
      const text = node.textContent.trim().slice(0, 30);
      small.push(`${element.tagName.toLowerCase()} ${size.toFixed(1)}px "${text}"`);
    }
  }
  return small.slice(0, 5);
}"""
OVERFLOW = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"


def foundation_pages(world, role):
    return [
        ("foundation", foundation.url_for(row, world))
        for row in foundation.TABLE
        if row.method == "get" and row.expected.get(role) == 200
    ]


def decisions_pages(coop, discussion, polls, persona):
    order = ["anonymous", "outsider", "associate", "member", "owner"]
    if persona not in order:
        return []
    urls = decisions_access.urls(coop, discussion, polls)
    return [
        ("decisions", urls[page])
        for page, statuses in decisions_access.EXPECTED.items()
        if statuses[order.index(persona)] == 200
    ]


def credentials_pages(coop, achievement, issued, persona):
    who = None if persona == "anonymous" else persona
    return [
        ("credentials", credentials_access._url(name, coop, achievement, issued))
        for name, statuses in credentials_access.EXPECTED.items()
        if statuses.get(who) == 200
    ]


def treasury_pages(coop, entry, persona):
    who = None if persona == "anonymous" else persona
    officers = treasury_access.OFFICERS
    pages = []
    if treasury_access.expected(who, officers | {"member", "other_member"}) == 200:
        pages.append(("treasury", reverse("treasury:home", args=[coop.slug])))
    if treasury_access.expected(who, officers) == 200:
        pages += [
            ("treasury", reverse(f"treasury:{page}", args=[coop.slug]))
            for page in treasury_access.READ_PAGES
        ]
        pages.append(("treasury", reverse("treasury:entry-detail", args=[coop.slug, entry.pk])))
    return pages


@pytest.fixture
def people(owner, member, outsider, coop):
    associate = make_person("Associate Person", "associate@example.org")
    Membership.objects.create(coop=coop, person=associate, role=Membership.Role.ASSOCIATE)
    treasurer = make_person("Coop Treasurer", "treasurer@example.org")
    join_with_role(coop, owner, treasurer, Membership.Role.TREASURER)
    return {
        "anonymous": None,
        "outsider": outsider,
        "associate": associate,
        "member": member,
        "owner": owner,
        "treasurer": treasurer,
    }


@pytest.fixture
def pages(people, owner, member, coop):
    """Every (table, path) the access tables open to each persona, in one world."""
    world = foundation.make_world(owner, member, coop)
    discussion = decision_actions.start_discussion(
        coop=coop, actor=owner, title="Coffee washing station", body="Shall we build it?"
    )
    long_names = [
        "Ana María de los Ángeles Quispe Mamani",
        "Bruno",
        "Chipo Nyasha Mutasa-Chikwanha, for the drying sheds",
    ]
    open_poll = make_poll(discussion, owner, kind="single", options=long_names)
    closed = make_poll(discussion, owner, kind="approval", options=long_names)
    decision_actions.close_poll(poll=closed)
    draft = make_poll(discussion, owner, kind="irv", is_open=False)
    polls = {"open": open_poll, "closed": Poll.objects.get(pk=closed.pk), "draft": draft}
    achievement = define_bookkeeping(coop, owner)
    issued = credential_actions.issue_credential(
        achievement=achievement, recipient=member, actor=owner
    )
    books = treasury_actions.setup_books(
        coop=coop,
        actor=people["treasurer"],
        currency="KES",
        template="savings-credit",
        time_zone="Africa/Nairobi",
    )
    treasury_actions.update_statutes(
        books=books,
        actor=people["treasurer"],
        share_par_value=100_00,
        share_minimum=2,
        share_maximum=1000,
    )
    treasury_actions.open_member_accounts(books=books, actor=people["treasurer"])
    account = account_of(coop, member)
    treasury_actions.buy_shares(member=account, shares=3, actor=people["treasurer"])
    entry = treasury_actions.receive_from_member(
        member=account, amount=5000, purpose="savings", actor=people["treasurer"]
    )
    return {
        persona: sorted(
            set(
                foundation_pages(world, persona)
                + decisions_pages(coop, discussion, polls, persona)
                + credentials_pages(coop, achievement, issued, persona)
                + treasury_pages(coop, entry, persona)
            )
        )
        for persona in PERSONAS
    }


def problems_on(page: Page, url: str, console: list[str]) -> list[str]:
    answer = page.request.get(url)  # its type first: a browser would download JSON
    if answer.status != 200:
        return [f"answered {answer.status}"]
    if not answer.headers.get("content-type", "").startswith("text/html"):
        return []  # JSON for programs: nothing to lay out
    console.clear()
    page.goto(url)
    found = []
    width, screen = page.evaluate(OVERFLOW)
    if width > screen:
        found.append(f"scrolls sideways: {width}px > {screen}px")
    small = page.evaluate(SMALL_TEXT, SMALLEST_TEXT_PX)
    if small:
        found.append(f"text under {SMALLEST_TEXT_PX}px: {small}")
    return found + [f"console: {error}" for error in console]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_fits_a_320px_phone(new_page, live_server, people, pages, persona):
    assert pages[persona], "the access tables give this persona no page"
    page = new_page(people[persona], viewport=PHONE)
    console: list[str] = []
    page.on("console", lambda message: message.type == "error" and console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    # The console only says "Failed to load resource": name it.
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and console.append(f"{response.status} {response.url}")
        ),
    )
    report = {}
    for table, path in pages[persona]:
        found = problems_on(page, f"{live_server.url}{path}", console)
        if found:
            report[f"{table} {path}"] = found
    assert report == {}, "\n".join(f"{where}: {found}" for where, found in report.items())
