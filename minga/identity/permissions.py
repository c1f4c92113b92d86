"""Who may see and change an identity's keys: the one place each key view asks.

A cooperative's keys, its did:webvh log and its witness list are its administrators'
(``coops.permissions.can_edit``); members and outsiders read only the public documents.
"""

from minga.coops.models import Cooperative
from minga.coops.permissions import get_coop


def get_coop_for_keys(user, slug: str) -> Cooperative:
    """The cooperative ``slug`` if ``user`` may manage its keys (404 / 403 otherwise)."""
    return get_coop(user, slug, need="edit")
