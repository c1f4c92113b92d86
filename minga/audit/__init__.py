"""The public, tamper-evident audit log: every audited action becomes a Merkle-tree leaf.

Other apps call `record(...)` inside the transaction of the change it audits, and `commit(...)`
to put personal data into an entry only as a salted commitment. Importing this package loads no
model, so pure modules (`merkle`, `note`, `tiles`, `verifier`) work without Django.

What may go in an entry's public `data` and what must go in `private=` (people, members-only
matters) is written once, in the docstring of `minga.audit.log.record`: read it before
recording anything new.

Other apps read the log through this package too, never its tables nor its models
(`tests/test_audit_api.py` fails on a module outside audit that imports `minga.audit.models` or
names an audit table in SQL). The reading functions, from `minga.audit.reading`, give plain
values:

- entries: `entry(index)`, `entries(kind=..., subject_prefix=...)` and
  `first_entry(kind=..., subject=...)` give `LoggedEntry` values (public data, leaf hash, time,
  bytes); `count_entries(kind=..., subject=...)` counts them; `first_index_since(moment)` is
  the first entry recorded at or after a moment;
- values entries hold, such as a poll's ballot commitments:
  `logged_values(kind=..., subject=..., name=...)`;
- checkpoints: `newest_checkpoint()` and `checkpoint_covering(index)` give `SignedCheckpoint`
  values (size, signed note); `published_head()` the (size, root) of the latest published one,
  which receipts cite;
- proofs: `prove_inclusion(entry, checkpoint)` checks the checkpoint's signature against the
  platform's keys and the entry's inclusion proof against its root (`NotProven` if not);
- `register_check(name, function)` adds a check (returning a list of problems) that
  `minga log verify` runs after verifying the log itself.
"""

from types import ModuleType

from minga.audit.commitments import commit as commit  # re-exported

_LOG_FUNCTIONS = {"append", "person", "prepare", "record"}
_READING_FUNCTIONS = {
    "LoggedEntry",
    "NotProven",
    "SignedCheckpoint",
    "checkpoint_covering",
    "count_entries",
    "entries",
    "entry",
    "first_entry",
    "first_index_since",
    "logged_values",
    "newest_checkpoint",
    "prove_inclusion",
    "published_head",
    "register_check",
}


__all__ = sorted({"commit", *_LOG_FUNCTIONS, *_READING_FUNCTIONS})


def __getattr__(name: str):
    """The functions of `minga.audit.log` and `minga.audit.reading`, imported on first use."""
    module: ModuleType
    if name in _LOG_FUNCTIONS:
        from minga.audit import log as module
    elif name in _READING_FUNCTIONS:
        from minga.audit import reading as module
    else:
        raise AttributeError(f"module 'minga.audit' has no attribute {name!r}")
    function = getattr(module, name)
    globals()[name] = function  # found directly from now on
    return function
