import pytest
from django.urls import reverse

from minga.events import actions

from .conftest import AFTER_DEADLINE, DURING_REGISTRATION, at, client_of


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "removed"), [("organiser", True), ("outsider", False)])
def test_it_lets_only_organisers_remove_challenges(event, organiser, who, removed, request):
    challenge = actions.add_challenge(event=event, actor=organiser, title="A theme")
    with at(DURING_REGISTRATION):
        client_of(request.getfixturevalue(who)).post(
            reverse("events:challenge-remove", args=[event.slug, challenge.pk])
        )
    assert event.challenges.exists() != removed


@pytest.mark.django_db
def test_it_keeps_a_challenge_teams_work_on(team, organiser_client):
    challenge = team.challenge
    with at(AFTER_DEADLINE):
        response = organiser_client.post(
            reverse("events:challenge-remove", args=[team.event.slug, challenge.pk]), follow=True
        )
    assert "Teams already work on this challenge" in response.text
    assert team.event.challenges.filter(pk=challenge.pk).exists()
