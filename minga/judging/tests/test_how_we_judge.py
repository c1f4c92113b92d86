import pytest
from django.urls import reverse

from conftest import client_of

from .conftest import BUILDING, at


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["organiser", "juror", "registrant", "outsider", None])
def test_it_explains_judging_to_everyone(event, jurors, registrant, who, request):
    someone = request.getfixturevalue(who) if who else None
    with at(BUILDING):
        response = client_of(someone).get(reverse("judging:how-we-judge", args=[event.slug]))
    assert response.status_code == 200
    text = response.text
    if who == "outsider":  # who reads Spanish
        assert "Pertinencia para la necesidad" in text and "30%" in text
        assert "puntuación z" in text and "al menos 3 miembros del jurado" in text
        return
    assert "Relevance to the need" in text and "30%" in text
    assert "z-score" in text and "higher plain weighted average" in text
    assert "at least 3 jurors" in text


@pytest.mark.django_db
def test_it_hides_a_draft_events_judging(organiser, federation, client):
    from minga.events import actions as event_actions

    from .conftest import PHASES, RULES

    draft = event_actions.create_event(
        actor=organiser, organiser=federation, title="Draft", **PHASES, **RULES
    )
    assert client.get(reverse("judging:how-we-judge", args=[draft.slug])).status_code == 404
