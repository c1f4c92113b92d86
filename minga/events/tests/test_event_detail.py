import pytest
from django.urls import reverse

from minga.events import actions

from .conftest import BUILDING, DURING_REGISTRATION, at, client_of, make_event


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["organiser", "registrant", "outsider", None])
def test_it_shows_a_published_event_to_everyone(event, who, request, client):
    if who:
        client = client_of(request.getfixturevalue(who))
    with at(DURING_REGISTRATION):
        response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "Virtual coop-a-thon" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("organiser", 200), ("outsider", 404), (None, 404)])
def test_it_hides_drafts_from_all_but_organisers(
    organiser, federation, who, status, request, client
):
    draft = make_event(organiser, federation, title="Draft edition", publish=False)
    if who:
        client = client_of(request.getfixturevalue(who))
    assert client.get(draft.get_absolute_url()).status_code == status
    listed = "Draft edition" in client.get(reverse("events:list")).text
    assert listed == (status == 200)


@pytest.mark.django_db
def test_it_shows_times_in_the_viewer_zone_with_the_event_zone_beside(event, outsider):
    outsider.timezone = "America/Argentina/Cordoba"
    outsider.save()
    with at(DURING_REGISTRATION):
        text = client_of(outsider).get(event.get_absolute_url()).text
    # 16 October 15:00 in Paris (UTC+2) is 10:00 in Córdoba (UTC-3).
    assert 'datetime="2019-10-16T13:00:00+00:00"' in text
    assert "(America/Argentina/Cordoba)" in text
    assert "(Europe/Paris)" in text


@pytest.mark.django_db
def test_it_names_the_current_phase(event, client):
    with at(BUILDING):
        text = client.get(event.get_absolute_url()).text
    assert "Teams are building" in text


@pytest.mark.django_db
def test_it_answers_the_participants_questions_on_the_faq(event, organiser, client):
    actions.add_prize(event=event, actor=organiser, name="A .coop domain for a year")
    actions.add_faq_entry(
        event=event, actor=organiser, question="Can I use my own laptop?", answer="Yes."
    )
    text = client.get(reverse("events:faq", args=[event.slug])).text
    for answer in [
        "Europe/Paris",  # dates and time zone
        "the event is virtual",  # presence
        "an IT cooperative can register with its roster",  # people or organisations
        "https://matrix.example.org/#/room/coopathon",  # channels
        "Creative Commons Attribution-ShareAlike 4.0",  # licence and ownership
        "A video of at most 3 minutes",  # presentation format
        "A .coop domain for a year",  # prizes
        "Can I use my own laptop?",  # free Q&A
    ]:
        assert answer in text


@pytest.mark.django_db
def test_it_shows_each_time_once_with_the_event_zone_a_tap_away(event, outsider):
    """Every time was printed twice; the event's own zone is now in a <details> beside it."""
    outsider.timezone = "America/Argentina/Cordoba"
    outsider.save()
    with at(DURING_REGISTRATION):
        text = client_of(outsider).get(event.get_absolute_url()).text
    shown = text.split('<details class="zone"><summary>')
    assert len(shown) > 1
    assert all("(Europe/Paris)" not in part.split("</summary>")[0] for part in shown[1:])
    assert all("(Europe/Paris)" in part.split("</details>")[0] for part in shown[1:])


@pytest.mark.django_db
def test_it_lists_the_timeline_in_the_order_things_happen(event):
    """The challenge intake opens (1 August) before registration (1 September)."""
    keys = [phase.key for phase in event.phases()]
    assert keys.index("intake") < keys.index("registration")
    starts = [phase.starts_at for phase in event.phases()]
    assert starts == sorted(starts)
