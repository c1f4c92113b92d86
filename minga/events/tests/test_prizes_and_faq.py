import pytest
from django.urls import reverse

from minga.events import actions
from minga.events.models import FaqEntry, Prize

from .conftest import client_of


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("organiser", 200), ("registrant", 403), ("outsider", 403)]
)
@pytest.mark.parametrize("page", ["events:prizes", "events:faq-manage"])
def test_it_lets_only_organisers_manage_prizes_and_questions(event, who, status, page, request):
    client = client_of(request.getfixturevalue(who))
    assert client.get(reverse(page, args=[event.slug])).status_code == status


@pytest.mark.django_db
def test_it_adds_and_removes_prizes(event, organiser_client):
    url = reverse("events:prizes", args=[event.slug])
    organiser_client.post(url, {"name": "A .coop domain for a year", "description": ""})
    organiser_client.post(url, {"name": "A coop flag", "description": ""})
    assert [p.name for p in event.prizes.all()] == ["A .coop domain for a year", "A coop flag"]
    flag = Prize.objects.get(name="A coop flag")
    organiser_client.post(reverse("events:prize-remove", args=[event.slug, flag.pk]))
    assert event.prizes.count() == 1


@pytest.mark.django_db
def test_it_refuses_removals_to_others(event, organiser, outsider):
    prize = actions.add_prize(event=event, actor=organiser, name="Publicity")
    entry = actions.add_faq_entry(event=event, actor=organiser, question="Q?", answer="A.")
    client = client_of(outsider)
    client.post(reverse("events:prize-remove", args=[event.slug, prize.pk]))
    client.post(reverse("events:faq-remove", args=[event.slug, entry.pk]))
    assert Prize.objects.filter(pk=prize.pk).exists()
    assert FaqEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_it_adds_free_questions_to_the_faq(event, organiser_client, client):
    organiser_client.post(
        reverse("events:faq-manage", args=[event.slug]),
        {"question": "Is there a live stream?", "answer": "Yes, on the main channel."},
    )
    assert "Is there a live stream?" in client.get(reverse("events:faq", args=[event.slug])).text
