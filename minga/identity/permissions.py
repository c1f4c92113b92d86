"""Who may see and change an identity's keys: the one place each key view and action asks.

A cooperative's keys, its did:webvh log and its witness list are its administrators'
(``coops.permissions.can_edit``); the platform's are a superuser's; members and outsiders
read only the public documents. An action called with no actor is the platform's own step
(founding a cooperative, a command run by the operator) and is not refused.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from minga.accounts.models import User
from minga.coops.models import Cooperative
from minga.coops.permissions import can_edit, get_coop


def can_change_keys(user: User, coop: Cooperative | None) -> bool:
    """May ``user`` rotate, retire or declare compromised the keys of ``coop`` (None: the
    platform's), or change its witnesses?"""
    if coop is None:
        return user.is_authenticated and user.is_superuser
    return can_edit(user, coop)


def check_change_keys(user: User | None, coop: Cooperative | None) -> None:
    if user is not None and not can_change_keys(user, coop):
        raise PermissionDenied(_("Only an administrator may change this identity's keys."))


def check_witness(user: User | None, witness: Cooperative) -> None:
    """Refuse unless ``user`` administers ``witness``, which approves another's log entry."""
    if user is not None and not can_edit(user, witness):
        raise PermissionDenied(_("Only an administrator of the witness may approve."))


def get_coop_for_keys(user, slug: str) -> Cooperative:
    """The cooperative ``slug`` if ``user`` may manage its keys (404 / 403 otherwise)."""
    return get_coop(user, slug, need="edit")
