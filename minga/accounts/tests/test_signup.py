import pytest
from django.core import mail
from django.urls import reverse

from minga.accounts.models import User

URL = reverse("accounts:signup")
GOOD = {
    "name": "New Person",
    "email": "new@example.org",
    "phone": "",
    "preferred_language": "fr",
    "timezone": "Africa/Kigali",
    "password1": "correct-horse-battery",
    "password2": "correct-horse-battery",
}


@pytest.mark.django_db
def test_it_shows_the_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert b'name="phone"' in response.content


@pytest.mark.django_db
def test_it_signs_up_by_email_and_sends_a_verification(
    client, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, GOOD)
    run_tasks()
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert user.timezone == "Africa/Kigali"
    assert user.preferred_language == "fr"
    assert not user.is_email_verified
    assert len(mail.outbox) == 1
    assert "/accounts/verify/" in mail.outbox[0].body
    # The e-mail is in the person's language.
    assert "Confirmez" in mail.outbox[0].subject or "adresse" in mail.outbox[0].subject


@pytest.mark.django_db
def test_it_signs_up_by_phone_only(client):
    data = {**GOOD, "email": "", "phone": "+254 712 345 678"}
    assert client.post(URL, data).status_code == 302
    assert User.objects.get(phone="+254712345678").email is None


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["0788123456", "+1 555", "+250 abc", "+999123456789", "12"])
def test_it_rejects_bad_phone_numbers(client, phone):
    response = client.post(URL, {**GOOD, "email": "", "phone": phone})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["not-an-email", "a@", "@b.org", "a b@c.org"])
def test_it_rejects_bad_emails(client, email):
    response = client.post(URL, {**GOOD, "email": email})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_needs_email_or_phone(client):
    response = client.post(URL, {**GOOD, "email": "", "phone": ""})
    assert "e-mail address or a phone number" in str(response.context["form"].non_field_errors())
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_taken_email_or_phone(client, member):
    response = client.post(URL, {**GOOD, "email": "MEMBER@example.org"})
    assert response.context["form"].errors["email"]
    response = client.post(URL, {**GOOD, "email": "", "phone": "+250788000111"})
    assert response.context["form"].errors["phone"]
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_it_rejects_weak_and_mismatched_passwords(client):
    response = client.post(URL, {**GOOD, "password1": "123", "password2": "123"})
    assert response.context["form"].errors["password1"]
    response = client.post(URL, {**GOOD, "password2": "something-else-entirely"})
    assert response.context["form"].errors["password2"]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_translates_errors(client):
    client.cookies["minga_language"] = "es"
    response = client.post(URL, {**GOOD, "email": "", "phone": "0788"})
    assert "código de país" in response.content.decode()


@pytest.mark.django_db
def test_it_sends_signed_in_people_to_their_profile(member_client):
    assert member_client.get(URL).url == reverse("accounts:profile")


@pytest.mark.django_db
def test_it_welcomes_a_new_person_in_the_language_they_chose(client):
    """The form was read in English; the person chose French, and the next page is French."""
    response = client.post(URL, GOOD, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    page = response.content.decode()
    assert 'lang="fr"' in page
    assert "Bienvenue" in page
    assert "Welcome" not in page
