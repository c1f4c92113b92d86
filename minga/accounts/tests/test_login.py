import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

URL = reverse("accounts:login")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.mark.django_db
def test_it_signs_in_by_email_in_any_case(client, member):
    response = client.post(
        URL, {"username": "Member@Example.org", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).wsgi_request.user.pk == member.pk


@pytest.mark.django_db
def test_it_signs_in_by_phone_in_any_spacing(client, member):
    response = client.post(
        URL, {"username": "+250 788 000 111", "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).wsgi_request.user.pk == member.pk


@pytest.mark.django_db
def test_it_rejects_a_wrong_password(client, member):
    response = client.post(URL, {"username": "member@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


@pytest.mark.django_db
@override_settings(LOGIN_THROTTLE_ATTEMPTS=3)
def test_it_pauses_after_too_many_failures(client, member):
    for _ in range(3):
        client.post(URL, {"username": "member@example.org", "password": "wrong"})
    response = client.post(
        URL, {"username": "member@example.org", "password": "a-long-test-password"}
    )
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.content.decode()
    # Another person at another address is not blocked.
    other = client.post(
        URL, {"username": "owner@example.org", "password": "wrong"}, REMOTE_ADDR="10.0.0.9"
    )
    assert "Too many" not in other.content.decode()


@pytest.mark.django_db
def test_it_signs_out_by_post(member_client):
    assert member_client.post(reverse("accounts:logout")).status_code == 302
    assert member_client.get(reverse("accounts:profile")).status_code == 302
