import pytest
from django.urls import reverse

from conftest import client_of
from minga.challenges.models import Need

from .conftest import make_need

URL = reverse("challenges:mine")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("outsider", 200), ("member", 200), ("owner", 200)]
)
def test_it_asks_people_to_sign_in(request, draft, who, status):
    client = request.getfixturevalue("client")
    if who != "anonymous":
        client = client_of(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == status
    if status == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_lists_every_need_of_my_cooperatives(member_client, draft, submitted, declined):
    response = member_client.get(URL)
    assert {need.pk for need in response.context["needs"]} == {
        draft.pk,
        submitted.pk,
        declined.pk,
    }
    assert response.context["queue"] is None


@pytest.mark.django_db
def test_it_lists_nothing_for_outsiders(outsider_client, draft):
    response = outsider_client.get(URL)
    assert response.status_code == 200
    assert list(response.context["needs"]) == []


@pytest.mark.django_db
def test_it_gives_organisers_their_queue(organiser, federation, coop, owner, draft, accepted):
    waiting = make_need(coop, owner, status=Need.Status.SUBMITTED, title="Waiting")
    back = make_need(
        coop, owner, status=Need.Status.CHANGES_REQUESTED, organiser=organiser, title="Back"
    )
    response = client_of(organiser).get(URL)
    assert [need.pk for need in response.context["queue"]] == [waiting.pk, back.pk]
