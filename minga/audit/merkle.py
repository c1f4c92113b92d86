"""RFC 9162 Merkle tree hashing, proofs and their verification.

This module is pure (hashlib only, no Django) so that the log's core can be tested against the
published vectors, benchmarked and reasoned about alone.

Two ways to build proofs:

* from raw entries (`root_hash`, `inclusion_proof`, `consistency_proof`), which rehash everything
  and are meant for tests and small trees;
* from stored hashes (`root_from`, `inclusion_proof_from`, `consistency_proof_from`), which ask a
  *node reader* for the few complete-subtree hashes a proof needs. A log of a million entries keeps
  its hashes in tiles and answers a proof with a handful of lookups instead of a million hashes.

A node is written `(level, index)`: the complete subtree of `2**level` leaves starting at leaf
`index << level`. Level 0 nodes are leaf hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int]
NodeReader = Callable[[Sequence[Node]], Mapping[Node, bytes]]
"""Return the hash of every requested node; used so storage can fetch them in one go."""


class ProofError(ValueError):
    """A proof, hash or tree size that does not check out."""


def leaf_hash(data: bytes) -> bytes:
    """Hash one entry; the 0x00 prefix keeps leaves and interior nodes apart (second preimages)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two children into their parent, with the 0x01 interior-node prefix."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two strictly smaller than `size` (size >= 2), as RFC 9162 splits."""
    return 1 << ((size - 1).bit_length() - 1)


# --- building from stored hashes -----------------------------------------------------------------


def range_nodes(start: int, end: int) -> list[Node]:
    """Complete subtrees, left to right, whose right fold is MTH(D[start:end]).

    Only ranges that occur in RFC 9162 trees are accepted: `start` must be a multiple of the
    largest power of two not above the range's size, which is what makes the split unique.
    """
    if not 0 <= start < end:
        raise ValueError(f"empty or negative range [{start}, {end})")
    nodes = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start & ((1 << level) - 1):
            raise ValueError(f"range [{start}, {end}) is not a subtree of an RFC 9162 tree")
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """Combine the hashes of `range_nodes` into the range's Merkle Tree Hash."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes make the inclusion proof of `index` (RFC 9162 2.1.3.1)."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} is outside a tree of size {size}")
    ranges = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes make the consistency proof (RFC 9162 2.1.4.1).

    A proof from an empty tree, or between equal sizes, is empty.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"cannot prove size {old_size} is a prefix of size {new_size}")
    if old_size in (0, new_size):
        return []
    ranges = []
    lo, hi, whole = 0, new_size, True
    while old_size != hi:
        k = _split(hi - lo)
        if old_size <= lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            whole = False
    if not whole:
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


def _resolve(read: NodeReader, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    wanted = [range_nodes(start, end) for start, end in ranges]
    found = read(sorted({node for nodes in wanted for node in nodes}))
    try:
        return [fold([found[node] for node in nodes]) for nodes in wanted]
    except KeyError as missing:
        raise LookupError(f"node {missing.args[0]} is not stored") from None


def root_from(read: NodeReader, size: int) -> bytes:
    """The root of the tree of `size` leaves, from stored node hashes."""
    if size == 0:
        return EMPTY_ROOT
    return _resolve(read, [(0, size)])[0]


def inclusion_proof_from(read: NodeReader, index: int, size: int) -> list[bytes]:
    """The inclusion proof of leaf `index` in the tree of `size` leaves, from stored hashes."""
    return _resolve(read, inclusion_ranges(index, size))


def consistency_proof_from(read: NodeReader, old_size: int, new_size: int) -> list[bytes]:
    """The consistency proof between two tree sizes, from stored hashes."""
    return _resolve(read, consistency_ranges(old_size, new_size))


class Tree:
    """Every complete-subtree hash of a tree held in memory.

    `levels[h][i]` is node `(h, i)`. Used for small trees, for tests, and by the full recomputation
    that `log verify` does, where rehashing everything once is the point.
    """

    def __init__(self, leaf_hashes: Iterable[bytes]) -> None:
        level = list(leaf_hashes)
        self.levels: list[list[bytes]] = [level]
        while len(level) > 1:
            level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            self.levels.append(level)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def read(self, nodes: Sequence[Node]) -> dict[Node, bytes]:
        """A `NodeReader` over this tree."""
        return {(level, index): self.levels[level][index] for level, index in nodes}

    def root(self, size: int | None = None) -> bytes:
        return root_from(self.read, self._size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof_from(self.read, index, self._size(size))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        return consistency_proof_from(self.read, old_size, self._size(new_size))

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"size {size} is outside a tree of {self.size} leaves")
        return size


def subtree_root(hashes: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of a sequence of leaf (or subtree) hashes."""
    return Tree(hashes).root() if hashes else EMPTY_ROOT


# --- the contract: from raw entries --------------------------------------------------------------


def root_hash(leaves: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of raw entries."""
    return subtree_root([leaf_hash(leaf) for leaf in leaves])


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The inclusion proof of entry `index` in the tree of all `leaves` (raw entries)."""
    return Tree(leaf_hash(leaf) for leaf in leaves).inclusion_proof(index)


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """The proof that the first `old_size` entries form a prefix of the tree of all `leaves`."""
    return Tree(leaf_hash(leaf) for leaf in leaves).consistency_proof(old_size)


# --- verification (RFC 9162 2.1.3.2 and 2.1.4.2) ----------------------------------------------


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        raise ProofError(f"{what} is not a {HASH_SIZE}-byte hash")


def _lsb(n: int) -> bool:
    return bool(n & 1)


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that `leaf_hash` is entry `index` of the tree of `tree_size` with `root`.

    Raises `ProofError` on any failure; returns None when the proof holds.
    """
    _check_hash(leaf_hash, "leaf hash")
    _check_hash(root, "root")
    if not 0 <= index < tree_size:
        raise ProofError(f"index {index} is outside a tree of size {tree_size}")
    proof = list(proof or [])
    for i, sibling in enumerate(proof):
        _check_hash(sibling, f"proof hash {i}")
    fn, sn, r = index, tree_size - 1, leaf_hash
    for sibling in proof:
        if sn == 0:
            raise ProofError("proof is longer than the tree is deep")
        if _lsb(fn) or fn == sn:
            r = node_hash(sibling, r)
            while not _lsb(fn) and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof is shorter than the tree is deep")
    if r != root:
        raise ProofError("calculated root does not match the given root")


def verify_consistency(
    old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """Check that the tree of `old_size` with `old_root` is a prefix of the one with `new_root`.

    A proof from size 0 is meaningless and refused. Equal sizes need an empty proof and equal roots.
    Raises `ProofError` on any failure.
    """
    proof = list(proof or [])
    if old_size < 0 or new_size < old_size:
        raise ProofError(f"size {old_size} cannot be a prefix of size {new_size}")
    if old_size == 0:
        raise ProofError("a consistency proof from an empty tree is meaningless")
    if old_size == new_size:
        if proof:
            raise ProofError("sizes are equal but the proof is not empty")
        if old_root != new_root:
            raise ProofError("sizes are equal but the roots differ")
        return
    _check_hash(old_root, "old root")
    _check_hash(new_root, "new root")
    if not proof:
        raise ProofError("the proof is empty")
    for i, node in enumerate(proof):
        _check_hash(node, f"proof hash {i}")
    if old_size & (old_size - 1) == 0:
        # The old tree is a complete subtree: its root is the proof's implicit first node.
        proof = [old_root, *proof]
    fn, sn = old_size - 1, new_size - 1
    while _lsb(fn):
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for node in proof[1:]:
        if sn == 0:
            raise ProofError("proof is longer than the tree is deep")
        if _lsb(fn) or fn == sn:
            fr = node_hash(node, fr)
            sr = node_hash(node, sr)
            while not _lsb(fn) and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, node)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof is shorter than the tree is deep")
    if fr != old_root:
        raise ProofError("calculated old root does not match the given old root")
    if sr != new_root:
        raise ProofError("calculated new root does not match the given new root")
