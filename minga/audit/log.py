"""The log itself: appending entries, folding them into tiles, signing checkpoints, proofs.

Writes happen in two places only. `record` appends an entry inside the caller's transaction, so
an audited change and its entry commit or roll back together. `create_checkpoint` (run by
`minga worker` every few seconds, or `minga log checkpoint`) writes the full tiles the new
entries complete and signs a checkpoint over them, under a lock, after checking the new tree is
consistent with the last signed one: the log never signs two inconsistent checkpoints.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import rfc8785
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Max, Model
from django.utils import timezone

from minga.core.fast import rows, sql
from minga.core.fast.cursor import hot_cursor
from minga.core.jcs import canonical_json

from . import handover, merkle, note, registry
from .commitments import commit
from .models import Checkpoint, Entry, LogHead, Secret, Tile
from .tiles import (
    MAX_ENTRY_SIZE,
    TILE_HEIGHT,
    TILE_WIDTH,
    TileKey,
    TileRef,
    entry_bundle,
    tile_reader,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from django.contrib.auth.models import AbstractBaseUser as User
    from django.db.models import Model as Cooperative

ENTRY_VERSION = 1
SYSTEM_ACTOR = "system"
# Any constant will do: it names the checkpoint lock among PostgreSQL advisory locks.
CHECKPOINT_LOCK = 0x6D696E6761  # "minga"


class LogError(Exception):
    """The log cannot do what was asked without breaking its guarantees."""


def format_time(moment: datetime.datetime) -> str:
    """Entry timestamps: UTC, microseconds, 'Z'; one spelling so the bytes are reproducible."""
    # isoformat writes what strftime("%Y-%m-%dT%H:%M:%S.%f") does (for years from 1000), at a
    # fraction of the cost: every audited action formats one.
    return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat("T", "microseconds") + "Z"


def entry_body(
    *, kind: str, subject: str, data: Mapping[str, Any], actor: str, at: datetime.datetime
) -> bytes:
    """The canonical JSON (RFC 8785) bytes of an entry: what is hashed, served and verified."""
    try:
        body = canonical_json(
            {
                "v": ENTRY_VERSION,
                "kind": kind,
                "subject": subject,
                "data": dict(data),
                "actor": actor,
                "at": format_time(at),
            }
        )
    except (rfc8785.CanonicalizationError, TypeError) as error:
        raise ValueError(f"audit data must be plain JSON: {error}") from None
    if len(body) > MAX_ENTRY_SIZE:
        raise ValueError(f"an audit entry is at most {MAX_ENTRY_SIZE} bytes, not {len(body)}")
    return body


ENTRY_COLUMNS = ("index", "kind", "subject", "body", "leaf_hash", "created_at")
# A commitment's private opening as `_append` stores it: (commitment, salt, value, owner id,
# id of the cooperative whose members may open it, topic).
Opening = tuple[str, bytes, str, int | None, int | None, str]


def _append(entry: Entry, openings: list[Opening]) -> None:
    """Give `entry` the next index and insert it with its commitments' private openings.

    This is the hot path of every audited action. One statement takes the index from the
    one-row log head (creating the row on first use), holding its row lock until commit: on
    PostgreSQL that lock queues concurrent writers, on SQLite the IMMEDIATE transaction
    already does. A rolled back transaction gives its index back, so indexes never have gaps.
    Plain SQL rather than the ORM keeps appends well above 1,000 per second (budget
    `audit-appends`; every ballot and posting appends one too), through `minga.core.fast`.
    """
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper, not the proxy (see core.fast.cursor)
    take_index, insert, keep = _append_sql(db.vendor)
    stamp = sql.db_value(Entry, "created_at", entry.created_at, db)
    with hot_cursor(db) as cursor:
        cursor.execute(take_index)
        entry.index = cursor.fetchone()[0] - 1
        cursor.execute(
            insert,
            [entry.index, entry.kind, entry.subject, entry.body, entry.leaf_hash, stamp],
        )
        if openings:
            cursor.executemany(keep, [(*opening, stamp) for opening in openings])
    rows.mark_saved(entry, db.alias)


@functools.cache
def _append_sql(vendor: str) -> tuple[str, str, str]:
    def insert(model: type[Model], names: tuple[str, ...]) -> str:
        columns = ", ".join(sql.column(model, name) for name in names)
        values = ", ".join(["%s"] * len(names))
        return f"INSERT INTO {sql.table(model)} ({columns}) VALUES ({values})"  # noqa: S608

    head = sql.table(LogHead)
    return (
        f"INSERT INTO {head} (id, size) VALUES (1, 1) "  # noqa: S608 (constant names)
        f"ON CONFLICT (id) DO UPDATE SET size = {head}.size + 1 RETURNING size",
        insert(Entry, ENTRY_COLUMNS),
        insert(Secret, ("commitment", "salt", "value", "owner", "coop", "topic", "created_at")),
    )


class Prepared:
    """An entry written and hashed, waiting for its index (see `prepare`)."""

    __slots__ = ("entry", "openings")

    def __init__(self, entry: Entry, openings: list[Opening]):
        self.entry, self.openings = entry, openings


def _private_text(name: str, value: Any) -> str:
    """What a private value commits to: text as it is, anything else as canonical JSON."""
    if isinstance(value, str):
        return value
    try:
        return canonical_json(value).decode()
    except (rfc8785.CanonicalizationError, TypeError) as error:
        raise ValueError(f"private value {name!r} must be text or plain JSON: {error}") from None


def person(who: User | int) -> str:
    """How a person is named inside a commitment: `person:<id>` (never in the public data)."""
    return f"person:{who if isinstance(who, int) else who.pk}"


def prepare(
    kind: str,
    subject: str,
    data: Mapping[str, Any],
    actor: User | None,
    *,
    private: Mapping[str, Any] | None = None,
    owner: User | None = None,
    audience: Cooperative | None = None,
    topic: str = "",
) -> Prepared:
    """Everything of an entry but its index: the canonical body, its leaf hash, the openings.

    Needs no transaction. A hot path (a ballot) prepares its entry before its write
    transaction begins and `append`s it inside, so the database's write lock is held only for
    the writes. The entry's time is the moment it was prepared: entries of transactions that
    overlap may be microseconds out of order, as in any log with many writers.
    """
    if not (isinstance(kind, str) and 0 < len(kind) <= 64):
        raise ValueError("an audit kind is a non-empty string of at most 64 characters")
    if not (isinstance(subject, str) and len(subject) <= 200):
        raise ValueError("an audit subject is a string of at most 200 characters")
    if actor is not None and actor.pk is None:
        raise ValueError("the actor must be a saved person, or None for the system")
    if audience is not None and audience.pk is None:
        raise ValueError("the audience must be a saved cooperative")
    if len(topic) > 200:
        raise ValueError("an audit topic is at most 200 characters")
    now = timezone.now()
    public = dict(data)
    coop_id = audience.pk if audience is not None else None
    openings: list[Opening] = []
    for name, value in (private or {}).items():
        if name in public:
            raise ValueError(f"{name!r} must be a value that is not also public")
        text = _private_text(name, value)
        commitment, salt = commit(text)
        public[name] = commitment
        keeper = owner or actor
        # People are never disclosed with their matter (see `record`).
        about = "" if text.startswith("person:") else topic
        openings.append((commitment, salt, text, keeper.pk if keeper else None, coop_id, about))
    actor_field = SYSTEM_ACTOR
    if actor is not None:
        # The actor is never disclosed with a topic: a poll's results going public does not
        # make public who opened it.
        actor_field, salt = commit(person(actor))
        openings.append((actor_field, salt, person(actor), actor.pk, coop_id, ""))
    body = entry_body(kind=kind, subject=subject, data=public, actor=actor_field, at=now)
    # Positional, in ENTRY_COLUMNS order (Django's quick path); `append` gives the index.
    return Prepared(Entry(None, kind, subject, body, merkle.leaf_hash(body), now), openings)


def append(prepared: Prepared) -> Entry:
    """Give a prepared entry the log's next index, inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise LogError("audit entries are appended inside the transaction of the change")
    if prepared.entry.index is not None:
        raise LogError("this entry is already in the log")
    _append(prepared.entry, prepared.openings)
    return prepared.entry


def record(
    kind: str,
    subject: str,
    data: Mapping[str, Any],
    actor: User | None,
    *,
    disclose: str = "",
    **options: Any,
) -> Entry:
    """Append one audited action to the log, inside the caller's transaction.

    The log is public: anyone, signed in or not, reads every entry, forever (pages, JSON,
    tiles, mirrors kept by witnesses). So:

    - `data` holds only what anyone may know: facts about public things (a cooperative's
      name, an event's phases, a closed poll's result), counts, row ids of things that have
      no public page naming a person. Plain JSON.
    - `private=` holds everything else; each value appears in the entry only as a salted
      commitment (`sha256:...`, see `commitments`), and its opening is kept apart:
      - people, always: `private={"person": audit.person(user)}`, never a person's id, name,
        e-mail or phone in `data` or in `subject` (ids lead to a public profile);
      - anything members-only: titles and text of discussions and comments, the title and
        options of a poll that is not public yet (a poll is public once closed), membership
        roles and statuses, anything a members-only page shows;
      - free text that may name people (reasons, notes), unless it is public where it is
        shown.
    - `owner=`: the person who may always open the values (default: the actor; for a
      fact about someone, that someone). `audience=`: the cooperative whose active members may
      open them (and the actor's commitment), for matters of that cooperative.
    - `topic=` names the matter (`poll:12`); a later entry recorded with `disclose=` that
      topic, when the matter becomes public, opens its values to everyone: the earlier
      commitments then verify against the values made public. People (the actor, any
      `person:` value) are never disclosed.

    The actor itself is recorded as a commitment ("system" when None). See `prepare`, which
    this is followed by `append`.
    """
    if not connection.in_atomic_block:
        raise LogError("audit.record() must run inside the transaction of the change it audits")
    entry = append(prepare(kind, subject, data, actor, **options))
    if disclose:
        Secret.objects.filter(topic=disclose, disclosed_at__isnull=True).update(
            disclosed_at=entry.created_at
        )
    return entry


# --- reading the tree ---------------------------------------------------------------------------


def head_size() -> int:
    """How many entries the sequencer has handed out (committed ones, from other transactions)."""
    return LogHead.objects.filter(pk=1).values_list("size", flat=True).first() or 0


def latest_checkpoint() -> Checkpoint | None:
    """The latest published checkpoint: the one served, and proved against."""
    return Checkpoint.objects.filter(published_at__isnull=False).order_by("-size").first()


def latest_signed_checkpoint() -> Checkpoint | None:
    """The latest checkpoint signed, published or still waiting for its witnesses."""
    return Checkpoint.objects.order_by("-size").first()


def cosigner_count(checkpoint: Checkpoint) -> int:
    """How many witnesses cosigned `checkpoint` (each line was verified when it was added)."""
    if not checkpoint.cosignatures:
        return 0
    return len({sig.name for sig in note.parse_signature_lines(checkpoint.cosignatures)})


def publish_if_witnessed(checkpoint: Checkpoint) -> bool:
    """Publish `checkpoint` once MINGA_LOG_WITNESS_QUORUM witnesses cosigned it; whether it is."""
    if checkpoint.published_at is None:
        if cosigner_count(checkpoint) < settings.MINGA_LOG_WITNESS_QUORUM:
            return False
        checkpoint.published_at = timezone.now()
        Checkpoint.objects.filter(pk=checkpoint.pk, published_at__isnull=True).update(
            published_at=checkpoint.published_at
        )
    return True


def _fetch_tiles(widths: Mapping[TileKey, int]) -> dict[TileKey, bytes]:
    """Tile contents for a tree reader: full tiles from storage, partial ones from below.

    Plain SQL: every inclusion proof runs this, and the ORM's query building would cost more
    than the queries themselves (budget `audit-inclusion-proof-p95`).
    """
    tile_table, entry_table = sql.table(Tile), sql.table(Entry)
    index = sql.quote("index")
    found: dict[TileKey, bytes] = {}
    full: dict[int, list[int]] = {}
    for (level, position), width in widths.items():
        if width == TILE_WIDTH:
            full.setdefault(level, []).append(position)
    with connection.cursor() as cursor:
        for level, positions in full.items():
            cursor.execute(
                f"SELECT {index}, hashes FROM {tile_table} "  # noqa: S608 (constant names)
                f"WHERE level = %s AND {index} IN ({', '.join(['%s'] * len(positions))})",
                [level, *positions],
            )
            for position, hashes in cursor.fetchall():
                found[(level, position)] = bytes(hashes)
        for (level, position), width in widths.items():
            if width == TILE_WIDTH:
                continue
            start = position * TILE_WIDTH
            if level == 0:
                statement = (
                    f"SELECT leaf_hash FROM {entry_table} "  # noqa: S608 (constant names)
                    f"WHERE {index} >= %s AND {index} < %s ORDER BY {index}"
                )
                cursor.execute(statement, [start, start + width])
            else:
                statement = (
                    f"SELECT root FROM {tile_table} "  # noqa: S608 (constant names)
                    f"WHERE level = %s AND {index} >= %s AND {index} < %s ORDER BY {index}"
                )
                cursor.execute(statement, [level - 1, start, start + width])
            found[(level, position)] = b"".join(bytes(row[0]) for row in cursor.fetchall())
    return found


def tree_reader(size: int) -> merkle.NodeReader:
    """Node hashes of the tree of `size` entries, from tiles; the tiles must be integrated."""
    return tile_reader(_fetch_tiles, size)


def root_at(size: int) -> bytes:
    return merkle.root_from(tree_reader(size), size)


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return merkle.inclusion_proof_from(tree_reader(size), index, size)


def consistency_proof(old_size: int, new_size: int) -> list[bytes]:
    return merkle.consistency_proof_from(tree_reader(new_size), old_size, new_size)


def tile_contents(ref: TileRef, tree_size: int) -> bytes | None:
    """The bytes of a tile or entry bundle, or None if the tree of `tree_size` lacks it.

    A partial tile is served for any width the tree covers: its hashes never change.
    """
    level = 0 if ref.level is None else ref.level
    start = ref.index * TILE_WIDTH
    if (start + ref.size) << (TILE_HEIGHT * level) > tree_size:
        return None
    if ref.level is None:
        rows = Entry.objects.filter(index__gte=start, index__lt=start + ref.size)
        return entry_bundle(bytes(b) for b in rows.order_by("index").values_list("body", flat=True))
    data = _fetch_tiles({(level, ref.index): ref.size})[(level, ref.index)]
    return data[: ref.size * merkle.HASH_SIZE]


# --- checkpoints --------------------------------------------------------------------------------


def log_signer() -> note.Signer:
    """The platform key, signing under the log's origin as its key name."""
    return note.Signer(settings.MINGA_LOG_ORIGIN, _platform_key())


def witness_signer() -> note.Signer:
    """The platform key as a cosigner (signature type 0x04, a name of its own)."""
    return note.Signer(settings.MINGA_WITNESS_NAME, _platform_key(), note.SIG_COSIGNATURE_V1)


def _platform_key() -> Ed25519PrivateKey:
    return registry.keys().signing_key()


def _lock_checkpoints() -> None:
    """Serialise checkpointers: an advisory lock on PostgreSQL; SQLite's writes are serial."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHECKPOINT_LOCK])


def _integrate(size: int) -> None:
    """Write every full tile that the first `size` entries complete (idempotent)."""
    level = 0
    while (count := size >> (TILE_HEIGHT * level)) >= TILE_WIDTH:
        done = Tile.objects.filter(level=level).aggregate(n=Max("index"))["n"]
        first, last = (0 if done is None else done + 1), count // TILE_WIDTH
        if first < last:
            if level == 0:
                rows = Entry.objects.filter(
                    index__gte=first * TILE_WIDTH, index__lt=last * TILE_WIDTH
                ).values_list("index", "leaf_hash")
            else:
                rows = Tile.objects.filter(
                    level=level - 1, index__gte=first * TILE_WIDTH, index__lt=last * TILE_WIDTH
                ).values_list("index", "root")
            batch, chunk, expected = [], [], first * TILE_WIDTH
            for position, value in rows.order_by("index").iterator(chunk_size=4096):
                if position != expected:
                    raise LogError(f"cannot integrate: hash {expected} of level {level} is missing")
                chunk.append(bytes(value))
                expected += 1
                if len(chunk) == TILE_WIDTH:
                    hashes = b"".join(chunk)
                    root = merkle.subtree_root(chunk)
                    index = position // TILE_WIDTH
                    batch.append(Tile(level=level, index=index, hashes=hashes, root=root))
                    chunk = []
                    if len(batch) >= 256:
                        Tile.objects.bulk_create(batch)
                        batch = []
            if expected != last * TILE_WIDTH:
                raise LogError(f"cannot integrate: hash {expected} of level {level} is missing")
            Tile.objects.bulk_create(batch)
        level += 1


@transaction.atomic
def create_checkpoint() -> Checkpoint | None:
    """Sign a checkpoint over every committed entry; None when the latest already covers them."""
    _lock_checkpoints()
    size = head_size()
    latest = latest_signed_checkpoint()
    if latest is not None and latest.size >= size:
        if latest.size > size:
            raise LogError(f"the log has {size} entries but checkpoint {latest.size} was signed")
        return None
    _integrate(size)
    root = root_at(size)
    if latest is not None and latest.size > 0:
        proof = consistency_proof(latest.size, size)
        try:
            merkle.verify_consistency(latest.size, size, proof, bytes(latest.root), root)
        except merkle.ProofError as error:
            raise LogError(
                f"refusing to sign size {size}: it is not consistent with checkpoint "
                f"{latest.size} ({error})"
            ) from None
    body = note.checkpoint_body(settings.MINGA_LOG_ORIGIN, size, root)
    signed = note.sign_note(body, [log_signer()])
    now = timezone.now()
    published = now if settings.MINGA_LOG_WITNESS_QUORUM <= 0 else None
    return Checkpoint.objects.create(
        size=size, root=root, note=signed, created_at=now, published_at=published
    )


def receipt(entry: Entry, checkpoint: Checkpoint) -> str:
    """The offline proof (C2SP tlog-proof) that `entry` is in `checkpoint`, entry as `extra`."""
    return note.format_tlog_proof(
        index=entry.index,
        proof=inclusion_proof(entry.index, checkpoint.size),
        checkpoint=checkpoint.signed_note,
        extra=bytes(entry.body),
    )


def log_vkey() -> str:
    """The log's verifier key (signed-note vkey), to check checkpoints and receipts."""
    return _vkey(settings.MINGA_LOG_ORIGIN, _active_key(), note.SIG_ED25519)


def signer_vkey(checkpoint: Checkpoint) -> str:
    """The vkey of the platform key that signed `checkpoint`: the one its receipts need.

    After a key rotation old checkpoints stay signed by the old key, so this matches the
    signature's key ID against every platform key, rotated ones included.
    """
    return _signer_vkey(checkpoint.note)


@functools.lru_cache(maxsize=16)
def _signer_vkey(signed: str) -> str:
    key_ids = {s.key_id for s in note.parse_note(signed).signatures}
    for verifier in platform_verifiers():
        if verifier.key_id in key_ids:
            return verifier.vkey
    raise LogError("no platform key signed this checkpoint")


def platform_verifiers() -> list[note.Verifier]:
    """A verifier of the log's signature for every platform key ever used, rotated ones
    included: a checkpoint stays verifiable after the key that signed it was replaced. The one
    place a checkpoint's signature is matched to the platform's keys."""
    origin = settings.MINGA_LOG_ORIGIN
    return [note.Verifier(origin, public_key) for public_key, _ in registry.keys().public_keys()]


@functools.lru_cache(maxsize=8)
def open_checkpoint(signed_note: str) -> tuple[int, bytes]:
    """(size, root) of a checkpoint note whose signature by a platform key verifies; raises
    `note.NoteError` otherwise. Remembered per note: proving many entries against the latest
    checkpoint checks its signature once."""
    checkpoint, _, _ = note.open_checkpoint(signed_note, platform_verifiers())
    return checkpoint.size, checkpoint.root


HANDOVER_KIND = "log.key.handover"


def record_key_handover(
    old_key: Ed25519PrivateKey, new_key: Ed25519PrivateKey, actor: User | None
) -> str:
    """Record, in the log itself, the hand-over from the platform's old key to its new one.

    Called by the platform key's rotation, inside its transaction, while the old private key
    still exists: it is the old key's last signature. See `minga.audit.handover`.
    """
    origin = settings.MINGA_LOG_ORIGIN
    signed = handover.sign_handover(
        origin, note.Signer(origin, old_key), note.Signer(origin, new_key), head_size()
    )
    record(HANDOVER_KIND, "platform", {"note": signed}, actor)
    return signed


def key_handovers() -> list[str]:
    """Every hand-over of the log's key, oldest first, as recorded in the log."""
    bodies = (
        Entry.objects.filter(kind=HANDOVER_KIND).order_by("index").values_list("body", flat=True)
    )
    return [json.loads(bytes(body))["data"]["note"] for body in bodies]


def witness_vkey() -> str:
    """This instance's cosigner key, for peers that want our cosignatures."""
    return _vkey(settings.MINGA_WITNESS_NAME, _active_key(), note.SIG_COSIGNATURE_V1)


def _active_key() -> bytes:
    return registry.keys().active_public_key().public_bytes_raw()


@functools.lru_cache(maxsize=32)
def _vkey(name: str, raw_key: bytes, sig_type: int) -> str:
    """Every receipt names the log's key: build it once per key, not once per request."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    public_key = Ed25519PublicKey.from_public_bytes(raw_key)
    return note.Verifier(name, public_key, sig_type).vkey
