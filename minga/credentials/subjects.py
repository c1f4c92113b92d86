"""How the audit log's pages name a credential (`credential:<uuid>`): by its achievement,
linking to its public page."""

from __future__ import annotations

import uuid

from django.urls import reverse

from .models import Credential


def find_credential(text: str, viewer: object) -> tuple[str, str] | None:
    try:
        key = uuid.UUID(text)
    except ValueError:
        return None
    found = Credential.objects.select_related("achievement").filter(uuid=key).first()
    if found is None:
        return None
    return found.achievement.name, reverse("credentials:detail", args=[found.uuid])
