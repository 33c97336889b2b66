"""Reading a file's Content Credentials back: c2pa validates, this says what it found.

A reader gets the validation state (``Trusted`` with the studio CA among the trust anchors,
``Valid`` without it, ``Invalid`` with the first failure in words), the actions, and the
Workbench disclosure assertion, whose log checkpoint is checked against its own signature. For a
sequence with one sidecar, the frames whose bytes changed since signing are named.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.disclosure.canonical import parse_json_object
from workbench.disclosure.credentials.common import (
    DISCLOSURE_LABEL,
    EMBED_FORMATS,
    INVALID,
    SIDECAR_FORMATS,
    TRUSTED,
    VALID,
    ConcatenatedFiles,
    CredentialsError,
    NoCredentialsError,
    c2pa_context,
    c2pa_message,
    is_pattern,
    sequence_of,
    sha256_file,
)
from workbench.disclosure.keys import verify_signature

_NICE_FAILURES = {
    "assertion.dataHash.mismatch": "the media bytes changed after signing",
    "assertion.bmffHash.mismatch": "the media bytes changed after signing",
    "assertion.boxesHash.mismatch": "the media bytes changed after signing",
    "claimSignature.mismatch": "the manifest's signature does not match its claim",
}


@dataclass(frozen=True)
class CredentialAction:
    """One action from the manifest, as a reader sees it."""

    action: str
    digital_source_type: str | None
    software_agent: str | None
    description: str | None
    parameters: dict[str, Any]

    @property
    def is_ai(self) -> bool:
        return bool(self.digital_source_type) and self.action != "c2pa.opened"

    @property
    def entry_id(self) -> str | None:
        value = self.parameters.get("org.workbench.entry")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class CredentialsReport:
    """The validation state of a file's Content Credentials and what they claim."""

    path: Path
    state: str
    reason: str | None
    embedded: bool
    manifest_path: Path | None
    signer: dict[str, Any]
    actions: list[CredentialAction]
    disclosure: dict[str, Any] | None
    checkpoint_valid: bool | None
    failures: list[dict[str, Any]] = field(default_factory=list)
    changed_frames: list[str] = field(default_factory=list)

    @property
    def ai_actions(self) -> list[CredentialAction]:
        return [a for a in self.actions if a.is_ai]

    @property
    def label(self) -> str:
        if self.state == TRUSTED:
            return "Trusted"
        if self.state == VALID:
            return "Valid (untrusted signer)"
        return f"Invalid: {self.reason or 'the manifest does not validate'}"

    @property
    def ok(self) -> bool:
        return self.state in (TRUSTED, VALID)


@dataclass(frozen=True)
class _Where:
    """Where a file's credentials are: the bytes they cover, and the sidecar if not inside."""

    files: list[Path]
    sidecar: Path
    embedded: bool
    sequence: bool
    fmt: str
    manifest_data: bytes | None

    @property
    def manifest_path(self) -> Path | None:
        return None if self.embedded else self.sidecar


class _Unreadable(Exception):
    """c2pa could not read the manifest (but found one): the file is Invalid, with this reason."""


def _anchors(trust_anchors: bytes | str | Path | Sequence[Path] | None) -> bytes | None:
    if trust_anchors is None:
        return None
    if isinstance(trust_anchors, bytes):
        return trust_anchors
    if isinstance(trust_anchors, str) and "-----BEGIN" in trust_anchors:
        return trust_anchors.encode("ascii")
    paths = [Path(trust_anchors)] if isinstance(trust_anchors, str | Path) else trust_anchors
    out = b""
    for p in paths:
        try:
            out += Path(p).read_bytes() + b"\n"
        except OSError as exc:
            raise CredentialsError(f"cannot read the trust anchor {p}: {exc.strerror}") from None
    if b"-----BEGIN CERTIFICATE-----" not in out:
        raise CredentialsError("the trust anchor file holds no PEM certificate")
    return out


def _agent_text(agent: Any) -> str | None:
    if not isinstance(agent, dict):
        return str(agent) if agent else None
    text = " ".join(str(agent[k]) for k in ("name", "version") if agent.get(k))
    if agent.get("org.workbench.model_sha256"):
        text = f"{text} (model sha256 {agent['org.workbench.model_sha256']})"
    return text


def _parse_actions(manifest: dict[str, Any]) -> list[CredentialAction]:
    out: list[CredentialAction] = []
    for assertion in manifest.get("assertions") or []:
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for a in (assertion.get("data") or {}).get("actions") or []:
            out.append(
                CredentialAction(
                    action=str(a.get("action")),
                    digital_source_type=a.get("digitalSourceType"),
                    software_agent=_agent_text(a.get("softwareAgent")),
                    description=a.get("description"),
                    parameters=dict(a.get("parameters") or {}),
                )
            )
    return out


def _disclosure(manifest: dict[str, Any]) -> dict[str, Any] | None:
    for assertion in manifest.get("assertions") or []:
        if assertion.get("label") == DISCLOSURE_LABEL and isinstance(assertion.get("data"), dict):
            data: dict[str, Any] = assertion["data"]
            return data
    return None


def _checkpoint_ok(disclosure: dict[str, Any] | None) -> bool | None:
    cp = (disclosure or {}).get("checkpoint")
    if not isinstance(cp, dict) or not cp.get("signed_body"):
        return None
    body = str(cp["signed_body"]).encode("utf-8")
    parsed = parse_json_object(body)
    if parsed is None:
        return False
    return (
        verify_signature(str(cp.get("public_key")), str(cp.get("signature")), body)
        and parsed.get("tree_size") == cp.get("tree_size")
        and parsed.get("head") == cp.get("head")
        and _tlog_ok(disclosure or {}, cp.get("tree_size"))
    )


def _tlog_ok(disclosure: dict[str, Any], tree_size: Any) -> bool:
    """The note and inclusion proofs the file carries hold on their own (when it has them)."""
    from workbench.disclosure.tlog.evidence import evidence_problems

    if "tlog" not in disclosure:
        return True
    edits = {str(e.get("entry")): e.get("hash") for e in disclosure.get("edits") or []}
    return not evidence_problems(disclosure["tlog"], tree_size=tree_size, entry_hashes=edits)


def _failure_reason(failures: list[dict[str, Any]]) -> str | None:
    if not failures:
        return None
    first = failures[0]
    code = first.get("code", "?")
    nice = _NICE_FAILURES.get(str(code))
    text = f"{nice} ({code})" if nice else f"{code}: {first.get('explanation', '')}".strip()
    return text + (f" and {len(failures) - 1} more" if len(failures) > 1 else "")


# -- the steps of read_credentials -----------------------------------------------------------
def _locate(path: Path) -> _Where:
    """The files the credentials cover and where the manifest is; refuse what is missing."""
    suffix = path.suffix.lower()
    sequence = None
    if suffix in SIDECAR_FORMATS and (is_pattern(path) or not path.with_suffix(".c2pa").exists()):
        sequence = sequence_of(path)
    files = sequence[0] if sequence else [path]
    sidecar = sequence[1] if sequence else path.with_suffix(".c2pa")
    for f in files:
        if not f.is_file():
            raise CredentialsError(f"cannot read {f}: the file does not exist")
    embedded = suffix in EMBED_FORMATS
    manifest_data: bytes | None = None
    if not embedded:
        if not sidecar.is_file():
            raise NoCredentialsError(
                f"{path.name} has no Content Credentials: {sidecar.name} is not beside it",
                hint="EXR and DPX carry their credentials in a .c2pa sidecar; keep it with them",
            )
        manifest_data = sidecar.read_bytes()
    fmt = EMBED_FORMATS.get(suffix) or SIDECAR_FORMATS.get(suffix, "application/octet-stream")
    return _Where(files, sidecar, embedded, sequence is not None, fmt, manifest_data)


def _read_store(path: Path, where: _Where, anchors: bytes | None) -> dict[str, Any]:
    """The manifest store as c2pa validated it (raises :class:`_Unreadable` when it cannot)."""
    import c2pa  # type: ignore[import-untyped, unused-ignore]

    try:
        with ConcatenatedFiles(where.files) as stream:
            reader = c2pa.Reader(where.fmt, stream, where.manifest_data, c2pa_context(anchors))
            try:
                store: dict[str, Any] = json.loads(reader.json())
            finally:
                reader.close()
    except c2pa.C2paError as exc:
        message = c2pa_message(exc)
        if "ManifestNotFound" in type(exc).__name__ or "not found" in message.lower():
            raise NoCredentialsError(
                f"{path.name} carries no Content Credentials",
                hint="sign renders with Workbench, or look for a .c2pa sidecar",
            ) from None
        raise _Unreadable(message) from None
    return store


def _changed_frames(where: _Where, disclosure: dict[str, Any] | None) -> list[str]:
    """The frames of a sequence whose bytes differ from those listed when it was signed."""
    if not where.sequence or not disclosure or not isinstance(disclosure.get("frames"), list):
        return []
    listed = {str(f.get("file")): f.get("sha256") for f in disclosure["frames"]}
    changed = [f.name for f in where.files if listed.get(f.name) != sha256_file(f)]
    changed += [name for name in listed if name not in {f.name for f in where.files}]
    return changed


def _report(path: Path, where: _Where, store: dict[str, Any]) -> CredentialsReport:
    active = store.get("active_manifest")
    manifest = (store.get("manifests") or {}).get(active) or {}
    results = (store.get("validation_results") or {}).get("activeManifest") or {}
    failures = [
        f for f in results.get("failure") or [] if f.get("code") != "signingCredential.untrusted"
    ]
    state = str(store.get("validation_state") or INVALID)
    if state not in (TRUSTED, VALID):
        state = INVALID
    disclosure = _disclosure(manifest)
    changed = _changed_frames(where, disclosure)
    checkpoint_ok = _checkpoint_ok(disclosure)
    reason = _failure_reason(failures) if state == INVALID else None
    if state == INVALID and changed:
        reason = f"{reason or 'frames changed'}; changed frames: {', '.join(changed[:5])}"
    if checkpoint_ok is False:
        state, reason = INVALID, "the log checkpoint inside the credentials has a bad signature"
    return CredentialsReport(
        path=path,
        state=state,
        reason=reason,
        embedded=where.embedded,
        manifest_path=where.manifest_path,
        signer=dict(manifest.get("signature_info") or {}),
        actions=_parse_actions(manifest),
        disclosure=disclosure,
        checkpoint_valid=checkpoint_ok,
        failures=failures,
        changed_frames=changed,
    )


def read_credentials(
    path: Path, trust_anchors: bytes | str | Path | Sequence[Path] | None = None
) -> CredentialsReport:
    """Read and validate a file's Content Credentials (embedded, or its ``.c2pa`` sidecar).

    ``trust_anchors``: PEM bytes, a PEM file, or several; with the studio CA among them a
    well-formed file is ``Trusted``, without it ``Valid`` (untrusted signer).
    """
    # Fail before touching any file when c2pa is missing.
    import c2pa  # type: ignore[import-untyped, unused-ignore]  # noqa: F401

    path = Path(path)
    anchors = _anchors(trust_anchors)
    where = _locate(path)
    try:
        store = _read_store(path, where, anchors)
    except _Unreadable as exc:
        return CredentialsReport(
            path, INVALID, str(exc), where.embedded, where.manifest_path, {}, [], None, None
        )
    return _report(path, where, store)
