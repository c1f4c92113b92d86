import pytest
from django.urls import reverse

from minga.events import actions

from .conftest import BUILDING, PROPOSAL, at, client_of


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("registrant", 200), ("teammate", 200), ("organiser", 200), ("outsider", 403), (None, 403)],
)
def test_it_shows_old_versions_to_the_workspace_only(
    team, registrant, who, status, request, client
):
    with at(BUILDING):
        actions.save_proposal(team=team, actor=registrant, fields=PROPOSAL)
        actions.save_proposal(team=team, actor=registrant, fields={**PROPOSAL, "title": "New"})
    if who:
        client = client_of(request.getfixturevalue(who))
    response = client.get(reverse("events:proposal-version", args=[team.event.slug, team.pk, 1]))
    assert response.status_code == status
    if status == 200:
        assert "SMS receipts for every delivery" in response.text


@pytest.mark.django_db
def test_it_answers_404_for_a_missing_version(team, registrant_client):
    url = reverse("events:proposal-version", args=[team.event.slug, team.pk, 9])
    assert registrant_client.get(url).status_code == 404
