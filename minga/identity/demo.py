"""The demo's identities: the platform and every cooperative start their did:webvh logs."""

from minga.coops.models import Cooperative
from minga.identity import actions, didlogs


def load(*, people, coops, stdout) -> None:
    """Idempotent: a log that exists is left as it is."""
    for coop in [None, *Cooperative.objects.order_by("pk")]:
        if didlogs.log_of(coop) is None and (coop is None or coop.keys.filter(is_active=True)):
            actions.ensure_did_log(coop=coop, actor=None)
