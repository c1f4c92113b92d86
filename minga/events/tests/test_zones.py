"""Every time shown in the viewer's zone with the event's zone beside it."""

import datetime
import zoneinfo

from django.utils import timezone

from minga.events.models import Event
from minga.events.templatetags.events import in_zones

INSTANT = datetime.datetime(2019, 10, 16, 13, 0, tzinfo=datetime.UTC)


def test_it_shows_both_zones_when_they_differ():
    with timezone.override(zoneinfo.ZoneInfo("Asia/Kolkata")):
        html = in_zones(INSTANT, Event(timezone="Europe/Paris"))
    assert '6:30 p.m. <span class="tz">(Asia/Kolkata)' in html
    assert '3 p.m. <span class="tz">(Europe/Paris)' in html


def test_it_shows_one_zone_when_the_viewer_is_in_the_event_s():
    with timezone.override(zoneinfo.ZoneInfo("Europe/Paris")):
        html = in_zones(INSTANT, Event(timezone="Europe/Paris"))
    assert html.count("(Europe/Paris)") == 1


def test_it_follows_daylight_saving_in_each_zone():
    # 27 October 2019: Paris is back on UTC+1 while São Paulo has just started summer time.
    after_change = datetime.datetime(2019, 10, 27, 14, 0, tzinfo=datetime.UTC)
    with timezone.override(zoneinfo.ZoneInfo("America/Sao_Paulo")):
        html = in_zones(after_change, Event(timezone="Europe/Paris"))
    assert '3 p.m. <span class="tz">(Europe/Paris)' in html
    assert '11 a.m. <span class="tz">(America/Sao_Paulo)' in html
