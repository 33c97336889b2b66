"""Shot proofs: C2SP tlog-proof documents (https://c2sp.org/tlog-proof) for chosen entries.

A ``.tlog-proof`` file holds one ``c2sp.org/tlog-proof@v1`` document per proven entry, one
after another. Each is, line by line::

    c2sp.org/tlog-proof@v1
    extra <base64 of the entry's canonical JSON bytes: the record the leaf hashes>
    index <zero-based leaf index, i.e. the entry's seq - 1>
    <base64 inclusion proof hash, leaf's sibling first>...
    <empty line>
    <the signed checkpoint note, verbatim>

A file with one entry is therefore exactly one standard proof that any C2SP verifier reads
(given the verifier key); the entry itself travels in the ``extra`` line, which is not trusted:
its bytes are hashed into the leaf, so the inclusion proof is what vouches for them. Nothing
else of the log is revealed: the proof hashes are hashes of subtrees, not of entries.
The verifier key is not part of the format; ``log prove`` writes it beside the proof (``.vkey``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workbench.disclosure.canonical import canonical_bytes, parse_json_object, sha256_hex
from workbench.disclosure.keys import fingerprint, key_id_for
from workbench.disclosure.tlog.merkle import HASH_SIZE, leaf_hash, verify_inclusion
from workbench.disclosure.tlog.note import (
    ORIGIN_PREFIX,
    Checkpoint,
    NoteError,
    VerifierKey,
    b64,
    b64_strict,
    open_checkpoint,
)
from workbench.errors import DisclosureError

HEADER = "c2sp.org/tlog-proof@v1"
SUFFIX = ".tlog-proof"


@dataclass(frozen=True)
class EntryProof:
    """One tlog-proof document: an entry, where it sits, its path to the root, the note."""

    index: int
    hashes: tuple[bytes, ...]
    record: bytes
    note: str

    def encode(self) -> str:
        lines = [HEADER, f"extra {b64(self.record)}", f"index {self.index}"]
        lines += [b64(h) for h in self.hashes]
        return "\n".join(lines) + "\n\n" + self.note


def encode_proofs(proofs: Sequence[EntryProof]) -> str:
    return "".join(p.encode() for p in proofs)


def parse_proofs(text: str) -> list[EntryProof]:
    """The documents of a ``.tlog-proof`` file (shape only; see :func:`verify_proofs`)."""
    if not text.startswith(HEADER + "\n"):
        raise NoteError(f"not a transparency-log proof: it does not start with {HEADER}")
    chunks = text.split(HEADER + "\n")[1:]
    return [_parse_one(chunk, n) for n, chunk in enumerate(chunks, 1)]


def _parse_one(chunk: str, number: int) -> EntryProof:
    where = f"proof {number}"
    head, sep, note = chunk.partition("\n\n")
    if not sep:
        raise NoteError(f"{where} has no empty line before its checkpoint")
    lines = head.split("\n")
    record = b""
    if lines and lines[0].startswith("extra "):
        record = b64_strict(lines.pop(0)[len("extra ") :], f"{where}'s extra data")
    if not lines or not lines[0].startswith("index "):
        raise NoteError(f"{where} has no index line")
    index_text = lines.pop(0)[len("index ") :]
    if not index_text.isdigit() or (index_text.startswith("0") and index_text != "0"):
        raise NoteError(f"{where}'s index {index_text[:20]!r} is not a decimal number")
    hashes = tuple(b64_strict(line, f"{where}'s proof hash") for line in lines)
    if any(len(h) != HASH_SIZE for h in hashes):
        raise NoteError(f"{where} holds a proof hash that is not 32 bytes")
    return EntryProof(int(index_text), hashes, record, note)


@dataclass(frozen=True)
class ProvenEntry:
    """An entry a proof shows is in the signed log, as a reader is told of it."""

    index: int
    entry: dict[str, Any]
    hash: str

    @property
    def seq(self) -> int:
        return self.index + 1


@dataclass(frozen=True)
class ProofReport:
    """What a verified ``.tlog-proof`` proves: entries of one project's signed log."""

    project_id: str
    checkpoint: Checkpoint
    signer: VerifierKey
    entries: list[ProvenEntry]

    @property
    def fingerprint(self) -> str:
        """The signer's key id as ``log verify`` of the project shows it (``1a2b 3c4d …``)."""
        return fingerprint(key_id_for(self.signer.public_raw))


def verify_proofs(text: str, keys: Sequence[VerifierKey]) -> ProofReport:
    """Check every document: the note's signature by one of ``keys``, the entry's bytes,
    its place, its inclusion in the signed tree. Raises :class:`NoteError` (a
    DisclosureError) naming the first thing wrong; returns what was proven."""
    proofs = parse_proofs(text)
    first: tuple[Checkpoint, VerifierKey] | None = None
    proven: list[ProvenEntry] = []
    for number, proof in enumerate(proofs, 1):
        checkpoint, signer = open_checkpoint(proof.note, list(keys))
        if first is None:
            first = (checkpoint, signer)
        elif checkpoint != first[0]:
            raise NoteError(f"proof {number} is against a different checkpoint than proof 1")
        proven.append(_check_entry(proof, checkpoint, number))
    assert first is not None  # parse_proofs returns at least one document
    return ProofReport(first[0].origin.removeprefix(ORIGIN_PREFIX), first[0], first[1], proven)


def _check_entry(proof: EntryProof, checkpoint: Checkpoint, number: int) -> ProvenEntry:
    where = f"proof {number}"
    if not checkpoint.origin.startswith(ORIGIN_PREFIX):
        raise NoteError(f"{where}: {checkpoint.origin!r} is not a Workbench project's log")
    entry = parse_json_object(proof.record)
    if entry is None:
        raise NoteError(f"{where}: its entry is not a JSON object")
    try:
        canonical = canonical_bytes(entry)
    except DisclosureError:
        canonical = b""
    if canonical != proof.record:
        raise NoteError(f"{where}: its entry is not in canonical form")
    if entry.get("seq") != proof.index + 1:
        raise NoteError(f"{where}: entry {entry.get('seq')} is not at index {proof.index}")
    if entry.get("project") != checkpoint.origin.removeprefix(ORIGIN_PREFIX):
        raise NoteError(f"{where}: the entry belongs to another project than the checkpoint")
    if not verify_inclusion(
        proof.index, checkpoint.size, leaf_hash(proof.record), proof.hashes, checkpoint.root
    ):
        raise NoteError(
            f"{where}: entry {proof.index + 1} is not in the signed tree of {checkpoint.size} "
            "entries (the entry or its proof was changed)"
        )
    return ProvenEntry(proof.index, entry, sha256_hex(proof.record))


__all__ = [
    "HEADER",
    "SUFFIX",
    "EntryProof",
    "ProofReport",
    "ProvenEntry",
    "b64",
    "b64_strict",
    "encode_proofs",
    "parse_proofs",
    "verify_proofs",
]
