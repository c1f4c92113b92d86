"""RFC 9162 hashing and proofs against the transparency-dev vectors and random trees."""

from __future__ import annotations

import hashlib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minga.audit import merkle
from minga.audit.tests.vectors import b64, constants, probes, reference_leaves

INCLUSION = probes("inclusion")
CONSISTENCY = probes("consistency")


def test_it_has_every_probe() -> None:
    assert len(INCLUSION) + len(CONSISTENCY) == 196
    assert any(p["wantErr"] for _, p in INCLUSION) and any(p["wantErr"] for _, p in CONSISTENCY)


def test_it_hashes_the_empty_tree_and_leaf() -> None:
    assert merkle.root_hash([]) == hashlib.sha256(b"").digest() == merkle.EMPTY_ROOT
    assert merkle.leaf_hash(b"").hex().startswith("6e340b9c")


@pytest.mark.parametrize("size", range(9))
def test_it_computes_the_reference_roots(size: int) -> None:
    expected = constants()["root_hashes_hex_by_tree_size"][size]
    assert merkle.root_hash(reference_leaves()[:size]).hex() == expected


def test_it_computes_every_reference_node() -> None:
    tree = merkle.Tree(merkle.leaf_hash(leaf) for leaf in reference_leaves())
    levels = constants()["node_hashes_hex_by_level"]["levels"]
    assert [[h.hex() for h in level] for level in tree.levels] == levels


@pytest.mark.parametrize(("name", "probe"), INCLUSION, ids=[name for name, _ in INCLUSION])
def test_it_verifies_inclusion_probes(name: str, probe: dict) -> None:
    args = (
        b64(probe["leafHash"]),
        probe["leafIdx"],
        probe["treeSize"],
        [b64(h) for h in probe["proof"] or []],
        b64(probe["root"]),
    )
    if probe["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args)
    else:
        merkle.verify_inclusion(*args)


@pytest.mark.parametrize(("name", "probe"), CONSISTENCY, ids=[name for name, _ in CONSISTENCY])
def test_it_verifies_consistency_probes(name: str, probe: dict) -> None:
    args = (
        probe["size1"],
        probe["size2"],
        [b64(h) for h in probe["proof"] or []],
        b64(probe["root1"]),
        b64(probe["root2"]),
    )
    if probe["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*args)
    else:
        merkle.verify_consistency(*args)


HAPPY_INCLUSION = [
    (n, p) for n, p in INCLUSION if n.endswith("/happy-path.json") and n[0].isdigit()
]
HAPPY_CONSISTENCY = [
    (n, p) for n, p in CONSISTENCY if n.endswith("/happy-path.json") and n[0].isdigit()
]


@pytest.mark.parametrize(("name", "probe"), HAPPY_INCLUSION)
def test_it_builds_the_published_inclusion_proofs(name: str, probe: dict) -> None:
    leaves = reference_leaves()[: probe["treeSize"]]
    proof = merkle.inclusion_proof(leaves, probe["leafIdx"])
    assert proof == [b64(h) for h in probe["proof"] or []]


@pytest.mark.parametrize(("name", "probe"), HAPPY_CONSISTENCY)
def test_it_builds_the_published_consistency_proofs(name: str, probe: dict) -> None:
    leaves = reference_leaves()[: probe["size2"]]
    proof = merkle.consistency_proof(leaves, probe["size1"])
    assert proof == [b64(h) for h in probe["proof"] or []]


def test_it_refuses_to_build_impossible_proofs() -> None:
    leaves = reference_leaves()
    with pytest.raises(ValueError):
        merkle.inclusion_proof(leaves, 8)
    with pytest.raises(ValueError):
        merkle.inclusion_proof(leaves, -1)
    with pytest.raises(ValueError):
        merkle.consistency_proof(leaves, 9)
    assert merkle.consistency_proof(leaves, 0) == []
    assert merkle.consistency_proof(leaves, 8) == []


def test_it_rejects_hashes_of_the_wrong_length() -> None:
    leaves = reference_leaves()[:4]
    proof = merkle.inclusion_proof(leaves, 1)
    root = merkle.root_hash(leaves)
    leaf = merkle.leaf_hash(leaves[1])
    with pytest.raises(merkle.ProofError, match="32-byte"):
        merkle.verify_inclusion(leaf + b"\0", 1, 4, proof, root)
    with pytest.raises(merkle.ProofError, match="32-byte"):
        merkle.verify_inclusion(leaf, 1, 4, [proof[0][:31], proof[1]], root)
    with pytest.raises(merkle.ProofError, match="32-byte"):
        merkle.verify_inclusion(leaf, 1, 4, proof, root[:16])


def test_it_terminates_on_a_consistency_proof_from_zero() -> None:
    with pytest.raises(merkle.ProofError, match="meaningless"):
        merkle.verify_consistency(0, 5, [merkle.EMPTY_ROOT] * 3, merkle.EMPTY_ROOT, os.urandom(32))


def test_it_decomposes_ranges_into_subtrees() -> None:
    assert merkle.range_nodes(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert merkle.range_nodes(8, 12) == [(2, 2)]
    with pytest.raises(ValueError, match="not a subtree"):
        merkle.range_nodes(1, 4)
    with pytest.raises(ValueError):
        merkle.range_nodes(3, 3)


def test_it_reports_a_missing_stored_node() -> None:
    with pytest.raises(LookupError, match="not stored"):
        merkle.inclusion_proof_from(lambda nodes: {}, 0, 2)


def _flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


@st.composite
def trees(draw: st.DrawFn, max_size: int = 300) -> list[bytes]:
    size = draw(st.integers(min_value=1, max_value=max_size))
    seed = draw(st.binary(min_size=4, max_size=4))
    return [seed + i.to_bytes(4, "big") for i in range(size)]


@settings(max_examples=200, deadline=None)
@given(leaves=trees(), data=st.data())
def test_it_proves_inclusion_in_random_trees(leaves: list[bytes], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof = merkle.inclusion_proof(leaves, index)
    root = merkle.root_hash(leaves)
    leaf = merkle.leaf_hash(leaves[index])
    merkle.verify_inclusion(leaf, index, len(leaves), proof, root)
    assert len(proof) <= (len(leaves) - 1).bit_length()

    # Any single bit flipped anywhere (leaf, proof, root) must fail.
    parts = [leaf, *proof, root]
    which = data.draw(st.integers(0, len(parts) - 1))
    parts[which] = _flip(parts[which], data.draw(st.integers(0, 255)))
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(parts[0], index, len(leaves), parts[1:-1], parts[-1])


@settings(max_examples=200, deadline=None)
@given(leaves=trees(), data=st.data())
def test_it_proves_consistency_in_random_trees(leaves: list[bytes], data: st.DataObject) -> None:
    old = data.draw(st.integers(1, len(leaves)))
    proof = merkle.consistency_proof(leaves, old)
    old_root, new_root = merkle.root_hash(leaves[:old]), merkle.root_hash(leaves)
    merkle.verify_consistency(old, len(leaves), proof, old_root, new_root)
    if old == len(leaves):
        return
    parts = [old_root, *proof, new_root]
    which = data.draw(st.integers(0, len(parts) - 1))
    parts[which] = _flip(parts[which], data.draw(st.integers(0, 255)))
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(old, len(leaves), parts[1:-1], parts[0], parts[-1])


@settings(max_examples=100, deadline=None)
@given(leaves=trees(), data=st.data())
def test_it_rejects_proofs_for_another_position(leaves: list[bytes], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    other = data.draw(st.integers(0, len(leaves)).filter(lambda i: i != index))
    proof = merkle.inclusion_proof(leaves, index)
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(
            merkle.leaf_hash(leaves[index]), other, len(leaves), proof, merkle.root_hash(leaves)
        )


@settings(max_examples=100, deadline=None)
@given(leaves=trees(max_size=600), data=st.data())
def test_it_answers_the_same_from_stored_hashes(leaves: list[bytes], data: st.DataObject) -> None:
    tree = merkle.Tree(merkle.leaf_hash(leaf) for leaf in leaves)
    size = data.draw(st.integers(1, len(leaves)))
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(0, size))
    assert tree.root(size) == merkle.root_hash(leaves[:size])
    assert tree.inclusion_proof(index, size) == merkle.inclusion_proof(leaves[:size], index)
    assert tree.consistency_proof(old, size) == merkle.consistency_proof(leaves[:size], old)
