import pytest
from django.urls import reverse

from minga.coops.models import Cooperative, Membership

GOOD = {
    "name": "Nairobi Tech Workers",
    "legal_form": "worker",
    "country": "KE",
    "region": "Nairobi",
    "sector": "it",
    "founded_year": "2019",
    "member_count": "14",
    "website": "https://ntw.coop",
    "languages": ["sw", "en"],
    "description": "USSD and SMS.",
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "owner"])
def test_it_shows_the_public_page_to_everyone(client, coop, who, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(coop.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert coop.name in content
    assert ("Edit details" in content) is (who == "owner")
    assert ("Membership history" in content) is (who in {"member", "owner"})


@pytest.mark.django_db
def test_it_404s_for_unknown_cooperatives(client):
    assert client.get(reverse("coops:detail", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_it_asks_anonymous_visitors_to_sign_in_before_registering(client):
    response = client.get(reverse("coops:create"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('coops:create')}"


@pytest.mark.django_db
def test_it_registers_a_cooperative_with_its_founder_as_admin(outsider_client, outsider):
    response = outsider_client.post(reverse("coops:create"), GOOD)
    coop = Cooperative.objects.get(name="Nairobi Tech Workers")
    assert response.url == coop.get_absolute_url()
    assert coop.slug == "nairobi-tech-workers"
    assert coop.languages == ["sw", "en"]
    membership = coop.memberships.get()
    assert (membership.person, membership.role) == (outsider, Membership.Role.ADMIN)
    assert membership.changes.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("country", "XX"),
        ("sector", "mining"),
        ("founded_year", "1200"),
        ("member_count", "-4"),
        ("website", "not a url"),
        ("languages", ["klingon"]),
    ],
)
def test_it_rejects_bad_input_and_changes_nothing(outsider_client, field, value):
    response = outsider_client.post(reverse("coops:create"), {**GOOD, field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Cooperative.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("outsider", 403), ("member", 403), ("owner", 200)])
def test_it_lets_only_admins_edit(client, coop, who, status, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("coops:edit", args=[coop.slug])).status_code == status
    response = client.post(reverse("coops:edit", args=[coop.slug]), {**GOOD, "name": "Renamed"})
    coop.refresh_from_db()
    assert (coop.name == "Renamed") is (status == 200)
    if status == 200:
        assert response.status_code == 302
