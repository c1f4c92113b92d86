"""Publishing the log's full tiles and entry bundles to object storage (STORAGES["tiles"]).

Run by the checkpoint job after each checkpoint, outside its transaction. Only full tiles are
published: they never change, so an object store or a CDN can serve them for good at their C2SP
tlog-tiles paths (`tile/<L>/<N>`, `tile/entries/<N>`, below MINGA_S3_TILES_PREFIX). Partial
tiles and the checkpoint stay with `/log/`, which keeps serving every tile from the database.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from . import log
from .models import TilePublication
from .tiles import TILE_HEIGHT, TILE_WIDTH, TileRef


def is_configured() -> bool:
    return "tiles" in settings.STORAGES


def publish_tiles() -> int:
    """Upload the full tiles and entry bundles of the latest published checkpoint that are not
    yet published; how many objects were written.

    Idempotent: progress is saved after the uploads, so a run cut short rewrites a few
    immutable objects with the same bytes, and nothing is skipped.
    """
    if not is_configured():
        return 0
    latest = log.latest_checkpoint()
    if latest is None:
        return 0
    state = TilePublication.objects.filter(pk=1).first()
    done = state.size if state else 0
    if latest.size <= done:
        return 0
    storage = storages["tiles"]
    written, level = 0, 0
    while (count := latest.size >> (TILE_HEIGHT * level)) >= TILE_WIDTH:
        first = (done >> (TILE_HEIGHT * level)) // TILE_WIDTH
        for index in range(first, count // TILE_WIDTH):
            refs = [TileRef(level, index)] + ([TileRef(None, index)] if level == 0 else [])
            for ref in refs:
                data = log.tile_contents(ref, latest.size)
                if data is None:  # cannot happen for a full tile of a signed tree
                    raise log.LogError(f"tile {ref.path} is missing from checkpoint {latest.size}")
                storage.save(ref.path, ContentFile(data))
                written += 1
        level += 1
    TilePublication.objects.update_or_create(
        pk=1, defaults={"size": latest.size, "updated_at": timezone.now()}
    )
    return written
