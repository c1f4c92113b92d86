"""How the audit log's pages name a need (`need:<pk>`): drafts only for those who may see them."""

from __future__ import annotations

from .models import Need
from .permissions import can_view


def find_need(pk: str, viewer: object) -> tuple[str, str] | None:
    if not pk.isdigit():
        return None
    need = Need.objects.select_related("coop", "owner").filter(pk=int(pk)).first()
    if need is None or not can_view(viewer, need):
        return None
    return need.title, need.get_absolute_url()
