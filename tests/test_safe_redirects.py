"""After signing up, in or switching language, `next` may only lead back into Minga.

An address from elsewhere in `next` would let a link on any site send people, right after
they trusted Minga with their password, to a look-alike page (an open redirect).
"""

import pytest
from django.urls import reverse

ELSEWHERE = "https://minga.example.net/accounts/login/"


@pytest.mark.django_db
def test_it_keeps_sign_up_inside_minga(client):
    response = client.post(
        reverse("accounts:signup") + f"?next={ELSEWHERE}",
        {
            "name": "Amani Njeri",
            "email": "amani@example.org",
            "phone": "",
            "preferred_language": "en",
            "timezone": "Africa/Nairobi",
            "password1": "weaving-baskets-together-42",
            "password2": "weaving-baskets-together-42",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


@pytest.mark.django_db
def test_it_follows_next_within_minga_after_sign_up(client):
    response = client.post(
        reverse("accounts:signup") + "?next=/coops/new/",
        {
            "name": "Amani Njeri",
            "email": "amani@example.org",
            "phone": "",
            "preferred_language": "en",
            "timezone": "Africa/Nairobi",
            "password1": "weaving-baskets-together-42",
            "password2": "weaving-baskets-together-42",
        },
    )
    assert response["Location"] == "/coops/new/"


@pytest.mark.django_db
def test_it_keeps_sign_in_inside_minga(client, owner):
    response = client.post(
        reverse("accounts:login") + f"?next={ELSEWHERE}",
        {
            "username": "owner@example.org",
            "password": "a-long-test-password",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


def test_it_keeps_the_language_switch_inside_minga(client):
    response = client.get(reverse("core:set-language"), {"language": "fr", "next": ELSEWHERE})
    assert response.status_code == 302
    assert response["Location"] == "/"
