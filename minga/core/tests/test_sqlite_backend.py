"""The SQLite backend's writer queue and background checkpoints, on a database file of its own
(the test database lives in memory, where neither applies)."""

import fcntl
import os
import sqlite3
import threading
import time

import pytest
from django.conf import settings

from minga.core.fast.sqlite import base

pytestmark = pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="the SQLite backend only (this run uses another database)",
)


def wrapper(path, alias="queue-test", timeout=20):
    options = {
        "timeout": timeout,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    db = base.DatabaseWrapper(
        {
            "ENGINE": "minga.core.fast.sqlite",
            "NAME": str(path),
            "OPTIONS": options,
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias=alias,
    )
    db.ensure_connection()
    return db


def begin(db):
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def end(db, *, commit=True):
    (db.commit if commit else db.rollback)()
    db.set_autocommit(True)


@pytest.fixture(autouse=True)
def own_database(django_db_blocker):
    with django_db_blocker.unblock():  # a file of these tests' own, not the test database
        yield


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "queue.sqlite3"
    db = wrapper(path)
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER, who TEXT)")
    db.close()
    return path


def held_by_someone_else(path) -> bool:
    descriptor = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def test_a_writer_waits_in_the_queue_until_the_other_commits(path):
    first_in, release, order = threading.Event(), threading.Event(), []

    def first():
        db = wrapper(path, "first")
        begin(db)
        db.cursor().execute("INSERT INTO t VALUES (1, 'first')")
        first_in.set()
        release.wait(5)
        order.append("first commits")
        end(db)
        db.close()

    def second():
        db = wrapper(path, "second")
        first_in.wait(5)
        begin(db)  # waits for the first to commit
        order.append("second begins")
        db.cursor().execute("INSERT INTO t VALUES (2, 'second')")
        end(db)
        db.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(5)
    time.sleep(0.1)
    assert order == []  # the second is still queued
    assert held_by_someone_else(path)
    release.set()
    for thread in threads:
        thread.join(10)
    assert order == ["first commits", "second begins"]
    assert not held_by_someone_else(path)
    rows = sqlite3.connect(path).execute("SELECT n FROM t ORDER BY n").fetchall()
    assert rows == [(1,), (2,)]


@pytest.mark.parametrize("how", ["rollback", "close", "failed begin"])
def test_the_queue_is_left_however_a_transaction_ends(path, how):
    db = wrapper(path)
    if how == "failed begin":
        db.connection.execute("BEGIN")  # a transaction already open: BEGIN IMMEDIATE fails
        with pytest.raises(Exception, match="within a transaction"):
            begin(db)
        db.connection.execute("ROLLBACK")
    else:
        begin(db)
        db.cursor().execute("INSERT INTO t VALUES (1, 'x')")
        assert held_by_someone_else(path)
        if how == "rollback":
            end(db, commit=False)
        else:
            db.close()
    assert not held_by_someone_else(path)
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM t").fetchone() == (0,)
    db.close()


def test_a_writer_that_waited_too_long_goes_on_to_sqlites_own_wait(path):
    stuck = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT)
    fcntl.flock(stuck, fcntl.LOCK_EX)  # a queued writer that never leaves (but writes nothing)
    try:
        db = wrapper(path, timeout=0.05)  # the queue waits as long as the busy timeout
        started = time.monotonic()
        begin(db)
        assert time.monotonic() - started >= 0.05
        db.cursor().execute("INSERT INTO t VALUES (1, 'x')")
        end(db)
        db.close()
    finally:
        os.close(stuck)
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM t").fetchone() == (1,)


def test_server_processes_checkpoint_in_a_thread_of_their_own(path, monkeypatch):
    monkeypatch.setattr(base, "_background", True)
    monkeypatch.setattr(base, "CHECKPOINT_SECONDS", 0.05)
    db = wrapper(path, "server")
    with db.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone() == (0,)  # no commit copies the log back itself
    size = path.stat().st_size
    for n in range(50):
        begin(db)
        db.cursor().execute("INSERT INTO t VALUES (%s, %s)", [n, "x" * 3000])
        end(db)
    assert (os.getpid(), str(path)) in base._checkpointers
    deadline = time.monotonic() + 10
    while path.stat().st_size <= size and time.monotonic() < deadline:
        time.sleep(0.02)
    assert path.stat().st_size > size  # the thread copied the log into the database file
    db.close()


def test_commands_and_tests_keep_sqlites_automatic_checkpoints(path, monkeypatch):
    monkeypatch.setattr(base, "_background", False)  # no WSGI entry point loaded
    db = wrapper(path)
    with db.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone() == (1000,)
    db.close()


def test_the_background_thread_cuts_a_long_log_back_to_nothing(path, monkeypatch):
    monkeypatch.setattr(base, "_background", True)
    monkeypatch.setattr(base, "CHECKPOINT_SECONDS", 0.05)
    monkeypatch.setattr(base, "TRUNCATE_PAGES", 20)
    db = wrapper(path, "server")
    wal = path.with_name(path.name + "-wal")
    for n in range(40):  # about two pages each
        begin(db)
        db.cursor().execute("INSERT INTO t VALUES (%s, %s)", [n, "x" * 6000])
        end(db)
    assert wal.stat().st_size > 40 * 4096
    deadline = time.monotonic() + 10
    while wal.stat().st_size > 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert wal.stat().st_size == 0
    count = sqlite3.connect(path).execute("SELECT COUNT(*) FROM t").fetchone()
    assert count == (40,)  # nothing lost on the way
    db.close()
