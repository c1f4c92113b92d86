import pytest

from minga.events import actions

from .conftest import BUILDING, at, make_event


@pytest.mark.django_db
def test_it_lists_public_events_with_phases_and_rules(event, organiser, federation, client):
    actions.add_prize(event=event, actor=organiser, name="A .coop domain for a year")
    make_event(organiser, federation, title="Hidden draft", publish=False)
    with at(BUILDING):
        data = client.get("/api/events/").json()
    assert [item["slug"] for item in data] == [event.slug]
    item = data[0]
    assert item["timezone"] == "Europe/Paris"
    assert item["stage"] == "building"
    assert item["licence"] == "CC-BY-SA-4.0"
    assert item["prizes"] == [{"name": "A .coop domain for a year", "description": ""}]
    deadline = next(p for p in item["phases"] if p["key"] == "deadline")
    assert deadline["starts_at"] == "2019-10-16T13:00:00Z"


@pytest.mark.django_db
def test_it_shows_cancelled_events_with_their_reason(event, organiser, client):
    actions.cancel_event(event=event, actor=organiser, reason="No room this year.")
    data = client.get(f"/api/events/{event.slug}").json()
    assert (data["status"], data["cancellation_reason"]) == ("cancelled", "No room this year.")


@pytest.mark.django_db
def test_it_hides_drafts(organiser, federation, client):
    draft = make_event(organiser, federation, publish=False)
    assert client.get(f"/api/events/{draft.slug}").status_code == 404
    assert client.get(f"/api/events/{draft.slug}/challenges").status_code == 404
