"""``build_plan``: a render request checked against the project and the footage, as plain data.

Everything that can refuse a render is asked here, before any frame is decoded: a project whose
rows are not what its log vouches for (``project.stack_check``), an offline or changed clip, an
edit awaiting sign-off, a performer's likeness altered beyond their consent
(``project.likeness``), a model no longer in the catalogue, a painted mask missing, an output
the container or the encoder cannot take (``preflight``), a colour space the pinned colour
config does not know (``render.colour``). What comes out is a
:class:`~workbench.render.plan.RenderPlan`; nothing live (engine, mask, file) is kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.errors import NotFoundError, PolicyError, UsageError
from workbench.media.info import MediaInfo
from workbench.render.colour import planned_colour
from workbench.render.plan import (
    AudioPlan,
    LogHead,
    PlannedClip,
    PlannedEdit,
    RenderPlan,
    TilePlan,
    cut_segments,
    with_digest,
)
from workbench.render.request import RenderRequest

_VIDEO_SUFFIXES = (".mov", ".mp4", ".mkv", ".mxf")
_IMAGE_SUFFIXES = (".png", ".tif", ".tiff", ".jpg", ".exr", ".dpx")


def build_plan(request: RenderRequest, *, catalog: Any = None, options: Any = None) -> RenderPlan:
    """Everything the render needs, checked before any frame is decoded."""
    from workbench.catalog import Catalog
    from workbench.inference import SessionOptions
    from workbench.project import Project
    from workbench.project.likeness import check_render
    from workbench.project.stack_check import refuse_unless_vouched

    catalog = catalog or Catalog()
    options = options or SessionOptions.from_settings()
    output = request.output.resolve()
    request = dataclasses.replace(request, output=output)
    if output.suffix.lower() in _VIDEO_SUFFIXES and not output.parent.is_dir():
        raise UsageError(f"the output folder {output.parent} does not exist")
    with Project.open(request.project_path, readonly=True) as project:
        # What renders is what the log vouches for: every row, before a frame is read.
        refuse_unless_vouched(project, f"rendering {output.name}")
        clip = project.clip(request.clip_id)
        info = _probe_clip(clip)
        edits = _planned_edits(project, clip.id, info, catalog)
        # a performer's likeness altered beyond their consent (or after it expired): refused
        check_render(project, clip.id, request.frames, doing=f"rendering {output.name}")
        if request.provider:
            from workbench.inference import check_provider

            options = dataclasses.replace(options, provider=check_provider(request.provider))
        edits = with_backends(edits, catalog, options, project.edit_runtimes())
        colour = planned_colour(clip, edits, catalog)
        project_path, project_id, head = str(project.path), project.id, _log_head(project)
    frames = _source_frames(request, info)
    if frames is not None:
        _check_cut_audio(request, info)
    codec = _codec_for(output, request.codec, info)
    request = _with_conversions(request, info)
    pix_fmt = _pix_fmt(info, codec)
    scale = edits_scale(edits)
    _preflight(info, request, codec, pix_fmt, scale)
    mode = segment_mode(codec, info)
    plan = RenderPlan(
        project_path=project_path,
        project_id=project_id,
        log_head=head,
        app_version=__version__,
        clip=PlannedClip(clip.id, clip.path, clip.fingerprint),
        edits=edits,
        codec=codec,
        container=output.suffix.lower(),
        output=str(output),
        frame_count=info.frame_count,
        frame_size=(info.width * scale, info.height * scale),
        pix_fmt=pix_fmt,
        audio=AudioPlan(tuple(request.drop_streams), tuple(request.convert_audio)),
        segment_frames=request.segment_frames,
        segment_mode=mode,
        copy_packets=_copies_packets(request, info, codec, mode, pix_fmt),
        smart=request.smart,
        sign=request.sign,
        tiles=TilePlan(options.tile_size, options.overlap, options.feather, options.min_tile_size),
        segments=cut_segments(info.frame_count, request.segment_frames, _radius(edits), frames),
        colour=colour,
        source_frames=frames,
        shot=dict(request.shot) if request.shot else None,
    )
    _check_single_image(plan)
    return with_digest(plan)


def _source_frames(request: RenderRequest, info: MediaInfo) -> tuple[int, int] | None:
    """A sub-range of the clip to deliver, checked; None for the whole clip."""
    if request.frames is None:
        return None
    first, last = (int(f) for f in request.frames)
    if not 0 <= first <= last < info.frame_count:
        raise UsageError(
            f"frames {first}-{last} are outside clip {request.clip_id} "
            f"(frames 0-{info.frame_count - 1})"
        )
    if info.vfr:
        raise UsageError(
            f"clip {request.clip_id} has a variable frame rate; only a whole clip renders",
            hint="render the whole clip, or conform from a constant-rate transcode",
        )
    if (first, last) == (0, info.frame_count - 1):
        return None
    return (first, last)


def _check_cut_audio(request: RenderRequest, info: MediaInfo) -> None:
    """A shot's audio is cut to the sample and coded as PCM: the container must hold it."""
    from workbench.media.formats import CONTAINERS

    container = CONTAINERS.get(request.output.suffix.lower())
    if container is None:
        return
    for track in info.audio:
        if track.index in request.drop_streams:
            continue
        pcm = track.codec if track.codec.startswith("pcm_") else "pcm_s16le"
        if pcm not in container.audio:
            raise UsageError(
                f"a shot's audio is cut to the frame as PCM, which a "
                f"{request.output.suffix} file cannot hold (stream #{track.index})",
                hint=f"deliver .mov or .mxf, or leave the audio out with --drop-stream "
                f"{track.index}",
            )


def _probe_clip(clip: Any) -> MediaInfo:
    """The clip's footage, refused when it is offline or no longer what was imported."""
    from workbench.media import probe

    if not Path(clip.path).exists() and "%" not in clip.path:
        raise UsageError(
            f"clip {clip.id} is offline: {clip.path} does not exist",
            hint="relink the clip to where the footage is now",
        )
    info = probe(clip.path)
    if info.fingerprint != clip.fingerprint:
        raise UsageError(
            f"clip {clip.id} changed on disk since it was imported ({clip.path})",
            hint="re-import the footage; the log pins the file it saw",
        )
    return info


def _planned_edits(
    project: Any, clip_id: int, info: MediaInfo, catalog: Any
) -> tuple[PlannedEdit, ...]:
    from workbench.tools.base import check_edit_range
    from workbench.tools.registry import get_tool

    edits = [e for e in project.edits(clip_id) if e.enabled]
    pending = project.edits_pending_signoff()
    for edit in edits:
        if edit.id in pending:
            raise PolicyError(
                f"edit {edit.id} ({edit.tool}) needs sign-off before it can be rendered",
                hint="a producer signs it off: select the edit in the edit stack and press "
                f"Sign off… (command line: workbench signoff {project.path.name} {edit.id})",
            )
    planned: list[PlannedEdit] = []
    for edit in edits:
        tool = get_tool(edit.tool)
        params = tool.resolve(edit.parameters)
        if edit.model_id is not None:
            check_model(catalog, edit)
        check_edit_range(
            tool, params, tuple(edit.frames), info.frame_count, field_order=info.field_order
        )
        if edit.region.get("kind") == "mask":
            check_mask(Path(project.path), edit.region["sha256"])
        if edit.region.get("kind") == "tracked":
            check_track(project, edit.region["sha256"], (info.width, info.height))
        planned.append(planned_edit(edit, params))
    return tuple(planned)


def planned_edit(edit: Any, params: dict[str, Any] | None = None) -> PlannedEdit:
    """A project's edit as the render applies it (parameters resolved); the viewer's frames
    take their stack from here too."""
    from workbench.tools.registry import get_tool

    if params is None:
        params = get_tool(edit.tool).resolve(edit.parameters)
    return PlannedEdit(
        id=edit.id,
        log_entry=edit.log_entry,
        tool=edit.tool,
        tool_version=edit.tool_version,
        parameters=params,
        frames=(int(edit.frames[0]), int(edit.frames[1])),
        region=dict(edit.region),
        model_id=edit.model_id,
        model_sha256=edit.model_sha256,
        enabled=edit.enabled,
    )


def with_backends(
    edits: tuple[PlannedEdit, ...],
    catalog: Any,
    options: Any,
    applied: dict[str, Any] | None = None,
) -> tuple[PlannedEdit, ...]:
    """Each edit's backend on this machine, pinned: the provider and file of the model that
    every segment runs (``inference.backends``; ``options.provider`` forces one), and how the
    edit was applied where that differs (``applied``: the log's runtimes by entry). The viewer's
    frames pin theirs here too, so a preview runs the file a render runs."""
    from workbench.inference import choose_backend, open_backend

    applied = applied or {}
    out: list[PlannedEdit] = []
    for edit in edits:
        if edit.model_sha256 is None:
            out.append(edit)
            continue
        model = catalog.load_checked(edit.model_sha256)
        engine = open_backend(model, choose_backend(model, options), options)
        runtime = applied.get(edit.log_entry)
        was = _label(runtime.provider, runtime.variant) if runtime is not None else None
        now = _label(engine.provider, engine.variant)
        out.append(
            dataclasses.replace(
                edit,
                provider=engine.provider,
                variant=engine.variant,
                run_sha256=engine.sha256,
                applied_with=was if was is not None and was != now else None,
            )
        )
    return tuple(out)


def _label(provider: str | None, variant: Any) -> str | None:
    """``provider/file``; a variant is a name or a log record with one."""
    if provider is None:
        return None
    name = getattr(variant, "name", variant)
    return f"{provider}/{name or 'main'}"


def check_model(catalog: Any, edit: Any) -> Any:
    """The catalogue entry of the exact model file an edit used, or a UsageError."""
    try:
        entry = catalog.find(edit.model_sha256 or edit.model_id)
    except NotFoundError:
        entry = None
    if entry is None or entry.sha256 != edit.model_sha256:
        raise UsageError(
            f"edit {edit.id} used model {edit.model_id} with SHA-256 "
            f"{(edit.model_sha256 or '')[:12]}…, which is no longer in the catalogue",
            hint="restore that model file, or remove the edit and apply it again",
        )
    return entry


def check_mask(project_path: Path, sha256: str) -> bytes:
    """A painted mask's bytes, refused when missing or not the ones the edit recorded."""
    from workbench.project.masks import mask_path

    path = mask_path(project_path, sha256)
    data = path.read_bytes() if path.exists() else b""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise UsageError(f"the mask {sha256[:12]}… is missing or changed ({path})")
    return data


def check_track(project: Any, sha256: str, size: tuple[int, int]) -> Any:
    """A tracked region's track (its bytes the ones its hash names, made on frames of this size)
    and the masks it names, or a clear refusal."""
    track = project.track(sha256)
    if tuple(track.size) != tuple(size):
        raise UsageError(
            f"the track {sha256[:12]}… was made on {track.size[0]}x{track.size[1]} frames, "
            f"the clip's are {size[0]}x{size[1]}"
        )
    for key in track.keyframes:
        if key.mask is not None:
            check_mask(Path(project.path), key.mask)
    return track


def _log_head(project: Any) -> LogHead:
    row = project.conn.execute("SELECT seq, id FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    return LogHead(0, "") if row is None else LogHead(int(row[0]), str(row[1]))


def edits_scale(edits: tuple[PlannedEdit, ...]) -> int:
    """How much the stack enlarges a frame (an upscale ×2 then ×2 is 4)."""
    from workbench.tools.registry import get_tool

    scale = 1
    for edit in edits:
        scale *= get_tool(edit.tool).scale(edit.parameters)
    return scale


def _radius(edits: tuple[PlannedEdit, ...]) -> int:
    from workbench.tools.registry import get_tool

    return sum(get_tool(e.tool).temporal_radius for e in edits)


def segment_mode(codec: str, info: MediaInfo) -> str:
    """How segments are stored.

    ``direct``: intra-only deliverables (ProRes, DNxHR, FFV1) at a constant rate are encoded
    once, in segments, and joined packet for packet at the end — no second encode, and no more
    disk than the output itself. Otherwise a lossless intermediate is re-encoded at the end:
    ``ffv1`` (16-bit) for integer sources, ``exr`` (32-bit float) for float ones.
    """
    from workbench.media.formats import CODECS

    if CODECS[codec].intra_only and not info.vfr and not info.is_float:
        return "direct"
    return "exr" if info.is_float else "ffv1"


def _copies_packets(
    request: RenderRequest, info: MediaInfo, codec: str, mode: str, pix_fmt: str | None
) -> bool:
    from workbench.render.smart import can_copy_packets

    return request.smart and can_copy_packets(info, codec, mode, pix_fmt)


def _codec_for(output: Path, codec: str | None, info: MediaInfo | None = None) -> str:
    from workbench.media.formats import CODECS, default_codec, resolve_codec

    name = resolve_codec(codec) if codec else default_codec(output.suffix, info)
    if name is None or name not in CODECS:
        raise UsageError(
            f"cannot tell which codec to write for {output.name}",
            hint=f"give --codec ({', '.join(sorted(CODECS))}) or use .mov/.mkv/.mp4/.png/.exr",
        )
    return name


def _with_conversions(request: RenderRequest, info: MediaInfo) -> RenderRequest:
    """``--convert-audio pcm``: every audio track the container cannot hold, by number."""
    from workbench.media.formats import CONTAINERS

    container = CONTAINERS.get(request.output.suffix.lower())
    if not request.convert_all_audio or container is None:
        return request
    extra = [
        a.index
        for a in info.audio
        if a.codec not in container.audio and a.index not in request.drop_streams
    ]
    return dataclasses.replace(
        request, convert_audio=tuple(sorted({*request.convert_audio, *extra}))
    )


def _pix_fmt(info: MediaInfo, codec: str) -> str | None:
    from workbench.media.formats import CODECS
    from workbench.media.writer import video_pix_fmt

    spec = CODECS[codec]
    return (
        video_pix_fmt(spec, info, info.bit_depth, info.is_float) if spec.kind == "video" else None
    )


def _preflight(
    info: MediaInfo, request: RenderRequest, codec: str, pix_fmt: str | None, scale: int
) -> None:
    from workbench.render.preflight import StreamChoices, preflight

    preflight(
        info,
        request.output,
        codec,
        pix_fmt,
        (info.width * scale, info.height * scale),
        StreamChoices(tuple(request.drop_streams), tuple(request.convert_audio)),
    )


def _check_single_image(plan: RenderPlan) -> None:
    output = plan.output_path
    single_image = plan.container in _IMAGE_SUFFIXES and not {"%", "#"} & set(output.name)
    if plan.output_frame_count > 1 and single_image:
        raise UsageError(
            f"{output.name} is one image but the render has {plan.output_frame_count} frames",
            hint=f"render to a video (.mov) or a sequence ({output.stem}_%04d{output.suffix})",
        )
