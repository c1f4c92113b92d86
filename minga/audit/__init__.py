"""The public, tamper-evident audit log: every audited action becomes a Merkle-tree leaf.

Other apps call `record(...)` inside the transaction of the change it audits, and `commit(...)`
to put personal data into an entry only as a salted commitment. Importing this package loads no
model, so pure modules (`merkle`, `note`, `tiles`, `verifier`) work without Django.

What may go in an entry's public `data` and what must go in `private=` (people, members-only
matters) is written once, in the docstring of `minga.audit.log.record`: read it before
recording anything new.

Other apps read the log through this package too, never its tables: `entry(index)` and
`entries(kind=..., subject_prefix=...)` give `LoggedEntry` values (public data, leaf hash,
time), and `register_check(name, function)` adds a check (returning a list of problems) that
`minga log verify` runs after verifying the log itself (see `minga.audit.reading`).
"""

from minga.audit.commitments import commit

__all__ = [
    "append",
    "commit",
    "entries",
    "entry",
    "person",
    "prepare",
    "record",
    "register_check",
]


_LOG_FUNCTIONS = {"append", "person", "prepare", "record"}
_READING_FUNCTIONS = {"entries", "entry", "register_check"}


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    """The functions of `minga.audit.log` and `minga.audit.reading`, imported on first use."""
    if name in _LOG_FUNCTIONS:
        from minga.audit import log as module
    elif name in _READING_FUNCTIONS:
        from minga.audit import reading as module  # type: ignore[no-redef]
    else:
        raise AttributeError(f"module 'minga.audit' has no attribute {name!r}")
    function = getattr(module, name)
    globals()[name] = function  # found directly from now on
    return function
