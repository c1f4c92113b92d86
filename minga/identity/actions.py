"""Changes to signing keys: atomic, permission-checked, and written to the audit log.

The log entries carry only public facts (the DID and Multikey values), so anyone
reading the log can follow a cooperative's key history and check that a
signature was made with a key that was current at the time.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga import audit
from minga.accounts.models import User
from minga.coops.models import Cooperative
from minga.coops.permissions import can_edit

from .dids import coop_did, platform_did
from .keys import create_key, ensure_platform_key, private_key
from .models import Key


def _subject(coop: Cooperative | None) -> str:
    return f"coop:{coop.slug}" if coop is not None else "platform"


@transaction.atomic
def generate_coop_key(*, coop: Cooperative, actor: User | None) -> Key:
    """Give a new cooperative its first signing key (called when the cooperative is created).

    A cooperative that already has a key rotates it instead, so that the old
    public key stays published.
    """
    if Key.objects.filter(coop=coop, is_active=True).exists():
        raise ValidationError(
            _("This cooperative already has a signing key; rotate it instead."),
            code="key_exists",
        )
    key = create_key(coop=coop)
    audit.record(
        "identity.key.generated",
        _subject(coop),
        {"did": coop_did(coop), "key": key.public_key_multibase},
        actor,
    )
    return key


def _may_rotate(actor: User, coop: Cooperative | None) -> bool:
    if coop is None:
        return actor.is_authenticated and actor.is_superuser
    return can_edit(actor, coop)


@transaction.atomic
def rotate_key(*, coop: Cooperative | None, actor: User) -> Key:
    """Replace the active key of ``coop`` (or of the platform, when None) with a new one.

    The old row stays, inactive, with its public key still published so that
    what it signed keeps verifying; its private key is wiped so it can never
    sign again. Only the cooperative's administrators (or, for the platform, a
    superuser) may rotate.
    """
    if not _may_rotate(actor, coop):
        raise PermissionDenied(_("Only an administrator may rotate this signing key."))
    if coop is None:
        ensure_platform_key()
    old = Key.objects.select_for_update().filter(coop=coop, is_active=True).first()
    # The platform's key signs the log's checkpoints: its last signature vouches for the next.
    retiring = private_key(old) if old is not None and coop is None else None
    if old is not None:
        old.is_active = False
        old.rotated_at = timezone.now()
        old.encrypted_private_key = b""
        old.save(update_fields=["is_active", "rotated_at", "encrypted_private_key"])
    new = create_key(coop=coop)
    audit.record(
        "identity.key.rotated",
        _subject(coop),
        {
            "did": coop_did(coop) if coop is not None else platform_did(),
            "old_key": old.public_key_multibase if old is not None else None,
            "new_key": new.public_key_multibase,
        },
        actor,
    )
    if retiring is not None:
        from minga.audit.log import record_key_handover
        from minga.audit.witness import announce_handover

        handed_over = record_key_handover(retiring, private_key(new), actor)
        announce_handover(handed_over)
    return new
