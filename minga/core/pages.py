"""Small helpers the apps' views share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def fail(request: HttpRequest, error: ValidationError) -> None:
    """Tell the person why an action refused (it changed nothing), on the next page shown."""
    messages.error(request, " ".join(error.messages))
