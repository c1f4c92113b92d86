"""Who may do what with achievements and credentials: the one place each view asks.

A cooperative's administrators (and staff) define its achievements, issue its credentials
and revoke, suspend or reinstate them. A credential's page, its JSON, its printable form
and its PDF are open to anyone holding the link: the link is an unguessable UUID, and a
credential exists to be shown to whoever its holder chooses.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from minga.coops.models import Cooperative
from minga.coops.permissions import can_edit

from .models import Achievement, Credential


def can_issue(user, coop: Cooperative) -> bool:
    return can_edit(user, coop)


def get_issuer(user, slug: str) -> Cooperative:
    """The cooperative `slug` if `user` administers its credentials."""
    coop = get_object_or_404(Cooperative, slug=slug)
    if not can_issue(user, coop):
        raise PermissionDenied
    return coop


def get_achievement(user, uuid, *, manage: bool = False) -> Achievement:
    achievement = get_object_or_404(Achievement.objects.select_related("coop"), uuid=uuid)
    if manage and not can_issue(user, achievement.coop):
        raise PermissionDenied
    return achievement


def get_credential(user, uuid, *, manage: bool = False) -> Credential:
    credential = get_object_or_404(
        Credential.objects.select_related("achievement", "coop", "recipient"), uuid=uuid
    )
    if manage and not can_issue(user, credential.coop):
        raise PermissionDenied
    return credential
