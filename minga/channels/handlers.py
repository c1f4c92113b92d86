"""What inbound messages are handed to, registered by the apps at start-up.

Channels serves every app (accounts sends its sign-in codes through it), so it imports none:
the app answering USSD registers its menu (`register_ussd`), the one answering SMS its handler
(`register_sms`), accounts how to find a phone's language (`register_language`) and identity
the master key the inbound digests are keyed with (`register_secret`), each in its
`AppConfig.ready`. The answer types (`Reply`, `Answer`) live here so that handlers need nothing
else from channels. A missing registration is a configuration error, raised on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

NOTICE = "notice"  # OutboundMessage.Kind.NOTICE, without loading the models here
# The longest USSD screen the gateways show whole (Africa's Talking: 182 characters).
USSD_SCREEN = 182


@dataclass(frozen=True)
class Reply:
    """A USSD answer: `text` starts with "CON " or "END "; `asks_secret` when it asks a PIN."""

    text: str
    asks_secret: bool = False


@dataclass(frozen=True)
class Answer:
    """An SMS handler's answer: its text, the kind of message it is (a secret or a notice), and
    whether the inbound message carried a vote (then nothing of its text is kept)."""

    text: str
    kind: str = NOTICE
    carried_vote: bool = False


_registered: dict[str, Any] = {}


def register_ussd(menu: Callable[..., Reply]) -> None:
    """`menu(*, phone, text, shown) -> Reply` answers every USSD step."""
    _registered["ussd"] = menu


def register_sms(handler: Callable[..., Answer | str | None]) -> None:
    """`handler(*, phone, text)` acts on every inbound SMS; its answer goes back by SMS."""
    _registered["sms"] = handler


def register_language(lookup: Callable[[str], str | None]) -> None:
    """`lookup(phone)`: the language of the account with this verified number, or None."""
    _registered["language"] = lookup


def register_secret(secret: Callable[[], bytes]) -> None:
    """`secret()`: the master key (kept outside the database) the inbound digests derive from."""
    _registered["secret"] = secret


def _get(name: str, app: str) -> Any:
    try:
        return _registered[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"channels has no {name} handler registered: is the {app} app installed?"
        ) from None


def ussd_menu() -> Callable[..., Reply]:
    menu: Callable[..., Reply] = _get("ussd", "decisions")
    return menu


def sms_handler() -> Callable[..., Answer | str | None]:
    handler: Callable[..., Answer | str | None] = _get("sms", "decisions")
    return handler


def language_of(phone: str) -> str | None:
    language: str | None = _get("language", "accounts")(phone)
    return language


def secret() -> bytes:
    key: bytes = _get("secret", "identity")()
    return key
