"""Changes to the private side of the log: the public entries themselves never change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .log import person, record
from .models import Secret

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User


@transaction.atomic
def erase_private_values(*, owner: User, actor: User) -> int:
    """Forget the personal values (and salts) behind `owner`'s commitments: right to erasure.

    The public entries keep their commitments, which nobody can open any more, so the log stays
    verifiable. The erasure itself is recorded. Returns how many values were erased.
    """
    # The log knows people as Django's base user; the staff flag is the user model's.
    is_staff = isinstance(actor, get_user_model()) and actor.is_staff
    if actor.pk != owner.pk and not is_staff:
        raise PermissionDenied("Only the owner or staff can erase private values.")
    erased = Secret.objects.filter(owner_id=owner.pk, erased_at__isnull=True).update(
        value="", salt=b"", erased_at=timezone.now()
    )
    record(
        "audit.private_values_erased",
        "person",
        {"count": erased},
        actor,
        private={"person": person(owner)},
        owner=owner,
    )
    return erased
