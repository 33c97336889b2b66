"""Delivering a sequence: each shot rendered as replacement media the NLE relinks.

A shot's deliverable is its clip's frames over the source range plus handles (``Shot.frames``),
rendered through ``workbench.render`` — the same plan, segments, QC, signing and registration
as any render, with the plan's sub-range (``RenderRequest.frames``), so a farm can render it the
same way. The file carries the source's timecode *at its first frame*, its reel name, rate and
audio (cut to the same span); its QC is ``workbench qc --against`` the source with the
expectation "frames N..M of the source". Then the delivery joins the log
(``workbench.delivery/1``): shot, version, file, render, QC verdict. Versions count up per shot
and a file that exists is never overwritten (the next free version is taken).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from workbench.disclosure.entries import ClipRef, DeliveryRecord, EditLink, OutputRef
from workbench.errors import UsageError
from workbench.media.timecode import offset, rate_text
from workbench.progress import NullProgress, Progress
from workbench.project import Delivery, Project, Shot

DEFAULT_NAME = "{shot}_{reel}_wb_v{version:03d}"
NAME_FIELDS = ("shot", "position", "reel", "clip", "name", "sequence", "version")


class ShotNumber(int):
    """A shot's number in a file name: three digits unless the template says otherwise."""

    def __format__(self, spec: str) -> str:
        return super().__format__(spec or "03d")


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+-]+", "_", text).strip("._") or "shot"


def file_name(template: str, fields: Mapping[str, Any]) -> str:
    """The deliverable's name (no extension) from ``template`` and the shot's fields."""
    try:
        name = template.format_map(dict(fields))
    except (KeyError, IndexError, ValueError) as exc:
        raise UsageError(
            f"--name {template!r} cannot be filled in ({exc})",
            hint=f"use the fields {', '.join('{' + f + '}' for f in NAME_FIELDS)}",
        ) from None
    return _safe(name)


@dataclass(frozen=True)
class DeliveryRequest:
    """What to deliver: the project, the folder, the codec (None: the source's, in .mov), the
    name template, which shots (``all``, ``1,4-9``, ``reel:A001``; None: every shot with
    edits, or every online shot with ``every``) and which sequence (None: the last)."""

    project: Path
    output_dir: Path
    codec: str | None = None
    name: str = DEFAULT_NAME
    every: bool = False
    shots: str | None = None
    sequence: int | None = None
    extension: str | None = None
    provider: str | None = None
    """One execution provider for every shot's models (``--provider``); None: per model."""


@dataclass(frozen=True)
class ShotStarted:
    """A delivery's shot begins rendering: the shot, its place among those delivered, the file."""

    KIND: ClassVar[str] = "shot-started"
    shot: int
    index: int
    total: int
    output: str


@dataclass(frozen=True)
class ShotDelivered:
    """A shot was rendered and registered: its file, version and QC verdict."""

    KIND: ClassVar[str] = "shot-delivered"
    shot: int
    index: int
    total: int
    output: str
    version: int
    qc: str


ShotEvent = ShotStarted | ShotDelivered


@dataclass(frozen=True)
class Delivered:
    """One shot's outcome: its delivery, or why it was left out."""

    shot: Shot
    delivery: Delivery | None = None
    note: str = ""


def _extension(request: DeliveryRequest) -> str:
    from workbench.media.formats import CODECS, resolve_codec

    if request.extension:
        return request.extension if request.extension.startswith(".") else f".{request.extension}"
    if request.codec:
        name = resolve_codec(request.codec)
        spec = CODECS.get(name or "")
        if spec is None:
            raise UsageError(
                f"unknown codec {request.codec!r}", hint="workbench render --list-codecs"
            )
        if spec.kind != "video":
            raise UsageError(f"{spec.name} writes images; a shot is delivered as one video file")
        return spec.extensions[0]
    return ".mov"


def _chosen(project: Project, request: DeliveryRequest) -> list[tuple[Shot, str]]:
    """The shots to deliver, each with why it is left out ('' when it is not)."""
    from workbench.conform.recipes import select_shots

    sequence = project.sequence(request.sequence)
    shots = (
        select_shots(project, request.shots, sequence.id)
        if request.shots
        else project.shots(sequence.id)
    )
    out = []
    for shot in shots:
        if not shot.online or shot.frames is None:
            out.append((shot, f"offline: {shot.reason}"))
            continue
        first, last = shot.frames
        touched = any(
            e.enabled and e.frames[0] <= last and e.frames[1] >= first
            for e in project.edits(shot.clip_id)
        )
        if not touched and not (request.every or request.shots):
            out.append((shot, "no edits (deliver it anyway with --all)"))
            continue
        out.append((shot, ""))
    return out


def _target(project: Project, shot: Shot, request: DeliveryRequest, ext: str) -> tuple[Path, int]:
    """The next free version's file for ``shot`` (a file that exists is never overwritten)."""
    latest = project.latest_delivery(shot.id)
    version = (latest.version if latest else 0) + 1
    clip = project.clip(shot.clip_id) if shot.clip_id is not None else None
    sequence = project.sequence(shot.sequence_id)
    while True:
        fields = {
            "shot": ShotNumber(shot.id),
            "position": ShotNumber(shot.position),
            "reel": shot.reel or "noreel",
            "clip": Path(clip.path).stem if clip else "offline",
            "name": Path(shot.name).stem,
            "sequence": sequence.name,
            "version": version,
        }
        path = request.output_dir / (file_name(request.name, fields) + ext)
        if not path.exists() and not any(
            d.output == str(path.resolve()) for d in project.deliveries()
        ):
            return path.resolve(), version
        version += 1


def shot_context(project: Project, shot: Shot, version: int) -> dict[str, Any]:
    """What the delivered file's Content Credentials say it is: the shot (id, place in the cut,
    name, reel, track, source and record timecode, handles, the clip's frames), the version,
    and the sequence it belongs to (name, timeline file and its SHA-256)."""
    sequence = project.sequence(shot.sequence_id)
    return {
        "id": shot.id,
        "position": shot.position,
        "name": shot.name,
        "reel": shot.reel,
        "track": shot.track,
        "version": version,
        "source": shot.source.to_dict(),
        "record": shot.record.to_dict(),
        "handles": list(shot.handles),
        "frames": list(shot.frames) if shot.frames else None,
        "sequence": {
            "id": sequence.id,
            "name": sequence.name,
            "timeline": Path(sequence.timeline_path).name,
            "timeline_sha256": sequence.timeline_sha256,
            "format": sequence.timeline_format,
        },
    }


def _record(project: Project, shot: Shot, version: int, result: Any) -> Delivery:
    """The delivery's row and entry, pointing at the render that made it."""
    assert shot.clip_id is not None and shot.frames is not None
    clip = project.clip(shot.clip_id)
    render = next(r for r in project.renders(clip.id) if r.id == result.render_id)
    media = clip.media
    timecode = media.timecode
    rate = media.frame_rate
    first_tc = offset(timecode, shot.frames[0], rate) if timecode and rate else ""
    qc = result.extra.get("qc") or {}
    return project.add_delivery(
        DeliveryRecord(
            id=0,
            shot=shot.id,
            sequence=shot.sequence_id,
            version=version,
            output=OutputRef(render.output, render.sha256, render.codec),
            render=EditLink(render.id, render.log_entry),
            clip=ClipRef(clip.id, clip.path, clip.fingerprint),
            frames=shot.frames,
            timecode=first_tc,
            reel=shot.reel,
            rate=rate_text(rate) if rate else shot.source.rate,
            qc=str(qc.get("status", "not run")),
        )
    )


def deliver(
    request: DeliveryRequest,
    progress: Progress | None = None,
    *,
    catalog: Any = None,
    lock_wait: float = 30.0,
    executor: Any = None,
    store: Any = None,
    on_event: Callable[[Any], None] | None = None,
) -> list[Delivered]:
    """Render and register every chosen shot (see the module docstring), in cut order.

    ``executor`` renders each shot's segments (``None``: this machine; a
    :class:`~workbench.render.farm.DaskExecutor`: a farm, shared by every shot) and ``store``
    keeps them (``None``: beside each output) — the same core render either way.
    ``on_event`` hears each shot's :class:`ShotStarted` and :class:`ShotDelivered`, and between
    them the shot's render events (``render.events``: started, progress, warnings, done) — the
    window's deliver-all job shows them as per-shot progress."""
    from workbench.project.project import open_for_writing
    from workbench.render import RenderRequest, run_render

    progress = progress or NullProgress()
    emit = on_event or (lambda event: None)
    if not request.output_dir.is_dir():
        raise UsageError(f"the output folder {request.output_dir} does not exist")
    ext = _extension(request)
    with Project.open(request.project, readonly=True) as project:
        chosen = _chosen(project, request)
    results: list[Delivered] = []
    todo = [s for s, why in chosen if not why]
    for shot, why in chosen:
        if why:
            results.append(Delivered(shot, None, why))
            continue
        with Project.open(request.project, readonly=True) as project:
            output, version = _target(project, shot, request, ext)
            context = shot_context(project, shot, version)
        n = len([r for r in results if r.delivery is not None]) + 1
        progress.update(0.0, f"shot {shot.id} ({n}/{len(todo)}): {output.name}")
        emit(ShotStarted(shot.id, n, len(todo), str(output)))
        assert shot.clip_id is not None
        result = run_render(
            RenderRequest(
                request.project,
                shot.clip_id,
                output,
                request.codec,
                frames=shot.frames,
                shot=context,
                provider=request.provider,
            ),
            progress,
            catalog=catalog,
            lock_wait=lock_wait,
            executor=executor,
            store=store,
            on_event=emit,
        )
        with open_for_writing(request.project, lock_wait) as project:
            delivery = _record(project, project.shot(shot.id), version, result)
        results.append(Delivered(shot, delivery, ""))
        emit(ShotDelivered(shot.id, n, len(todo), delivery.output, delivery.version, delivery.qc))
    return results


__all__ = [
    "DEFAULT_NAME",
    "NAME_FIELDS",
    "Delivered",
    "DeliveryRequest",
    "ShotDelivered",
    "ShotEvent",
    "ShotNumber",
    "ShotStarted",
    "deliver",
    "file_name",
    "shot_context",
]
