"""The ten main pages of the demo at 360 px and 1280 px: docs/screenshots/ (`make screenshots`).

Runs only when MINGA_SCREENSHOTS names the directory to write to (loading the demo takes
minutes, too long for every test run). Each page is shot as the screen shows it (the
viewport, not the whole page), after checking that it fits the screen, and stored as a
PNG of at most 64 colours so the pictures stay small in the repository.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from minga.credentials.models import Credential
from minga.decisions.models import Poll
from tests.browser.support import assert_fits

TARGET = os.environ.get("MINGA_SCREENSHOTS", "")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(not TARGET, reason="set MINGA_SCREENSHOTS (`make screenshots`)"),
]

SCREENS = {"360": {"width": 360, "height": 760}, "1280": {"width": 1280, "height": 800}}
# The demo's coffee cooperative secretary: a member of two cooperatives, with polls to vote
# in, a past election, a jury seat and credentials (bench/bench_pages.py signs in as them too).
SIGNED_IN_AS = "secretary@twizerane.demo.minga.coop"
COOP = "twizerane-coffee"
EVENT = "ica-virtual-coop-a-thon-live"
JUDGED = "sacco-mobile-money-sprint"
COLOURS = 64


def pages() -> dict[str, str]:
    """The ten main pages, named as their files are."""
    election = Poll.objects.get(discussion__coop__slug=COOP, kind="stv-scottish")
    consent = Poll.objects.filter(discussion__coop__slug=COOP, kind="consent").first()
    certificate = Credential.objects.order_by("pk").first()
    return {
        "01-home": reverse("core:home"),
        "02-cooperatives": reverse("coops:directory"),
        "03-cooperative": reverse("coops:detail", args=[COOP]),
        "04-members": reverse("coops:members", args=[COOP]),
        "05-needs": reverse("challenges:catalogue"),
        "06-coop-a-thon": reverse("events:detail", args=[EVENT]),
        "07-ballot": consent.get_absolute_url(),
        "08-election-results": reverse("decisions:poll-results", args=[COOP, election.pk]),
        "09-jury-ranking": reverse("judging:results", args=[JUDGED]),
        "10-certificate": reverse("credentials:detail", args=[certificate.uuid]),
    }


def small_png(path: Path) -> None:
    """The same picture in at most COLOURS colours (text and flat colours survive it)."""
    with Image.open(path) as image:
        fewer = image.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT)
    fewer.save(path, optimize=True)


def test_it_shoots_the_ten_main_pages(new_page, live_server):
    call_command("demo", "--no-sign-ins", verbosity=0)
    member = get_user_model().objects.get(email=SIGNED_IN_AS)
    target = Path(TARGET)
    target.mkdir(parents=True, exist_ok=True)
    shots = pages()
    assert len(shots) == 10
    for screen, viewport in SCREENS.items():
        page = new_page(member, viewport=viewport)
        # In English, whatever the secretary's own language (the pages are for the README).
        page.goto(f"{live_server.url}{reverse('core:set-language')}?language=en&next=/")
        for name, path in shots.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (name, path)
            assert_fits(page, viewport["width"])
            file = target / f"{name}-{screen}.png"
            page.screenshot(path=file)
            small_png(file)
    assert len(list(target.glob("*.png"))) >= 20
