"""The needs a cooperative has in the public catalogue, on its page (see `minga.core.home`)."""

from __future__ import annotations

import datetime

from .models import Need

ORDER = 10  # its place on the home page (see minga.core.home)

SHOWN = 10


def coop_section(coop, user, now: datetime.datetime) -> dict | None:
    needs = list(Need.objects.accepted().filter(coop=coop).order_by("-pk")[:SHOWN])
    return {"needs": needs} if needs else None
