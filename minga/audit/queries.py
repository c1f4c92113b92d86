"""Reads of the private side of the log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Secret

if TYPE_CHECKING:
    from minga.accounts.models import User


def opening_of(commitment: str, *, viewer: User) -> tuple[str, bytes] | None:
    """(value, salt) behind a commitment, for its owner only; None for anyone else or if erased.

    The owner hands these to whoever should check the commitment in the public log.
    """
    secret = Secret.objects.filter(
        commitment=commitment, owner_id=viewer.pk, erased_at__isnull=True
    ).first()
    return None if secret is None else (secret.value, bytes(secret.salt))
