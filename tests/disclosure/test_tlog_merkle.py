"""RFC 6962 Merkle hashing and proofs against the transparency-dev / certificate-transparency
test vectors (github.com/transparency-dev/merkle: testonly/constants.go, proof/verify_test.go),
plus properties: every proof we make verifies, and any flipped bit fails."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.disclosure.tlog.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]

# RootHashes(): the root of the first n leaves, n = 0..8.
ROOTS = [
    EMPTY_ROOT.hex(),
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

# NodeHashes() level 0: the leaf hashes.
LEAF_HASHES = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
]

# inclusionProofs: (leaf, 1-based as in the Go test; tree size; path).
INCLUSION = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        2,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]

# consistencyProofs: (size1, size2, proof).
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]

TREE = MerkleTree.from_leaves(LEAVES)


def _h(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


def test_leaf_hashes_and_roots_for_sizes_0_to_8() -> None:
    assert [leaf_hash(d).hex() for d in LEAVES] == LEAF_HASHES
    assert [TREE.root(n).hex() for n in range(9)] == ROOTS
    assert [root_hash(LEAVES[:n]).hex() for n in range(9)] == ROOTS


@pytest.mark.parametrize(("leaf", "size", "path"), INCLUSION)
def test_inclusion_vectors(leaf: int, size: int, path: list[str]) -> None:
    proof = _h(path)
    assert TREE.inclusion_proof(leaf - 1, size) == proof
    root = bytes.fromhex(ROOTS[size])
    assert verify_inclusion(leaf - 1, size, TREE.leaf(leaf - 1), proof, root)
    # The corruptions of transparency-dev's verifierCheck.
    index, lh = leaf - 1, TREE.leaf(leaf - 1)
    assert not verify_inclusion(index + 1, size, lh, proof, root)
    assert not verify_inclusion(index, size * 2, lh, proof, root)
    assert not verify_inclusion(index, size, leaf_hash(b"WrongLeaf"), proof, root)
    assert not verify_inclusion(index, size, lh, proof, EMPTY_ROOT)
    assert not verify_inclusion(index, size, lh, [*proof, root], root)
    assert not verify_inclusion(index, size, lh, [root, *proof], root)
    if proof:
        assert not verify_inclusion(index, size, lh, proof[:-1], root)
        if index > 0:
            assert not verify_inclusion(index - 1, size, lh, proof, root)
        assert not verify_inclusion(index ^ 2, size, lh, proof, root) or index ^ 2 >= size


@pytest.mark.parametrize(("size1", "size2", "path"), CONSISTENCY)
def test_consistency_vectors(size1: int, size2: int, path: list[str]) -> None:
    proof = _h(path)
    assert TREE.consistency_proof(size1, size2) == proof
    r1, r2 = bytes.fromhex(ROOTS[size1]), bytes.fromhex(ROOTS[size2])
    assert verify_consistency(size1, size2, proof, r1, r2)
    if proof:
        assert not verify_consistency(size1, size2, proof, r2, r1)
        assert not verify_consistency(size1 + 1, size2, proof, r1, r2)
        assert not verify_consistency(size1, size2 * 2, proof, r1, r2)
        assert not verify_consistency(size1, size2, [], r1, r2)
        assert not verify_consistency(size1, size2, proof[:-1], r1, r2)
        assert not verify_consistency(size1, size2, [*proof, r1], r1, r2)
        assert not verify_consistency(size1, size2, [proof[0], *proof], r1, r2)


def test_trivial_consistency_cases() -> None:
    a, b = b"\x01" * 32, b"\x02" * 32
    assert verify_consistency(0, 0, [], a, a)
    assert verify_consistency(0, 5, [], a, b)
    assert not verify_consistency(1, 1, [], a, b)
    assert not verify_consistency(2, 1, [], a, b)  # time travel
    assert not verify_consistency(1, 1, [EMPTY_ROOT], a, a)


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValueError):
        TREE.inclusion_proof(8, 8)
    with pytest.raises(ValueError):
        TREE.consistency_proof(5, 9)
    assert not verify_inclusion(0, 0, TREE.leaf(0), [], EMPTY_ROOT)


def _flip(proof: list[bytes], which: int, bit: int) -> list[bytes]:
    out = list(proof)
    item = bytearray(out[which])
    item[bit // 8] ^= 1 << (bit % 8)
    out[which] = bytes(item)
    return out


@settings(max_examples=60, deadline=None)
@given(
    leaves=st.lists(st.binary(max_size=12), min_size=1, max_size=70),
    data=st.data(),
)
def test_every_inclusion_proof_verifies_and_a_flipped_bit_fails(
    leaves: list[bytes], data: st.DataObject
) -> None:
    tree = MerkleTree.from_leaves(leaves)
    size = data.draw(st.integers(1, tree.size))
    index = data.draw(st.integers(0, size - 1))
    proof = tree.inclusion_proof(index, size)
    root = tree.root(size)
    assert verify_inclusion(index, size, tree.leaf(index), proof, root)
    bit = data.draw(st.integers(0, 255))
    leaf = bytearray(tree.leaf(index))
    leaf[bit // 8] ^= 1 << (bit % 8)
    assert not verify_inclusion(index, size, bytes(leaf), proof, root)
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1))
        assert not verify_inclusion(index, size, tree.leaf(index), _flip(proof, which, bit), root)


@settings(max_examples=60, deadline=None)
@given(
    leaves=st.lists(st.binary(max_size=12), min_size=1, max_size=70),
    data=st.data(),
)
def test_every_consistency_proof_verifies_and_a_flipped_bit_fails(
    leaves: list[bytes], data: st.DataObject
) -> None:
    tree = MerkleTree.from_leaves(leaves)
    new = data.draw(st.integers(1, tree.size))
    old = data.draw(st.integers(1, new))
    proof = tree.consistency_proof(old, new)
    r1, r2 = tree.root(old), tree.root(new)
    assert verify_consistency(old, new, proof, r1, r2)
    if proof:
        bit = data.draw(st.integers(0, 255))
        which = data.draw(st.integers(0, len(proof) - 1))
        assert not verify_consistency(old, new, _flip(proof, which, bit), r1, r2)
    if old < new:
        # A tree whose first `old` leaves were rewritten is not consistent with the old root.
        changed = MerkleTree.from_leaves([b"x" + leaves[0], *leaves[1:]])
        assert not verify_consistency(
            old, new, changed.consistency_proof(old, new), r1, changed.root(new)
        )
