import datetime

import pytest
from django.urls import reverse

from minga.events import actions
from minga.events.models import Event

from .conftest import PARIS, PHASES, client_of, paris


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("organiser", 200), ("registrant", 403), ("outsider", 403)]
)
def test_it_lets_only_organisers_clone(event, who, status, request):
    response = client_of(request.getfixturevalue(who)).get(
        reverse("events:clone", args=[event.slug])
    )
    assert response.status_code == status


@pytest.mark.django_db
def test_it_clones_rules_prizes_and_shifts_phases_keeping_local_times(
    event, organiser, organiser_client
):
    actions.add_prize(event=event, actor=organiser, name="A coop flag")
    actions.add_faq_entry(event=event, actor=organiser, question="Q?", answer="A.")
    # 2019 edition in October (summer time, UTC+2); the next one in December (UTC+1).
    response = organiser_client.post(
        reverse("events:clone", args=[event.slug]),
        {"title": "Virtual coop-a-thon 2020", "challenges_released_at": "2020-12-07T15:00"},
    )
    assert response.status_code == 302
    clone = Event.objects.get(title="Virtual coop-a-thon 2020")
    assert clone.status == Event.Status.DRAFT
    assert clone.cloned_from == event
    assert clone.series == event.series
    assert clone.edition == 2
    assert clone.challenges_released_at == paris(2020, 12, 7, 15, 0)
    assert clone.proposals_due_at == paris(2020, 12, 9, 15, 0)  # still 15:00 in Paris
    # Every phase keeps its wall-clock time in Paris, the same number of days later...
    days = datetime.date(2020, 12, 7) - PHASES["challenges_released_at"].date()
    for name, moment in PHASES.items():
        expected = datetime.datetime.combine(moment.date() + days, moment.time(), tzinfo=PARIS)
        assert getattr(clone, name) == expected, name
    # ...which, across the end of summer time, is not where a shift in UTC would land.
    assert clone.proposals_due_at != PHASES["proposals_due_at"].astimezone(datetime.UTC) + days
    assert clone.team_max_size == event.team_max_size
    assert clone.licence == event.licence
    assert [p.name for p in clone.prizes.all()] == ["A coop flag"]
    assert [f.question for f in clone.faq_entries.all()] == ["Q?"]
    assert not clone.registrations.exists()
