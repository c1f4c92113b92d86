"""The public, tamper-evident audit log: every audited action becomes a Merkle-tree leaf.

Other apps call `record(...)` inside the transaction of the change it audits, and `commit(...)`
to put personal data into an entry only as a salted commitment. Importing this package loads no
model, so pure modules (`merkle`, `note`, `tiles`, `verifier`) work without Django.

What may go in an entry's public `data` and what must go in `private=` (people, members-only
matters) is written once, in the docstring of `minga.audit.log.record`: read it before
recording anything new.
"""

from minga.audit.commitments import commit

__all__ = ["append", "commit", "person", "prepare", "record"]


_LOG_FUNCTIONS = {"append", "person", "prepare", "record"}


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    """`record`, `prepare`, `append`, `person` of `minga.audit.log`, imported on first use."""
    if name not in _LOG_FUNCTIONS:
        raise AttributeError(f"module 'minga.audit' has no attribute {name!r}")
    from minga.audit import log

    function = getattr(log, name)
    globals()[name] = function  # found directly from now on
    return function
