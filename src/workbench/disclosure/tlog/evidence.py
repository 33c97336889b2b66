"""The transparency-log evidence a signed render carries, and its checks.

The ``org.workbench.disclosure`` assertion gets a ``tlog`` object: the checkpoint note of the
log at the checkpoint the manifest vouches for, the verifier key that signed it, and for each
edit its leaf index, its inclusion proof and its record (the entry's canonical JSON, whose
SHA-256 is the entry hash the actions name). A reader holding only the file can then check
that every edit it lists is in a signed log; with the project's keys, whose log it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from workbench.disclosure.canonical import sha256_hex
from workbench.disclosure.keys import SigningKey
from workbench.disclosure.store import KeyRow, LogRow, as_bytes
from workbench.disclosure.tlog.logtree import log_tree, project_verifiers, sign_log_checkpoint
from workbench.disclosure.tlog.merkle import leaf_hash, verify_inclusion
from workbench.disclosure.tlog.note import (
    NoteError,
    VerifierKey,
    b64,
    b64_strict,
    open_checkpoint,
    origin_for,
)
from workbench.errors import DisclosureError

if TYPE_CHECKING:
    from workbench.disclosure.export import LogData

TLOG_SCHEMA = "workbench.tlog-evidence/1"


def manifest_evidence(
    data: LogData, tree_size: int, edits: Sequence[dict[str, Any]], key: SigningKey
) -> dict[str, Any]:
    """The ``tlog`` object for a manifest: note of the first ``tree_size`` entries, proofs."""
    project_id = data.project_id or ""
    rows = list(data.rows[:tree_size])
    tree = log_tree(rows)
    note = sign_log_checkpoint(project_id, tree, key, data.keys)
    positions = {str(row.id): i for i, row in enumerate(rows)}
    proofs = []
    for entry in edits:
        i = positions.get(str(entry.get("id")))
        if i is None:
            raise DisclosureError(f"edit {entry.get('id')} is not among the checkpoint's entries")
        proofs.append(
            {
                "entry": str(entry.get("id")),
                "index": i,
                "inclusion": [b64(h) for h in tree.inclusion_proof(i)],
                "record": as_bytes(rows[i].body).decode("utf-8"),
            }
        )
    return {
        "schema": TLOG_SCHEMA,
        "note": note.encode(),
        "vkey": VerifierKey(origin_for(project_id), key.public_raw).vkey,
        "proofs": proofs,
    }


def evidence_problems(
    evidence: Any,
    *,
    tree_size: Any = None,
    keys: Sequence[KeyRow] | None = None,
    project_id: str | None = None,
    rows: Sequence[LogRow] | None = None,
    entry_hashes: dict[str, Any] | None = None,
) -> list[str]:
    """What is wrong with a manifest's ``tlog`` object; empty when it all holds.

    On its own it is checked against the verifier key it carries; with a project's ``keys``
    the key must also be one of them, and with its ``rows`` each record must be the entry the
    log holds at that index; ``entry_hashes`` (entry id to hash, as the manifest lists its
    edits) must name every proof's record, and no edit may lack a proof.
    """
    if not isinstance(evidence, dict):
        return ["the transparency-log evidence is malformed"]
    try:
        signer = VerifierKey.parse(str(evidence.get("vkey")))
        known = [signer] if keys is None else project_verifiers(project_id or "", keys)
        checkpoint, _ = open_checkpoint(str(evidence.get("note")), known)
    except NoteError as exc:
        return [f"the checkpoint note: {exc.message}"]
    problems: list[str] = []
    if tree_size is not None and checkpoint.size != tree_size:
        problems.append(f"the note covers {checkpoint.size} entries, the checkpoint {tree_size}")
    if project_id is not None and checkpoint.origin != origin_for(project_id):
        problems.append(f"the note is of another log ({checkpoint.origin})")
    proofs = evidence.get("proofs") or []
    for proof in proofs:
        problems += _proof_problems(proof, checkpoint.size, checkpoint.root, rows)
    if entry_hashes is not None:
        problems += _hash_problems(proofs, entry_hashes)
    return problems


def _hash_problems(proofs: list[Any], entry_hashes: dict[str, Any]) -> list[str]:
    proven = {str(p.get("entry")): record_hash(p) for p in proofs if isinstance(p, dict)}
    problems = [
        f"entry {entry}: no inclusion proof for it" for entry in entry_hashes if entry not in proven
    ]
    problems += [
        f"entry {entry}: the proven record is not the entry the file names"
        for entry, digest in proven.items()
        if entry_hashes.get(entry) != digest
    ]
    return problems


def _proof_problems(proof: Any, size: int, root: bytes, rows: Sequence[LogRow] | None) -> list[str]:
    if not isinstance(proof, dict) or not isinstance(proof.get("index"), int):
        return ["an inclusion proof is malformed"]
    entry, index = proof.get("entry"), int(proof["index"])
    record = str(proof.get("record") or "").encode("utf-8")
    try:
        hashes = [b64_strict(str(h), "a proof hash") for h in proof.get("inclusion") or []]
    except NoteError as exc:
        return [f"entry {entry}: {exc.message}"]
    if not verify_inclusion(index, size, leaf_hash(record), hashes, root):
        return [f"entry {entry}: its inclusion proof does not lead to the signed root"]
    if rows is not None and (index >= len(rows) or as_bytes(rows[index].body) != record):
        return [f"entry {entry}: the log holds other bytes at index {index}"]
    return []


def record_hash(proof: dict[str, Any]) -> str:
    """The entry hash of a proof's record (what the manifest's actions name)."""
    return sha256_hex(str(proof.get("record") or "").encode("utf-8"))


__all__ = ["TLOG_SCHEMA", "evidence_problems", "manifest_evidence", "record_hash"]
