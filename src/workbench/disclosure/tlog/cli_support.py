"""What ``workbench log prove`` and ``log verify shot.tlog-proof`` say and write.

Kept beside the format so the front ends (CLI, and the window later) print the same lines; it
opens no project (the CLI hands it a project's log through ``editing``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbench.disclosure import records
from workbench.disclosure.keys import SigningKey, default_key_path, load_or_create_signing_key
from workbench.disclosure.tlog.logtree import project_verifiers
from workbench.disclosure.tlog.note import NoteError, VerifierKey
from workbench.disclosure.tlog.proof import ProofReport
from workbench.disclosure.tlog.shots import ShotProof, prove
from workbench.errors import SigningKeyError, StorageError, UsageError
from workbench.fsutil import write_atomic

if TYPE_CHECKING:
    from workbench.disclosure.export import LogData

VKEY_SUFFIX = ".vkey"


def vkey_path(proof: Path) -> Path:
    return proof.with_suffix(VKEY_SUFFIX)


def user_signing_key() -> SigningKey:
    """The user's signing key; never made here (a new key is no signer of any project)."""
    if not default_key_path().exists():
        raise SigningKeyError(
            "you have no signing key, so you cannot sign a checkpoint of this log",
            hint="a proof is made by someone whose key signed the project",
        )
    return load_or_create_signing_key()


def prove_to_file(data: LogData, selectors: list[str], output: Path) -> list[str]:
    """Write ``output`` (the proofs) and its ``.vkey``; the lines to print."""
    shot: ShotProof = prove(data, selectors, user_signing_key())
    try:
        write_atomic(output, shot.text.encode("utf-8"))
        write_atomic(vkey_path(output), (shot.verifier.vkey + "\n").encode("ascii"))
    except OSError as exc:
        raise StorageError(f"cannot write {output}: {exc.strerror or exc}") from None
    seqs = ", ".join(str(s) for s in shot.seqs)
    return [
        f"wrote {output} ({len(shot.text.encode())} bytes): entries {seqs} of a log of "
        f"{shot.tree_size} entries, C2SP tlog-proof",
        f"verifier key: {vkey_path(output).name}  {shot.verifier.vkey}",
        f"check it with: workbench log verify {output.name} --key {vkey_path(output).name}",
    ]


def read_proof_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist") from None
    except UnicodeDecodeError:
        raise NoteError(f"{path.name} is not UTF-8 text, so not a tlog proof") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def verifiers_from_text(text: str, source: str) -> list[VerifierKey]:
    """Verifier keys, one a line (blank lines and ``#`` comments skipped)."""
    keys = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            try:
                keys.append(VerifierKey.parse(line))
            except NoteError as exc:
                raise UsageError(f"{source}: {exc.message}") from None
    if not keys:
        raise UsageError(f"{source} holds no verifier key")
    return keys


def verifiers_from_log(data: LogData) -> list[VerifierKey]:
    return project_verifiers(data.project_id or "", data.keys)


def load_verifiers(proof: Path, key: str | None) -> tuple[list[VerifierKey], str]:
    """The keys to verify with, and where they came from (for the report)."""
    if key is None:
        default = vkey_path(proof)
        if not default.is_file():
            raise UsageError(
                f"no verifier key: give --key (the producer's vkey) or keep {default.name} "
                "beside the proof"
            )
        return verifiers_from_text(default.read_text("utf-8"), default.name), default.name
    path = Path(key)
    if "+" in key and not path.exists():
        return verifiers_from_text(key, "--key"), "--key"
    try:
        return verifiers_from_text(path.read_text("utf-8"), path.name), path.name
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the key file {key}: {exc}") from None


def describe(report: ProofReport, name: str, where: str) -> list[str]:
    """What a verified proof proves, in lines a producer can hand on."""
    cp = report.checkpoint
    count = len(report.entries)
    lines = [
        f"{name}: verifies: {count} {'entry' if count == 1 else 'entries'} of project "
        f"{report.project_id}, "
        f"in its signed log of {cp.size} entries",
        f"  signed by {report.signer.name} (key {report.fingerprint}, from {where})",
    ]
    for proven in report.entries:
        schema = str(proven.entry.get("schema", "?")).removeprefix("workbench.")
        lines.append(
            f"  entry {proven.seq}  {schema}  {records.summary(proven.entry)}  "
            f"(hash {proven.hash[:16]}…, by {proven.entry.get('operator')}, "
            f"{proven.entry.get('time')})"
        )
    lines.append("  nothing else of the log is revealed; the rest is only hashes of subtrees")
    return lines


__all__ = [
    "describe",
    "load_verifiers",
    "prove_to_file",
    "read_proof_text",
    "user_signing_key",
    "verifiers_from_log",
    "verifiers_from_text",
    "vkey_path",
]
