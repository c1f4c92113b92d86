"""Secret ballots in storage: opening the sealed ones, and making a wipe durable.

While a secret poll is open its ballots exist only sealed (`models.SealedBallot`, see
`secrecy`). `open_sealed` opens them in memory for whoever may see a running count or check a
receipt; `unseal_into_ballots` is the closing's step that turns them into plain `Ballot` rows,
in random order, and deletes the sealed rows.

Deleting a row or clearing a column does not remove its bytes from the storage engine. On
SQLite, a deleted cell stays in its page's free space, a freed page on the free list, and every
page version written since the last checkpoint in the `-wal` file; on PostgreSQL a deleted or
updated row version stays in its page until the page is rewritten, and in the write-ahead log.
So every SQLite connection runs with `secure_delete = FAST` (deleted content is zeroed in its
page: old sealed rows a changed vote replaced leave nothing), the closing runs with
`secure_delete = ON` (freed pages are zeroed too), and once the closing has committed,
`make_wipe_durable` runs a truncating checkpoint, which copies the last version of every page
into the database file and empties the `-wal` file. On PostgreSQL it rewrites the tables that
held the salt and the sealed ballots (`VACUUM FULL`: new files holding live rows only; the old
files are unlinked), once no transaction that began before the wipe is still open. What no
application can reach is listed in `secrecy`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import time
import uuid
from collections.abc import Iterator
from typing import Any

from django.core.cache import caches
from django.db import connection

from minga.core.fast import sql

from . import secrecy
from .models import Ballot, PendingCommitment, Poll, SealedBallot

logger = logging.getLogger(__name__)

# Tables whose old row versions hold a salt, a token or a pending commitment.
WIPED_MODELS = (Poll, SealedBallot, PendingCommitment)
CHECKPOINT_TRIES = 10  # a truncating checkpoint waits for readers (busy timeout); this many tries
WIPE_PENDING = (
    "decisions:wipe-pending"  # shared cache: a wipe not yet durable, retried by close-due
)
HORIZON_TRIES = 100  # PostgreSQL: looks, 0.1 s apart, for transactions older than the wipe


def open_sealed(poll: Poll) -> Iterator[tuple[uuid.UUID, dict[str, Any], int]]:
    """(ballot id, choice, weight) of each sealed ballot of an open secret poll."""
    sealer = secrecy.Sealer(poll.pk, bytes(poll.ballot_salt))
    rows = SealedBallot.objects.filter(poll=poll).values_list("token", "sealed")
    for token, box in rows.iterator(chunk_size=5000):
        yield sealer.open(token, box)


def unseal_into_ballots(poll: Poll) -> list[tuple[dict[str, Any], int, bool]]:
    """Write the sealed ballots of `poll` as plain ballots in random order; delete the sealed.

    Each plain ballot keeps the random id it was sealed with (what its commitment, and so its
    receipt, names): that id never appeared in clear while the poll was open, so it leads
    nowhere but to the receipt's holder. Runs inside the closing's transaction. Returns the
    ballots as the count reads them, (choice, weight, is_paper), so it need not read them back.

    Plain SQL: the ORM's bulk insert costs several times the insert itself, and the closing of
    a 300,000-ballot poll has a budget (`close-secret-poll-300k`, names and values through
    `minga.core.fast.sql`).
    """
    opened = list(open_sealed(poll))
    random.SystemRandom().shuffle(opened)
    SealedBallot.objects.filter(poll=poll).delete()
    insert = (
        f"INSERT INTO {sql.table(Ballot)} (id, poll_id, weight, choice, reason, "  # noqa: S608
        "is_paper) VALUES (%s, %s, %s, "
        + ("%s::jsonb" if connection.vendor == "postgresql" else "%s")
        + ", '', %s)"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(opened), 5000):
            cursor.executemany(
                insert,
                [
                    (
                        sql.db_value(Ballot, "id", ballot_id, connection),
                        poll.pk,
                        weight,
                        json.dumps(choice),
                        False,
                    )
                    for ballot_id, choice, weight in opened[start : start + 5000]
                ],
            )
    return [(choice, weight, False) for _id, choice, weight in opened]


@contextlib.contextmanager
def secure_deletion() -> Iterator[None]:
    """SQLite zeroes every byte it deletes or frees while this runs (free-list pages too)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = FAST")


def fast_secure_delete(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On every new SQLite connection (`connection_created`): deleted content is zeroed in its
    page, at no extra I/O, so a vote overwritten while the poll is open leaves no old cell."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = FAST")


def make_wipe_durable() -> bool:
    """After a closing (or a cancellation) has committed: push what it wiped out of the engine's
    logs and free space. True when done; False (and a warning) when readers kept a truncating
    checkpoint from finishing (SQLite) or a transaction older than the wipe kept its deleted row
    versions alive (PostgreSQL), in which case each `close-due` round retries until done."""
    if connection.in_atomic_block:
        raise RuntimeError("make_wipe_durable runs after the closing has committed")
    done = _push_out_of_engine()
    if done:
        caches["shared"].delete(WIPE_PENDING)
    else:
        caches["shared"].set(WIPE_PENDING, True, None)
    return done


def retry_pending_wipe() -> bool | None:
    """Each `close-due` round: make the last wipe durable if it could not finish then (in this
    process or another). None when nothing was waiting."""
    if not caches["shared"].get(WIPE_PENDING):
        return None
    return make_wipe_durable()


def _push_out_of_engine() -> bool:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for _try in range(CHECKPOINT_TRIES):
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy, _log, _copied = cursor.fetchone()
                if not busy:
                    return True
                time.sleep(0.1)
        logger.warning("readers kept the write-ahead log from being truncated after a wipe")
        return False
    if connection.vendor == "postgresql":
        tables = ", ".join(sql.table(model) for model in WIPED_MODELS)
        with connection.cursor() as cursor:
            clear = _wait_for_older_snapshots(cursor)
            cursor.execute(f"VACUUM FULL {tables}")  # noqa: S608 (table names)
        if not clear:
            logger.warning("an older transaction kept the wiped row versions alive after a wipe")
        return clear
    return True


def _wait_for_older_snapshots(cursor: Any) -> bool:
    """PostgreSQL: wait until no other transaction started before the wipe committed. `VACUUM
    FULL` copies a deleted row version into the new file while any snapshot that may still see
    it is open (an autovacuum's ANALYZE of the same tables, a report being read, and some
    work in other databases of the server, such as copying a template, holds every
    database's horizon); once every such snapshot has ended, the rewrite leaves none. True
    when that came to pass within `HORIZON_TRIES` looks; the wait reads `pg_stat_activity`,
    no lock is taken."""
    # Every transaction id below the fence had finished when the wipe was visible to us.
    cursor.execute("SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::bigint % 4294967296)")
    fence = str(cursor.fetchone()[0])
    for _try in range(HORIZON_TRIES):
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND ("
            "(backend_xmin IS NOT NULL AND age(backend_xmin) > age(%s::xid)) OR "
            "(backend_xid IS NOT NULL AND age(backend_xid) > age(%s::xid)))",
            [fence, fence],
        )
        if not cursor.fetchone()[0]:
            return True
        time.sleep(0.1)
    return False
