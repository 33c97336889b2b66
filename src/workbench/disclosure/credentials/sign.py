"""Signing a finished output: the manifest embedded in the file, or in a ``.c2pa`` beside it.

Embedding writes a temp file beside the output and renames it over it, so a crash leaves the
unsigned file or the signed one, never half of each. A sequence of EXR/DPX frames gets one sidecar
bound to the frames' bytes in order; embeddable stills in a sequence are each signed in place.
The render's hook, :func:`sign_output`, takes a :class:`SignRequest` of plain data.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.disclosure.credentials.common import (
    EMBED_FORMATS,
    SIDECAR_FORMATS,
    SOURCE_INGREDIENT,
    ConcatenatedFiles,
    CredentialsError,
    c2pa_context,
    c2pa_message,
    is_pattern,
    sequence_of,
    sha256_file,
)
from workbench.disclosure.credentials.manifest import build_manifest, checkpoint_for

if TYPE_CHECKING:
    from workbench.catalog.card import ModelCard
    from workbench.disclosure.export import LogData
    from workbench.disclosure.identity import SigningIdentity

_INGREDIENT_FORMATS = {**EMBED_FORMATS, ".avi": "video/x-msvideo", ".wav": "audio/wav"}


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
class SignRequest:
    """What the render hands :func:`sign_output` for one finished output.

    ``pending`` is the file (or sequence pattern) the render wrote, ``output`` the name it will
    be registered under; ``edit_entries`` the log entry ids of the edits rendered, and
    ``log_data`` the project's log as it stands before the render's own entry (the manifest
    vouches for its latest checkpoint). Without ``identity`` the user's identity is used.
    """

    pending: Path
    output: Path
    source: Path
    edit_entries: tuple[str, ...]
    model_cards: tuple[ModelCard, ...]
    log_data: LogData
    delivery: dict[str, Any] | None = None
    identity: SigningIdentity | None = None


@dataclass(frozen=True)
class _Claim:
    """What every manifest of one signing says, whatever file it lands in."""

    source: Path
    project: dict[str, Any]
    edits: list[dict[str, Any]]
    checkpoint: dict[str, Any]
    models: list[ModelCard]
    delivery: dict[str, Any] | None

    def manifest(self, title: str, frames: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
        return build_manifest(
            title=title,
            source=self.source,
            project=self.project,
            edits=self.edits,
            checkpoint=self.checkpoint,
            models=self.models,
            frames=frames,
            delivery=self.delivery,
        )


# -- c2pa plumbing ---------------------------------------------------------------------------
def _signer(identity: SigningIdentity) -> Any:
    import c2pa  # type: ignore[import-untyped, unused-ignore]

    return c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(
            identity.algorithm, identity.chain_pem, identity.key_pem, identity.timestamp_url
        )
    )


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
    builder = c2pa.Builder(manifest, context=c2pa_context())
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
    return sha256_file(path)


def _sign_sidecar(
    files: Sequence[Path], sidecar: Path, manifest: dict[str, Any], source: Path, identity: Any
) -> bytes:
    import c2pa  # type: ignore[import-untyped, unused-ignore]

    builder = c2pa.Builder(manifest, context=c2pa_context())
    try:
        builder.set_no_embed()
        _add_source(builder, source)
        fmt = SIDECAR_FORMATS.get(files[0].suffix.lower(), "application/octet-stream")
        with ConcatenatedFiles(files) as src, _temp_beside(sidecar) as tmp, tmp.open("w+b") as dst:
            manifest_bytes: bytes = builder.sign(_signer(identity), fmt, src, dst)
    finally:
        builder.close()
    from workbench.disclosure.exporters import write_atomic

    write_atomic(sidecar, manifest_bytes)
    return manifest_bytes


# -- the steps of sign_media -----------------------------------------------------------------
def _require_c2pa() -> Any:
    """The ``c2pa`` module, or an error that says how to get it."""
    try:
        import c2pa  # type: ignore[import-untyped, unused-ignore]
    except ImportError:  # pragma: no cover - a dependency
        raise CredentialsError(
            "Content Credentials need the c2pa-python package",
            hint="pip install c2pa-python",
        ) from None
    return c2pa


def _signable(path: Path) -> tuple[list[Path], Path] | None:
    """Refuse what cannot be signed; the sequence ``path`` names, if it names one."""
    suffix = path.suffix.lower()
    if suffix not in EMBED_FORMATS and suffix not in SIDECAR_FORMATS:
        raise CredentialsError(
            f"cannot sign {path.name}: {suffix or 'no extension'} is not a format Workbench signs",
            hint="render to MOV, MP4, PNG, JPEG, TIFF, EXR or DPX",
        )
    sequence = sequence_of(path) if is_pattern(path) else None
    if sequence is None and not path.is_file():
        raise CredentialsError(f"cannot sign {path}: the file does not exist")
    return sequence


def _sign_to_sidecar(
    path: Path,
    sequence: tuple[list[Path], Path] | None,
    claim: _Claim,
    identity: SigningIdentity,
    title: str | None = None,
) -> SignResult:
    files, sidecar = sequence if sequence else ([path], path.with_suffix(".c2pa"))
    frames = [(f.name, sha256_file(f)) for f in files] if sequence else []
    manifest = claim.manifest(sidecar.stem if sequence else title or path.name, frames)
    _sign_sidecar(files, sidecar, manifest, claim.source, identity)
    return SignResult(
        path=path,
        embedded=False,
        manifest_path=sidecar,
        files=tuple(files),
        sha256=None if sequence else sha256_file(path),
        manifest_label=None,
        signer=identity.subject,
        actions=len(claim.edits),
    )


def _sign_in_place(
    path: Path,
    sequence: tuple[list[Path], Path] | None,
    claim: _Claim,
    identity: SigningIdentity,
    title: str | None = None,
) -> SignResult:
    files = sequence[0] if sequence else [path]
    digest = None
    for file in files:
        name = title if title and not sequence else file.name
        digest = _sign_embedded(file, claim.manifest(name), claim.source, identity)
    return SignResult(
        path=path,
        embedded=True,
        manifest_path=None,
        files=tuple(files),
        sha256=digest if len(files) == 1 else None,
        manifest_label=None,
        signer=identity.subject,
        actions=len(claim.edits),
    )


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
    title: str | None = None,
) -> SignResult:
    """Sign a finished render in place (or beside it, as a sidecar).

    ``title`` is the manifest's title for a single file (its final name, when ``path`` is the
    render's pending file); by default the file's own name.

    ``path`` is the output file, or for an image sequence any of its frames or its pattern
    (``shot_%04d.exr``). ``edits`` are the ``workbench.edit/1`` entries (as ``LogData.entries()``
    gives them, with ``hash``) that the render materialised; ``checkpoint`` the latest signed
    checkpoint (:func:`checkpoint_for`); ``models`` the cards of the models those edits used.
    Without ``identity`` the user's identity is used, made on first use.
    The file's bytes change when the manifest is embedded: hash it after this returns
    (``SignResult.sha256``).
    """
    c2pa = _require_c2pa()
    if identity is None:
        from workbench.disclosure.identity import load_or_init_identity

        identity = load_or_init_identity()
    path = Path(path)
    sequence = _signable(path)
    claim = _Claim(Path(source), project, list(edits), checkpoint, list(models), delivery)
    try:
        if path.suffix.lower() in SIDECAR_FORMATS:
            return _sign_to_sidecar(path, sequence, claim, identity, title)
        return _sign_in_place(path, sequence, claim, identity, title)
    except c2pa.C2paError as exc:
        raise CredentialsError(
            f"signing {path.name} failed: {c2pa_message(exc)}",
            hint="check the signing identity with `workbench identity show`",
        ) from None
    except OSError as exc:
        raise CredentialsError(
            f"cannot write Content Credentials for {path.name}: {exc.strerror or exc}"
        ) from None


# -- the render's hook -------------------------------------------------------------------------
def sign_output(request: SignRequest) -> dict[str, Any]:
    """Sign a finished render output before the render registers it.

    Returns what the render entry records under ``credentials``. A format that cannot carry
    credentials (MKV, MXF) is recorded as unsigned rather than failing the render. A sidecar
    written beside the pending file is moved to sit beside the final output name.
    """
    output = Path(request.output)
    pending = Path(request.pending)
    suffix = output.suffix.lower()
    if suffix not in EMBED_FORMATS and suffix not in SIDECAR_FORMATS:
        return {
            "credentials": {
                "signed": False,
                "reason": f"{suffix or 'this format'} cannot carry Content Credentials",
            }
        }
    data = request.log_data
    by_id = {e.get("id"): e for e in data.entries()}
    result = sign_media(
        pending,
        source=Path(request.source),
        project=data.project,
        edits=[by_id[entry] for entry in request.edit_entries if entry in by_id],
        checkpoint=checkpoint_for(data),
        models=list(request.model_cards),
        identity=request.identity,
        delivery=request.delivery,
        title=None if is_pattern(output) else output.name,  # not the pending file's name
    )
    sidecar = result.manifest_path
    if sidecar is not None and pending != output and not is_pattern(output):
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
