"""The log's periodic job, run by `minga worker` (registered in AuditConfig.ready)."""

from __future__ import annotations

import datetime

from . import log, publish, witness


def sign_checkpoint(now: datetime.datetime) -> str | None:
    """Sign a checkpoint when entries arrived, gather witnesses' cosignatures for it (or for the
    latest one, still waiting for its quorum), then publish the new full tiles to object storage
    when it is configured (after the commit: a checkpoint never waits for the store)."""
    report = _checkpoint()
    published = publish.publish_tiles()
    if published:
        report = f"{report or 'no new checkpoint'}, {published} tiles published"
    return report


def _checkpoint() -> str | None:
    checkpoint = log.create_checkpoint()
    if checkpoint is None:  # nothing new: a checkpoint may still wait for its witnesses
        waiting = log.latest_signed_checkpoint()
        if waiting is not None and waiting.published_at is None:
            witness.collect_cosignatures(waiting)
            if waiting.published_at is not None:
                return f"checkpoint {waiting.size} published"
        return None
    cosigned = witness.collect_cosignatures(checkpoint)
    state = "published" if checkpoint.published_at else "waiting for its witnesses"
    return f"checkpoint {checkpoint.size} signed, {cosigned} cosignatures, {state}"
