import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from minga.events.demo import FIRST, LIVE
from minga.events.models import Event, Proposal, Team


@pytest.mark.django_db
def test_it_loads_the_2019_edition_and_a_live_one_idempotently():
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())
    first = Event.objects.get(slug=FIRST)
    assert first.is_cancelled and "cancelled this edition" in first.cancellation_reason
    # Cancelled at its own date, before its challenges were released; not the loading day.
    assert first.cancelled_at.isoformat() == "2019-10-10T10:00:00+00:00"
    assert first.published_at.year == 2019
    assert first.challenges_released_at.isoformat() == "2019-10-14T13:00:00+00:00"
    assert first.proposals_due_at.isoformat() == "2019-10-16T13:00:00+00:00"
    assert first.challenges.count() == 5
    assert first.prizes.first().name == "A .coop domain for one year"
    live = Event.objects.get(slug=LIVE)
    assert live.stage(timezone.now()) == "building"
    assert (live.series, live.edition, live.cloned_from) == (first.series, 2, first)
    assert Team.objects.filter(event=live).count() == 3
    assert Proposal.objects.filter(event=live).count() == 2
    assert live.registrations.count() >= 6
