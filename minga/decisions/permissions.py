"""Who may do what in a cooperative's decisions: the one place each view and the API ask.

Active members of every role read discussions and open polls and comment; associate members
read and comment but never vote (they are left out of every electorate). Administrators,
secretaries and board members start polls, open, close and cancel them and record outcomes.
Closed polls' results, minutes and receipt lists are public, like the audit log they cite.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from minga.coops.models import Cooperative, Membership
from minga.core.access import SignInRequired

from .models import Discussion, Poll

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
