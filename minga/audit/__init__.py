"""The public, tamper-evident audit log: every audited action becomes a Merkle-tree leaf.

Other apps call `record(...)` inside the transaction of the change it audits, and `commit(...)`
to put personal data into an entry only as a salted commitment. Importing this package loads no
model, so pure modules (`merkle`, `note`, `tiles`, `verifier`) work without Django.
"""

from minga.audit.commitments import commit

__all__ = ["append", "commit", "prepare", "record"]


def record(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Append an entry to the log; see `minga.audit.log.record` (imported lazily)."""
    from minga.audit.log import record as record_entry

    return record_entry(*args, **kwargs)


def prepare(*args, **kwargs):  # type: ignore[no-untyped-def]
    """An entry ready to append, built outside any transaction; see `minga.audit.log.prepare`."""
    from minga.audit.log import prepare as prepare_entry

    return prepare_entry(*args, **kwargs)


def append(prepared):  # type: ignore[no-untyped-def]
    """Append a prepared entry inside the caller's transaction; see `minga.audit.log.append`."""
    from minga.audit.log import append as append_entry

    return append_entry(prepared)
