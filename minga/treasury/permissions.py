"""Who may do what in a cooperative's books: the one place views, the API and actions ask.

- treasurer (maker): keeps the books: posts, opens accounts and years, closes periods;
- board members and administrators (checkers): read everything, approve, decide reopenings;
  they never post;
- supervisory committee: reads everything and answers disputes; never posts;
- members: their own accounts and the cooperative's reports for closed periods;
- the public: nothing, unless the cooperative publishes its annual accounts (closed years).

Platform staff get no access to a cooperative's books by being staff.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from minga.coops.models import Cooperative, Membership

from .models import Books, MemberAccount

TREASURER = "treasurer"
CHECKER = "checker"
SUPERVISORY = "supervisory"
MEMBER = "member"

_ROLES: dict[str, str] = {
    Membership.Role.TREASURER: TREASURER,
    Membership.Role.BOARD: CHECKER,
    Membership.Role.ADMIN: CHECKER,
    Membership.Role.SUPERVISORY: SUPERVISORY,
}


def membership_of(user, coop: Cooperative) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(
        coop=coop, person=user, status=Membership.Status.ACTIVE
    ).first()


def treasury_role(user, coop: Cooperative) -> str:
    """ "treasurer", "checker", "supervisory", "member", or "" for anyone else."""
    membership = membership_of(user, coop)
    if membership is None:
        return ""
    return _ROLES.get(membership.role, MEMBER)


def can_keep_books(user, coop: Cooperative) -> bool:
    """Post entries, open accounts and fiscal years, close periods: the treasurer (maker)."""
    return treasury_role(user, coop) == TREASURER


def can_check(user, coop: Cooperative) -> bool:
    """Approve what the treasurer prepared, decide a period's reopening: board, administrators."""
    return treasury_role(user, coop) == CHECKER


def can_read_books(user, coop: Cooperative) -> bool:
    """Every account, entry and member's statement: treasurer, checkers, supervisory committee."""
    return treasury_role(user, coop) in {TREASURER, CHECKER, SUPERVISORY}


def can_read_reports(user, coop: Cooperative) -> bool:
    """The cooperative's reports (for members: those of closed periods)."""
    return treasury_role(user, coop) != ""


def can_see_member(user, account: MemberAccount) -> bool:
    """A member's statement: the member themselves, or those who read all the books."""
    if user is None or not user.is_authenticated:
        return False
    if account.membership.person_id == user.pk and account.membership.is_active:
        return True
    return can_read_books(user, account.coop)


CHECKS = {
    "keep": can_keep_books,
    "check": can_check,
    "read": can_read_books,
    "reports": can_read_reports,
}


def require(user, coop: Cooperative, need: str) -> None:
    """Raise PermissionDenied unless `user` has the `need` right in `coop`'s books."""
    if not CHECKS[need](user, coop):
        raise PermissionDenied


def get_books(user, slug: str, *, need: str) -> Books:
    """The books of cooperative `slug` if `user` has the `need` right (404 for strangers)."""
    books = get_object_or_404(Books.objects.select_related("coop"), coop__slug=slug)
    if need == "public" and books.publishes_annual_accounts:
        return books
    if need == "public":
        need = "reports"
    if not CHECKS[need](user, books.coop):
        if user is None or not user.is_authenticated or not treasury_role(user, books.coop):
            raise Http404
        raise PermissionDenied
    return books
