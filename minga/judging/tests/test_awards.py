import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_of
from minga.audit.models import Entry, Secret
from minga.judging import actions
from minga.judging.models import Award

from .conftest import ANNOUNCED, ANNOUNCEMENT, SECOND, at


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("organiser", 200), ("juror", 403), ("registrant", 403), ("outsider", 403), (None, 302)],
)
def test_it_shows_awards_to_organisers_only(event, scored, who, status, request):
    someone = request.getfixturevalue(who) if who else None
    with at(ANNOUNCED):
        response = client_of(someone).get(reverse("judging:awards", args=[event.slug]))
    assert response.status_code == status


@pytest.mark.django_db
def test_it_records_every_award_once_and_audits_each(
    event, teams, jurors, scored, organiser_client, registrant, owner
):
    url = reverse("judging:awards", args=[event.slug])
    with at(ANNOUNCED):
        assert organiser_client.post(url).status_code == 302
        organiser_client.post(url)  # again: nothing new
    kinds = {}
    for award in Award.objects.all():
        kinds.setdefault(award.kind, []).append(award)
    winners = sorted((a.rank, a.team.name, a.person.name) for a in kinds["winner"])
    assert winners == [
        (1, "Team Umoja", "Team Developer"),
        (1, "Team Umoja", "Umoja Designer"),
        (2, "Team Sur", "Sur Developer"),
    ]
    assert {a.prize_name for a in kinds["winner"]} == {
        "A .coop domain for one year",
        "A flag of the cooperative movement",
    }
    assert len(kinds["participant"]) == 5  # everyone in a team that submitted
    assert {a.person for a in kinds["juror"]} == set(jurors)
    assert [a.person for a in kinds["challenge-owner"]] == [owner]
    entries = Entry.objects.filter(kind="award.recorded")
    assert entries.count() == Award.objects.count() == 13
    # The recipient is in the log as a commitment only they can open.
    recorded = [json.loads(bytes(entry.body))["data"] for entry in entries]
    data = next(d for d in recorded if d["award"] == "winner")
    assert data["rank"] == 1 and data["prize"] == "A .coop domain for one year"
    opening = Secret.objects.get(commitment=data["recipient"])
    assert opening.value.startswith("person:") and opening.owner is not None


@pytest.mark.django_db
def test_it_waits_for_the_announcement_so_the_log_leaks_no_result(event, scored, organiser):
    with at(ANNOUNCEMENT - SECOND), pytest.raises(ValidationError, match="once the results"):
        actions.record_awards(event=event, actor=organiser)
    assert not Award.objects.exists()
    assert not Entry.objects.filter(kind="award.recorded").exists()
