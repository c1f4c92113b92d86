"""System checks: the master key must be usable before any key is generated or used.

Without them a misconfigured production server would start, serve pages, and
fail only at the first cooperative registration or log checkpoint.
"""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def _problem(hint: str) -> list[CheckMessage]:
    from .keys import master_key

    try:
        master_key()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint=hint, id="identity.E001")]
    return []


@register(Tags.security)
def check_configured_master_key(app_configs=None, **kwargs) -> list[CheckMessage]:
    """A master key that is configured must be well formed (checked on every start)."""
    if not (settings.MINGA_MASTER_KEY or settings.MINGA_MASTER_KEY_FILE):
        return []
    if settings.MINGA_MASTER_KEY_FILE_AUTOCREATE and not settings.MINGA_MASTER_KEY:
        return []  # development: created on first use
    return _problem("MINGA_MASTER_KEY is 32 random bytes encoded in base64.")


@register(Tags.security, deploy=True)
def check_master_key_for_deployment(app_configs=None, **kwargs) -> list[CheckMessage]:
    """A deployment must have a master key to seal the signing keys."""
    return _problem("Set MINGA_MASTER_KEY (or MINGA_MASTER_KEY_FILE) before going live.")
