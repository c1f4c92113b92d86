"""Reading an inbound SMS command: pure, no Django, never raises on any text.

Members answer a vote notice with a word and the poll's short code, in any of Minga's
languages and in any case: "YES 42", "no 42", "Abstain #42", "OUI 42", "BLOCK 42 the price is
too high" (a block needs a reason). "PROXY 123456" confirms a proxy with the code the member
received. "UNLOCK" asks for a code that lifts the lock on the member's voting PIN, and
"UNLOCK 123456" uses it. "CHECK <code>" checks a printed certificate by its check code (16
letters and digits, or 25 digits; spaces and dashes allowed), for anyone, registered or not.
Anything else is `None`, and the caller answers with a short help text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

POSITIONS = {
    "yes": ("YES", "Y", "AGREE", "SI", "OUI", "SIM", "ACCEPT"),
    "no": ("NO", "N", "DISAGREE", "NON", "NAO"),
    "abstain": ("ABSTAIN", "ABST", "ABSTENCION", "ABSTENTION", "ABSTENCAO"),
    "block": ("BLOCK", "BLOQUEO", "BLOQUER", "BLOQUEIO"),
}
PROXY_WORDS = ("PROXY", "PODER", "PROCURATION", "PROCURACAO")
UNLOCK_WORDS = ("UNLOCK", "DESBLOQUEAR", "DEBLOQUER")
CHECK_WORDS = ("CHECK", "VERIFICAR", "VERIFIER")
WORDS = {word: position for position, words in POSITIONS.items() for word in words}
MAX_LENGTH = 480
_COMMAND = re.compile(r"^([A-Z]+)\s*#?\s*([0-9]{1,12})(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class Vote:
    position: str  # "yes", "no", "abstain" or "block"
    poll: int
    reason: str = ""


@dataclass(frozen=True)
class ProxyConfirmation:
    code: str


@dataclass(frozen=True)
class Unlock:
    code: str = ""  # empty: send me a code


@dataclass(frozen=True)
class Check:
    code: str  # as typed: the credentials app reads either form of a check code


def _plain(text: str) -> str:
    """Upper case without accents ("não" -> "NAO"), spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split()).upper()


def parse(text: object) -> Vote | ProxyConfirmation | Unlock | Check | None:
    """The command in `text`, or None when it is not one."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_LENGTH:
        return None
    original = " ".join(text.split())
    word, _space, rest = _plain(original).partition(" ")
    if word in CHECK_WORDS:
        return Check(code=rest.strip())
    if _plain(original) in UNLOCK_WORDS:
        return Unlock()
    match = _COMMAND.match(_plain(original))
    if match is None:
        return None
    word, number, rest = match.group(1), match.group(2), match.group(3) or ""
    if word in PROXY_WORDS:
        return ProxyConfirmation(code=number) if not rest.strip() else None
    if word in UNLOCK_WORDS:
        return Unlock(code=number) if not rest.strip() else None
    position = WORDS.get(word)
    if position is None:
        return None
    if position == "block":
        # Keep the reason as the member wrote it, accents and case included.
        reason = original.split(number, 1)[1].strip() if number in original else ""
        return Vote(position=position, poll=int(number), reason=reason[:2000])
    if rest.strip():
        return None
    return Vote(position=position, poll=int(number))
