"""Django's SQLite backend, with three changes for the write path of a busy server.

SQLite admits one writer at a time. Minga's server runs several worker processes, and at a
general assembly they all write at once (a ballot is one short write transaction), so how
writers wait for each other decides how many ballots a server accepts.

Writers queue. SQLite's own wait (the busy timeout) sleeps 1 ms, then 2, 5, 10... between
tries, while a ballot holds the lock for about a tenth of that: a worker that found the lock
taken slept with its core idle long after the lock was free. Before `BEGIN IMMEDIATE`, a
connection now takes a lock on a file next to the database (`<name>-writers`), trying again
every 50 µs for the first `PATIENT_SECONDS` (a queue of a few short transactions), then every
millisecond, and releases it when its transaction ends. SQLite's lock still decides who
writes; this only shortens the wait. A writer that waited as long as the database's busy
timeout (`OPTIONS["timeout"]`) goes on to SQLite's own wait and its errors, as before, and
writers that never queue (a single statement outside a transaction, another program) are
still kept apart by SQLite.

Transactions begin on the driver's connection. Django sends `BEGIN IMMEDIATE` through a full
cursor wrapper (a new cursor, its execute wrappers and the placeholder rewriting), which on
the ballot path costs about as much as one of the ballot's own statements. Here it goes
straight to the driver, with the same errors; when queries are being recorded (DEBUG, or a
test counting them) it still goes through Django, so it is seen there as before.

Server processes checkpoint in the background. In WAL mode a commit appends to the log, and
by default the commit that takes the log past 1,000 pages also copies the log back into the
database and waits for the disk twice (`fsync`): about every hundredth ballot, its request
stood still for milliseconds. The WSGI entry point calls `checkpoint_in_background()`
(through `minga.core.serving`): from then on the connections of that process leave
checkpoints to one thread of their own, which runs a passive checkpoint (one that never waits
for a reader or a writer) every `CHECKPOINT_SECONDS`, with the interpreter lock released
while it waits for the disk, and cuts the log back to nothing whenever it has grown past
`TRUNCATE_PAGES`.
Commands, tests and the shell keep SQLite's automatic checkpoints. Durability is unchanged:
the same data reaches the disk at the same points, only from another thread.

Budgets served: `ballots-per-second` and `ballots-per-second-database-url` (the writers queue,
the driver's BEGIN, background checkpoints), `close-secret-poll-300k` (the log cut back to
nothing) and `payment-callbacks-per-second` (many writers at once). Leans on: the backend's
`DatabaseWrapper` methods `get_new_connection`, `_start_transaction_under_autocommit`,
`_commit`, `_rollback`, `_close`, `is_in_memory_db`, and its `transaction_mode`,
`queries_logged` and `wrap_database_errors` (tests/test_fast_layer.py).
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time

from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 0.5
TRUNCATE_PAGES = 8192  # 32 MB of log at SQLite's default page size
PATIENT_SECONDS = 0.005  # try the queue every SHORT_PAUSE this long, then every LONG_PAUSE
SHORT_PAUSE, LONG_PAUSE = 0.00005, 0.001
DEFAULT_TIMEOUT = 5.0  # sqlite3.connect's, when the settings name none

_background = False
_checkpointers: set[tuple[int, str]] = set()
_checkpointers_lock = threading.Lock()


def checkpoint_in_background() -> None:
    """Make this process (and the server workers forked from it) checkpoint in a thread."""
    global _background
    _background = True


def _checkpoint_forever(path: str) -> None:
    # Its own connection, used by this thread only. A passive checkpoint copies what no reader
    # still needs and never waits; the next one continues from there. While writers keep
    # appending, the log is never found fully copied, so it would never start again from
    # its beginning: once it passes TRUNCATE_PAGES, a truncating checkpoint holds writers
    # back for the few pages appended since the passive one and cuts the log to nothing.
    connection = sqlite3.connect(path, timeout=1, isolation_level=None, check_same_thread=False)
    while True:
        time.sleep(CHECKPOINT_SECONDS)
        try:
            _busy, pages, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if pages >= TRUNCATE_PAGES:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error:
            logger.exception("background WAL checkpoint of %s failed; trying again", path)


def _ensure_checkpointer(path: str) -> None:
    key = (os.getpid(), path)  # a forked worker starts its own: threads do not survive a fork
    with _checkpointers_lock:
        if key in _checkpointers:
            return
        _checkpointers.add(key)
        threading.Thread(
            target=_checkpoint_forever, args=(path,), name="minga-wal-checkpoint", daemon=True
        ).start()


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_file: tuple[int, int] | None = None  # (process id, descriptor)
    _queued = False

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if _background and not self.is_in_memory_db():
            connection.execute("PRAGMA wal_autocheckpoint=0")
            _ensure_checkpointer(str(self.settings_dict["NAME"]))
        return connection

    def _queue_descriptor(self) -> int:
        # Opened per process: a descriptor inherited through a fork shares its lock with the
        # parent, so it would not keep the two apart.
        pid = os.getpid()
        if self._queue_file is None or self._queue_file[0] != pid:
            path = f"{self.settings_dict['NAME']}-writers"
            self._queue_file = (pid, os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        return self._queue_file[1]

    def _queue(self) -> None:
        """Wait until no other queued connection is writing (see the module's docstring)."""
        descriptor = self._queue_descriptor()
        started = None
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                now = time.monotonic()
                started = started or now
                waited = now - started
                if waited > self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT):
                    return
                time.sleep(SHORT_PAUSE if waited < PATIENT_SECONDS else LONG_PAUSE)
            else:
                self._queued = True
                return

    def _leave_queue(self) -> None:
        if self._queued:
            self._queued = False
            fcntl.flock(self._queue_descriptor(), fcntl.LOCK_UN)

    # Django's private transaction hooks, fenced here (tests/test_fast_layer.py checks them).
    def _start_transaction_under_autocommit(self):
        if not self.is_in_memory_db():
            self._queue()
        try:
            if self.queries_logged:
                return super()._start_transaction_under_autocommit()  # type: ignore[misc]
            with self.wrap_database_errors:
                self.connection.execute(
                    "BEGIN"
                    if self.transaction_mode is None  # type: ignore[attr-defined]
                    else f"BEGIN {self.transaction_mode}"  # type: ignore[attr-defined]
                )
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self):
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._leave_queue()
            if self._queue_file is not None:
                pid, descriptor = self._queue_file
                self._queue_file = None
                if pid == os.getpid():
                    os.close(descriptor)
