"""How the audit log's pages name a cooperative (`coop:<slug>`): directory pages are public."""

from __future__ import annotations

from .models import Cooperative


def find_coop(slug: str, viewer: object) -> tuple[str, str] | None:
    coop = Cooperative.objects.filter(slug=slug).only("name", "slug").first()
    return (coop.name, coop.get_absolute_url()) if coop else None
