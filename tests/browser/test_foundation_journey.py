"""The foundation, end to end in a real browser (Playwright driving Debian's chromium).

A founder signs up, registers a cooperative and invites a member by a link; a second
person signs up, follows the link and joins. The journey runs on a 320 px wide phone
screen, the signing up and registering also with JavaScript turned off, and the footer's
language switcher turns the directory into French.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from minga.coops import actions as coop_actions
from minga.coops.models import Membership
from tests.browser.support import PHONE, assert_fits

PASSWORD = "weaving-baskets-together-42"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # One worker, one browser for the whole module under `pytest -n 2 --dist loadgroup`.
    pytest.mark.xdist_group("browser"),
]


def sign_up(page: Page, base_url: str, *, name: str, email: str, timezone: str) -> None:
    """Fill in and send the sign-up form on the current page."""
    page.get_by_label("Name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password again:", exact=True).fill(PASSWORD)
    page.get_by_label("Time zone").select_option(timezone)
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(f"{base_url}/accounts/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def register_cooperative(page: Page, *, name: str) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_label("Legal form").select_option("worker")
    page.get_by_label("Country").select_option("KE")
    page.get_by_label("Region").fill("Nairobi")
    page.get_by_label("Sector").select_option("it")
    page.get_by_label("Founding year").fill("2016")
    page.get_by_label("Number of members").fill("12")
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Swahili", exact=True).check()
    page.get_by_label("Description").fill("Software for savings groups, built by its workers.")
    page.get_by_role("button", name="Register").click()


def test_it_founds_a_cooperative_and_welcomes_a_member_on_a_phone(new_page, live_server):
    base = live_server.url
    page = new_page(viewport=PHONE)

    page.goto(f"{base}/coops/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cooperatives")
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px", "no stylesheet"
    assert_fits(page)

    page.get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(f"{base}/accounts/signup/")
    assert_fits(page)
    sign_up(
        page, base, name="Wanjiru Kamau", email="wanjiru@example.org", timezone="Africa/Nairobi"
    )
    expect(page.locator("dl.facts")).to_contain_text("Africa/Nairobi")
    assert_fits(page)

    page.get_by_role("link", name="Register your cooperative").click()
    register_cooperative(page, name="Ushirika Code Workers")
    expect(page).to_have_url(f"{base}/coops/ushirika-code-workers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ushirika Code Workers")
    expect(page.get_by_role("status")).to_contain_text("You are its administrator")
    expect(page.get_by_role("link", name="Edit details")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Kenya, Nairobi")
    expect(facts).to_contain_text("English")
    expect(facts).to_contain_text("Swahili")
    assert_fits(page)

    page.get_by_role("link", name="Invite members").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite members")
    expect(page.get_by_label("E-mail address")).to_have_value("")
    page.get_by_role("button", name="Create the invitation").click()
    link = page.get_by_role("status").locator("code").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(base)}/coops/join/[\w-]+/", link), link

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    page.get_by_role("link", name="Sign up").click()
    sign_up(
        page, base, name="Otieno Odhiambo", email="otieno@example.org", timezone="Africa/Nairobi"
    )
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Ushirika Code Workers")
    assert_fits(page)
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page).to_have_url(f"{base}/coops/ushirika-code-workers/")
    expect(page.get_by_role("status")).to_contain_text("Welcome to Ushirika Code Workers!")
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)

    page.get_by_role("link", name="Members", exact=True).click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_role("row", name=re.compile("Wanjiru Kamau.*Administrator"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Otieno Odhiambo.*Member"))).to_be_visible()
    assert_fits(page)


def test_it_signs_up_and_registers_a_cooperative_without_javascript(new_page, live_server):
    base = live_server.url
    page = new_page(java_script_enabled=False)

    page.goto(f"{base}/accounts/signup/")
    sign_up(page, base, name="Rosa Quispe", email="rosa@example.org", timezone="America/Lima")
    page.goto(f"{base}/coops/new/")
    register_cooperative(page, name="Cooperativa Agraria Sumaq")
    expect(page).to_have_url(f"{base}/coops/cooperativa-agraria-sumaq/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cooperativa Agraria Sumaq")
    expect(page.get_by_role("link", name="Edit details")).to_be_visible()

    page.get_by_role("link", name="Invite members").first.click()
    page.get_by_role("button", name="Create the invitation").click()
    expect(page.get_by_role("status").locator("code")).to_contain_text("/coops/join/")


def test_it_switches_the_directory_to_french_from_the_footer(new_page, live_server):
    page = new_page()
    page.goto(f"{live_server.url}/coops/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    footer = page.locator("footer")
    footer.get_by_label("Language").select_option(label="Français")
    footer.get_by_role("button", name="Change").click()

    expect(page).to_have_url(f"{live_server.url}/coops/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coopératives")
    expect(page.locator("footer select")).to_have_value("fr")


def sign_in_directly(page: Page, base_url: str, person) -> None:
    """Sign `person` in without the form: hand the browser a session made by Django."""
    client = Client()
    client.force_login(person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}]
    )


def test_it_shows_an_invitation_link_without_sideways_scrolling_on_a_phone(
    new_page, live_server, owner, coop
):
    coop_actions.create_invitation(
        coop=coop, actor=owner, role=Membership.Role.MEMBER, base_url=live_server.url
    )
    page = new_page(viewport=PHONE)
    sign_in_directly(page, live_server.url, owner)
    page.goto(f"{live_server.url}/coops/{coop.slug}/invitations/")
    expect(page.locator("main li code")).to_contain_text("/coops/join/")
    assert_fits(page)
