"""Who may do what in a cooperative's decisions: the one place views, the API and actions ask.

Active members of every role read discussions and open polls and comment; associate members
read and comment but never vote (they are left out of every electorate). Administrators,
secretaries and board members start polls, open, close and cancel them and record outcomes.
Closed polls' results, minutes and receipt lists are public, like the audit log they cite.
The same roles (staff aside) are the tellers of paper counts; the cooperative's administrators
set its voting statutes and register its agents. The treasurer may also put a question to the
vote (the year's surplus allocation, which the treasury's own action puts), though only those
roles run a poll further.

Views ask here first, for a friendly page; every action asks again (`check_*` below), so the
API, USSD, SMS, imports and the shell meet the same rule. An action run by the system (the
worker closing polls that are due, the command line) has no actor, and is not asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from minga.coops import permissions as coop_permissions
from minga.coops.models import Cooperative, Membership
from minga.core.access import SignInRequired

from .models import Agent, Channel, Discussion, Poll, Proxy
from .queries import electors_for

if TYPE_CHECKING:
    from minga.accounts.models import User

MANAGER_ROLES = {Membership.Role.ADMIN, Membership.Role.SECRETARY, Membership.Role.BOARD}


def membership_of(user, coop: Cooperative) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(
        coop=coop, person=user, status=Membership.Status.ACTIVE
    ).first()


def can_read(user, coop: Cooperative) -> bool:
    return user.is_authenticated and (user.is_staff or membership_of(user, coop) is not None)


def is_voting_member(user, coop: Cooperative) -> bool:
    """An active member who is not an associate: votes in the cooperative's polls."""
    membership = membership_of(user, coop)
    return membership is not None and membership.role != Membership.Role.ASSOCIATE


def can_start_discussion(user, coop: Cooperative) -> bool:
    return is_voting_member(user, coop)


def can_manage(user, coop: Cooperative) -> bool:
    if not user.is_authenticated:
        return False
    membership = membership_of(user, coop)
    return user.is_staff or (membership is not None and membership.role in MANAGER_ROLES)


def can_put_to_vote(user, coop: Cooperative) -> bool:
    """Creates and opens a poll: a manager, or the treasurer (see the module docstring)."""
    if can_manage(user, coop):
        return True
    membership = membership_of(user, coop)
    return membership is not None and membership.role == Membership.Role.TREASURER


def is_public(poll: Poll) -> bool:
    return poll.status == Poll.Status.CLOSED


def get_coop(user, slug: str, *, need: str = "read") -> Cooperative:
    """The cooperative `slug` if `user` may `need` ("read" or "manage") its decisions."""
    coop = get_object_or_404(Cooperative, slug=slug)
    allowed = can_manage(user, coop) if need == "manage" else can_read(user, coop)
    if not allowed:
        if not user.is_authenticated:
            raise SignInRequired
        raise PermissionDenied
    return coop


def get_discussion(user, slug: str, pk: int, *, need: str = "read") -> Discussion:
    coop = get_coop(user, slug, need=need)
    discussion = get_object_or_404(Discussion, coop=coop, pk=pk)
    discussion.coop = coop
    return discussion


def get_poll(user, slug: str, pk: int, *, need: str = "read") -> Poll:
    """A poll; closed ones are public (results, minutes, receipts), the rest for members."""
    poll = get_object_or_404(
        Poll.objects.select_related("coop", "discussion"), coop__slug=slug, pk=pk
    )
    if need == "public" and is_public(poll):
        return poll
    allowed = can_manage(user, poll.coop) if need == "manage" else can_read(user, poll.coop)
    if not allowed:
        if not user.is_authenticated:
            raise SignInRequired
        raise PermissionDenied
    return poll


def can_set_rules(user, coop: Cooperative) -> bool:
    """The statutes (proxies, agents, default electorate and quorum) and the agents are the
    administrators' (and staff's), as the cooperative's other settings."""
    return coop_permissions.can_edit(user, coop)


def is_teller(user, coop: Cooperative) -> bool:
    """Enters or confirms a paper count: an active administrator, secretary or board member."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        coop=coop, person=user, status=Membership.Status.ACTIVE, role__in=MANAGER_ROLES
    ).exists()


def active_agent(user, coop: Cooperative | int) -> Agent | None:
    """`user`'s agent registration in `coop` (or its key), while both it and their membership
    are active."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Agent.objects.filter(
        coop=coop,
        person=user,
        is_active=True,
        person__memberships__coop=coop,
        person__memberships__status=Membership.Status.ACTIVE,
    ).first()


def may_cast(
    user: User,
    *,
    coop_id: int,
    elector_id: int,
    person_id: int | None,
    member_coop_id: int | None,
    channel: str,
) -> bool:
    """May `user` put in the ballot of the elector `elector_id` (a person's, or a member
    cooperative's) of a poll of the cooperative `coop_id`, arriving by `channel`? The voter
    themselves; a member cooperative's active administrator; the holder of the voter's
    confirmed proxy, by proxy; an active agent of the cooperative, by agent. The voter's own
    case asks nothing more of the database: every ballot passes here (bench/bench_ballots.py).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if person_id is not None and person_id == user.pk:
        return True
    if person_id is None:
        return Membership.objects.filter(
            coop_id=member_coop_id,
            person=user,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.ADMIN,
        ).exists()
    if channel == Channel.PROXY:
        return Proxy.objects.filter(
            elector_id=elector_id,
            holder=user,
            status__in=(Proxy.Status.CONFIRMED, Proxy.Status.USED),
        ).exists()
    if channel == Channel.AGENT:
        return active_agent(user, coop_id) is not None
    return False


# --- the checks every action makes (the views asked already, for a friendly page) ------------


def check_reader(actor: User | None, coop: Cooperative) -> None:
    if actor is not None and not can_read(actor, coop):
        raise PermissionDenied(_("Only the cooperative's members take part in its decisions."))


def check_discussion_starter(actor: User | None, coop: Cooperative) -> None:
    if actor is not None and not can_start_discussion(actor, coop):
        raise PermissionDenied(_("Only the cooperative's voting members start discussions."))


def check_poll_starter(actor: User | None, coop: Cooperative) -> None:
    if actor is not None and not can_put_to_vote(actor, coop):
        raise PermissionDenied(
            _("Only the cooperative's administrators, secretaries and board members run its polls.")
        )


def check_manager(actor: User | None, coop: Cooperative) -> None:
    if actor is not None and not can_manage(actor, coop):
        raise PermissionDenied(
            _("Only the cooperative's administrators, secretaries and board members run its polls.")
        )


def check_elector(actor: User, poll: Poll) -> None:
    """A vote's receipt goes only to someone with a vote in the poll."""
    if not electors_for(actor, poll):
        raise PermissionDenied(_("Only the poll's voters have its receipts sent to them."))
