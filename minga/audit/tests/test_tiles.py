"""tlog-tiles paths, widths, tile-based proofs and entry bundles (pure)."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minga.audit import merkle, tiles

BIG = 70_000
BIG_LEAVES = [os.urandom(32) for _ in range(BIG)]
BIG_TREE = merkle.Tree(BIG_LEAVES)
BIG_TILES = tiles.build_tiles(BIG_LEAVES)


@pytest.mark.parametrize(
    ("index", "text"),
    [(0, "000"), (5, "005"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_it_encodes_tile_indexes(index: int, text: str) -> None:
    assert tiles.encode_index(index) == text
    assert tiles.parse_index(text) == index


def test_it_builds_tile_paths() -> None:
    assert tiles.tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tiles.tile_path(1, 3, 17) == "tile/1/003.p/17"
    assert tiles.tile_path(None, 2) == "tile/entries/002"
    assert tiles.parse_tile_path("entries/x001/000.p/5") == tiles.TileRef(None, 1000, 5)
    assert tiles.parse_tile_path("63/000").path == "tile/63/000"


@pytest.mark.parametrize(
    "path",
    [
        "0/5",
        "0/x005",
        "0/005/",
        "0/x000/005",
        "64/000",
        "00/000",
        "0/005.p/0",
        "0/005.p/256",
        "0/005.p/007",
        "entries",
        "0/x001/x002/x003/x004/x005/x006/x007/008",
    ],
)
def test_it_rejects_non_canonical_paths(path: str) -> None:
    with pytest.raises(tiles.TilePathError):
        tiles.parse_tile_path(path)


def test_it_sizes_tiles_as_the_spec_example() -> None:
    # "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0
    # tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one
    # partial level 2 tile of width 1."
    widths = {key: len(data) // 32 for key, data in BIG_TILES.items()}
    assert sum(1 for (level, _), w in widths.items() if level == 0 and w == 256) == 273
    assert widths[(0, 273)] == 112 == tiles.tile_width(0, 273, BIG)
    assert widths[(1, 0)] == 256 and widths[(1, 1)] == 17 == tiles.tile_width(1, 1, BIG)
    assert widths[(2, 0)] == 1 == tiles.tile_width(2, 0, BIG)
    assert tiles.tile_width(0, 274, BIG) == 0
    assert tiles.tile_width(1, 0, 256) == 1


def fetch_prefixes(widths):
    return {key: BIG_TILES[key][: width * 32] for key, width in widths.items()}


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_it_proves_from_tiles_as_from_the_whole_tree(data: st.DataObject) -> None:
    size = data.draw(st.one_of(st.integers(1, BIG), st.sampled_from([1, 256, 65536, BIG])))
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(0, size))
    read = tiles.tile_reader(fetch_prefixes, size)
    assert merkle.root_from(read, size) == BIG_TREE.root(size)
    assert merkle.inclusion_proof_from(read, index, size) == BIG_TREE.inclusion_proof(index, size)
    assert merkle.consistency_proof_from(read, old, size) == BIG_TREE.consistency_proof(old, size)


def test_it_notices_missing_tile_data() -> None:
    read = tiles.tile_reader(lambda widths: {}, 300)
    with pytest.raises(LookupError):
        merkle.root_from(read, 300)


def test_it_bundles_entries() -> None:
    entries = [b"", b"a", b"x" * 300, bytes(range(256))]
    bundle = tiles.entry_bundle(entries)
    assert bundle[:5] == b"\x00\x00\x00\x01a"
    assert tiles.parse_entry_bundle(bundle) == entries
    for cut in (1, 3, len(bundle) - 1):
        with pytest.raises(ValueError):
            tiles.parse_entry_bundle(bundle[:cut])
    with pytest.raises(ValueError):
        tiles.entry_bundle([b"x" * 65_536])


def test_it_hashes_a_full_tile_into_the_level_above() -> None:
    assert tiles.tile_root(BIG_TILES[(0, 3)]) == BIG_TILES[(1, 0)][3 * 32 : 4 * 32]
    with pytest.raises(ValueError):
        tiles.split_hashes(b"x" * 33)
