"""Who may do what with achievements and credentials: the one place each view asks.

A cooperative's administrators (and staff) define its achievements, issue its credentials
and revoke, suspend or reinstate them: the views ask first, for a friendly page, and every
action asks again (`check_issuer`). A credential's page, its JSON, its printable form
and its PDF are open to anyone holding the link: the link is an unguessable UUID, and a
credential exists to be shown to whoever its holder chooses.

`is_holder` is the proof of possession the credential module promises: the document names
its subject by a random identifier only, and a signed-in person is told the credential is
theirs when it names their account or was sent to their verified e-mail address.
"""

import hmac

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from minga.coops.models import Cooperative
from minga.coops.permissions import can_edit

from .models import Achievement, Credential


def can_issue(user, coop: Cooperative) -> bool:
    return can_edit(user, coop)


def check_issuer(actor, coop: Cooperative) -> None:
    """Raise PermissionDenied unless `actor` administers `coop`'s credentials; no actor is the
    system (the command line re-issuing credentials, an award's achievement)."""
    if actor is not None and not can_issue(actor, coop):
        raise PermissionDenied(_("Only the cooperative's administrators issue its credentials."))


def is_holder(user, credential: Credential) -> bool:
    """Was `credential` issued to `user` (signed in)?"""
    if not user.is_authenticated:
        return False
    if credential.recipient_id is not None:
        return credential.recipient_id == user.pk
    if not (credential.contact_hmac and user.email and user.is_email_verified):
        return False
    from .credential import contact_hmac

    return hmac.compare_digest(contact_hmac(user.email.strip().lower()), credential.contact_hmac)


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
        Credential.objects.select_related("achievement", "coop", "recipient", "replaced_by"),
        uuid=uuid,
    )
    if manage and not can_issue(user, credential.coop):
        raise PermissionDenied
    return credential
