"""`update_profile`: a changed e-mail address counts as unverified until confirmed again."""

import pytest
from django.urls import reverse

from minga.accounts import actions


@pytest.mark.django_db
def test_it_forgets_the_verification_when_a_person_changes_their_address(client, member):
    """The profile form copies the new address onto the person before the action runs; the
    action compares with the stored one, or the new address would inherit the old one's
    confirmation (and pass as verified wherever verification counts)."""
    member = actions.verify_email(token=actions.verification_token(member))
    client.force_login(member)
    data = {
        "name": member.name,
        "email": "someone-else@example.org",
        "phone": member.phone,
        "preferred_language": "en",
        "timezone": "UTC",
    }
    assert client.post(reverse("accounts:profile-edit"), data).status_code == 302
    member.refresh_from_db()
    assert member.email == "someone-else@example.org"
    assert member.email_verified_at is None


@pytest.mark.django_db
def test_it_keeps_the_verification_when_the_address_stays(member):
    member = actions.verify_email(token=actions.verification_token(member))
    actions.update_profile(user=member, actor=member, changes={"email": member.email, "bio": "Hi"})
    member.refresh_from_db()
    assert member.email_verified_at is not None
