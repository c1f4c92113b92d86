"""Every action checks its actor itself: called by someone who does not administer the
cooperative's credentials (an outsider, a plain member), it refuses and changes nothing,
whatever path called it (the views and the API check first, for a friendly answer)."""

import pytest
from django.core.exceptions import PermissionDenied

from minga.audit.models import Entry
from minga.channels.models import OutboundMessage
from minga.credentials import actions
from minga.credentials.models import Achievement, Credential

pytestmark = pytest.mark.django_db

WORDS = {
    "name": "Taken over",
    "description": "Not theirs to give.",
    "criteria": "None.",
    "achievement_type": "Badge",
    "language": "en",
}


def state() -> tuple:
    """The log's length, every achievement's words and every credential's status."""
    return (
        Entry.objects.count(),
        OutboundMessage.objects.count(),
        list(Achievement.objects.order_by("pk").values_list("name", "is_active")),
        list(Credential.objects.order_by("pk").values_list("status", "status_reason")),
    )


def refused(call) -> None:
    before = state()
    with pytest.raises(PermissionDenied):
        call()
    assert state() == before


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_refuses_achievements_from_a_non_administrator(request, who, coop, achievement):
    person = request.getfixturevalue(who)
    refused(lambda: actions.define_achievement(coop=coop, actor=person, **WORDS))
    refused(lambda: actions.update_achievement(achievement=achievement, actor=person, **WORDS))


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_refuses_to_issue_for_a_non_administrator(request, who, achievement):
    person = request.getfixturevalue(who)
    refused(
        lambda: actions.issue_credential(
            achievement=achievement, recipient_email="someone@example.org", actor=person
        )
    )


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_refuses_status_changes_from_a_non_administrator(request, who, issued, owner):
    person = request.getfixturevalue(who)
    reason = "Not theirs to change."
    refused(lambda: actions.revoke_credential(credential=issued, reason=reason, actor=person))
    refused(lambda: actions.suspend_credential(credential=issued, reason=reason, actor=person))
    actions.suspend_credential(credential=issued, reason="Under review.", actor=owner)
    refused(lambda: actions.reinstate_credential(credential=issued, reason=reason, actor=person))
    refused(lambda: actions.reissue_credential(credential=issued, actor=person))


def test_it_issues_for_a_source_on_the_word_of_the_app_that_granted_it(achievement, member):
    """A training's trainer or an award's organiser need not administer the cooperative: the
    action that granted the credential checked them (see the actions' module docstring)."""
    credential = actions.issue_credential(
        achievement=achievement, recipient=member, source="training:1:enrolment:1", actor=member
    )
    assert credential.source == "training:1:enrolment:1"
