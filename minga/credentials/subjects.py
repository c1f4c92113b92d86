"""How the audit log's pages name a credential (`credential:<uuid>`) and a training
(`training:<pk>`): both have public pages at their own URLs."""

from __future__ import annotations

import uuid

from django.urls import reverse

from .models import Credential
from .models_trainings import Training


def find_credential(text: str, viewer: object) -> tuple[str, str] | None:
    try:
        key = uuid.UUID(text)
    except ValueError:
        return None
    found = Credential.objects.select_related("achievement").filter(uuid=key).first()
    if found is None:
        return None
    return found.achievement.name, reverse("credentials:detail", args=[found.uuid])


def find_training(pk: str, viewer: object) -> tuple[str, str] | None:
    if not pk.isdigit():
        return None
    training = Training.objects.filter(pk=int(pk)).only("title").first()
    return (training.title, training.get_absolute_url()) if training else None
