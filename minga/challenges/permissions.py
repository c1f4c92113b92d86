"""Who may do what with a need: the one place each view and action asks.

- Any active member of the cooperative drafts and edits its needs while they are editable;
  its administrators and secretaries submit them.
- Organisers (active administrators of an organising cooperative, or staff) read every need,
  follow it up and decide.
- Accepted needs are public; drafts, undecided and declined needs are seen only by the
  cooperative's members and organisers.
- Translators (a profile role) translate public needs; members translate their own.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from minga.accounts.vocab import Role
from minga.coops.models import Cooperative, Membership
from minga.coops.permissions import MANAGER_ROLES, active_membership

from .models import Need


def is_organiser(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        person=user,
        status=Membership.Status.ACTIVE,
        role=Membership.Role.ADMIN,
        coop__is_organiser=True,
    ).exists()


def can_draft(user, coop: Cooperative) -> bool:
    """Any active member of a cooperative may start a need of its own."""
    return user.is_authenticated and active_membership(user, coop) is not None


def is_coop_member(user, need: Need) -> bool:
    return user.is_authenticated and active_membership(user, need.coop) is not None


def can_view(user, need: Need) -> bool:
    return need.is_public or is_coop_member(user, need) or is_organiser(user)


def can_edit(user, need: Need) -> bool:
    return need.is_editable and is_coop_member(user, need)


def can_submit(user, need: Need) -> bool:
    if not need.can_move_to(Need.Status.SUBMITTED) or not user.is_authenticated:
        return False
    membership = active_membership(user, need.coop)
    return membership is not None and membership.role in MANAGER_ROLES


def can_review(user, need: Need) -> bool:
    return need.status == Need.Status.SUBMITTED and is_organiser(user)


def can_comment(user, need: Need) -> bool:
    return is_coop_member(user, need) or is_organiser(user)


def can_translate(user, need: Need) -> bool:
    if not user.is_authenticated:
        return False
    if is_coop_member(user, need):
        return True
    return Role.TRANSLATOR in user.roles and need.is_public


CHECKS = {
    "view": can_view,
    "edit": can_edit,
    "submit": can_submit,
    "review": can_review,
    "comment": can_comment,
    "translate": can_translate,
}


def check(user, need: Need, *, right: str) -> None:
    if not CHECKS[right](user, need):
        raise PermissionDenied


def get_need(user, pk: int, *, right: str = "view") -> Need:
    """The need `pk` if `user` has the right ("view", "edit", "submit", "review"...)."""
    need = get_object_or_404(Need.objects.select_related("coop", "owner"), pk=pk)
    check(user, need, right=right)
    return need
