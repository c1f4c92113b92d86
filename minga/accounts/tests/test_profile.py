import pytest
from django.urls import reverse

PROFILE = reverse("accounts:profile")
EDIT = reverse("accounts:profile-edit")


@pytest.mark.django_db
def test_it_asks_anonymous_visitors_to_sign_in(client):
    assert client.get(PROFILE).url.startswith(reverse("accounts:login"))
    assert client.get(EDIT).url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_it_shows_my_profile_and_cooperatives(member_client, coop):
    response = member_client.get(PROFILE)
    assert response.status_code == 200
    assert coop.name in response.content.decode()


@pytest.mark.django_db
def test_it_edits_languages_skills_roles_and_zone(member_client, member):
    response = member_client.post(
        EDIT,
        {
            "name": "Coop Member",
            "email": "member@example.org",
            "phone": "+250788000111",
            "preferred_language": "pt-br",
            "timezone": "America/Sao_Paulo",
            "languages": ["rw", "en"],
            "skills": ["mobile", "ussd-sms"],
            "tags": "Django, Kotlin",
            "roles": ["developer"],
            "bio": "",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.languages == ["rw", "en"]
    assert member.skills == ["mobile", "ussd-sms"]
    assert member.tag_list == ["Django", "Kotlin"]
    assert member.roles == ["developer"]
    assert member.timezone == "America/Sao_Paulo"


@pytest.mark.django_db
def test_it_rejects_unknown_vocabulary_and_zones(member_client, member):
    response = member_client.post(
        EDIT,
        {
            "name": "X",
            "email": "member@example.org",
            "preferred_language": "en",
            "timezone": "Mars/Olympus",
            "languages": ["xx"],
            "skills": ["wizardry"],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"timezone", "languages", "skills"} <= set(errors)
    member.refresh_from_db()
    assert member.name == "Coop Member"


@pytest.mark.django_db
def test_it_shows_dates_in_my_zone_with_its_name(client, owner):
    client.force_login(owner)
    assert "(Africa/Kigali)" in client.get(PROFILE).content.decode()


@pytest.mark.django_db
def test_it_uses_my_preferred_language(client, outsider):
    client.force_login(outsider)
    assert 'lang="es"' in client.get(PROFILE).content.decode()


@pytest.mark.django_db
def test_it_asks_to_confirm_a_changed_email_address_again(member_client, member):
    member.email_verified_at = member.date_joined
    member.save()
    member_client.post(
        EDIT,
        {
            "name": member.name,
            "email": "new-address@example.org",
            "phone": member.phone,
            "preferred_language": "en",
            "timezone": "UTC",
        },
    )
    member.refresh_from_db()
    assert member.email == "new-address@example.org"
    assert not member.is_email_verified
