"""C2SP tlog-tiles: tile paths, tile contents and entry bundles.

Pure module. A tile is 256 consecutive hashes of one *tile level*: level 0 holds leaf hashes, level
`l` holds the roots of full tiles of level `l - 1`, i.e. tree nodes at height `8 * l`. Every proof
can be computed from a few tiles, which is why the log stores them instead of every node, and why
they can be served as immutable files.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .merkle import HASH_SIZE, Node, NodeReader, subtree_root

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF  # entry bundles prefix each entry with a big-endian uint16 length

TileKey = tuple[int, int]
"""(tile level, tile index)."""

TileFetcher = Callable[[Mapping[TileKey, int]], Mapping[TileKey, bytes]]
"""Given the width wanted for each tile, return at least that many hashes of each (concatenated)."""


class TilePathError(ValueError):
    """A tile or entry-bundle path that is not in the canonical tlog-tiles form."""


@dataclass(frozen=True)
class TileRef:
    """A parsed tile path: `level` is None for an entry bundle; `width` None for a full tile."""

    level: int | None
    index: int
    width: int | None = None

    @property
    def is_entries(self) -> bool:
        return self.level is None

    @property
    def size(self) -> int:
        """The number of hashes (or entries) in the tile."""
        return TILE_WIDTH if self.width is None else self.width

    @property
    def path(self) -> str:
        return tile_path(self.level, self.index, self.width)


def encode_index(index: int) -> str:
    """Encode a tile index as zero-padded 3-digit path elements: 1234067 -> x001/x234/067."""
    if index < 0:
        raise ValueError("a tile index cannot be negative")
    groups = []
    while True:
        groups.append(f"{index % 1000:03d}")
        index //= 1000
        if index == 0:
            break
    groups.reverse()
    return "/".join([f"x{group}" for group in groups[:-1]] + [groups[-1]])


_LAST = re.compile(r"[0-9]{3}")
_INNER = re.compile(r"x[0-9]{3}")
_SMALL = re.compile(r"0|[1-9][0-9]{0,2}")


def parse_index(text: str) -> int:
    """Parse the canonical encoding made by `encode_index`; anything else is an error."""
    parts = text.split("/")
    if not _LAST.fullmatch(parts[-1]) or not all(_INNER.fullmatch(p) for p in parts[:-1]):
        raise TilePathError(f"{text!r} is not a tile index like 'x001/x234/067'")
    if len(parts) > 1 and parts[0] == "x000":
        raise TilePathError(f"{text!r} has a redundant leading 'x000'")
    if len(parts) > 7:
        raise TilePathError(f"{text!r} is too large to be a tile index")
    return int("".join(p.removeprefix("x") for p in parts))


def tile_path(level: int | None, index: int, width: int | None = None) -> str:
    """The path of a tile (or entry bundle when `level` is None) below the log prefix."""
    name = "entries" if level is None else str(level)
    suffix = "" if width is None else f".p/{width}"
    return f"tile/{name}/{encode_index(index)}{suffix}"


def parse_tile_path(path: str) -> TileRef:
    """Parse `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, the part after `tile/`."""
    name, sep, rest = path.partition("/")
    if not sep:
        raise TilePathError("a tile path is <level>/<index>, e.g. 0/x001/234")
    if name == "entries":
        level = None
    elif _SMALL.fullmatch(name) and int(name) <= MAX_LEVEL:
        level = int(name)
    else:
        raise TilePathError(f"tile level {name!r} is not a number from 0 to {MAX_LEVEL}")
    index_text, dot, width_text = rest.partition(".p/")
    width = None
    if dot:
        if not _SMALL.fullmatch(width_text) or not 1 <= int(width_text) < TILE_WIDTH:
            raise TilePathError(f"partial tile width {width_text!r} is not from 1 to 255")
        width = int(width_text)
    return TileRef(level, parse_index(index_text), width)


def tile_width(level: int, index: int, tree_size: int) -> int:
    """How many hashes tile (`level`, `index`) has in a tree of `tree_size` (0: none yet)."""
    available = (tree_size >> (TILE_HEIGHT * level)) - index * TILE_WIDTH
    return max(0, min(TILE_WIDTH, available))


def split_hashes(data: bytes) -> list[bytes]:
    """Cut concatenated tile contents into hashes."""
    if len(data) % HASH_SIZE:
        raise ValueError("tile data is not a whole number of hashes")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def tile_root(data: bytes) -> bytes:
    """The Merkle Tree Hash of a tile's hashes: for a full tile, one hash of the level above."""
    return subtree_root(split_hashes(data))


def _perfect_root(data: bytes) -> bytes:
    """The root of a power-of-two run of concatenated hashes; siblings are adjacent bytes."""
    while len(data) > HASH_SIZE:
        data = b"".join(
            hashlib.sha256(b"\x01" + data[i : i + 2 * HASH_SIZE]).digest()
            for i in range(0, len(data), 2 * HASH_SIZE)
        )
    return data


def tile_reader(fetch: TileFetcher, tree_size: int) -> NodeReader:
    """A `merkle.NodeReader` for a tree of `tree_size`, answered from its tiles.

    A node at height `h` lies in tile level `h // 8`; its hash is rebuilt from the `2 ** (h % 8)`
    tile hashes below it, at most 128 hashes and 127 SHA-256 calls per node.
    """

    def read(nodes: Sequence[Node]) -> dict[Node, bytes]:
        spans = {}
        widths: dict[TileKey, int] = {}
        for level, index in nodes:
            tile_level, rest = divmod(level, TILE_HEIGHT)
            first = index << rest
            key = (tile_level, first >> TILE_HEIGHT)
            width = tile_width(*key, tree_size)
            offset = first & (TILE_WIDTH - 1)
            if offset + (1 << rest) > width:
                raise LookupError(f"node {(level, index)} is not in a tree of size {tree_size}")
            widths[key] = width
            spans[(level, index)] = (key, offset, 1 << rest)
        tiles = fetch(widths)
        found = {}
        for node, (key, offset, count) in spans.items():
            data = tiles.get(key, b"")
            if len(data) < widths[key] * HASH_SIZE:
                raise LookupError(f"tile {key} is shorter than {widths[key]} hashes")
            found[node] = _perfect_root(data[offset * HASH_SIZE : (offset + count) * HASH_SIZE])
        return found

    return read


def build_tiles(leaf_hashes: Sequence[bytes]) -> dict[TileKey, bytes]:
    """Every tile (full and partial) of a tree held in memory; for tests and bulk loading."""
    tiles: dict[TileKey, bytes] = {}
    level, hashes = 0, list(leaf_hashes)
    while hashes:
        above = []
        for index in range(0, len(hashes), TILE_WIDTH):
            chunk = hashes[index : index + TILE_WIDTH]
            tiles[(level, index // TILE_WIDTH)] = b"".join(chunk)
            if len(chunk) == TILE_WIDTH:
                above.append(_perfect_root(b"".join(chunk)))
        level, hashes = level + 1, above
    return tiles


def entry_bundle(entries: Iterable[bytes]) -> bytes:
    """Concatenate entries, each prefixed with its length as a big-endian uint16."""
    parts = []
    for entry in entries:
        if len(entry) > MAX_ENTRY_SIZE:
            raise ValueError(f"an entry of {len(entry)} bytes does not fit an entry bundle")
        parts.append(len(entry).to_bytes(2, "big") + entry)
    return b"".join(parts)


def parse_entry_bundle(data: bytes) -> list[bytes]:
    """Split an entry bundle back into entries; a truncated bundle is an error."""
    entries, pos = [], 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise ValueError("entry bundle ends inside a length prefix")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if pos + 2 + length > len(data):
            raise ValueError("entry bundle ends inside an entry")
        entries.append(data[pos + 2 : pos + 2 + length])
        pos += 2 + length
    return entries
