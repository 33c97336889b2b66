"""Content Credentials (C2PA) on rendered media: sign what a render wrote, read it back.

A render calls :func:`sign_media` on its finished output before registering it. The manifest's
``c2pa.actions.v2`` opens the source clip as an ingredient (``c2pa.opened``) and lists every AI
edit the render materialised, one action each, with its IPTC digital source type, the software
agent (Workbench, tool and model with its SHA-256) and the parameters (frames, region, strength).
A custom assertion, ``org.workbench.disclosure``, carries the project id, the log checkpoint
(tree size, head hash, Ed25519 signature and public key, with the exact signed bytes) and each
model's training-data disclosure, so a file alone says which log vouches for it.

MOV, MP4, JPEG, PNG and TIFF carry the manifest inside the file (written to a temp file beside
it, then renamed over it). EXR and DPX cannot, so they get a ``.c2pa`` sidecar: ``shot.exr`` ->
``shot.c2pa``; a numbered sequence gets one sidecar bound to its frames' bytes in order, with
each frame's SHA-256 listed so a reader can say which frame changed. Embeddable stills in a
sequence are each signed in place.

Everything here is offline: no timestamp authority unless the identity names one, no remote
manifests, no trust list fetched. ``c2pa`` is imported inside the functions that use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench import APP_NAME, __version__
from workbench.disclosure import records
from workbench.disclosure.canonical import canonical_bytes, parse_json_object
from workbench.disclosure.keys import verify_signature
from workbench.disclosure.store import as_bytes
from workbench.errors import DisclosureError
from workbench.media.formats import MIME_BY_EXTENSION

if TYPE_CHECKING:
    from workbench.catalog.card import ModelCard
    from workbench.disclosure.export import LogData
    from workbench.disclosure.identity import SigningIdentity

ACTIONS_LABEL = "c2pa.actions.v2"
DISCLOSURE_LABEL = "org.workbench.disclosure"
DISCLOSURE_SCHEMA = "workbench.c2pa-disclosure/1"
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
SOURCE_INGREDIENT = "source"

# Formats whose files carry a manifest inside, and those that get a .c2pa beside them; the
# MIME types come from the one format table.
EMBED_FORMATS: dict[str, str] = {
    ext: MIME_BY_EXTENSION[ext]
    for ext in (".mov", ".mp4", ".m4v", ".jpg", ".jpeg", ".png", ".tif", ".tiff")
}
SIDECAR_FORMATS: dict[str, str] = {ext: MIME_BY_EXTENSION[ext] for ext in (".exr", ".dpx")}
_INGREDIENT_FORMATS = {**EMBED_FORMATS, ".avi": "video/x-msvideo", ".wav": "audio/wav"}

TRUSTED = "Trusted"
VALID = "Valid"
INVALID = "Invalid"


class CredentialsError(DisclosureError):
    """Content Credentials could not be written or read."""


class NoCredentialsError(CredentialsError):
    """The file carries no Content Credentials (and has no sidecar)."""


# -- results ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignResult:
    """What :func:`sign_media` did. Register ``sha256`` (the bytes after signing), not before."""

    path: Path
    embedded: bool
    manifest_path: Path | None
    files: tuple[Path, ...]
    sha256: str | None
    manifest_label: str | None
    signer: str
    actions: int


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


# -- the manifest ----------------------------------------------------------------------------
def _frames_record(frames: Any) -> dict[str, int] | None:
    # Arrays of small integers become CBOR byte strings on the way in; objects survive.
    if isinstance(frames, list | tuple) and len(frames) == 2:
        first, last = int(frames[0]), int(frames[1])
        return {"first": first, "last": last, "count": last - first + 1}
    return None


def _iptc(source_type: Any) -> str:
    text = str(source_type or "algorithmicallyEnhanced")
    return text if text.startswith("http") else IPTC + text


def default_action(tool: str) -> str:
    return "c2pa.resized" if tool.startswith("upscale") else "c2pa.enhanced"


def _describe_edit(entry: dict[str, Any]) -> str:
    edit = entry.get("edit") or {}
    tool = (edit.get("tool") or {}).get("id", "?")
    params = edit.get("parameters") or {}
    frames: dict[str, Any] = _frames_record(edit.get("frames")) or {"first": "?", "last": "?"}
    region = edit.get("region") or {"kind": "full"}
    where = "full frame" if region.get("kind") == "full" else f"{region.get('kind')} region"
    model = entry.get("model") or {}
    text = f"{tool} on frames {frames['first']}-{frames['last']}, {where}"
    if "strength" in params:
        text += f", strength {params['strength']}"
    if model:
        text += f", model {model.get('id')} {model.get('version') or ''}".rstrip()
    return text


def edit_action(entry: dict[str, Any]) -> dict[str, Any]:
    """The ``c2pa.actions.v2`` action for one ``workbench.edit/1`` entry."""
    edit = entry.get("edit") or {}
    tool = edit.get("tool") or {}
    model = entry.get("model") or {}
    classification = entry.get("classification") or {}
    params = edit.get("parameters") or {}
    agent: dict[str, Any] = {
        "name": f"{APP_NAME} {tool.get('id', '?')}"
        + (f" with model {model.get('id')}" if model else ""),
        "version": str(entry.get("app", {}).get("version") or __version__),
        "org.workbench.tool": f"{tool.get('id', '?')} {tool.get('version', '')}".strip(),
    }
    if model:
        agent["org.workbench.model"] = f"{model.get('id')} {model.get('version') or ''}".strip()
        agent["org.workbench.model_sha256"] = str(model.get("sha256"))
    parameters: dict[str, Any] = {
        "org.workbench.entry": entry.get("id"),
        "org.workbench.entry_hash": entry.get("hash"),
        "org.workbench.clip": str((edit.get("clip") or {}).get("id")),
        "frames": _frames_record(edit.get("frames")),
        "region": edit.get("region") or {"kind": "full"},
        # The tool's own parameters as JSON text: faithful whatever their shape.
        "org.workbench.parameters": json.dumps(params, sort_keys=True, ensure_ascii=False),
    }
    if isinstance(params.get("strength"), int | float):
        parameters["strength"] = float(params["strength"])
    action: dict[str, Any] = {
        "action": str(classification.get("c2pa_action") or default_action(str(tool.get("id", "")))),
        "digitalSourceType": _iptc(classification.get("digital_source_type")),
        "softwareAgent": agent,
        "description": _describe_edit(entry),
        "parameters": parameters,
    }
    if entry.get("time"):
        action["when"] = str(entry["time"])
    return action


def model_disclosure(card: ModelCard) -> dict[str, Any]:
    """What a file tells about a model that touched it: training data and who is owed."""
    return {
        "id": card.id,
        "name": card.name,
        "version": card.version,
        "sha256": card.sha256,
        "card_sha256": card.digest(),
        "weights_licence": card.weights_licence,
        "nature": card.classification.nature,
        "training_data": [
            {
                "name": s.name,
                "licence": s.licence,
                "author": s.author,
                "attribution": s.attribution,
                "consent_basis": s.consent_basis,
                "items": s.items,
            }
            for s in card.training_data
        ],
        "contributors": [
            {"name": c.name, "role": c.role, "share": float(c.share), "basis": c.basis}
            for c in card.contributors
        ],
    }


_CHECKPOINT_BODY_KEYS = ("schema", "seq", "project", "tree_size", "head", "first", "hashes")


def checkpoint_record(checkpoint: dict[str, Any]) -> dict[str, Any]:
    """The checkpoint as the file carries it, with the exact bytes its signature covers."""
    missing = [k for k in ("tree_size", "head", "signature", "public_key") if k not in checkpoint]
    if missing:
        raise CredentialsError(
            f"the checkpoint given for signing lacks {', '.join(missing)}",
            hint="pass the latest signed checkpoint (see checkpoint_for(log_data))",
        )
    body = checkpoint.get("body")
    if isinstance(body, bytes):
        body_text: str | None = body.decode("utf-8")
    elif isinstance(body, str):
        body_text = body
    elif all(k in checkpoint for k in _CHECKPOINT_BODY_KEYS):
        signed = {
            k: v
            for k, v in checkpoint.items()
            if k not in ("signature", "public_key", "body", "algorithm")
        }
        body_text = canonical_bytes(signed).decode("utf-8")
    else:
        body_text = None
    return {
        "tree_size": int(checkpoint["tree_size"]),
        "head": str(checkpoint["head"]),
        "time": checkpoint.get("time"),
        "key_id": checkpoint.get("key_id"),
        "algorithm": "Ed25519",
        "public_key": str(checkpoint["public_key"]),
        "signature": str(checkpoint["signature"]),
        "signed_body": body_text,
    }


def checkpoint_for(data: LogData) -> dict[str, Any]:
    """The latest signed checkpoint of a log, in the form :func:`sign_media` takes."""
    if not data.checkpoints:
        raise CredentialsError("the log has no signed checkpoint yet; nothing can vouch for it")
    row = data.checkpoints[-1]
    body_bytes = as_bytes(row.body)
    body = parse_json_object(body_bytes)
    if body is None:
        raise CredentialsError(f"checkpoint {row.seq} is not valid JSON; verify the log")
    keys = {k.key_id: k.public_key for k in data.keys}
    public = keys.get(row.key_id)
    if public is None:
        raise CredentialsError(f"the log lacks the public key {row.key_id} of its checkpoint")
    return {
        **body,
        "signature": row.signature,
        "public_key": public,
        "body": body_bytes.decode("utf-8"),
    }


def build_manifest(
    *,
    title: str,
    source: Path,
    project: dict[str, Any],
    edits: Sequence[dict[str, Any]],
    checkpoint: dict[str, Any],
    models: Sequence[ModelCard],
    frames: Sequence[tuple[str, str]] = (),
    delivery: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest definition (c2pa Builder JSON) for a signed output.

    ``delivery`` (the render's QC expectations: which differences from the source it made on
    purpose) lets ``workbench qc --against`` judge the file from its own signed claims.
    """
    for entry in edits:
        if entry.get("schema") != records.EDIT:
            raise CredentialsError(
                f"entry {entry.get('id')} is a {entry.get('schema')}, not an edit",
                hint="pass the workbench.edit/1 entries the render materialised",
            )
    actions: list[dict[str, Any]] = [
        {
            "action": "c2pa.opened",
            "parameters": {"ingredientIds": [SOURCE_INGREDIENT]},
            "description": f"source clip {source.name}",
        }
    ]
    actions += [edit_action(entry) for entry in edits]
    used = {str((e.get("model") or {}).get("sha256")) for e in edits}
    disclosure: dict[str, Any] = {
        "schema": DISCLOSURE_SCHEMA,
        "project": {"id": str(project.get("id")), "name": str(project.get("name") or "")},
        "source": {"name": source.name},
        "checkpoint": checkpoint_record(checkpoint),
        "edits": [
            {
                "entry": e.get("id"),
                "hash": e.get("hash"),
                "seq": e.get("seq"),
                "operator": e.get("operator"),
                "tool": ((e.get("edit") or {}).get("tool") or {}).get("id"),
                "model_sha256": (e.get("model") or {}).get("sha256"),
            }
            for e in edits
        ],
        "models": [model_disclosure(card) for card in models if card.sha256 in used or not used],
        "assistive_only": all(
            (e.get("classification") or {}).get("nature", "assistive") == "assistive" for e in edits
        ),
    }
    clip = next(((e.get("edit") or {}).get("clip") for e in edits), None)
    if isinstance(clip, dict) and clip.get("fingerprint"):
        disclosure["source"]["fingerprint"] = str(clip["fingerprint"])
    if frames:
        disclosure["frames"] = [{"file": name, "sha256": digest} for name, digest in frames]
    if delivery:
        disclosure["delivery"] = delivery
    return {
        "claim_generator_info": [{"name": APP_NAME, "version": __version__}],
        "title": title,
        "assertions": [
            {"label": ACTIONS_LABEL, "data": {"actions": actions}},
            {"label": DISCLOSURE_LABEL, "data": disclosure},
        ],
    }


# -- c2pa plumbing ---------------------------------------------------------------------------
def _settings(trust_anchors: bytes | None = None) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "builder": {"thumbnail": {"enabled": False}},
        "verify": {"verify_trust": True, "ocsp_fetch": False, "remote_manifest_fetch": False},
    }
    if trust_anchors:
        settings["trust"] = {"trust_anchors": trust_anchors.decode("ascii", "replace")}
    return settings


def _context(trust_anchors: bytes | None = None) -> Any:
    import c2pa  # type: ignore[import-untyped, unused-ignore]

    return c2pa.Context(c2pa.Settings.from_dict(_settings(trust_anchors)))


def _signer(identity: SigningIdentity) -> Any:
    import c2pa  # type: ignore[import-untyped, unused-ignore]

    return c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(
            identity.algorithm, identity.chain_pem, identity.key_pem, identity.timestamp_url
        )
    )


def _c2pa_message(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0] if len(text) > 400 else text


class _Concatenated(io.RawIOBase):
    """A read-only, seekable view of several files end to end (a sequence's bytes)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = list(paths)
        self._sizes = [p.stat().st_size for p in self._paths]
        self._starts = [sum(self._sizes[:i]) for i in range(len(self._sizes))]
        self._total = sum(self._sizes)
        self._pos = 0
        self._open: tuple[int, io.BufferedReader] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._total}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._pos < self._total:
            index = max(i for i, s in enumerate(self._starts) if s <= self._pos)
            if self._sizes[index] == 0:
                continue
            if self._open is None or self._open[0] != index:
                if self._open is not None:
                    self._open[1].close()
                self._open = (index, self._paths[index].open("rb"))
            handle = self._open[1]
            handle.seek(self._pos - self._starts[index])
            chunk = handle.readinto(view[done:])
            if not chunk:
                break
            done += chunk
            self._pos += chunk
        return done

    def close(self) -> None:
        if self._open is not None:
            self._open[1].close()
            self._open = None
        super().close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sequence_of(path: Path) -> tuple[list[Path], Path] | None:
    """(frame files, sidecar path) when ``path`` names a numbered sequence."""
    from workbench.media.errors import MediaError
    from workbench.media.sequence import detect_sequence

    try:
        spec = detect_sequence(path)
    except MediaError as exc:
        raise CredentialsError(str(exc)) from None
    if spec is None:
        return None
    stem = spec.prefix.rstrip("._- ") or "frames"
    return list(spec.paths), spec.folder / f"{stem}.c2pa"


def _is_pattern(path: Path) -> bool:
    from workbench.media.sequence import is_pattern

    return is_pattern(path)


def sidecar_path(path: Path) -> Path:
    """Where a file's ``.c2pa`` sidecar lives (the C2PA convention: same name, ``.c2pa``).

    A sequence pattern (``shot_%04d.exr``) has one sidecar for all its frames (``shot.c2pa``).
    """
    seq = _sequence_of(path) if _is_pattern(path) else None
    return seq[1] if seq else path.with_suffix(".c2pa")


def _add_source(builder: Any, source: Path) -> None:
    fmt = _INGREDIENT_FORMATS.get(source.suffix.lower())
    ingredient = {
        "title": source.name,
        "relationship": "parentOf",
        "label": SOURCE_INGREDIENT,
        "instance_id": SOURCE_INGREDIENT,
    }
    if fmt and source.is_file():
        # Reading the source as a stream carries any credentials it already has.
        with source.open("rb") as handle:
            builder.add_ingredient(ingredient, fmt, handle)
        return
    builder.add_ingredient(
        {
            **ingredient,
            "format": SIDECAR_FORMATS.get(source.suffix.lower(), "application/octet-stream"),
        },
        "application/octet-stream",
        io.BytesIO(b""),
    )


@contextlib.contextmanager
def _temp_beside(path: Path) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".signing", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _sign_embedded(path: Path, manifest: dict[str, Any], source: Path, identity: Any) -> str:
    import c2pa  # type: ignore[import-untyped, unused-ignore]

    fmt = EMBED_FORMATS[path.suffix.lower()]
    builder = c2pa.Builder(manifest, context=_context())
    try:
        _add_source(builder, source)
        with _temp_beside(path) as tmp:
            with path.open("rb") as src, tmp.open("w+b") as dst:
                builder.sign(_signer(identity), fmt, src, dst)
                dst.flush()
                os.fsync(dst.fileno())
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            os.replace(tmp, path)
    finally:
        builder.close()
    return _sha256(path)


def _sign_sidecar(
    files: Sequence[Path], sidecar: Path, manifest: dict[str, Any], source: Path, identity: Any
) -> bytes:
    import c2pa  # type: ignore[import-untyped, unused-ignore]

    builder = c2pa.Builder(manifest, context=_context())
    try:
        builder.set_no_embed()
        _add_source(builder, source)
        fmt = SIDECAR_FORMATS.get(files[0].suffix.lower(), "application/octet-stream")
        with _Concatenated(files) as src, _temp_beside(sidecar) as tmp, tmp.open("w+b") as dst:
            manifest_bytes: bytes = builder.sign(_signer(identity), fmt, src, dst)
    finally:
        builder.close()
    from workbench.disclosure.exporters import write_atomic

    write_atomic(sidecar, manifest_bytes)
    return manifest_bytes


def sign_media(
    path: Path,
    *,
    source: Path,
    project: dict[str, Any],
    edits: list[dict[str, Any]],
    checkpoint: dict[str, Any],
    models: list[ModelCard],
    identity: SigningIdentity | None = None,
    delivery: dict[str, Any] | None = None,
) -> SignResult:
    """Sign a finished render in place (or beside it, as a sidecar).

    ``path`` is the output file, or for an image sequence any of its frames or its pattern
    (``shot_%04d.exr``). ``edits`` are the ``workbench.edit/1`` entries (as ``LogData.entries()``
    gives them, with ``hash``) that the render materialised; ``checkpoint`` the latest signed
    checkpoint (:func:`checkpoint_for`); ``models`` the cards of the models those edits used.
    Without ``identity`` the user's identity is used, made on first use.
    The file's bytes change when the manifest is embedded: hash it after this returns
    (``SignResult.sha256``).
    """
    try:
        import c2pa  # type: ignore[import-untyped, unused-ignore]
    except ImportError:  # pragma: no cover - a dependency
        raise CredentialsError(
            "Content Credentials need the c2pa-python package",
            hint="pip install c2pa-python",
        ) from None
    if identity is None:
        from workbench.disclosure.identity import load_or_init_identity

        identity = load_or_init_identity()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EMBED_FORMATS and suffix not in SIDECAR_FORMATS:
        raise CredentialsError(
            f"cannot sign {path.name}: {suffix or 'no extension'} is not a format Workbench signs",
            hint="render to MOV, MP4, PNG, JPEG, TIFF, EXR or DPX",
        )
    sequence = _sequence_of(path) if _is_pattern(path) else None
    if sequence is None and not path.is_file():
        raise CredentialsError(f"cannot sign {path}: the file does not exist")
    try:
        if suffix in SIDECAR_FORMATS:
            files, sidecar = sequence if sequence else ([path], path.with_suffix(".c2pa"))
            frames = [(f.name, _sha256(f)) for f in files] if sequence else []
            manifest = build_manifest(
                title=sidecar.stem if sequence else path.name,
                source=source,
                project=project,
                edits=edits,
                checkpoint=checkpoint,
                models=models,
                frames=frames,
                delivery=delivery,
            )
            _sign_sidecar(files, sidecar, manifest, source, identity)
            return SignResult(
                path=path,
                embedded=False,
                manifest_path=sidecar,
                files=tuple(files),
                sha256=None if sequence else _sha256(path),
                manifest_label=None,
                signer=identity.subject,
                actions=len(edits),
            )
        files = sequence[0] if sequence else [path]
        digest = None
        for file in files:
            manifest = build_manifest(
                title=file.name,
                source=source,
                project=project,
                edits=edits,
                checkpoint=checkpoint,
                models=models,
                delivery=delivery,
            )
            digest = _sign_embedded(file, manifest, source, identity)
        return SignResult(
            path=path,
            embedded=True,
            manifest_path=None,
            files=tuple(files),
            sha256=digest if len(files) == 1 else None,
            manifest_label=None,
            signer=identity.subject,
            actions=len(edits),
        )
    except c2pa.C2paError as exc:
        raise CredentialsError(
            f"signing {path.name} failed: {_c2pa_message(exc)}",
            hint="check the signing identity with `workbench identity show`",
        ) from None
    except OSError as exc:
        raise CredentialsError(
            f"cannot write Content Credentials for {path.name}: {exc.strerror or exc}"
        ) from None


# -- reading ---------------------------------------------------------------------------------
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


def _parse_actions(manifest: dict[str, Any]) -> list[CredentialAction]:
    out: list[CredentialAction] = []
    for assertion in manifest.get("assertions") or []:
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for a in (assertion.get("data") or {}).get("actions") or []:
            agent = a.get("softwareAgent")
            if isinstance(agent, dict):
                agent_text: str | None = " ".join(
                    str(agent[k]) for k in ("name", "version") if agent.get(k)
                )
                if agent.get("org.workbench.model_sha256"):
                    agent_text = (
                        f"{agent_text} (model sha256 {agent['org.workbench.model_sha256']})"
                    )
            else:
                agent_text = str(agent) if agent else None
            out.append(
                CredentialAction(
                    action=str(a.get("action")),
                    digital_source_type=a.get("digitalSourceType"),
                    software_agent=agent_text,
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
    )


def _failure_reason(failures: list[dict[str, Any]]) -> str | None:
    if not failures:
        return None
    first = failures[0]
    code = first.get("code", "?")
    nice = {
        "assertion.dataHash.mismatch": "the media bytes changed after signing",
        "assertion.bmffHash.mismatch": "the media bytes changed after signing",
        "assertion.boxesHash.mismatch": "the media bytes changed after signing",
        "claimSignature.mismatch": "the manifest's signature does not match its claim",
    }.get(str(code))
    text = f"{nice} ({code})" if nice else f"{code}: {first.get('explanation', '')}".strip()
    return text + (f" and {len(failures) - 1} more" if len(failures) > 1 else "")


def read_credentials(
    path: Path, trust_anchors: bytes | str | Path | Sequence[Path] | None = None
) -> CredentialsReport:
    """Read and validate a file's Content Credentials (embedded, or its ``.c2pa`` sidecar).

    ``trust_anchors``: PEM bytes, a PEM file, or several; with the studio CA among them a
    well-formed file is ``Trusted``, without it ``Valid`` (untrusted signer).
    """
    import c2pa  # type: ignore[import-untyped, unused-ignore]

    path = Path(path)
    anchors = _anchors(trust_anchors)
    suffix = path.suffix.lower()
    sequence = None
    if suffix in SIDECAR_FORMATS and (_is_pattern(path) or not path.with_suffix(".c2pa").exists()):
        sequence = _sequence_of(path)
    files = sequence[0] if sequence else [path]
    sidecar = sequence[1] if sequence else path.with_suffix(".c2pa")
    for f in files:
        if not f.is_file():
            raise CredentialsError(f"cannot read {f}: the file does not exist")
    embedded = suffix in EMBED_FORMATS
    manifest_data: bytes | None = None
    if suffix not in EMBED_FORMATS:
        if not sidecar.is_file():
            raise NoCredentialsError(
                f"{path.name} has no Content Credentials: {sidecar.name} is not beside it",
                hint="EXR and DPX carry their credentials in a .c2pa sidecar; keep it with them",
            )
        manifest_data = sidecar.read_bytes()
        embedded = False
    fmt = EMBED_FORMATS.get(suffix) or SIDECAR_FORMATS.get(suffix, "application/octet-stream")
    try:
        stream: io.RawIOBase = _Concatenated(files)
        with stream:
            reader = c2pa.Reader(fmt, stream, manifest_data, _context(anchors))
            try:
                store = json.loads(reader.json())
            finally:
                reader.close()
    except c2pa.C2paError as exc:
        message = _c2pa_message(exc)
        if "ManifestNotFound" in type(exc).__name__ or "not found" in message.lower():
            raise NoCredentialsError(
                f"{path.name} carries no Content Credentials",
                hint="sign renders with Workbench, or look for a .c2pa sidecar",
            ) from None
        return CredentialsReport(
            path, INVALID, message, embedded, None if embedded else sidecar, {}, [], None, None
        )
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
    changed: list[str] = []
    if sequence and disclosure and isinstance(disclosure.get("frames"), list):
        listed = {str(f.get("file")): f.get("sha256") for f in disclosure["frames"]}
        changed = [f.name for f in files if listed.get(f.name) != _sha256(f)]
        changed += [name for name in listed if name not in {f.name for f in files}]
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
        embedded=embedded,
        manifest_path=None if embedded else sidecar,
        signer=dict(manifest.get("signature_info") or {}),
        actions=_parse_actions(manifest),
        disclosure=disclosure,
        checkpoint_valid=checkpoint_ok,
        failures=failures,
        changed_frames=changed,
    )


def match_log(report: CredentialsReport, data: LogData) -> list[str]:
    """Where the file's credentials disagree with a project's log; empty when they match."""
    problems: list[str] = []
    disclosure = report.disclosure or {}
    project_id = (disclosure.get("project") or {}).get("id")
    if data.project_id and project_id != data.project_id:
        problems.append(f"the file names project {project_id}, not {data.project_id}")
    by_id = {e.get("id"): e for e in data.entries()}
    by_seq = {e.get("seq"): e for e in data.entries()}
    cp = disclosure.get("checkpoint") or {}
    head_entry = by_seq.get(cp.get("tree_size"))
    if not cp:
        problems.append("the file carries no log checkpoint")
    elif head_entry is None or head_entry.get("hash") != cp.get("head"):
        problems.append(
            f"the log has no entry {cp.get('tree_size')} with head hash {str(cp.get('head'))[:12]}…"
        )
    elif cp.get("public_key") not in {k.public_key for k in data.keys}:
        problems.append("the checkpoint's public key is not one of the project's keys")
    revoked = {e.get("reverts") for e in data.entries() if e.get("schema") == records.REVERT}
    for action in report.ai_actions:
        entry_id = action.entry_id
        entry = by_id.get(entry_id)
        if entry is None:
            problems.append(f"action {action.action} names entry {entry_id}, not in the log")
            continue
        if entry.get("hash") != action.parameters.get("org.workbench.entry_hash"):
            problems.append(f"entry {entry_id}: its hash in the file differs from the log's")
        expected = edit_action(entry)
        for key in ("action", "digitalSourceType"):
            seen = action.action if key == "action" else action.digital_source_type
            if expected[key] != seen:
                problems.append(f"entry {entry_id}: {key} {seen!r}, the log says {expected[key]!r}")
        if expected["parameters"]["frames"] != action.parameters.get("frames"):
            problems.append(f"entry {entry_id}: frames differ from the log's")
        if entry_id in revoked:
            problems.append(f"entry {entry_id} was reverted in the log after this render")
    listed = {e.get("entry") for e in disclosure.get("edits") or []}
    in_actions = {a.entry_id for a in report.ai_actions}
    if listed != in_actions:
        problems.append("the disclosure's edits and the manifest's actions list different entries")
    return problems


# -- the render's hook -------------------------------------------------------------------------
def sign_render(
    pending: Path,
    *,
    plan: Any,
    request: Any,
    log_data: LogData,
    identity: SigningIdentity | None = None,
    delivery: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What ``workbench.render`` calls on a finished output before registering it.

    ``plan`` gives the clip (``plan.clip.path``), the edits rendered (``plan.edits``, each with
    ``log_entry``) and the catalogue entries of their models (``plan.models``, each with
    ``card``); ``request`` the final output path; ``log_data`` the project's log as it stands
    before the render's own entry (the manifest vouches for its checkpoint). Returns what the render
    entry records under ``credentials``. A format that cannot carry credentials (MKV, MXF) is
    recorded as unsigned rather than failing the render.
    """
    output = Path(request.output)
    suffix = output.suffix.lower()
    if suffix not in EMBED_FORMATS and suffix not in SIDECAR_FORMATS:
        return {
            "credentials": {
                "signed": False,
                "reason": f"{suffix or 'this format'} cannot carry Content Credentials",
            }
        }
    data = log_data
    by_id = {e.get("id"): e for e in data.entries()}
    edits = [by_id[e.log_entry] for e in plan.edits if getattr(e, "log_entry", None) in by_id]
    cards = [m.card for m in plan.models if getattr(m, "card", None) is not None]
    result = sign_media(
        Path(pending),
        source=Path(plan.clip.path),
        project=data.project,
        edits=edits,
        checkpoint=checkpoint_for(data),
        models=cards,
        identity=identity,
        delivery=delivery,
    )
    sidecar = result.manifest_path
    if sidecar is not None and Path(pending) != output and not _is_pattern(output):
        final = output.with_suffix(".c2pa")
        os.replace(sidecar, final)
        sidecar = final
    return {
        "credentials": {
            "signed": True,
            "embedded": result.embedded,
            "sidecar": sidecar.name if sidecar else None,
            "signer": result.signer,
            "actions": result.actions,
        }
    }
