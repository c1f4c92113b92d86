"""The log's health checks (registered with `minga.core.health` when the app is ready).

The log is healthy when every committed entry is covered by a signed checkpoint soon after it
was written (else the checkpoint worker is not running), and when the latest checkpoint does
not wait for its witness quorum for long (else witnesses are down or refusing: see
`/log/witness` on theirs).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from minga.core.health import Check

from . import log
from .models import Entry


def checkpoint() -> Check:
    head = log.head_size()
    latest = log.latest_signed_checkpoint()
    covered = latest.size if latest is not None else 0
    figures = {"entries": head, "checkpoint_size": covered}
    if latest is not None:
        figures["checkpoint_age_seconds"] = round(
            (timezone.now() - latest.created_at).total_seconds()
        )
    if head > covered:
        first = Entry.objects.filter(index=covered).values_list("created_at", flat=True).first()
        waited = 0 if first is None else round((timezone.now() - first).total_seconds())
        figures["unsigned_entries"] = head - covered
        bound = settings.MINGA_HEALTH_CHECKPOINT_SECONDS
        if waited > bound:
            return Check(
                False,
                f"{head - covered} entries have waited {waited} s for a checkpoint (bound "
                f"{bound} s): is `minga worker` running?",
                figures,
            )
    return Check(True, f"{covered} of {head} entries under a signed checkpoint", figures)


def witnesses() -> Check:
    quorum = settings.MINGA_LOG_WITNESS_QUORUM
    latest = log.latest_signed_checkpoint()
    if latest is None:
        return Check(True, "no checkpoint yet", {"quorum": quorum})
    cosigned = log.cosigner_count(latest)
    figures = {"quorum": quorum, "cosignatures": cosigned, "published": bool(latest.published_at)}
    if latest.published_at is None:
        waited = round((timezone.now() - latest.created_at).total_seconds())
        bound = settings.MINGA_HEALTH_WITNESS_SECONDS
        if waited > bound:
            return Check(
                False,
                f"checkpoint {latest.size} has waited {waited} s for {quorum} cosignatures and "
                f"has {cosigned} (bound {bound} s)",
                figures,
            )
        return Check(True, f"checkpoint {latest.size} waits for its witnesses", figures)
    return Check(True, f"checkpoint {latest.size} published, {cosigned} cosignatures", figures)
