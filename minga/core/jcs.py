"""RFC 8785 (JCS) canonical JSON, fast for the usual values.

Audit-log entries, credential digests and eddsa-jcs-2022 proofs hash these bytes. For plain
values (ASCII keys, strings, booleans, null, integers within IEEE 754's exact range) the standard
library's encoder writes exactly what RFC 8785 asks, escaping the same characters the same way,
many times faster than the pure-Python ``rfc8785``, which writes everything else (and raises on
what RFC 8785 refuses). Pure: no Django. The RFC's vectors run through both paths
(minga/identity/tests/test_jcs.py) and Hypothesis compares them on arbitrary JSON
(minga/credentials/tests/test_dataintegrity_fastpath.py).
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

SAFE_INTEGER = 2**53 - 1


def plain_json(value: object) -> bool:
    """Whether ``json.dumps`` writes ``value`` exactly as RFC 8785 does: only objects with
    ASCII keys (so code point and UTF-16 order agree), arrays, strings, booleans, null and
    integers within IEEE 754's exact range (no floats, whose spellings differ)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if item is None or isinstance(item, str | bool):
            continue
        if isinstance(item, int):
            if -SAFE_INTEGER <= item <= SAFE_INTEGER:
                continue
            return False
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str) or not key.isascii():
                    return False
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
        else:
            return False
    return True


def canonical_json(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value; raises as ``rfc8785.dumps`` does on what it refuses."""
    if plain_json(value):
        try:
            return json.dumps(
                value, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            ).encode("utf-8")
        except (UnicodeEncodeError, RecursionError):  # a lone surrogate; too deep
            pass
    return rfc8785.dumps(value)
