"""`minga log verify`: recompute the whole log from the database and check every claim it makes.

Trust nothing stored but the signatures: every leaf hash is recomputed from its entry's bytes,
every stored tile from those leaves, and every checkpoint's root from the whole tree, with its
signature checked against the platform's public keys (rotated ones included). The first problem
found is reported with the entry index it concerns.
"""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from minga.core.fast import sql

from . import merkle, note
from .log import ENTRY_COLUMNS, head_size, platform_verifiers
from .models import Checkpoint, Entry, Tile
from .tiles import TILE_HEIGHT, TILE_WIDTH
from .witness import peers


class TamperError(Exception):
    """The database no longer matches the log: `index` is the first entry concerned."""

    def __init__(self, index: int | None, message: str) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class Report:
    entries: int
    tiles: int
    checkpoints: int
    seconds: float


def _check_entries() -> list[bytes]:
    """Recompute every leaf hash in index order; return them.

    Plain SQL and C-level parsing: this loop runs once per entry, a million times or more
    (budget `audit-verify`).
    """
    columns = ", ".join(sql.column(Entry, name) for name in ENTRY_COLUMNS)
    decode = json.JSONDecoder().decode
    leaves: list[bytes] = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {sql.table(Entry)} "  # noqa: S608 (constant names)
            f"ORDER BY {sql.quote('index')}"
        )
        while rows := cursor.fetchmany(10_000):
            for index, kind, subject, body, stored, created_at in rows:
                expected = len(leaves)
                if index != expected:
                    raise TamperError(
                        expected, f"entry {expected} is missing (the next one is {index})."
                    )
                body = bytes(body)
                leaf = merkle.leaf_hash(body)
                if leaf != bytes(stored):
                    raise TamperError(
                        index, f"entry {index} was altered: it no longer hashes to its leaf."
                    )
                try:
                    fields = decode(body.decode())
                    matches = (
                        fields["kind"] == kind
                        and fields["subject"] == subject
                        and _same_moment(fields["at"], created_at)
                    )
                except (ValueError, KeyError, TypeError):
                    matches = False
                if not matches:
                    raise TamperError(
                        index, f"entry {index} was altered: its columns disagree with it."
                    )
                leaves.append(leaf)
    return leaves


def _same_moment(text: str, stored: datetime.datetime | str) -> bool:
    """Whether an entry's `at` and its `created_at` column (UTC, naive on SQLite) agree."""
    moment = datetime.datetime.fromisoformat(text)
    if isinstance(stored, str):
        stored = datetime.datetime.fromisoformat(stored)
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=datetime.UTC)
    return moment == stored


def _check_tiles(tree: merkle.Tree) -> int:
    """Compare every stored tile with the recomputed tree; return how many there are."""
    count = 0
    rows = Tile.objects.order_by("level", "index").values_list("level", "index", "hashes", "root")
    for level, index, hashes, root in rows.iterator(chunk_size=1000):
        count += 1
        height = TILE_HEIGHT * level
        first_leaf = (index * TILE_WIDTH) << height
        row = tree.levels[height] if height < len(tree.levels) else []
        expected = b"".join(row[index * TILE_WIDTH : (index + 1) * TILE_WIDTH])
        if len(expected) != TILE_WIDTH * merkle.HASH_SIZE:
            raise TamperError(first_leaf, f"tile {level}/{index} covers entries that do not exist.")
        hashes = bytes(hashes)
        if hashes != expected:
            offset = next(
                i
                for i in range(0, len(expected), merkle.HASH_SIZE)
                if hashes[i : i + merkle.HASH_SIZE] != expected[i : i + merkle.HASH_SIZE]
            )
            bad = first_leaf + ((offset // merkle.HASH_SIZE) << height)
            raise TamperError(
                bad,
                f"entry {bad} disagrees with tile {level}/{index}: the entry or the tile was "
                "altered, removed, inserted or reordered.",
            )
        if bytes(root) != tree.levels[height + TILE_HEIGHT][index]:
            raise TamperError(first_leaf, f"the root of tile {level}/{index} was altered.")
    return count


def _check_cosignatures(checkpoint: Checkpoint, text: str, witnesses: list[note.Verifier]) -> None:
    """Cosignatures by configured peer witnesses must verify; others cannot be checked here."""
    if not checkpoint.cosignatures:
        return
    known = {(w.name, w.key_id): w for w in witnesses}
    try:
        lines = note.parse_signature_lines(checkpoint.cosignatures)
    except note.NoteError as error:
        raise TamperError(
            None, f"checkpoint {checkpoint.size}: bad cosignatures ({error})."
        ) from None
    for line in lines:
        witness = known.get((line.name, line.key_id))
        if witness is not None and not witness.verify(text, line.signature):
            raise TamperError(
                None, f"checkpoint {checkpoint.size}: the cosignature of {line.name} is forged."
            )


def _check_checkpoints(tree: merkle.Tree) -> int:
    verifiers = platform_verifiers()
    witnesses = [peer.witness for peer in peers()]
    count, verified_size = 0, 0
    for checkpoint in Checkpoint.objects.order_by("size").iterator():
        count += 1
        size = checkpoint.size
        try:
            parsed, signed, _ = note.open_checkpoint(checkpoint.note, verifiers)
        except note.NoteError as error:
            raise TamperError(None, f"checkpoint {size} does not verify: {error}") from None
        _check_cosignatures(checkpoint, signed.text, witnesses)
        if (parsed.origin, parsed.size, parsed.root) != (
            settings.MINGA_LOG_ORIGIN,
            size,
            bytes(checkpoint.root),
        ):
            raise TamperError(None, f"checkpoint {size} disagrees with its signed note.")
        if size > tree.size:
            raise TamperError(
                tree.size, f"checkpoint {size} was signed but entries from {tree.size} are missing."
            )
        if tree.root(size) != parsed.root:
            raise TamperError(
                verified_size,
                f"checkpoint {size} does not match the entries: an entry from {verified_size} to "
                f"{size - 1} was altered, removed, inserted or reordered.",
            )
        verified_size = size
    return count


def _check_registered() -> None:
    """The checks other apps registered: their rows still agree with the entries they cite."""
    from .reading import registered_checks

    for name, check in registered_checks().items():
        problems = check()
        if problems:
            raise TamperError(None, f"{name}: {problems[0]}")


def verify_log() -> Report:
    """Check the whole log; raise `TamperError` at the first problem."""
    started = time.perf_counter()
    leaves = _check_entries()
    head = head_size()
    if len(leaves) < head:
        raise TamperError(len(leaves), f"entries from {len(leaves)} to {head - 1} are missing.")
    if len(leaves) > head:
        raise TamperError(head, f"entry {head} was not appended by the sequencer.")
    tree = merkle.Tree(leaves)
    tiles = _check_tiles(tree)
    checkpoints = _check_checkpoints(tree)
    _check_registered()
    return Report(len(leaves), tiles, checkpoints, time.perf_counter() - started)
