"""People in the admin: read-only; e-mail, phone and deactivation go through audited actions.

The e-mail address and the phone number are how a person signs in, and the phone is who they
are on USSD and SMS: a change that bypassed the actions would leave no trace in the log.
"""

import pytest
from django.urls import reverse

from minga.accounts import actions
from minga.accounts.models import User
from minga.audit.models import Entry


@pytest.fixture
def staff(db):
    return User.objects.create_superuser(email="staff@example.org", password="x", name="Staff")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def admin_form(person, **changes):
    """What the change form of a person posted before it was read-only, valid as it was."""
    data = {
        "email": person.email or "",
        "phone": person.phone or "",
        "name": person.name,
        "preferred_language": person.preferred_language,
        "timezone": person.timezone,
        "tags": "",
        "bio": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_it_refuses_an_admin_changing_a_persons_phone_through_the_change_form(staff_client, member):
    url = reverse("admin:accounts_user_change", args=[member.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, admin_form(member, phone="+250788999999"))
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.phone == "+250788000111"


@pytest.mark.django_db
def test_it_refuses_an_admin_making_someone_staff_through_the_change_form(staff_client, member):
    url = reverse("admin:accounts_user_change", args=[member.pk])
    response = staff_client.post(url, admin_form(member, is_staff="on", is_superuser="on"))
    assert response.status_code == 403
    member.refresh_from_db()
    assert not member.is_staff and not member.is_superuser


@pytest.mark.django_db
def test_it_changes_the_phone_through_update_profile_on_the_staff_page(staff_client, member):
    page = staff_client.get(reverse("admin:accounts_user_change", args=[member.pk]))
    url = reverse("admin:accounts_user_contact", args=[member.pk])
    assert url in page.content.decode()
    response = staff_client.post(url, {"email": member.email, "phone": "+250 788 999 999"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == "+250788999999"
    assert Entry.objects.filter(kind="person.profile_updated").count() == 1


@pytest.mark.django_db
def test_it_asks_for_a_new_address_to_be_verified_again(
    staff_client, member, mailoutbox, run_tasks
):
    actions.verify_email(token=actions.verification_token(member))
    url = reverse("admin:accounts_user_contact", args=[member.pk])
    staff_client.post(url, {"email": "new@example.org", "phone": member.phone})
    run_tasks()
    member.refresh_from_db()
    assert member.email == "new@example.org" and member.email_verified_at is None
    assert [mail.to for mail in mailoutbox] == [["new@example.org"]]


@pytest.mark.django_db
def test_it_refuses_someone_elses_phone_and_changes_nothing(staff_client, member, owner):
    url = reverse("admin:accounts_user_contact", args=[owner.pk])
    response = staff_client.post(url, {"email": owner.email, "phone": member.phone})
    assert response.status_code == 200
    assert "Someone already signed up with this phone number" in response.content.decode()
    owner.refresh_from_db()
    assert owner.phone is None
    assert not Entry.objects.filter(kind="person.profile_updated").exists()


@pytest.mark.django_db
def test_it_deactivates_and_reactivates_accounts_through_the_actions(staff_client, member, staff):
    url = reverse("admin:accounts_user_changelist")
    staff_client.post(url, {"action": "deactivate", "_selected_action": [member.pk, staff.pk]})
    member.refresh_from_db(), staff.refresh_from_db()
    assert not member.is_active and staff.is_active  # nobody switches themselves off
    staff_client.post(url, {"action": "reactivate", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.is_active
    kinds = list(
        Entry.objects.filter(kind__in=["person.deactivated", "person.reactivated"]).values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["person.deactivated", "person.reactivated"]


@pytest.mark.django_db
def test_it_lets_only_a_superuser_deactivate_staff(owner, member, outsider):
    owner = actions.set_staff_access(person=owner, actor=None, is_staff=True)
    member = actions.set_staff_access(person=member, actor=None, is_staff=True)
    with pytest.raises(actions.PermissionDenied):
        actions.deactivate_account(person=member, actor=owner)
    actions.deactivate_account(person=outsider, actor=owner)
    with pytest.raises(actions.ValidationError):
        actions.deactivate_account(person=outsider, actor=owner)
    outsider.refresh_from_db(), member.refresh_from_db()
    assert not outsider.is_active and member.is_active


@pytest.mark.django_db
def test_it_gives_staff_access_only_from_the_command_line_or_another_superuser(owner, member):
    with pytest.raises(actions.PermissionDenied):
        actions.set_staff_access(person=member, actor=owner, is_staff=True)
    owner = actions.set_staff_access(person=owner, actor=None, is_staff=True, is_superuser=True)
    with pytest.raises(actions.PermissionDenied):
        actions.set_staff_access(person=owner, actor=owner, is_staff=False)
    actions.set_staff_access(person=member, actor=owner, is_staff=True)
    member.refresh_from_db()
    assert member.is_staff and not member.is_superuser
    assert Entry.objects.filter(kind="person.staff_access_changed").count() == 2


@pytest.mark.django_db
def test_it_forgets_a_phone_verification_when_staff_change_the_number(staff_client, member):
    assert member.phone_verified_at is not None
    url = reverse("admin:accounts_user_contact", args=[member.pk])
    staff_client.post(url, {"email": member.email, "phone": "+250 788 999 999"})
    member.refresh_from_db()
    assert member.phone == "+250788999999" and member.phone_verified_at is None
