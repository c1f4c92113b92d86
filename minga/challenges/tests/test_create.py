import pytest
from django.urls import reverse

from minga.audit.models import Entry
from minga.challenges.models import Need

URL = reverse("challenges:create")


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(anonymous_client):
    response = anonymous_client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_it_asks_people_without_a_cooperative_to_join_one(outsider_client, coop):
    response = outsider_client.get(URL)
    assert response.status_code == 200
    assert reverse("coops:create") in response.content.decode()
    response = outsider_client.post(URL, {"coop": coop.pk, "title": "Sneaky", "language": "en"})
    assert response.status_code == 200
    assert not Need.objects.exists()


@pytest.mark.django_db
def test_it_starts_a_draft_with_a_title_only(member_client, coop, member):
    response = member_client.post(URL, {"coop": coop.pk, "title": "Deliveries", "language": "rw"})
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("challenges:edit", args=[need.pk, 1])
    assert need.status == Need.Status.DRAFT
    assert (need.created_by, need.owner, need.owner_timezone) == (member, member, member.timezone)
    assert (need.language, need.problem, need.devices) == ("rw", "", [])


@pytest.mark.django_db
def test_it_takes_the_place_and_sector_from_the_cooperative(member_client, coop):
    member_client.post(URL, {"coop": coop.pk, "title": "Deliveries", "language": "en"})
    need = Need.objects.get()
    assert (str(need.country), need.region, need.sector, need.world_region) == (
        "RW",
        "Southern Province",
        "agriculture",
        "africa",
    )


@pytest.mark.django_db
def test_it_goes_on_to_step_two(owner_client, coop):
    response = owner_client.post(
        URL, {"coop": coop.pk, "title": "Deliveries", "language": "en", "continue": "1"}
    )
    need = Need.objects.get()
    assert response["Location"] == reverse("challenges:edit", args=[need.pk, 2])


@pytest.mark.django_db
def test_it_needs_a_title(member_client, coop):
    response = member_client.post(URL, {"coop": coop.pk, "title": "", "language": "en"})
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert not Need.objects.exists()


@pytest.mark.django_db
def test_it_records_the_draft_in_the_audit_log(member_client, coop):
    member_client.post(URL, {"coop": coop.pk, "title": "Secret plans", "language": "en"})
    entry = Entry.objects.get(kind="need.drafted")
    assert entry.subject == f"need:{Need.objects.get().pk}"
    assert b"Secret plans" not in bytes(entry.body)
