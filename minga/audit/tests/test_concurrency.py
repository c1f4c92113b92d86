"""Many writers at once: the sequencer hands out every index exactly once, with no gaps."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from minga.audit import integrity, log
from minga.audit.models import Checkpoint, Entry

WRITERS = 16
PER_WRITER = 30


class Abandon(Exception):
    """An audited change that fails after its entry was appended."""


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row-lock sequencing only means something on PostgreSQL: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_sequences_many_concurrent_writers_without_gaps() -> None:
    needs_postgresql()
    start = threading.Barrier(WRITERS + 1)
    failures: list[BaseException] = []
    done = threading.Event()

    def write(writer: int) -> None:
        try:
            start.wait()
            for i in range(PER_WRITER):
                try:
                    with transaction.atomic():
                        log.record("test.concurrent", f"writer:{writer}", {"i": i}, None)
                        if i % 5 == 4:
                            raise Abandon
                except Abandon:
                    pass
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    def checkpoint() -> None:
        try:
            start.wait()
            while not done.is_set():
                log.create_checkpoint()
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    checkpointer = threading.Thread(target=checkpoint)
    for thread in [*threads, checkpointer]:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    checkpointer.join(timeout=60)

    assert not failures, failures
    kept = WRITERS * (PER_WRITER - PER_WRITER // 5)
    assert list(Entry.objects.values_list("index", flat=True)) == list(range(kept))
    assert log.head_size() == kept
    writers = set(Entry.objects.values_list("subject", flat=True)[: kept // 2])
    assert len(writers) > 1  # the writers really interleaved
    log.create_checkpoint()
    assert Checkpoint.objects.order_by("-size").first().size == kept
    report = integrity.verify_log()
    assert report.entries == kept and report.checkpoints >= 1
