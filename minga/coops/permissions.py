"""Who may do what in a cooperative: the one place each view and action asks.

Views ask first, for a friendly page; every action asks again (`check`, `check_grant_role`),
so the admin, imports and the shell meet the same rule.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import Cooperative, Membership

MANAGER_ROLES = {Membership.Role.ADMIN, Membership.Role.SECRETARY}
# Roles that govern the cooperative: only an administrator gives them, or takes them away.
GOVERNING_ROLES = {Membership.Role.ADMIN, Membership.Role.BOARD}


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


def can_grant_role(user, coop: Cooperative, role: str) -> bool:
    """May `user` give `role` in `coop`, by invitation, membership change or import?

    Managers (administrators and secretaries) give roles; administrator and board member
    only an administrator gives. The one rule every path applies, in the actions.
    """
    if role in GOVERNING_ROLES:
        return can_edit(user, coop)
    return can_manage_members(user, coop)


def check_grant_role(user, coop: Cooperative, role: str) -> None:
    """Raise a translated ValidationError unless `user` may give `role` in `coop`."""
    if can_grant_role(user, coop, role):
        return
    if role in GOVERNING_ROLES and can_manage_members(user, coop):
        message = _("Only administrators can give or take away the role “%(role)s”.")
    else:
        message = _("Only the cooperative's administrators and secretaries can give roles.")
    label = dict(Membership.Role.choices).get(role, role)
    raise ValidationError(message, code="role_not_allowed", params={"role": label})


CHECKS = {"member": is_member, "manage": can_manage_members, "edit": can_edit}


def check(user, coop: Cooperative, *, need: str) -> None:
    """Raise PermissionDenied unless `user` has the `need` right in `coop` (the actions' check)."""
    if not CHECKS[need](user, coop):
        messages = {
            "member": _("Only the cooperative's members can do this."),
            "manage": _("Only the cooperative's administrators and secretaries manage members."),
            "edit": _("Only the cooperative's administrators can change it."),
        }
        raise PermissionDenied(messages[need])


def get_coop(user, slug: str, *, need: str) -> Cooperative:
    """The cooperative `slug` if `user` has the `need` right ("member", "manage", "edit")."""
    coop = get_object_or_404(Cooperative, slug=slug)
    if not CHECKS[need](user, coop):
        raise PermissionDenied
    return coop
