"""Checking a log: every entry, every link, every signature, and nothing beyond them.

Verification reads rows exactly as stored (any column of any row can have been edited with
SQLite's own tools, triggers dropped) and reports every problem it finds, first problem first,
each naming the entry (by sequence number) or checkpoint it concerns and what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from workbench.disclosure import records
from workbench.disclosure.canonical import canonical_bytes, parse_json_object, sha256_hex
from workbench.disclosure.entries import CheckpointEntry, KeyRotationEntry
from workbench.disclosure.keys import fingerprint, public_key_id, verify_signature
from workbench.disclosure.signers import Rotation, Signature, Signer, signers_of
from workbench.disclosure.signers import vouched as vouched_keys
from workbench.disclosure.store import CheckpointRow, KeyRow, LogRow, as_bytes
from workbench.errors import DisclosureError

ProblemKind = Literal[
    "changed",
    "missing",
    "inserted",
    "duplicated",
    "reordered",
    "bad-signature",
    "bad-checkpoint",
    "uncovered",
    "truncated",
    "rolled-back",
    "signer-changed",
    "stack",
]


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str
    entry: int | None = None
    checkpoint: int | None = None
    row: str | None = None
    """The project-file row a ``stack`` problem concerns ("edit 3", "clip 1")."""

    def __str__(self) -> str:
        if self.row is not None:
            return f"{self.row}: {self.message}"
        where = f"entry {self.entry}" if self.entry is not None else f"checkpoint {self.checkpoint}"
        return f"{where}: {self.kind}: {self.message}"


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    head: str = records.GENESIS_PREV
    key_ids: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    """The checkpoints whose signatures verified, in order."""
    rotations: list[Rotation] = field(default_factory=list)
    """The key-rotation entries whose previous key's signature verified."""
    public_keys: dict[str, str] = field(default_factory=dict)
    operators: dict[int, str] = field(default_factory=dict)
    """Entry position -> the operator who wrote it (for naming each key's operators)."""

    @property
    def signers(self) -> list[Signer]:
        """Who signed the log (status ``unchecked``: see :mod:`workbench.disclosure.trust`)."""
        return signers_of(self.signatures, self.public_keys, self.operators)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def summary(self) -> str:
        if self.ok:
            return (
                f"log verifies: {self.entries} entries, {self.checkpoints} signed checkpoints, "
                f"head {self.head[:16]}…"
            )
        first = self.problems[0]
        more = f" (and {len(self.problems) - 1} more problems)" if len(self.problems) > 1 else ""
        return f"log does NOT verify: {first}{more}"


_COLUMN_FIELDS = (("id", "id"), ("schema", "schema"), ("time", "time"), ("operator", "operator"))
_CHECKPOINT_COLUMNS = (
    ("seq", "seq"),
    ("tree_size", "tree_size"),
    ("head_hash", "head"),
    ("time", "time"),
    ("key_id", "key_id"),
)


def verify_rows(
    rows: Sequence[LogRow],
    checkpoints: Sequence[CheckpointRow],
    keys: Sequence[KeyRow],
    *,
    project_id: str | None = None,
) -> Report:
    """Verify a whole log. Never raises for bad data: everything wrong becomes a Problem."""
    report = Report(entries=len(rows), checkpoints=len(checkpoints))
    chain = _ChainCheck(project_id, report.problems)
    for row in rows:
        chain.check(row)
        if isinstance(row.seq, int) and isinstance(row.operator, str):
            report.operators[row.seq] = row.operator
    report.head = chain.prev
    key_table = _keys(keys, report.problems)
    report.key_ids = sorted(key_table)
    report.public_keys = key_table
    report.rotations = _check_rotations(chain.rotations, key_table, report.problems)
    covered = _check_checkpoints(
        checkpoints, key_table, chain.hashes, project_id, report.problems, report.signatures
    )
    _check_coverage(checkpoints, covered, chain.hashes, report.problems)
    report.problems.sort(key=_order)
    return report


class _ChainCheck:
    """The entry pass: each row against its own bytes, its predecessor and the rows before.

    It reads the raw JSON object, not a typed entry: what is checked is exactly what was
    stored, and a typed reading would normalise away the very edits it must find.
    """

    def __init__(self, project_id: str | None, problems: list[Problem]) -> None:
        self.project_id = project_id
        self.problems = problems
        self.hashes: dict[int, str] = {}  # position (1-based) -> recomputed hash of the entry there
        self.seen_ids: dict[str, int] = {}
        self.seen_hashes: dict[str, int] = {}
        self.prev = records.GENESIS_PREV
        self.expected = 1
        self.rotations: list[tuple[int, dict[str, Any]]] = []

    def check(self, row: LogRow) -> None:
        seq = self._position(row)
        body = as_bytes(row.body)
        recomputed = sha256_hex(body)
        self.hashes[seq] = recomputed
        entry = parse_json_object(body)
        if entry is None:
            self.problems.append(Problem("changed", "the entry's bytes are not a JSON object", seq))
        else:
            self._check_place(entry, seq, recomputed)
            self._check_stored(row, entry, body, seq, recomputed)
            self._check_claims(entry, seq)
            if entry.get("schema") == records.KEY_ROTATION:
                self.rotations.append((seq, entry))
        self.prev = recomputed

    def _position(self, row: LogRow) -> int:
        """The row's sequence number; a gap before it is reported as missing entries."""
        expected = self.expected
        seq = row.seq if isinstance(row.seq, int) else None
        if seq is None:
            self.problems.append(
                Problem("changed", f"sequence number {row.seq!r} is not an integer", expected)
            )
            seq = expected
        if seq > expected:
            missing = f"{expected}" if seq == expected + 1 else f"{expected}-{seq - 1}"
            self.problems.append(
                Problem(
                    "missing", f"entries {missing} are missing (deleted from the log)", expected
                )
            )
        self.expected = seq + 1
        return seq

    def _check_place(self, entry: dict[str, Any], seq: int, recomputed: str) -> None:
        """Duplicated (same id or bytes as an earlier entry) or moved from its place."""
        body_seq = entry.get("seq")
        entry_id = entry.get("id")
        if isinstance(entry_id, str) and entry_id in self.seen_ids:
            self.problems.append(
                Problem("duplicated", f"duplicates entry {self.seen_ids[entry_id]} (same id)", seq)
            )
        elif recomputed in self.seen_hashes:
            self.problems.append(
                Problem("duplicated", f"duplicates entry {self.seen_hashes[recomputed]}", seq)
            )
        elif body_seq != seq:
            self.problems.append(
                Problem(
                    "reordered",
                    f"entry {body_seq} was found at position {seq} (rows swapped or moved)",
                    seq,
                )
            )
        if isinstance(entry_id, str):
            self.seen_ids.setdefault(entry_id, seq)
        self.seen_hashes.setdefault(recomputed, seq)

    def _check_stored(
        self, row: LogRow, entry: dict[str, Any], body: bytes, seq: int, recomputed: str
    ) -> None:
        """The row's bytes are canonical, its columns say what its body says, its hash holds."""
        if canonical_or_none(entry) != body:
            self.problems.append(
                Problem("changed", "the entry's bytes are not in canonical form", seq)
            )
        for column, key in _COLUMN_FIELDS:
            if getattr(row, column) != entry.get(key):
                self.problems.append(
                    Problem("changed", f"column {column!r} differs from the entry", seq)
                )
        if row.prev_hash != entry.get("prev"):
            self.problems.append(
                Problem("changed", "column 'prev_hash' differs from the entry", seq)
            )
        if row.entry_hash != recomputed:
            self.problems.append(
                Problem("changed", "the entry's hash does not match its contents", seq)
            )

    def _check_claims(self, entry: dict[str, Any], seq: int) -> None:
        """It links to the entry before it, has a known schema, and is of this project."""
        if entry.get("prev") != self.prev:
            self.problems.append(
                Problem(
                    "inserted" if entry.get("seq") == seq else "reordered",
                    "does not link to the entry before it (an entry was inserted, removed or "
                    "rewritten before this one)",
                    seq,
                )
            )
        if entry.get("schema") not in records.ENTRY_SCHEMAS:
            self.problems.append(Problem("changed", f"unknown schema {entry.get('schema')!r}", seq))
        if self.project_id is not None and entry.get("project") != self.project_id:
            self.problems.append(Problem("changed", "belongs to another project", seq))


def _check_coverage(
    checkpoints: Sequence[CheckpointRow],
    covered: int,
    hashes: dict[int, str],
    problems: list[Problem],
) -> None:
    """Entries past the last *valid* checkpoint are suspect, unless a checkpoint that failed its
    own checks claims them: that checkpoint's problem is then the cause, already reported."""
    claimed = max((cp.tree_size for cp in checkpoints if isinstance(cp.tree_size, int)), default=0)
    last_seq = max(hashes) if hashes else 0
    if covered < last_seq and claimed < last_seq:
        first_uncovered = covered + 1
        problems.append(
            Problem(
                "uncovered",
                f"entries {first_uncovered}-{last_seq} are not covered by any signed checkpoint "
                "(appended outside Workbench)",
                first_uncovered,
            )
        )


def canonical_or_none(entry: dict[str, Any]) -> bytes | None:
    try:
        return canonical_bytes(entry)
    except DisclosureError:
        return None


def _order(problem: Problem) -> tuple[int, int]:
    if problem.entry is not None:
        return (problem.entry, 0)
    return (1 << 62, problem.checkpoint or 0)


def _keys(keys: Sequence[KeyRow], problems: list[Problem]) -> dict[str, str]:
    table: dict[str, str] = {}
    for key in keys:
        if not isinstance(key.public_key, str) or public_key_id(key.public_key) != key.key_id:
            problems.append(
                Problem(
                    "bad-signature", f"signing key {key.key_id!r} does not match its id", None, 0
                )
            )
            continue
        table[str(key.key_id)] = key.public_key
    return table


def _check_checkpoints(
    checkpoints: Sequence[CheckpointRow],
    keys: dict[str, str],
    hashes: dict[int, str],
    project_id: str | None,
    problems: list[Problem],
    signatures: list[Signature] | None = None,
) -> int:
    """Check every checkpoint; return how many entries the valid signed checkpoints cover."""
    covered = 0
    expected = 1
    for cp in checkpoints:
        number = cp.seq if isinstance(cp.seq, int) else expected
        if number != expected:
            problems.append(
                Problem("bad-checkpoint", f"checkpoint {expected} is missing", None, expected)
            )
        expected = number + 1
        signed = _signed_checkpoint(cp, number, keys, project_id, problems)
        if signed is None:
            continue
        if not signed.consistent:
            problems.append(
                Problem("bad-checkpoint", "its head and entry hashes disagree", None, number)
            )
            continue
        _check_vouched(signed, number, hashes, problems)
        covered = max(covered, signed.tree_size)
        if signatures is not None:
            signatures.append(Signature(number, signed.key_id, signed.first, signed.tree_size))
    return covered


def _check_rotations(
    found: Sequence[tuple[int, dict[str, Any]]], keys: dict[str, str], problems: list[Problem]
) -> list[Rotation]:
    """The key-rotation entries whose previous key really signed the hand-over."""
    valid: list[Rotation] = []
    for seq, entry in found:
        try:
            rotation = KeyRotationEntry.from_dict(entry)
        except DisclosureError as exc:
            problems.append(Problem("changed", str(exc), seq))
            continue
        why = rotation.problem(str(entry.get("project")), keys)
        if why is not None:
            problems.append(Problem("bad-signature", f"key-rotation entry: {why}", seq))
            continue
        valid.append(Rotation(seq, rotation.previous_key_id, rotation.key_id))
    return valid


def signers_against(current: Report, exported: Report) -> list[Problem]:
    """A signer of the project that the export's keys never handed over to (``--against``).

    The export is the copy the reader trusts: its signers are the keys they know, and the
    project may be signed only by those or by keys a key-rotation entry introduces.
    """
    known = [s.key_id for s in exported.signers]
    reached = vouched_keys(known, current.rotations)
    theirs = ", ".join(fingerprint(k) for k in known) or "no key"
    return [
        Problem(
            "signer-changed",
            f"the project is signed by key {signer.fingerprint}, the export you trust by key "
            f"{theirs}, and no key-rotation entry signed by the export's key introduces it "
            "(the project was re-signed with another key)",
            None,
            signer.first_checkpoint,
        )
        for signer in current.signers
        if signer.key_id not in reached
    ]


def _signed_checkpoint(
    cp: CheckpointRow,
    number: int,
    keys: dict[str, str],
    project_id: str | None,
    problems: list[Problem],
) -> CheckpointEntry | None:
    """What the checkpoint signed, once its signature verifies; None (and why) when not."""
    body = as_bytes(cp.body)
    public = keys.get(str(cp.key_id))
    if public is None:
        problems.append(
            Problem("bad-signature", f"signed with unknown key {cp.key_id!r}", None, number)
        )
        return None
    if not isinstance(cp.signature, str) or not verify_signature(public, cp.signature, body):
        problems.append(Problem("bad-signature", "the signature does not verify", None, number))
        return None
    data = parse_json_object(body)
    if data is None or data.get("schema") != records.CHECKPOINT:
        problems.append(
            Problem("bad-checkpoint", "signed bytes are not a checkpoint", None, number)
        )
        return None
    # The columns are compared with the signed object as it is, before any typed reading.
    mismatched = [c for c, key in _CHECKPOINT_COLUMNS if getattr(cp, c) != data.get(key)]
    if mismatched:
        problems.append(
            Problem(
                "bad-checkpoint",
                f"column {mismatched[0]!r} differs from what was signed",
                None,
                number,
            )
        )
    if project_id is not None and data.get("project") != project_id:
        problems.append(Problem("bad-checkpoint", "signed for another project", None, number))
    try:
        return CheckpointEntry.from_dict(data)
    except DisclosureError:
        problems.append(Problem("bad-checkpoint", "malformed checkpoint", None, number))
        return None


def _check_vouched(
    signed: CheckpointEntry, number: int, hashes: dict[int, str], problems: list[Problem]
) -> None:
    """Each entry hash the checkpoint signed, against the entry now at that position."""
    last = max(hashes, default=0)
    for offset, vouched in enumerate(signed.hashes):
        position = signed.first + offset
        actual = hashes.get(position)
        if actual is None:
            if position > last:
                problems.append(
                    Problem(
                        "truncated",
                        f"checkpoint {number} vouches for entry {position}, which is gone "
                        "(the log was cut back)",
                        position,
                    )
                )
                break
            continue  # a missing entry in the middle is reported by the entry pass
        if actual != vouched:
            problems.append(
                Problem("changed", f"differs from what checkpoint {number} signed", position)
            )


def verify_against(
    current_rows: Sequence[LogRow], exported_rows: Sequence[LogRow]
) -> list[Problem]:
    """Problems showing that a log no longer holds what an earlier export vouched for."""
    problems: list[Problem] = []
    current = {row.seq: row for row in current_rows}
    for old in exported_rows:
        now = current.get(old.seq)
        if now is None:
            problems.append(
                Problem(
                    "rolled-back",
                    f"the export vouched for entry {old.seq}, which the project no longer holds "
                    "(the log was cut back)",
                    old.seq,
                )
            )
            break
        if as_bytes(now.body) != as_bytes(old.body) or now.entry_hash != old.entry_hash:
            problems.append(
                Problem("rolled-back", "differs from the entry the export vouched for", old.seq)
            )
            break
    if not problems:  # and from the export's tree alone: RFC 6962 consistency (tlog.shots)
        from workbench.disclosure.tlog.shots import export_problems

        problems.extend(export_problems(current_rows, exported_rows))
    return problems
