"""Plan and apply an edit: every check an edit must pass, done once, for every front end.

A front end (the CLI, the demo, the window, a test, later a conform recipe) describes what the
artist asked for as an :class:`EditRequest`; :func:`plan_edit` resolves it into a
:class:`PlannedEdit` — the tool's parameters resolved and range-checked, the frames inside the
clip and allowed for the tool (an upscale covers the whole clip, never an interlaced one), the
region normalised and a painted mask stored once beside the project, the model found in the
catalogue and checked to fit the tool (its task and its scale), the project's policy asked about
the tool and the model, and the execution provider read from the real inference session that the
render will use. :func:`apply_edit` writes it: the edit row and its signed log entry, in one
transaction (``Project.add_edit``).

A planned edit is plain data plus the tool and catalogue entry it names, so redo and the undo of a
removal can add exactly the same edit again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from numpy.typing import NDArray

from workbench.catalog import Catalog
from workbench.catalog.catalog import CatalogEntry, CheckedModel
from workbench.errors import UsageError
from workbench.project import Edit, Project
from workbench.tools.base import Tool, check_edit_range, check_model_for_tool
from workbench.tools.registry import get_tool
from workbench.tools.track_record import Track

MaskSource = Path | NDArray[Any]


@dataclass(frozen=True)
class EditRequest:
    """What the artist asked for, as a front end received it (raw parameter values)."""

    clip_id: int
    tool: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    model: str | None = None  # a catalogue id or SHA-256; None: the tool's default model
    frames: tuple[int, int] | None = None  # None: the whole clip
    region: Mapping[str, Any] | None = None  # {"kind": "full" | "rect" | "mask" | "tracked", ...}
    mask: MaskSource | None = None  # a painted mask (image file or array) for a mask region
    consent_ref: int | None = None
    enabled: bool = True
    track: Track | None = None  # a tracked region (editing.track_region); it sets the region
    provider: str | None = None  # --provider: one provider for this edit; None: automatic


@dataclass(frozen=True)
class PlannedEdit:
    """An edit that passed every check and is ready to be written (and written again on redo)."""

    clip_id: int
    tool: Tool
    parameters: dict[str, Any]
    frames: tuple[int, int]
    region: dict[str, Any]
    model: CatalogEntry | None
    provider: str | None
    consent_ref: int | None = None
    enabled: bool = True
    track: Track | None = None
    """A new track for a tracked region, stored with the edit (None: none, or already stored)."""
    variant: str | None = None
    """The file of the model that runs it, when not the main one (``int8``)."""

    @property
    def variant_ref(self) -> tuple[str, str] | None:
        """(variant name, SHA-256 of its bytes) for the log, or None for the main file."""
        card = self.model.card if self.model is not None else None
        spec = card.variant(self.variant) if card is not None and self.variant else None
        return None if spec is None else (spec.name, spec.sha256)

    @property
    def label(self) -> str:
        a, b = self.frames
        span = f"frame {a}" if a == b else f"frames {a}–{b}"
        return f"{self.tool.name} to {span}"


def parse_frames(text: str | None) -> tuple[int, int] | None:
    """``A-B`` or ``N`` as a frame range; None or empty for the whole clip."""
    if not text:
        return None
    try:
        start_text, _, end_text = text.partition("-")
        start = int(start_text)
        end = int(end_text) if end_text else start
    except ValueError:
        raise UsageError(
            f"a frame range is A-B (e.g. 0-47) or one frame number; got {text!r}"
        ) from None
    return (start, end)


def parse_rect(text: str) -> dict[str, Any]:
    """``X,Y,W,H`` in pixels as a rectangle region."""
    try:
        x, y, w, h = (int(v) for v in text.split(","))
    except ValueError:
        raise UsageError(f"a region is X,Y,W,H in pixels; got {text!r}") from None
    return {"kind": "rect", "x": x, "y": y, "w": w, "h": h}


def _tracked_region(
    project: Project, request: EditRequest, frames: tuple[int, int]
) -> dict[str, Any]:
    """A tracked region: the request's new track, or a track the project holds (redo, a
    replaced edit); it covers exactly the edit's frames."""
    from workbench.project.masks import mask_path

    if request.mask is not None:
        raise UsageError("give a tracked region or a mask, not both")
    track = request.track
    if track is None:
        digest = str((request.region or {}).get("sha256") or "")
        if len(digest) != 64:
            raise UsageError("a tracked region names its track by its SHA-256")
        track = project.track(digest)
    if track.clip != request.clip_id:
        raise UsageError(f"the track was made on clip {track.clip}, not clip {request.clip_id}")
    if track.frames != frames:
        raise UsageError(
            f"the track covers frames {track.frames[0]}–{track.frames[1]}, the edit "
            f"{frames[0]}–{frames[1]}",
            hint="track over the frames the edit covers (the in–out range), or apply to the "
            "track's frames",
        )
    for key in track.keyframes:
        if key.mask is not None and not mask_path(project.path, key.mask).is_file():
            raise UsageError(f"the track's mask {key.mask[:12]}… is not stored with this project")
    return track.region_record()


def _region(project: Project, request: EditRequest, frames: tuple[int, int]) -> dict[str, Any]:
    from workbench.project.masks import mask_path, store_mask

    region = dict(request.region or {})
    kind = region.get("kind", "mask" if request.mask is not None else "full")
    if request.track is not None or kind == "tracked":
        return _tracked_region(project, request, frames)
    if kind == "full":
        if request.mask is not None:
            raise UsageError("a mask was given for a whole-frame edit")
        return {"kind": "full"}
    if kind == "rect":
        if request.mask is not None:
            raise UsageError("give a rectangle or a mask, not both")
        try:
            rect = {k: int(region[k]) for k in ("x", "y", "w", "h")}
        except (KeyError, TypeError, ValueError):
            raise UsageError(f"a rectangle region needs integer x, y, w, h; got {region}") from None
        if rect["w"] <= 0 or rect["h"] <= 0:
            raise UsageError("a rectangle region needs a positive width and height")
        return {"kind": "rect", **rect}
    if kind == "mask":
        if request.mask is not None:
            return {"kind": "mask", "sha256": store_mask(request.mask, project.path)}
        digest = str(region.get("sha256") or "")
        if len(digest) != 64 or not mask_path(project.path, digest).is_file():
            raise UsageError("a mask region names a mask that is not stored with this project")
        return {"kind": "mask", "sha256": digest}
    raise UsageError(f"unknown region kind {kind!r} (full, rect, mask or tracked)")


def check_model_fits(tool: Tool, params: Mapping[str, Any], entry: CatalogEntry) -> None:
    """A model runs only under the tool it was made for, at the scale the tool asks for."""
    card = entry.card
    if card is None:
        return  # an undisclosed model: the policy decides whether it may be used at all
    if card.task != tool.task:
        raise UsageError(
            f"model {entry.id} is a {card.task} model, not for {tool.id}",
            hint=f"pick a {tool.task} model (workbench models list)",
        )
    if card.scale != tool.scale(params):
        raise UsageError(
            f"model {entry.id} enlarges ×{card.scale}, but the {tool.id} edit asks for "
            f"×{tool.scale(params)}",
            hint="pick a model made for that scale, or change the scale",
        )


def session_options(provider: str | None = None) -> Any:
    """The user's inference settings, with one provider for everything when ``provider`` (a
    name as the CLI takes it: ``cpu``, ``cuda``, ``openvino``) is given; refused unless it runs
    here."""
    from dataclasses import replace

    from workbench.inference import SessionOptions, check_provider

    options = SessionOptions.from_settings()
    return replace(options, provider=check_provider(provider)) if provider else options


def execution_backend(
    catalog: Catalog,
    entry: CatalogEntry,
    checked: CheckedModel | None = None,
    provider: str | None = None,
) -> tuple[str, str | None]:
    """(provider, variant) of the inference session the preview and the render share for this
    model on this machine (``checked``: the model already read and checked, so it is not read
    again; ``provider``: one the user named). The session is opened, so what is returned is
    what really runs (a provider that fails to start falls back, and says so here)."""
    from workbench.inference import choose_backend, open_backend

    options = session_options(provider)
    model = checked or catalog.load_checked(entry.id)
    engine = open_backend(model, choose_backend(model, options), options)
    return str(engine.provider), engine.variant


def execution_provider(
    catalog: Catalog, entry: CatalogEntry, checked: CheckedModel | None = None
) -> str:
    """The provider of :func:`execution_backend`."""
    return execution_backend(catalog, entry, checked)[0]


def plan_edit(
    project: Project, request: EditRequest, *, catalog: Catalog | None = None
) -> PlannedEdit:
    """Every check an edit must pass, once; a painted mask is stored beside the project."""
    tool = get_tool(request.tool)
    params = tool.resolve(dict(request.parameters))
    clip = project.clip(request.clip_id)
    count = int(clip.media.get("frame_count") or 1)
    frames = request.frames if request.frames is not None else (0, max(0, count - 1))
    start, end = int(frames[0]), int(frames[1])
    if start < 0 or end < start or end >= count:
        raise UsageError(
            f"frame range {start}-{end} is outside clip {clip.id} (frames 0-{count - 1})"
        )
    check_edit_range(
        tool, params, (start, end), count, field_order=int(clip.media.get("field_order") or 0)
    )
    catalog = catalog or Catalog()
    policy = project.policy()
    policy.check_tool(tool.id)
    entry, provider, variant = _model(tool, params, request, catalog, policy, count)
    _check_likeness(project, tool, entry, clip.id, (start, end))
    if request.consent_ref is not None:
        project.consent(request.consent_ref)
    region = _region(project, request, (start, end))
    return PlannedEdit(
        clip_id=clip.id,
        tool=tool,
        parameters=params,
        frames=(start, end),
        region=region,
        model=entry,
        provider=provider,
        consent_ref=request.consent_ref,
        enabled=request.enabled,
        track=request.track,
        variant=variant,
    )


def _check_likeness(
    project: Project,
    tool: Tool,
    entry: CatalogEntry | None,
    clip_id: int,
    frames: tuple[int, int],
) -> None:
    """A performer on a shot the edit touches must have consented to its kind of alteration
    (``project.likeness``); the kind comes from the classification the edit will be logged
    with (the model card's, else the tool's)."""
    from workbench.project.entries import edit_classification
    from workbench.project.likeness import check_edit

    check_edit(
        project,
        clip_id,
        frames,
        edit_classification(tool, entry),
        what=f"the {tool.name.lower()} edit on frames {frames[0]}-{frames[1]}",
    )


def _model(
    tool: Tool,
    params: Mapping[str, Any],
    request: EditRequest,
    catalog: Catalog,
    policy: Any,
    frame_count: int,
) -> tuple[CatalogEntry | None, str | None, str | None]:
    """The edit's model, checked to fit the tool and allowed by the policy, the execution
    provider that runs it and the model file (variant) it runs; all None for a tool that runs
    no model (a synthesis)."""
    if not tool.uses_model:
        if request.model and request.model != tool.default_model(params):
            raise UsageError(
                f"{tool.name} runs no model; it was given {request.model!r}",
                hint="leave out --model",
            )
        return None, None, None
    entry = catalog.find(request.model or tool.default_model_for(params, frame_count))
    check_model_fits(tool, params, entry)
    policy.check_model(entry.id, entry.sha256, entry.disclosed)
    checked = catalog.load_checked(entry.id)  # read and hashed once, for both uses below
    check_model_for_tool(tool, params, checked)
    provider, variant = execution_backend(catalog, entry, checked, request.provider)
    return entry, provider, variant


def apply_edit(project: Project, planned: PlannedEdit) -> Edit:
    """Write a planned edit: its row and its signed log entry in one transaction."""
    edit = project.add_edit(
        planned.clip_id,
        tool=planned.tool,
        parameters=dict(planned.parameters),
        frames=planned.frames,
        region=dict(planned.region),
        model=planned.model,
        provider=planned.provider,
        consent_ref=planned.consent_ref,
        track=planned.track,
        variant=planned.variant_ref,
    )
    if not planned.enabled:
        edit = project.set_edit_enabled(edit.id, False)
    return edit


def planned_from_edit(edit: Edit, catalog: Catalog | None = None) -> PlannedEdit:
    """The plan that would add ``edit`` again (an undone removal, a redone apply)."""
    tool = get_tool(edit.tool)
    catalog = catalog or Catalog()
    entry = None
    if edit.model_sha256:
        entry = next((m for m in catalog.entries() if m.sha256 == edit.model_sha256), None)
        if entry is None:
            raise UsageError(
                f"the model of edit {edit.id} ({edit.model_id}) is no longer in the catalogue",
                hint="import the model again to restore the edit",
            )
    provider, variant = execution_backend(catalog, entry) if entry is not None else (None, None)
    return PlannedEdit(
        clip_id=edit.clip_id,
        tool=tool,
        parameters=dict(edit.parameters),
        frames=edit.frames,
        region=dict(edit.region),
        model=entry,
        provider=provider,
        enabled=edit.enabled,
        variant=variant,
    )


__all__ = [
    "EditRequest",
    "PlannedEdit",
    "apply_edit",
    "check_model_fits",
    "execution_backend",
    "execution_provider",
    "parse_frames",
    "parse_rect",
    "plan_edit",
    "planned_from_edit",
    "session_options",
]
