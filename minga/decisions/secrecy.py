"""Secret ballots: what is promised, to whom, and the keys, seals and receipts that keep it.

What is promised (a "pairing" is knowing, better than chance, which voter cast which ballot or
chose what):

* Someone holding every byte of the database files while a poll is open (the main file, the
  SQLite `-wal` and `-shm`, every table, free pages included), but not the master key, cannot
  pair. Ballots are sealed (AES-GCM) under the poll's key and filed under the voter's token
  (an HMAC under that key), in a table ordered by the token (SQLite: WITHOUT ROWID), so the
  place of a row says nothing; the commitments for the public log wait in a table ordered by
  random ids and reach the log in shuffled batches (`actions.flush_commitments`), so neither
  the log's order nor its times follow the order of voting. What such a reader does see: who
  voted, by which channel, how many times they changed their vote, and, by comparing copies
  taken at different moments (or the frames of the `-wal` file), in which order people voted
  and which sealed row and which pending commitment a voter's request wrote. None of it opens
  without the master key: the sealed row is ciphertext, padded to whole blocks so that its
  size says nothing of the choice (`SEAL_BLOCK`; only an unusually long ranking or reason
  takes a second block), and a commitment is an HMAC under a key derived from the master key.
* After closing, someone holding the database files and the master key cannot pair either.
  Closing opens the sealed ballots, writes them as plain ballots in random order (each under
  the random id it was sealed with, which never appeared in clear before), deletes the sealed
  rows and every pending commitment, wipes the salt, and makes that durable: SQLite's
  `secure_delete` zeroes what is deleted, then a truncating checkpoint empties the `-wal`
  file; PostgreSQL rewrites the tables involved (VACUUM FULL), so the old row versions leave
  the data files. Without the salt the tokens cannot be recomputed, so nothing leads from an
  elector to a ballot. The commitments stay in the log, but a commitment needs the receipt
  (ten digits, held by the voter alone) to be matched with a ballot, and knowing it was
  written with some voter's request was only ever visible in files taken while open.
* The operator (who holds the master key and the live database while the poll is open) can
  pair: they can derive the poll key and open every sealed ballot. The secrecy against the
  operator is organisational (the key kept apart from the data, `minga backup` copies taken
  while polls are open treated as secret), not cryptographic. What the application cannot
  reach and therefore cannot wipe: backups and copies taken while a poll was open,
  PostgreSQL's write-ahead log (`pg_wal`, until its segments are recycled), its archives and
  its replicas' files, the file system's or the disk's own copies of freed blocks
  (journals, SSD wear levelling, snapshots). Whoever holds such a copy and the master key holds
  the poll's salt, and can pair; keep them as secret as the master key, or do not keep them.
* A member holding a receipt can check that the ballot it belongs to is counted (or, while the
  poll is open, that it is stored and its commitment pending or in the log); the check never
  shows the choice. A receipt handed to someone else does not show how its holder voted: the
  public list of commitments cannot be searched for a choice without the key and the ballot's
  id. It cannot prove which ballot is the holder's last, either (a later vote replaces it).

The limit of all this is the receipt's size: ten digits are about 2^33 tries. Someone with the
master key after closing can try every receipt against every counted ballot and so tell which
log entry, hence which shuffled batch, a ballot's commitment came in; a batch is at least
`actions.MIN_BATCH` ballots (or all the ballots pending when the poll closed), so that narrows
a ballot to the voters of a batch, never to one voter unless a batch had one voter only.

The receipt is ten random digits, typable on any phone keypad and short enough for an SMS or a
USSD screen. The ballot's public commitment is a keyed hash (see `commitment`) of the receipt,
the ballot's random id and the canonical choice.
"""

from __future__ import annotations

import functools
import hmac
import json
import re
import secrets
import uuid
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from minga.identity.keys import master_key

SALT_SIZE = 32
RECEIPT_DIGITS = 10
_NOT_DIGITS = re.compile(r"[\s\-.]")


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_SIZE)


def poll_key(salt: bytes, key: bytes | None = None) -> bytes:
    """The key that links ballots to voters in one poll; gone once the salt is wiped."""
    if len(salt) != SALT_SIZE:
        raise ValueError("this poll has no ballot salt: it is not open")
    # Derived afresh each time, never remembered: it must be gone once the salt is.
    return hmac.new(key or master_key(), b"minga ballot key\n" + bytes(salt), "sha256").digest()


def ballot_token(salt: bytes, elector_id: int, key: bytes | None = None) -> bytes:
    return hmac.new(poll_key(salt, key), f"elector:{elector_id}".encode(), "sha256").digest()


# Sealed ballots are padded to a multiple of this many bytes (json.loads ignores the spaces):
# every choice of an ordinary poll fits in one block, so all sealed rows have the same size;
# only a very long ranking or block reason takes more blocks.
SEAL_BLOCK = 256


class Sealer:
    """Seals and opens one poll's ballots; made from the salt read under the write lock.

    The token (which row is a voter's) and the sealing key are both derived from the poll key:
    without the master key and the salt, neither the row's place nor its content means
    anything. The row's key (poll and token) is the associated data, so a sealed ballot cannot
    be moved to another voter's row or another poll.
    """

    __slots__ = ("_aead", "_key", "poll_id")

    def __init__(self, poll_id: int, salt: bytes, key: bytes | None = None) -> None:
        self._key = poll_key(salt, key)
        self._aead = AESGCM(hmac.new(self._key, b"minga ballot seal\n", "sha256").digest())
        self.poll_id = poll_id

    def token(self, elector_id: int) -> bytes:
        return hmac.new(self._key, f"elector:{elector_id}".encode(), "sha256").digest()

    def _aad(self, token: bytes) -> bytes:
        return f"minga sealed ballot v1\n{self.poll_id}\n".encode() + token

    def seal(
        self, token: bytes, ballot_id: uuid.UUID, choice: dict[str, Any], weight: int
    ) -> bytes:
        text = json.dumps(
            {"id": ballot_id.hex, "choice": choice, "weight": weight}, separators=(",", ":")
        ).encode()
        # Padded to a whole number of blocks: a ciphertext is as long as its text, and
        # "agree" and "disagree" would otherwise tell themselves apart by their length.
        text += b" " * (-len(text) % SEAL_BLOCK)
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, text, self._aad(token))

    def open(self, token: bytes, sealed: bytes) -> tuple[uuid.UUID, dict[str, Any], int]:
        """(ballot id, choice, weight); ValueError when the seal is not this poll's."""
        sealed = bytes(sealed)
        try:
            text = self._aead.decrypt(sealed[:12], sealed[12:], self._aad(bytes(token)))
        except InvalidTag:
            raise ValueError("this sealed ballot does not open with this poll's key") from None
        ballot = json.loads(text)
        return uuid.UUID(ballot["id"]), ballot["choice"], int(ballot["weight"])


def new_receipt() -> str:
    """Ten random digits, uniformly drawn (one draw from the system's random source)."""
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def format_receipt(code: str) -> str:
    """Ten digits shown as two groups of five, e.g. 04719 88231."""
    return f"{code[:5]} {code[5:]}"


def clean_receipt(text: str) -> str | None:
    """The ten digits of a receipt as typed (spaces and dashes ignored), or None."""
    code = _NOT_DIGITS.sub("", text or "")
    return code if len(code) == RECEIPT_DIGITS and code.isdigit() else None


def canonical(choice: dict[str, Any]) -> str:
    return json.dumps(choice, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def receipt_pepper(key: bytes | None = None) -> bytes:
    """The key of ballot commitments (see `commitment`), derived from the master key."""
    return _pepper(key or master_key())


@functools.lru_cache(maxsize=4)
def _pepper(key: bytes) -> bytes:
    # Remembered per master key: a secret of the same standing as the key itself, which every
    # process holds anyway, and every ballot needs it.
    return hmac.new(key, b"minga ballot receipts\n", "sha256").digest()


def commitment(
    code: str,
    ballot_id: uuid.UUID,
    choice: dict[str, Any],
    key: bytes | None = None,
    *,
    pepper: bytes | None = None,
) -> str:
    """HMAC-SHA256, under a key derived from the master key, of the receipt, the ballot's id
    and the canonical choice.

    Keyed because a receipt has only ten digits: with a plain hash, anyone holding a copy of
    the database and the public log could try every receipt against every ballot and pair
    log entries (whose times may sit next to a voter's sign-in) with ballots. The key stays
    outside the database, with the master key. `pepper`: `receipt_pepper(key)`, when already
    derived (checking a receipt against every ballot of a poll).
    """
    pepper = pepper or receipt_pepper(key)
    text = f"minga ballot v1\n{code}\n{ballot_id}\n{canonical(choice)}"
    return hmac.new(pepper, text.encode(), "sha256").hexdigest()
