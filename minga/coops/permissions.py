"""Who may do what in a cooperative: the one place each view asks."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Cooperative, Membership

MANAGER_ROLES = {Membership.Role.ADMIN, Membership.Role.SECRETARY}


def active_membership(user, coop: Cooperative) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(
        coop=coop, person=user, status=Membership.Status.ACTIVE
    ).first()


def is_member(user, coop: Cooperative) -> bool:
    return user.is_authenticated and (user.is_staff or active_membership(user, coop) is not None)


def can_manage_members(user, coop: Cooperative) -> bool:
    if not user.is_authenticated:
        return False
    membership = active_membership(user, coop)
    return user.is_staff or (membership is not None and membership.role in MANAGER_ROLES)


def can_edit(user, coop: Cooperative) -> bool:
    if not user.is_authenticated:
        return False
    membership = active_membership(user, coop)
    return user.is_staff or (membership is not None and membership.role == Membership.Role.ADMIN)


CHECKS = {"member": is_member, "manage": can_manage_members, "edit": can_edit}


def get_coop(user, slug: str, *, need: str) -> Cooperative:
    """The cooperative `slug` if `user` has the `need` right ("member", "manage", "edit")."""
    coop = get_object_or_404(Cooperative, slug=slug)
    if not CHECKS[need](user, coop):
        raise PermissionDenied
    return coop
