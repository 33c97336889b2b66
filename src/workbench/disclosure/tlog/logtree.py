"""The log as a Merkle tree: its leaves, its checkpoint, and the keys that may sign it.

The leaves are the entries' stored canonical bytes in log order, so leaf ``i`` is entry
``seq = i + 1`` and the tree of size ``n`` covers exactly the entries a hash-chain checkpoint
of ``tree_size = n`` covers. The notes are not stored: a project file keeps its chain
checkpoints (schema unchanged), and a note for any tree size is computed from the log and
signed on demand by one of the project's signing keys.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from workbench.disclosure.keys import SigningKey
from workbench.disclosure.store import KeyRow, LogRow, as_bytes
from workbench.disclosure.tlog.merkle import MerkleTree, leaf_hash
from workbench.disclosure.tlog.note import (
    Checkpoint,
    SignedNote,
    VerifierKey,
    origin_for,
    sign_checkpoint,
)
from workbench.errors import DisclosureError


def log_tree(rows: Sequence[LogRow]) -> MerkleTree:
    """The RFC 6962 tree over the rows' bytes, in order."""
    return MerkleTree(leaf_hash(as_bytes(row.body)) for row in rows)


def checkpoint_of(project_id: str, tree: MerkleTree, size: int | None = None) -> Checkpoint:
    size = tree.size if size is None else size
    return Checkpoint(origin_for(project_id), size, tree.root(size))


def project_verifiers(project_id: str, keys: Sequence[KeyRow]) -> list[VerifierKey]:
    """The note verifiers of a project: each of its Ed25519 keys, named by the log's origin."""
    out: list[VerifierKey] = []
    for key in keys:
        try:
            raw = base64.b64decode(str(key.public_key), validate=True)
        except ValueError:
            continue
        if len(raw) == 32:
            out.append(VerifierKey(origin_for(project_id), raw))
    return out


def sign_log_checkpoint(
    project_id: str,
    tree: MerkleTree,
    key: SigningKey,
    keys: Sequence[KeyRow],
    size: int | None = None,
) -> SignedNote:
    """The checkpoint note of the tree at ``size``, signed by ``key``, which must be one of
    the project's keys (a note signed by anyone else vouches for nothing a reader can check)."""
    if key.key_id not in {str(k.key_id) for k in keys}:
        listed = ", ".join(sorted(str(k.key_id) for k in keys)) or "none"
        raise DisclosureError(
            f"your signing key {key.key_id} is not one of this project's signers ({listed})",
            hint="a checkpoint note is signed by a key that signed the log; ask its producer",
        )
    return sign_checkpoint(checkpoint_of(project_id, tree, size), key)


__all__ = ["checkpoint_of", "log_tree", "project_verifiers", "sign_log_checkpoint"]
