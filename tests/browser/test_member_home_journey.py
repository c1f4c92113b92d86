"""A member's own Minga in a real browser (Playwright driving Debian's chromium), on a phone.

A member opens a link to a poll of their cooperative while signed out: the sign-in page takes
them there once they have signed in, not a 404. From the home page they find the poll open for
them, vote, keep the receipt's page (reachable again from its link), check it and see, back
home, that they voted, without the page ever naming their choice.

The journey runs in each of the site's languages: the signed-out visitor's browser asks for
it (Accept-Language), the member's profile prefers it, and every text looked for is Django's
translation of the templates' own msgid in that language.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
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

LANGUAGES = [code for code, _name in settings.LANGUAGES]  # en, es, fr, pt-br
# What a browser set to each of them asks for (its Accept-Language).
BROWSER_LOCALES = {"en": "en-GB", "es": "es-ES", "fr": "fr-FR", "pt-br": "pt-BR"}


def world(base_url: str, language: str):
    chair = make_person("Coffee co-op chair", "chair@hillside.example.org")
    grower = make_person(
        "Coffee grower", "grower@hillside.example.org", preferred_language=language
    )
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
        options=["Yes, this season", "Next season"],  # data: the same in every language
        is_secret=True,
        closes_at=timezone.now() + datetime.timedelta(days=5),
    )
    return grower, decision_actions.open_poll(poll=poll, actor=chair)


def texts(language: str, name: str) -> dict[str, str]:
    """What the journey reads, as the site says it in `language` (the templates' msgids)."""
    with translation.override(language):
        return {
            "sign_in": gettext("Sign in"),
            "identifier": gettext("E-mail address or phone number"),
            "password": gettext("Password"),
            "welcome": gettext("Welcome, %(name)s") % {"name": name},
            "not_voted": gettext("Not voted yet"),
            "voted": gettext("You voted"),
            "cast": gettext("Cast my ballot"),
            "recorded": gettext("Your ballot is recorded."),
            "receipt": gettext("Your receipt"),
            "check_another": gettext("Check another receipt"),
            "code": gettext("Receipt code"),
            "check": gettext("Check"),
            "stored": gettext(
                "Found: the ballot with this receipt is stored. Its commitment will appear in "
                "the public audit log with the next batch of ballots, at the latest when the "
                "poll closes."
            ),
        }


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_member_signs_in_from_a_link_and_votes_from_home(new_page, live_server, language):
    base = live_server.url
    grower, poll = world(base, language)
    poll_url = f"{base}{poll.get_absolute_url()}"
    says = texts(language, grower.name)

    # Signed out, the link leads to the sign-in page, in the browser's language, then back to
    # the poll, in the member's.
    page = new_page(viewport=PHONE, locale=BROWSER_LOCALES[language])
    html = page.locator("html")
    page.goto(poll_url)
    expect(html).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(says["sign_in"])
    page.get_by_label(says["identifier"]).fill(grower.email)
    page.get_by_label(says["password"]).fill(PASSWORD)
    page.get_by_role("button", name=says["sign_in"], exact=True).click()
    expect(page).to_have_url(poll_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(poll.title)
    expect(html).to_have_attribute("lang", language)

    # Home shows the poll waiting for a vote.
    page.goto(f"{base}/")
    expect(html).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(says["welcome"])
    item = page.locator("li", has_text=poll.title)
    expect(item).to_contain_text(says["not_voted"])
    assert_fits(page)
    item.get_by_role("link", name=poll.title).click()

    # The vote leads to the receipt's own page.
    page.get_by_label("Next season").check()
    page.get_by_role("button", name=says["cast"], exact=True).click()
    expect(said(page)).to_contain_text(says["recorded"])
    expect(html).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(says["receipt"])
    receipt = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"\d{5} \d{5}", receipt)
    expect(page.get_by_text(says["stored"])).to_be_visible()
    expect(page.get_by_text("Next season")).to_have_count(0)  # never the choice
    assert_fits(page)
    kept = page.url

    # Kept: the link shows it again later, and the public check finds it.
    page.goto(f"{base}/")
    expect(page.locator("li", has_text=poll.title)).to_contain_text(says["voted"])
    page.goto(kept)
    expect(page.locator("#receipt-code")).to_have_text(receipt)
    page.get_by_role("link", name=says["check_another"]).click()
    expect(html).to_have_attribute("lang", language)
    page.get_by_label(says["code"]).fill(receipt)
    page.get_by_role("button", name=says["check"], exact=True).click()
    expect(page.get_by_text(says["stored"])).to_be_visible()
