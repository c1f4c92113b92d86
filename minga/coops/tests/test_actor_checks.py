"""Every action checks its actor itself: called with the wrong one (an outsider, a plain member
where an administrator or a secretary is needed), it refuses and changes nothing, whatever path
called it (the views check first, for a friendly page)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minga.audit.models import Entry
from minga.coops import actions
from minga.coops.importer import parse
from minga.coops.models import Affiliation, Cooperative, Invitation, Membership

pytestmark = pytest.mark.django_db


def state() -> tuple:
    """The log's length, and every cooperative, membership, invitation and affiliation."""
    return (
        Entry.objects.count(),
        list(Cooperative.objects.order_by("pk").values_list("name", "description")),
        list(Membership.objects.order_by("pk").values_list("role", "status")),
        list(Invitation.objects.order_by("pk").values_list("role", "revoked_at")),
        list(Affiliation.objects.order_by("pk").values_list("is_active", flat=True)),
    )


def refused(call, error: type[Exception] = PermissionDenied) -> None:
    before = state()
    with pytest.raises(error):
        call()
    assert state() == before


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_refuses_changes_to_the_cooperative_from_a_non_administrator(request, who, coop):
    person = request.getfixturevalue(who)
    changes = {"description": "Taken over."}
    refused(lambda: actions.update_cooperative(coop=coop, actor=person, changes=changes))


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_refuses_to_invite_or_withdraw_invitations_for_a_non_manager(request, who, coop, owner):
    person = request.getfixturevalue(who)
    refused(
        lambda: actions.create_invitation(
            coop=coop, actor=person, role=Membership.Role.MEMBER, base_url="http://testserver"
        ),
        ValidationError,
    )
    invitation = actions.create_invitation(
        coop=coop, actor=owner, role=Membership.Role.MEMBER, base_url="http://testserver"
    )
    refused(lambda: actions.revoke_invitation(invitation=invitation, actor=person))


def test_it_refuses_role_changes_imports_and_leaving_for_someone_else(coop, owner, member):
    mine = Membership.objects.get(coop=coop, person=member)
    theirs = Membership.objects.get(coop=coop, person=owner)
    refused(
        lambda: actions.change_membership(
            membership=mine, actor=member, role=Membership.Role.ADMIN
        ),
        ValidationError,
    )
    refused(lambda: actions.leave_cooperative(membership=theirs, actor=member), ValidationError)
    rows = parse(b"name,email,phone,role\nNew Person,new@example.org,,member\n")
    refused(
        lambda: actions.import_members(
            coop=coop, actor=member, rows=rows, base_url="http://testserver"
        ),
        ValidationError,
    )


def test_it_refuses_affiliations_from_non_administrators(federation, coop, organiser, member):
    refused(lambda: actions.add_affiliation(federation=federation, member=coop, actor=member))
    affiliation = actions.add_affiliation(federation=federation, member=coop, actor=organiser)
    refused(lambda: actions.end_affiliation(affiliation=affiliation, actor=member))
