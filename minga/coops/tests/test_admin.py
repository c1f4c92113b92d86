"""The coops admin shows cooperatives, memberships, invitations and affiliations and changes
them only through the audited actions, with the staff member as actor."""

import pytest
from django.urls import reverse

from minga.accounts.models import User
from minga.audit.models import Entry
from minga.coops import actions
from minga.coops.models import Affiliation, Invitation, Membership


@pytest.fixture
def staff(db):
    return User.objects.create_superuser(email="staff@example.org", password="x", name="Staff")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.django_db
def test_it_refuses_an_admin_editing_a_memberships_role_through_the_change_form(
    staff_client, coop, member
):
    membership = Membership.objects.get(coop=coop, person=member)
    url = reverse("admin:coops_membership_change", args=[membership.pk])
    assert staff_client.get(url).status_code == 200  # staff still see it
    response = staff_client.post(
        url,
        {
            "person": member.pk,
            "coop": coop.pk,
            "role": "admin",
            "status": "active",
            "joined_at_0": "2026-01-01",
            "joined_at_1": "10:00:00",
        },
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == "member"
    assert not Entry.objects.filter(kind="membership.changed").exists()


@pytest.mark.django_db
def test_it_sends_staff_to_the_sites_page_which_changes_the_role_with_them_as_actor(
    staff_client, staff, coop, member
):
    membership = Membership.objects.get(coop=coop, person=member)
    page = staff_client.get(reverse("admin:coops_membership_change", args=[membership.pk]))
    site_page = reverse("coops:membership-edit", args=[coop.slug, membership.pk])
    assert site_page in page.content.decode()
    staff_client.post(site_page, {"role": "treasurer", "status": "active", "reason": "AGM"})
    membership.refresh_from_db()
    assert membership.role == "treasurer"
    assert membership.changes.first().actor == staff
    assert Entry.objects.filter(kind="membership.changed").count() == 1


@pytest.mark.django_db
def test_it_withdraws_invitations_through_the_action(staff_client, coop, owner):
    invitation = actions.create_invitation(
        coop=coop, actor=owner, role="member", base_url="https://example.org"
    )
    url = reverse("admin:coops_invitation_changelist")
    response = staff_client.post(url, {"action": "revoke", "_selected_action": [invitation.pk]})
    assert response.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    assert Entry.objects.filter(kind="invitation.revoked").count() == 1
    staff_client.post(url, {"action": "revoke", "_selected_action": [invitation.pk]})
    assert Entry.objects.filter(kind="invitation.revoked").count() == 1


@pytest.mark.django_db
def test_it_never_shows_an_invitations_token(staff_client, coop, owner):
    invitation = actions.create_invitation(
        coop=coop, actor=owner, role="member", base_url="https://example.org"
    )
    page = staff_client.get(reverse("admin:coops_invitation_change", args=[invitation.pk]))
    assert page.status_code == 200 and invitation.token not in page.content.decode()


@pytest.mark.django_db
def test_it_adds_an_affiliation_on_the_staff_page_and_ends_it_with_an_admin_action(
    staff_client, federation, coop
):
    changelist = reverse("admin:coops_affiliation_changelist")
    join = reverse("admin:coops_affiliation_join")
    assert join in staff_client.get(changelist).content.decode()
    assert staff_client.get(join).status_code == 200
    response = staff_client.post(join, {"federation": federation.pk, "member": coop.pk})
    assert response.status_code == 302
    affiliation = Affiliation.objects.get()
    assert Entry.objects.filter(kind="affiliation.added").count() == 1
    staff_client.post(changelist, {"action": "end", "_selected_action": [affiliation.pk]})
    affiliation.refresh_from_db()
    assert not affiliation.is_active
    assert Entry.objects.filter(kind="affiliation.ended").count() == 1


@pytest.mark.django_db
def test_it_shows_the_actions_refusal_and_adds_nothing(staff_client, federation, coop):
    join = reverse("admin:coops_affiliation_join")
    response = staff_client.post(join, {"federation": coop.pk, "member": federation.pk})
    assert response.status_code == 200
    assert "Only a federation or a union" in response.content.decode()
    assert not Affiliation.objects.exists()


@pytest.mark.django_db
def test_it_keeps_people_without_staff_access_out_of_the_staff_pages(client, owner, coop):
    client.force_login(owner)
    response = client.get(reverse("admin:coops_affiliation_join"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
