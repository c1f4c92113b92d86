"""Every change to events, registrations, teams and proposals: atomic, audited, notices on commit.

Time rules (registration window, sealed challenges, the proposal deadline) are checked here,
against the clock at the moment of the change, so no view, API or script can get round them.
So is who may make the change: each action asks `minga.events.permissions` about its `actor`
and refuses with `PermissionDenied`, whoever calls it (views ask first for a friendly page).

One module per concern; callers import `minga.events.actions` and find every action here.
"""

from .challenges import add_challenge, remove_challenge
from .common import EVENT_FIELDS, PROPOSAL_FIELDS, REGISTRATION_FIELDS
from .events import (
    add_faq_entry,
    add_prize,
    cancel_event,
    clone_event,
    create_event,
    extend_deadline,
    publish_event,
    remove_faq_entry,
    remove_prize,
    shift_phases,
    update_event,
)
from .proposals import check_team_size, save_proposal
from .registrations import (
    check_registration_open,
    profile_defaults,
    register_organisation,
    register_person,
    update_registration,
    withdraw_registration,
)
from .teams import (
    accept_invitation,
    accept_request,
    choose_challenge,
    create_team,
    decline,
    invite_to_team,
    leave_team,
    request_to_join,
    start_team_with,
    update_team,
)

__all__ = [
    "EVENT_FIELDS",
    "PROPOSAL_FIELDS",
    "REGISTRATION_FIELDS",
    "accept_invitation",
    "accept_request",
    "add_challenge",
    "add_faq_entry",
    "add_prize",
    "cancel_event",
    "check_registration_open",
    "check_team_size",
    "choose_challenge",
    "clone_event",
    "create_event",
    "create_team",
    "decline",
    "extend_deadline",
    "invite_to_team",
    "leave_team",
    "profile_defaults",
    "publish_event",
    "register_organisation",
    "register_person",
    "remove_challenge",
    "remove_faq_entry",
    "remove_prize",
    "request_to_join",
    "save_proposal",
    "shift_phases",
    "start_team_with",
    "update_event",
    "update_registration",
    "update_team",
    "withdraw_registration",
]
