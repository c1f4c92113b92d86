"""One rule for who gives which role, whatever the path: invitation, membership change, import.

Managers (administrators, secretaries) give roles; only administrators give or take away
administrator and board member.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_person
from minga.accounts.models import User
from minga.coops import actions, importer
from minga.coops.models import Invitation, Membership

pytestmark = pytest.mark.django_db
BASE = "http://testserver"
# Who acts, and whether they may give (member, board, admin).
ACTORS = [
    ("admin", (True, True, True)),
    ("secretary", (True, False, False)),
    ("board", (False, False, False)),
    ("treasurer", (False, False, False)),
    ("member", (False, False, False)),
]
GIVEN = ["member", "board", "admin"]
CASES = [
    (actor, given, allowed)
    for actor, rights in ACTORS
    for given, allowed in zip(GIVEN, rights, strict=True)
]


def _actor(coop, owner, role: str) -> User:
    if role == "admin":
        return owner
    person = make_person(f"Acting {role}", f"acting-{role}@example.org")
    invitation = actions.create_invitation(coop=coop, actor=owner, role=role, base_url=BASE)
    actions.accept_invitation(token=invitation.token, person=person)
    return person


@pytest.mark.parametrize(("actor_role", "given", "allowed"), CASES)
def test_it_applies_the_rule_to_invitations(coop, owner, actor_role, given, allowed):
    actor = _actor(coop, owner, actor_role)
    if allowed:
        actions.create_invitation(coop=coop, actor=actor, role=given, base_url=BASE)
    else:
        with pytest.raises(ValidationError):
            actions.create_invitation(coop=coop, actor=actor, role=given, base_url=BASE)
    assert Invitation.objects.filter(coop=coop, role=given, created_by=actor).exists() == allowed


@pytest.mark.parametrize(("actor_role", "given", "allowed"), CASES)
def test_it_applies_the_rule_to_membership_changes(coop, owner, member, actor_role, given, allowed):
    actor = _actor(coop, owner, actor_role)
    membership = Membership.objects.get(coop=coop, person=member)
    actions.change_membership(membership=membership, actor=owner, role="treasurer")
    if allowed:
        actions.change_membership(membership=membership, actor=actor, role=given)
    else:
        with pytest.raises(ValidationError):
            actions.change_membership(membership=membership, actor=actor, role=given)
    membership.refresh_from_db()
    assert membership.role == (given if allowed else "treasurer")


@pytest.mark.parametrize(("actor_role", "given", "allowed"), CASES)
def test_it_applies_the_rule_to_the_member_import(coop, owner, actor_role, given, allowed):
    actor = _actor(coop, owner, actor_role)
    rows = importer.parse(f"name,email,role\nNew Person,new@example.org,{given}\n".encode())
    if allowed:
        actions.import_members(coop=coop, actor=actor, rows=rows, base_url=BASE)
    else:
        with pytest.raises(ValidationError):
            actions.import_members(coop=coop, actor=actor, rows=rows, base_url=BASE)
    assert User.objects.filter(email="new@example.org").exists() == allowed


def test_it_refuses_a_secretary_who_imports_an_administrator(client, coop, owner):
    secretary = _actor(coop, owner, "secretary")
    client.force_login(secretary)
    content = b"name,email,role\nFriend,friend@example.org,member\nAccomplice,a@example.org,admin\n"
    response = client.post(
        reverse("coops:import", args=[coop.slug]),
        {"file": SimpleUploadedFile("members.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert "Line 3: Only administrators" in response.content.decode()
    assert not User.objects.filter(email__in=["friend@example.org", "a@example.org"]).exists()


def test_it_lets_a_secretary_invite_members_but_not_board_members(client, coop, owner):
    secretary = _actor(coop, owner, "secretary")
    client.force_login(secretary)
    url = reverse("coops:invitations", args=[coop.slug])
    for role in ["board", "admin"]:
        response = client.post(url, {"email": "", "role": role, "max_uses": 1, "days": 7})
        assert "Only administrators" in response.content.decode()
    client.post(url, {"email": "", "role": "member", "max_uses": 1, "days": 7})
    assert list(Invitation.objects.filter(created_by=secretary).values_list("role", flat=True)) == [
        "member"
    ]


def test_it_keeps_board_memberships_out_of_a_secretarys_reach(client, coop, owner, member):
    membership = Membership.objects.get(coop=coop, person=member)
    actions.change_membership(membership=membership, actor=owner, role="board")
    secretary = _actor(coop, owner, "secretary")
    client.force_login(secretary)
    url = reverse("coops:membership-edit", args=[coop.slug, membership.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"role": "member", "status": "suspended"}).status_code == 403
    membership.refresh_from_db()
    assert (membership.role, membership.status) == ("board", "active")


def test_it_lets_a_board_member_leave(coop, owner, member):
    membership = Membership.objects.get(coop=coop, person=member)
    actions.change_membership(membership=membership, actor=owner, role="board")
    actions.leave_cooperative(membership=membership, actor=member)
    membership.refresh_from_db()
    assert membership.status == "left"


def test_it_does_not_lift_a_suspension_through_an_invitation_link(coop, owner, member):
    membership = Membership.objects.get(coop=coop, person=member)
    actions.change_membership(membership=membership, actor=owner, status="suspended")
    invitation = actions.create_invitation(
        coop=coop, actor=owner, role="member", max_uses=50, base_url=BASE
    )
    with pytest.raises(ValidationError):
        actions.accept_invitation(token=invitation.token, person=member)
    membership.refresh_from_db()
    assert membership.status == "suspended"


def test_it_shows_memberships_in_the_admin_without_changing_them(client, coop, member):
    staff = make_person("Staff", "staff@example.org", is_staff=True, is_superuser=True)
    client.force_login(staff)
    membership = Membership.objects.get(coop=coop, person=member)
    url = reverse("admin:coops_membership_change", args=[membership.pk])
    assert client.get(url).status_code == 200
    client.post(
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
    membership.refresh_from_db()
    assert membership.role == "member"
