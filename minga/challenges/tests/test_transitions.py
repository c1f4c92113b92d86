"""The state machine of needs, through the actions: legal moves, and illegal ones refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minga.audit.models import Entry
from minga.challenges import actions
from minga.challenges.models import Comment, Need

from .conftest import make_need

MOVES = {
    "submit": lambda need, people: actions.submit_need(need=need, actor=people["owner"]),
    "request_changes": lambda need, people: actions.request_changes(
        need=need, actor=people["organiser"], message="More detail"
    ),
    "accept": lambda need, people: actions.accept_need(need=need, actor=people["organiser"]),
    "decline": lambda need, people: actions.decline_need(
        need=need, actor=people["organiser"], reason="Needs the provider"
    ),
}

LEGAL = {
    ("draft", "submit"),
    ("submitted", "request_changes"),
    ("submitted", "accept"),
    ("submitted", "decline"),
    ("changes-requested", "submit"),
}


@pytest.fixture
def people(owner, organiser, federation):
    return {"owner": owner, "organiser": organiser}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "move"),
    sorted(
        (state, move)
        for state in Need.Status.values
        for move in MOVES
        if (state, move) not in LEGAL
    ),
)
def test_it_refuses_illegal_moves_and_changes_nothing(coop, people, state, move):
    need = make_need(
        coop, people["owner"], status=state, organiser=people["organiser"], complete=True
    )
    before = (Entry.objects.count(), Comment.objects.count(), need.updated_at)
    with pytest.raises(ValidationError) as error:
        MOVES[move](need, people)
    assert error.value.code == "illegal_transition"
    need.refresh_from_db()
    assert need.status == state
    assert (Entry.objects.count(), Comment.objects.count(), need.updated_at) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "move"), sorted(LEGAL))
def test_it_makes_legal_moves(coop, people, state, move):
    need = make_need(
        coop, people["owner"], status=state, organiser=people["organiser"], complete=True
    )
    need = MOVES[move](need, people)
    assert need.status != state
    assert Comment.objects.filter(need=need).last().status == need.status


@pytest.mark.django_db
def test_it_refuses_edits_outside_drafts(coop, people, accepted):
    with pytest.raises(ValidationError) as error:
        actions.save_need_draft(need=accepted, actor=people["owner"], changes={"scope": "New"})
    assert error.value.code == "not_editable"
    accepted.refresh_from_db()
    assert accepted.scope != "New"


@pytest.mark.django_db
def test_it_checks_permissions_in_the_actions_too(coop, member, outsider, owner, submitted):
    draft = make_need(coop, owner, complete=True)
    with pytest.raises(PermissionDenied):
        actions.submit_need(need=draft, actor=member)
    with pytest.raises(PermissionDenied):
        actions.accept_need(need=submitted, actor=owner)
    with pytest.raises(PermissionDenied):
        actions.create_need(coop=coop, actor=outsider, fields={"title": "Not mine"})
    with pytest.raises(PermissionDenied):
        actions.save_need_draft(need=draft, actor=outsider, changes={"scope": "x"})
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert (draft.status, submitted.status) == (Need.Status.DRAFT, Need.Status.SUBMITTED)


@pytest.mark.django_db
def test_it_lets_a_secretary_submit(coop, owner, member):
    from minga.coops import actions as coop_actions

    membership = coop.memberships.get(person=member)
    coop_actions.change_membership(membership=membership, actor=owner, role="secretary")
    need = make_need(coop, member, complete=True)
    assert actions.submit_need(need=need, actor=member).status == Need.Status.SUBMITTED
