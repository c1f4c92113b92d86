"""W3C Bitstring Status List: the compressed bitstring that says which credentials are revoked.

Pure module (no Django). A status list credential's ``encodedList`` is the
multibase base64url (``u``, no padding) encoding of the GZIP-compressed
bitstring; index 0 is the left-most bit of the first byte. The list has at least
131,072 entries (16 KB), so that fetching it reveals nothing about which
credential is being checked, and compresses to a few hundred bytes while few
bits are set.

Decoding is defensive: the compressed list comes from whoever serves it, so the
decompressed size is bounded (a "zip bomb" stops at the bound) and every
failure raises :class:`StatusListError` with the problem type the specification
names (``STATUS_LIST_LENGTH_ERROR``, ``MALFORMED_VALUE_ERROR``...).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from collections.abc import Iterable, Mapping

from .problems import Problem, gettext_noop, problem

__all__ = [
    "MIN_ENTRIES",
    "StatusListError",
    "decode",
    "encode",
    "encode_values",
    "get_status",
    "is_set",
    "new_list",
    "parse_index",
    "set_bits",
]

MIN_ENTRIES = 131_072
# 16 million entries (2 MB of bits) is far more than any issuer needs per list.
MAX_BYTES = 2 * 1024 * 1024
# The compressed text we accept before even trying to decompress it.
MAX_ENCODED_LENGTH = 4 * 1024 * 1024
_BASE64URL_RE = re.compile(r"u[A-Za-z0-9_-]*")
_INDEX_RE = re.compile(r"(?:0|[1-9][0-9]{0,11})")


class StatusListError(ValueError):
    """A status list or status entry cannot be used; ``problem`` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _fail(name: str, template: str, **params: object) -> StatusListError:
    return StatusListError(problem(name, template, **params))


def new_list(entries: int = MIN_ENTRIES) -> bytearray:
    """An all-zero bitstring of ``entries`` bits (rounded up to whole bytes)."""
    if entries < MIN_ENTRIES:
        raise ValueError(f"A status list has at least {MIN_ENTRIES} entries, not {entries}.")
    return bytearray((entries + 7) // 8)


def encode(bits: bytes | bytearray | Iterable[int], *, size: int = MIN_ENTRIES) -> str:
    """``encodedList`` text: ``u`` + base64url(GZIP(bitstring)), without padding.

    ``bits`` is the bitstring itself (bytes), or the indexes of the set bits in a
    list of ``size`` entries. GZIP's timestamp is fixed at zero so equal lists
    always encode to equal text.
    """
    if not isinstance(bits, bytes | bytearray):
        indexes = bits
        bits = new_list(size)
        _set(bits, indexes, True)
    if len(bits) * 8 < MIN_ENTRIES:
        raise ValueError(f"A status list has at least {MIN_ENTRIES} entries.")
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def encode_values(
    values: Mapping[int, int], *, entries: int = MIN_ENTRIES, status_size: int = 1
) -> str:
    """``encodedList`` text of a list of ``entries`` entries of ``status_size`` bits each,
    entry ``i`` holding ``values.get(i, 0)`` (most significant bit first, as `get_status`
    reads it)."""
    if status_size < 1 or status_size > 8:
        raise ValueError(f"statusSize must be between 1 and 8, not {status_size}.")
    bits = new_list(entries * status_size)
    for index, value in values.items():
        if index < 0 or index >= entries or value < 0 or value >= 1 << status_size:
            raise _fail(
                "RANGE_ERROR",
                gettext_noop("statusListIndex %(index)s is beyond the end of the status list."),
                index=index,
            )
        first = index * status_size
        for offset in range(status_size):
            if value >> (status_size - 1 - offset) & 1:
                position = first + offset
                bits[position >> 3] |= 1 << (7 - (position & 7))
    return encode(bits)


def decode(encoded: object, *, min_entries: int = MIN_ENTRIES) -> bytes:
    """The bitstring inside an ``encodedList`` value, checked and bounded."""
    if not isinstance(encoded, str) or not _BASE64URL_RE.fullmatch(encoded):
        raise _fail(
            "MALFORMED_VALUE_ERROR",
            gettext_noop("The encodedList is not multibase base64url text (starting with u)."),
        )
    if len(encoded) > MAX_ENCODED_LENGTH:
        raise _fail(
            "MALFORMED_VALUE_ERROR",
            gettext_noop("The encodedList is longer than %(limit)s characters."),
            limit=MAX_ENCODED_LENGTH,
        )
    text = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise _fail(
            "MALFORMED_VALUE_ERROR", gettext_noop("The encodedList is not valid base64url.")
        ) from None
    # wbits 16 + MAX_WBITS: a GZIP stream (header and CRC checked), nothing else.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        bits = inflater.decompress(compressed, MAX_BYTES + 1)
    except zlib.error:
        raise _fail(
            "MALFORMED_VALUE_ERROR", gettext_noop("The encodedList is not GZIP-compressed data.")
        ) from None
    if len(bits) > MAX_BYTES or inflater.unconsumed_tail:
        raise _fail(
            "STATUS_LIST_LENGTH_ERROR",
            gettext_noop("The status list is longer than %(limit)s bytes once uncompressed."),
            limit=MAX_BYTES,
        )
    if not inflater.eof:
        raise _fail(
            "MALFORMED_VALUE_ERROR", gettext_noop("The encodedList's GZIP data is truncated.")
        )
    if len(bits) * 8 < min_entries:
        raise _fail(
            "STATUS_LIST_LENGTH_ERROR",
            gettext_noop(
                "The status list has %(entries)s entries; at least %(minimum)s are required."
            ),
            entries=len(bits) * 8,
            minimum=min_entries,
        )
    return bits


def parse_index(value: object) -> int:
    """A ``statusListIndex``: a base-10 integer written as a string (not a JSON number)."""
    if not isinstance(value, str) or not _INDEX_RE.fullmatch(value):
        raise _fail(
            "MALFORMED_STATUS_ERROR",
            gettext_noop(
                "statusListIndex must be a non-negative whole number written as a string, "
                'e.g. "94567".'
            ),
        )
    return int(value)


def get_status(bits: bytes | bytearray, index: int, size: int = 1) -> int:
    """The ``size``-bit status value of entry ``index`` (entry 0 starts at the left-most bit)."""
    if size < 1 or size > 8:
        raise _fail(
            "MALFORMED_STATUS_ERROR",
            gettext_noop("statusSize must be between 1 and 8, not %(size)s."),
            size=size,
        )
    first = index * size
    if index < 0 or first + size > len(bits) * 8:
        raise _fail(
            "RANGE_ERROR",
            gettext_noop("statusListIndex %(index)s is beyond the end of the status list."),
            index=index,
        )
    value = 0
    for position in range(first, first + size):
        value = (value << 1) | ((bits[position >> 3] >> (7 - (position & 7))) & 1)
    return value


def is_set(encoded_list: str, index: int) -> bool:
    """Whether bit ``index`` of an ``encodedList`` is set (the credential is revoked/suspended)."""
    return get_status(decode(encoded_list), index) == 1


def set_bits(encoded_list: str | None, indexes: Iterable[int], value: bool = True) -> str:
    """A new ``encodedList`` with the bits at ``indexes`` set (or cleared when ``value`` is False).

    ``None`` starts from an empty list of the minimum length.
    """
    bits = new_list() if encoded_list is None else bytearray(decode(encoded_list))
    _set(bits, indexes, value)
    return encode(bits)


def _set(bits: bytearray, indexes: Iterable[int], value: bool) -> None:
    for index in indexes:
        if index < 0 or index >= len(bits) * 8:
            raise _fail(
                "RANGE_ERROR",
                gettext_noop("statusListIndex %(index)s is beyond the end of the status list."),
                index=index,
            )
        mask = 1 << (7 - (index & 7))
        if value:
            bits[index >> 3] |= mask
        else:
            bits[index >> 3] &= ~mask & 0xFF
