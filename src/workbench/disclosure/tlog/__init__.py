"""The log as a transparency log: RFC 6962 Merkle trees, C2SP checkpoint notes and proofs.

``merkle`` hashes and proves; ``note`` writes and opens signed checkpoint notes; ``proof`` is
the ``.tlog-proof`` format; ``logtree`` maps a project's log onto a tree; ``shots`` proves
chosen entries and checks a log against an old checkpoint; ``evidence`` is what a render's
Content Credentials carry.
"""

from workbench.disclosure.tlog.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from workbench.disclosure.tlog.note import (
    Checkpoint,
    NoteError,
    SignedNote,
    VerifierKey,
    open_checkpoint,
    origin_for,
    sign_checkpoint,
)
from workbench.disclosure.tlog.proof import ProofReport, parse_proofs, verify_proofs

__all__ = [
    "EMPTY_ROOT",
    "Checkpoint",
    "MerkleTree",
    "NoteError",
    "ProofReport",
    "SignedNote",
    "VerifierKey",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "origin_for",
    "parse_proofs",
    "root_hash",
    "sign_checkpoint",
    "verify_consistency",
    "verify_inclusion",
    "verify_proofs",
]
