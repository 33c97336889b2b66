"""Proving chosen entries of a project's log, and checking a log against an old checkpoint.

``prove`` is what ``workbench log prove`` does: the log must verify, the chosen entries are
found by id (or a unique id prefix, or sequence number), and one tlog-proof document per entry
is written against a checkpoint note of the whole log, signed by the user's key (which must be
one of the project's). ``consistency_problems`` is the other half of ``--against``: from an old
tree (its size and root, from an export or a signed note) alone, RFC 6962 consistency shows
whether today's log still begins with every entry that tree held.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.disclosure.keys import SigningKey
from workbench.disclosure.store import KeyRow, LogRow, as_bytes
from workbench.disclosure.tlog.logtree import log_tree, project_verifiers, sign_log_checkpoint
from workbench.disclosure.tlog.merkle import verify_consistency
from workbench.disclosure.tlog.note import (
    Checkpoint,
    NoteError,
    SignedNote,
    VerifierKey,
    open_checkpoint,
    origin_for,
)
from workbench.disclosure.tlog.proof import HEADER, EntryProof, encode_proofs, parse_proofs
from workbench.errors import DisclosureError, UsageError

if TYPE_CHECKING:
    from workbench.disclosure.export import LogData
    from workbench.disclosure.verify import Problem


@dataclass(frozen=True)
class ShotProof:
    """What ``prove`` made: the file's text, the note it is against, who can verify it."""

    text: str
    note: SignedNote
    verifier: VerifierKey
    tree_size: int
    seqs: tuple[int, ...]


def find_rows(rows: Sequence[LogRow], selectors: Sequence[str]) -> list[int]:
    """Positions of the entries named by id, unique id prefix (8+ characters) or seq."""
    positions: list[int] = []
    for selector in selectors:
        text = selector.strip()
        if text.isdigit():
            found = [i for i, row in enumerate(rows) if row.seq == int(text)]
        else:
            found = [i for i, row in enumerate(rows) if str(row.id) == text]
            if not found and len(text) >= 8:
                found = [i for i, row in enumerate(rows) if str(row.id).startswith(text)]
        if len(found) != 1:
            why = "matches several entries" if found else "is not an entry of this log"
            raise UsageError(f"--entry {selector}: {why}", hint="see `workbench log show`")
        if found[0] not in positions:
            positions.append(found[0])
    return positions


def prove(data: LogData, selectors: Sequence[str], key: SigningKey) -> ShotProof:
    """Proofs of the chosen entries against a note of the whole log, signed by ``key``."""
    from workbench.disclosure.verify import verify_rows

    project_id = data.project_id
    if project_id is None:
        raise DisclosureError("the log names no project; it cannot be proven")
    report = verify_rows(data.rows, data.checkpoints, data.keys, project_id=project_id)
    if not report.ok:
        raise DisclosureError(
            f"the log does not verify, so no proof is made: {report.first}",
            hint="run `workbench log verify` on the project",
        )
    positions = find_rows(data.rows, selectors)
    tree = log_tree(data.rows)
    note = sign_log_checkpoint(project_id, tree, key, data.keys)
    encoded = note.encode()
    proofs = [
        EntryProof(i, tuple(tree.inclusion_proof(i)), as_bytes(data.rows[i].body), encoded)
        for i in positions
    ]
    verifier = VerifierKey(origin_for(project_id), key.public_raw)
    seqs = tuple(i + 1 for i in positions)
    return ShotProof(encode_proofs(proofs), note, verifier, tree.size, seqs)


def consistency_problems(
    rows: Sequence[LogRow], old_size: int, old_root: bytes, *, what: str
) -> list[Problem]:
    """Problems showing today's log does not extend the old tree (``what`` names it)."""
    from workbench.disclosure.verify import Problem

    if old_size > len(rows):
        return [
            Problem(
                "rolled-back",
                f"{what} vouched for {old_size} entries; the log now holds {len(rows)} "
                "(the log was cut back)",
                len(rows) + 1,
            )
        ]
    tree = log_tree(rows)
    proof = tree.consistency_proof(old_size)
    if verify_consistency(old_size, tree.size, proof, old_root, tree.root()):
        return []
    return [
        Problem(
            "rolled-back",
            f"the log is not an extension of the tree of {old_size} entries {what} vouched for "
            "(an entry among them was changed, removed or reordered; Merkle consistency fails)",
            old_size,
        )
    ]


def export_problems(current: Sequence[LogRow], exported: Sequence[LogRow]) -> list[Problem]:
    """The export's own tree (every entry it holds) against today's log."""
    old = log_tree(exported)
    return consistency_problems(current, old.size, old.root(), what="the export")


def is_note_file(path: Path) -> bool:
    """A ``.tlog-proof`` or a bare signed checkpoint note (e.g. one a reader kept)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    return head.startswith(HEADER.encode()) or head.startswith(b"workbench.project/")


def read_old_checkpoint(path: Path, project_id: str, keys: Sequence[KeyRow]) -> Checkpoint:
    """The checkpoint of a ``.tlog-proof`` or note file, once its signature verifies by one
    of the project's keys (an old checkpoint nobody we know signed proves nothing)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the checkpoint {path.name}: {exc}") from None
    note = parse_proofs(text)[0].note if text.startswith(HEADER) else text
    try:
        checkpoint, _ = open_checkpoint(note, project_verifiers(project_id, keys))
    except NoteError as exc:
        raise UsageError(f"{path.name}: {exc.message}") from None
    if checkpoint.origin != origin_for(project_id):
        raise UsageError(f"{path.name} is a checkpoint of another log ({checkpoint.origin})")
    return checkpoint


def note_problems(
    rows: Sequence[LogRow], keys: Sequence[KeyRow], project_id: str, path: Path
) -> list[Problem]:
    """``--against`` a checkpoint note or shot proof: consistency from its tree to today's."""
    checkpoint = read_old_checkpoint(path, project_id, keys)
    return consistency_problems(
        rows, checkpoint.size, checkpoint.root, what=f"the checkpoint in {path.name}"
    )


__all__ = [
    "ShotProof",
    "consistency_problems",
    "export_problems",
    "find_rows",
    "is_note_file",
    "note_problems",
    "prove",
    "read_old_checkpoint",
]
