import pytest

from .conftest import ANNOUNCEMENT, SECOND, at


@pytest.mark.django_db
def test_it_hides_results_from_the_api_until_the_announcement(event, scored, client):
    with at(ANNOUNCEMENT - SECOND):
        data = client.get(f"/api/results/{event.slug}").json()
    assert data["is_announced"] is False
    assert data["ranking"] == [] and data["winners"] == [] and data["criteria"] == []


@pytest.mark.django_db
def test_it_publishes_results_in_the_api_from_the_announcement(event, teams, scored, client):
    with at(ANNOUNCEMENT):
        data = client.get(f"/api/results/{event.slug}").json()
    assert data["is_announced"] is True
    assert [r["team"] for r in data["ranking"]] == [t.name for t in teams]
    assert [w["prize"] for w in data["winners"]] == [
        "A .coop domain for one year",
        "A flag of the cooperative movement",
    ]
    assert {c["name"] for c in data["criteria"]} >= {"Quality", "Cooperative values"}
    first = data["ranking"][0]
    assert first["rank"] == 1 and first["jurors"] == 3 and len(first["criteria"]) == 4


@pytest.mark.django_db
def test_it_knows_no_draft_event(organiser, federation, client):
    from minga.events import actions as event_actions

    from .conftest import PHASES, RULES

    draft = event_actions.create_event(
        actor=organiser, organiser=federation, title="Draft", **PHASES, **RULES
    )
    assert client.get(f"/api/results/{draft.slug}").status_code == 404


@pytest.mark.django_db
def test_it_documents_the_results_api(client):
    assert "/api/results/{slug}" in client.get("/api/openapi.json").json()["paths"]
