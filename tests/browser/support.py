"""What every browser journey shares: Debian's chromium, a page per person, phone-width checks.

Journeys import the fixtures `browser` and `new_page` from here, with the helpers they use.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 320, "height": 640}
# The elements that stick out past the screen's right edge, to name them when a page doesn't fit.
WIDEST = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
    .map(e => e.tagName + '.' + e.className).slice(0, 5)"""


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium not installed: {CHROMIUM} is missing (`make browser`)")
    # Playwright's sync API keeps an event loop in this thread, so Django would refuse the
    # test's own database calls (and pytest-django's flush) without this.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server):
    """Open a page in a fresh browser context (its own cookies), signed in as `person` if given.

    Every journey comes from 127.0.0.1: throttle counts left in the shared cache by earlier
    journeys (its database table outlives each test's flush) would refuse this one's requests,
    so each journey starts as on a fresh server."""
    caches["shared"].clear()
    contexts = []

    def open_page(person=None, **options) -> Page:
        # The browser asks for British English unless a journey gives its own `locale`.
        context = browser.new_context(**{"locale": "en-GB", **options})
        context.set_default_timeout(15_000)
        contexts.append(context)
        if person is not None:
            client = Client()
            client.force_login(person)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def assert_fits(page: Page, width: int = PHONE["width"]) -> None:
    """No horizontal scrolling: nothing on the page is wider than the screen.

    Measured once the page has loaded: after a form's submit, the text a journey waits for
    can be visible before the stylesheet has arrived, and an unstyled table is wide."""
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (
        f"{page.url} scrolls sideways: {scroll_width}px > {width}px: {page.evaluate(WIDEST)}"
    )


def said(page: Page):
    """The messages the site shows after an action."""
    return page.locator("ul.messages")
