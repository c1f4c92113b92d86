import pytest
from django.urls import reverse

from conftest import make_person

pytestmark = pytest.mark.django_db


def test_it_forgets_a_phone_verification_when_staff_change_the_number(client, member):
    staff = make_person("Staff", "staff@example.org", is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "email": member.email,
            "phone": "+250788000998",
            "name": member.name,
            "preferred_language": "en",
            "timezone": "UTC",
            "tags": "",
            "bio": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    member.refresh_from_db()
    assert member.phone == "+250788000998"
    assert not member.is_phone_verified
