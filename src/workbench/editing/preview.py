"""Previewing: which stack a viewer shows, and filling the frame cache for a range of it.

What the viewer shows is one of: the clip's stack (its enabled edits, as the render applies
them); the stack with the tools panel's settings on top (a pending edit, not in the project);
or one edit of the stack alone ("solo"). :func:`view_stack` turns each into a
:class:`~workbench.render.frame_keys.StackSpec`, from the same edit records the render plans
from, so a previewed frame is the frame a render of that stack writes. A pending edit is
normalised exactly as :func:`~workbench.editing.plan_edit` would store it (parameters resolved,
the model named by its file's SHA-256, a painted mask named by the hash it will be stored
under), so once applied, the frames already previewed stay cached.

:func:`preview_range` is the user's "Preview range": the window and ``workbench preview`` both
call it (the window on its own cache and thread).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from workbench.errors import UsageError
from workbench.progress import NullProgress, Progress
from workbench.project import Clip, Edit
from workbench.render.frame_cache import FrameCache
from workbench.render.frame_keys import StackSpec, describe_settings, runtime_of
from workbench.render.plan import PlannedClip, PlannedEdit, TilePlan
from workbench.render.preview import Engines, FillReport, ProcessedFrames
from workbench.tools.track_record import TrackedRegion

PENDING_ID = 0  # a pending edit has no id in the project yet


@dataclass(frozen=True)
class PendingEdit:
    """Settings not applied yet (the tools panel's), previewed on top of the stack."""

    tool: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    model: str | None = None
    """A catalogue id or SHA-256; None: the tool's default model."""
    frames: tuple[int, int] | None = None
    """None: the whole clip."""
    region: Mapping[str, Any] | None = None
    mask: NDArray[Any] | None = field(default=None, compare=False, repr=False)
    track: Any = None
    """A tracked region not applied yet (a :class:`~workbench.tools.track_record.Track`): the
    region follows it frame by frame, as the edit it becomes does."""
    track_masks: Mapping[str, NDArray[Any]] | None = field(default=None, compare=False, repr=False)
    """The track's keyframe masks not stored with the project yet, by SHA-256."""


@dataclass(frozen=True)
class ViewRequest:
    """What to show: the stack, the stack plus a pending edit, or one edit alone."""

    pending: PendingEdit | None = None
    solo: int | None = None
    """An edit's id: that edit alone on the source (the stack and any pending edit ignored)."""


@dataclass(frozen=True)
class PreviewStack:
    """A :class:`StackSpec` with the painted masks it needs that the project does not hold yet."""

    spec: StackSpec
    masks: dict[str, NDArray[np.float32]] = field(default_factory=dict)
    tracks: dict[str, TrackedRegion] = field(default_factory=dict)
    """Tracked regions not applied yet, by the track's SHA-256."""

    def frames(self, cache: FrameCache, engines: Engines | None = None) -> ProcessedFrames:
        return ProcessedFrames(self.spec, cache, engines, masks=self.masks, tracks=self.tracks)


def view_stack(
    clip: Clip,
    edits: Sequence[Edit],
    view: ViewRequest | None = None,
    *,
    project_path: Path | str,
    catalog: Any = None,
    options: Any = None,
) -> PreviewStack:
    """The stack a viewer shows for ``view`` over ``clip``'s ``edits`` (see the module docstring).

    ``options`` are the inference settings (:class:`SessionOptions`; None: the user's): their
    tiling and providers are part of what decides the pixels.
    """
    from workbench.inference import SessionOptions, choose_providers
    from workbench.render.planning import planned_edit

    view = view or ViewRequest()
    options = options or SessionOptions.from_settings()
    count = int(clip.media.get("frame_count") or 0)
    masks: dict[str, NDArray[np.float32]] = {}
    tracks: dict[str, TrackedRegion] = {}
    if view.solo is not None:
        edit = next((e for e in edits if e.id == view.solo), None)
        if edit is None:
            raise UsageError(f"edit {view.solo} is not in clip {clip.id}'s stack")
        stack: tuple[PlannedEdit, ...] = (replace(planned_edit(edit), enabled=True),)
        label = f"Solo: {_position(edits, edit)} {edit.tool}"
    else:
        stack = tuple(planned_edit(e) for e in edits if e.enabled and not e.removed)
        label = "Result"
        if view.pending is not None:
            pending, mask = pending_edit(view.pending, count, catalog)
            stack = (*stack, pending)
            label = describe_settings(pending, count)
            if mask is not None:
                masks[str(pending.region["sha256"])] = mask
            if view.pending.track is not None:
                tracks[str(pending.region["sha256"])] = _pending_track(
                    view.pending, Path(project_path)
                )
    if catalog is None:
        from workbench.catalog import Catalog

        catalog = Catalog()
    stack = _pinned(stack, catalog, options)  # the file and provider a render runs
    spec = StackSpec(
        clip=PlannedClip(clip.id, clip.path, clip.fingerprint),
        frame_count=count,
        edits=stack,
        colour=clip.colour.space,
        tiles=TilePlan(options.tile_size, options.overlap, options.feather, options.min_tile_size),
        interlaced=int(clip.media.get("field_order") or 0) > 1,
        runtime=runtime_of(choose_providers(options.providers)),
        project_path=str(project_path),
        label=label,
    )
    return PreviewStack(spec, masks, tracks)


def _position(edits: Sequence[Edit], edit: Edit) -> str:
    """The edit's number in the stack as the edit stack panel shows it (#1 is the first)."""
    visible = [e.id for e in edits if not e.removed]
    return f"#{visible.index(edit.id) + 1}" if edit.id in visible else f"edit {edit.id}"


#: Each model's pinned backend by (model SHA-256, settings): choosing reads and hashes the model
#: file, which on the GUI thread (a preview's stack is built there) took up to 60 ms a click.
_PINNED: dict[tuple[str, Any], tuple[str | None, str | None, str | None]] = {}


def _pinned(stack: tuple[PlannedEdit, ...], catalog: Any, options: Any) -> tuple[PlannedEdit, ...]:
    """:func:`~workbench.render.planning.with_backends` for a viewer, remembered per model."""
    from workbench.render.planning import with_backends

    out = []
    for edit in stack:
        if edit.model_sha256 is None:
            out.append(edit)
            continue
        key = (edit.model_sha256, options)
        found = _PINNED.get(key)
        if found is None:
            (done,) = with_backends((edit,), catalog, options)
            found = (done.provider, done.variant, done.run_sha256)
            if len(_PINNED) > 64:
                _PINNED.clear()
            _PINNED[key] = found
        provider, variant, run = found
        out.append(replace(edit, provider=provider, variant=variant, run_sha256=run))
    return tuple(out)


def forget_backends() -> None:
    """Choose the backends again (the settings or the machine's measurements changed)."""
    _PINNED.clear()


def _pending_track(pending: PendingEdit, project_path: Path) -> TrackedRegion:
    """The pending edit's track with its keyframes' masks: as stored beside the project when
    the track was made (what the render reads), else as painted, as they will be stored."""
    from workbench.project.masks import mask_path
    from workbench.render.materialize import load_mask

    given = dict(pending.track_masks or {})
    masks: dict[str, NDArray[np.float32]] = {}
    for key in pending.track.keyframes:
        if not key.mask:
            continue
        if mask_path(project_path, key.mask).is_file() or key.mask not in given:
            masks[key.mask] = load_mask(project_path, key.mask)
        else:
            masks[key.mask] = (np.asarray(given[key.mask]) > 0).astype(np.float32)
    return TrackedRegion(pending.track, masks)


def pending_edit(
    pending: PendingEdit, frame_count: int, catalog: Any = None
) -> tuple[PlannedEdit, NDArray[np.float32] | None]:
    """A pending edit as :func:`plan_edit` would store it; and its mask's pixels, if painted."""
    from workbench.catalog import Catalog
    from workbench.editing.edits import check_model_fits
    from workbench.project.masks import painted_mask_digest
    from workbench.tools.registry import get_tool

    tool = get_tool(pending.tool)
    params = tool.resolve(dict(pending.parameters))
    whole = pending.track.frames if pending.track is not None else (0, frame_count - 1)
    first, last = pending.frames if pending.frames is not None else whole
    if not 0 <= first <= last < max(1, frame_count):
        raise UsageError(f"frames {first}-{last} are outside the clip (0-{frame_count - 1})")
    catalog = catalog or Catalog()
    entry = catalog.find(pending.model or tool.default_model_for(params, frame_count))
    check_model_fits(tool, params, entry)
    region = dict(pending.region or {"kind": "full"})
    mask: NDArray[np.float32] | None = None
    if region.get("kind") == "mask":
        if pending.mask is None:
            if "sha256" not in region:
                raise UsageError("a mask region needs its painted mask")
        else:
            # what is stored is "inside where painted": preview exactly that
            mask = (np.asarray(pending.mask) > 0).astype(np.float32)
            region = {"kind": "mask", "sha256": painted_mask_digest(pending.mask)}
    elif pending.track is not None:
        track = pending.track
        if not track.frames[0] <= first <= last <= track.frames[1]:
            raise UsageError(
                f"the track covers frames {track.frames[0]}–{track.frames[1]}; "
                f"frames {first}–{last} are not all in it",
                hint="preview within the tracked frames, or track over these ones",
            )
        region = track.region_record()
    elif region.get("kind") == "rect":
        region = {"kind": "rect", **{k: int(region[k]) for k in ("x", "y", "w", "h")}}
    else:
        region = {"kind": "full"}
    planned = PlannedEdit(
        id=PENDING_ID,
        log_entry="",
        tool=tool.id,
        tool_version=tool.version,
        parameters=params,
        frames=(int(first), int(last)),
        region=region,
        model_id=entry.id,
        model_sha256=entry.sha256,
    )
    return planned, mask


def preview_range(
    project_path: Path,
    clip_id: int,
    frames: tuple[int, int] | None = None,
    view: ViewRequest | None = None,
    *,
    progress: Progress | None = None,
    cache: FrameCache | None = None,
    catalog: Any = None,
) -> tuple[FillReport, ProcessedFrames]:
    """Fill the frame cache with frames ``frames`` (None: the whole clip) of the view."""
    from workbench.project import Project
    from workbench.render.frame_cache import shared_cache

    with Project.open(project_path, readonly=True) as project:
        clip = project.clip(clip_id)
        edits = project.edits(clip.id)
        path = project.path
    stack = view_stack(clip, edits, view, project_path=path, catalog=catalog)
    processed = stack.frames(cache or shared_cache(), Engines(catalog))
    first, last = frames if frames is not None else (0, stack.spec.frame_count - 1)
    if not 0 <= first <= last < stack.spec.frame_count:
        raise UsageError(
            f"frames {first}-{last} are outside clip {clip.id} (0-{stack.spec.frame_count - 1})"
        )
    report = processed.fill(first, last, progress or NullProgress())
    return report, processed


def around(frame: int, count: int, frame_count: int) -> tuple[int, int]:
    """``count`` frames around ``frame`` (more after than before), inside the clip."""
    count = max(1, min(count, frame_count))
    first = max(0, min(frame - count // 4, frame_count - count))
    return (first, first + count - 1)
