import pytest
from django.urls import reverse

from minga.audit.models import Entry

from .conftest import client_of


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("organiser", 200), ("registrant", 403), ("outsider", 403)]
)
def test_it_lets_only_organisers_edit(event, who, status, request):
    client = client_of(request.getfixturevalue(who))
    assert client.get(reverse("events:edit", args=[event.slug])).status_code == status


@pytest.mark.django_db
def test_it_shows_phases_in_the_event_zone_and_saves_changes(event, organiser_client):
    url = reverse("events:edit", args=[event.slug])
    form = organiser_client.get(url).context["form"]
    assert 'value="2019-10-16T15:00"' in str(form["proposals_due_at"])
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for name, value in data.items():
        if hasattr(value, "strftime"):
            data[name] = value.strftime("%Y-%m-%dT%H:%M")
    data["title"] = "Virtual coop-a-thon, renamed"
    response = organiser_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.title == "Virtual coop-a-thon, renamed"
    assert event.proposals_due_at.isoformat() == "2019-10-16T13:00:00+00:00"
    entry = Entry.objects.filter(kind="event.updated").latest("pk")
    assert entry.subject == f"event:{event.slug}"


@pytest.mark.django_db
def test_it_lets_the_organiser_publish(organiser, federation, organiser_client):
    from .conftest import make_event

    draft = make_event(organiser, federation, publish=False)
    organiser_client.post(reverse("events:publish", args=[draft.slug]))
    draft.refresh_from_db()
    assert draft.is_published


@pytest.mark.django_db
def test_it_refuses_publishing_to_others(organiser, federation, outsider):
    from .conftest import make_event

    draft = make_event(organiser, federation, publish=False)
    response = client_of(outsider).post(reverse("events:publish", args=[draft.slug]))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert not draft.is_published
