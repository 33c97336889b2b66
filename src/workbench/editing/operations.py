"""The project's other operations, one function each, for every front end.

Import a clip, relink it, sign off an edit, record a consent, import a model with its card, and
export the log in any format — always with the full context a producer's report needs (the
clips, the model cards, and for HTML and PDF the thumbnails), so that the window's export is
byte for byte the command line's.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.catalog import Catalog
from workbench.catalog.catalog import card_path_for, load_checked_path, read_card
from workbench.errors import UsageError
from workbench.project import Clip, Consent, Edit, LikenessConsent, Project


def import_clip(project: Project, media: Path, *, timeout: float = 60.0) -> Clip:
    """Probe a file in a child process with a time limit (first and last frame decoded, so a
    broken or hostile file is refused here, not half-way through a render) and add it."""
    from workbench.media import safe_probe

    info = safe_probe(media, timeout=timeout)
    return add_probed_clip(project, info)


def add_probed_clip(project: Project, info: Any) -> Clip:
    """Add a clip whose media was already probed (the window probes on a worker thread)."""
    path = str(Path(info.path).resolve())
    return project.add_clip(path, fingerprint=info.fingerprint, media=info.to_dict())


def relink_clip(project: Project, clip_id: int, path: Path) -> Clip:
    """Point an offline clip at its moved file; its content must be the same footage."""
    return project.relink_clip(clip_id, path)


def set_clip_colour_space(project: Project, clip_id: int, name: str | None) -> Clip:
    """Set the colour space a clip's footage is in, by any name the pinned colour config knows
    (``ARRI LogC4``, ``logc4``, ``source`` for no conversion); None or ``tags``: read it from
    the clip's tags again. Logged; every edit of the clip renders from it."""
    from workbench.colour import resolve

    tags = name is None or name.strip().lower() in ("tags", "auto")
    space = None if tags else resolve(str(name))
    return project.set_clip_colour_space(project.clip(clip_id).id, space)


def sign_off(project: Project, edit_id: int, note: str = "") -> Edit:
    """Record the operator's approval of an edit the policy holds for sign-off."""
    return project.sign_off(edit_id, note=note)


@dataclass(frozen=True)
class ConsentRequest:
    """A consent record: who agreed, to what, until when, and the document that says so."""

    subject: str
    scope: str
    document_ref: str
    document: Path | None = None  # the signed release itself; its SHA-256 is recorded
    expires: str | None = None  # ISO 8601 date


def add_consent(project: Project, request: ConsentRequest) -> Consent:
    """Record a consent; the document's hash pins the release it refers to."""
    from workbench.fsutil import sha256_file

    if not request.subject.strip() or not request.scope.strip():
        raise UsageError("a consent record needs a subject and a scope")
    if request.expires is not None:
        from datetime import date

        try:
            date.fromisoformat(request.expires)
        except ValueError:
            raise UsageError(
                f"--expires takes a date as YYYY-MM-DD; got {request.expires!r}"
            ) from None
    digest = None
    if request.document is not None:
        if not request.document.is_file():
            raise UsageError(f"the consent document {request.document} does not exist")
        digest = sha256_file(request.document)
    return project.add_consent(
        subject=request.subject.strip(),
        scope=request.scope.strip(),
        document_ref=request.document_ref,
        document_sha256=digest,
        expires=request.expires,
    )


@dataclass(frozen=True)
class LikenessRequest:
    """A performer's consent to AI alteration of their likeness: the cast member (name or id),
    the kinds it covers (``enhancement,resize``; ``all``), the signed release (its SHA-256 is
    recorded), for which production (None: the project's name), signed when (None: today,
    UTC) and until when (None: no end)."""

    person: str
    kinds: str | tuple[str, ...]
    document: Path
    document_ref: str = ""
    production: str | None = None
    signed: str | None = None
    expires: str | None = None


def _iso_date(value: str | None, flag: str) -> str | None:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UsageError(f"{flag} takes a date as YYYY-MM-DD; got {value!r}") from None


def add_likeness_consent(project: Project, request: LikenessRequest) -> LikenessConsent:
    """Record a performer's likeness consent (``project.likeness`` enforces it at apply and
    render). The performer must be in the cast; the release must exist (it is hashed)."""
    from workbench.disclosure.likeness import parse_kinds, today_utc
    from workbench.fsutil import sha256_file

    member = project.cast_member(request.person)
    try:
        kinds = parse_kinds(request.kinds)
    except ValueError as exc:
        raise UsageError(f"--scope: {exc}") from None
    if not request.document.is_file():
        raise UsageError(
            f"the signed release {request.document} does not exist",
            hint="a likeness consent pins the signed document by its SHA-256: give --document",
        )
    signed = _iso_date(request.signed, "--signed") or today_utc().isoformat()
    expires = _iso_date(request.expires, "--expires")
    if expires is not None and expires < signed:
        raise UsageError(f"the consent expires ({expires}) before it was signed ({signed})")
    return project.add_likeness_consent(
        member.id,
        kinds=kinds,
        production=(request.production or project.name).strip(),
        signed=signed,
        expires=expires,
        document_ref=request.document_ref or request.document.name,
        document_sha256=sha256_file(request.document),
    )


def import_model(onnx: Path, card: Path | None, target_dir: Path | None = None) -> Path:
    """Check a model file (and that its card describes exactly these bytes) and copy both into
    the user's model folder, where the catalogue finds them."""
    from workbench.config import user_models_dir

    target_dir = target_dir or user_models_dir()
    checked = load_checked_path(onnx)
    if card is not None:
        read_card(card, checked.sha256)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / onnx.name
    if target.exists():
        raise UsageError(f"a model named {onnx.name} is already in {target_dir}")
    shutil.copyfile(onnx, target)
    if card is not None:
        shutil.copyfile(card, card_path_for(target))
    return target


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    entries: int


def export_context(target: Path, data: Any, fmt: str, *, exported: str | None = None) -> Any:
    """Everything a producer's export shows: the log, the clips' sizes, the model cards and, for
    HTML and PDF, thumbnails of the edited frames."""
    from workbench.disclosure.export import is_export_file
    from workbench.disclosure.exporters import ExportContext
    from workbench.disclosure.report_thumbs import ReportPictures
    from workbench.disclosure.store import utc_now

    stamp = exported or utc_now()
    if fmt in ("json", "csv"):
        return ExportContext(data=data, exported=stamp)
    clips: tuple[dict[str, Any], ...] = ()
    if not is_export_file(target):
        with Project.open(target, readonly=True) as project:
            clips = tuple(
                {
                    "id": c.id,
                    "name": c.name,
                    "path": c.path,
                    "media": c.media,
                    "colour": c.colour.space,
                }
                for c in project.clips()
            )
    catalog = Catalog()
    cards = {e.sha256: e.card for e in catalog.entries() if e.card is not None}
    pictures = ReportPictures(catalog) if fmt in ("html", "pdf") else None
    return ExportContext(
        data=data,
        exported=stamp,
        clips=clips,
        cards=cards,
        thumbnails=pictures.edit if pictures else None,
        shot_thumbnails=pictures.shot if pictures else None,
    )


def load_log(target: Path) -> tuple[Any, str]:
    """A project's log, or an exported log file's, and a label saying which it is."""
    from workbench.disclosure.export import is_export_file, read_export_file

    if is_export_file(target):
        return read_export_file(target), f"export {target.name}"
    with Project.open(target, readonly=True) as project:
        return project.log_data(), f"project {project.name}"


def export_log(
    target: Path, fmt: str, output: Path, *, exported: str | None = None
) -> ExportResult:
    """Export a project's (or an exported file's) log in ``fmt``, always with the full context."""
    from workbench.disclosure.exporters import export

    data, _label = load_log(target)
    export(fmt, export_context(target, data, fmt, exported=exported), output)
    return ExportResult(output, fmt, len(data.rows))


__all__ = [
    "ConsentRequest",
    "ExportResult",
    "LikenessRequest",
    "add_consent",
    "add_likeness_consent",
    "add_probed_clip",
    "export_context",
    "export_log",
    "import_clip",
    "import_model",
    "load_log",
    "relink_clip",
    "set_clip_colour_space",
    "sign_off",
]
