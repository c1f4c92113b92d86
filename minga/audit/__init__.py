"""The public, tamper-evident audit log: every audited action becomes a Merkle-tree leaf.

Other apps call `record(...)` inside the transaction of the change it audits, and `commit(...)`
to put personal data into an entry only as a salted commitment. Importing this package loads no
model, so pure modules (`merkle`, `note`, `tiles`, `verifier`) work without Django.
"""

from minga.audit.commitments import commit

__all__ = ["append", "commit", "prepare", "record"]


_LOG_FUNCTIONS = {"append", "prepare", "record"}


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    """`record`, `prepare` and `append` of `minga.audit.log`, imported on first use (see above)."""
    if name not in _LOG_FUNCTIONS:
        raise AttributeError(f"module 'minga.audit' has no attribute {name!r}")
    from minga.audit import log

    function = getattr(log, name)
    globals()[name] = function  # found directly from now on
    return function
