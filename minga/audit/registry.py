"""What the log needs from the apps above it, handed over at start-up.

The log signs checkpoints with the platform's key and shows members the private values of their
cooperatives, but keys belong to `minga.identity` and memberships to `minga.coops`, and both
record their changes in the log: they sit above audit. So audit imports neither; each registers
what it offers in its `AppConfig.ready` (identity its `KeyHolder`, coops `member_coops`), and
the log calls it here. A missing registration is a configuration error, raised on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )


@dataclass(frozen=True)
class KeyHolder:
    """The platform's keys as the log uses them.

    `signing_key()`: the active private key (created on first use); `public_keys()`: every
    platform public key ever used, oldest first, with whether it is the active one (old
    checkpoints stay verifiable after a rotation); `active_public_key()`: the active one.
    """

    signing_key: Callable[[], Ed25519PrivateKey]
    public_keys: Callable[[], list[tuple[Ed25519PublicKey, bool]]]
    active_public_key: Callable[[], Ed25519PublicKey]


_registered: dict[str, Any] = {}


def register_key_holder(holder: KeyHolder) -> None:
    _registered["keys"] = holder


def register_member_coops(lookup: Callable[[int], Any]) -> None:
    """`lookup(person_id)`: the ids of the cooperatives the person is an active member of (a
    list or a subquery of `coop_id` values)."""
    _registered["member_coops"] = lookup


def _get(name: str, app: str) -> Any:
    try:
        return _registered[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"the audit log has no {name} registered: is the {app} app installed?"
        ) from None


def keys() -> KeyHolder:
    holder: KeyHolder = _get("keys", "identity")
    return holder


def member_coops(person_id: int) -> Any:
    return _get("member_coops", "coops")(person_id)
