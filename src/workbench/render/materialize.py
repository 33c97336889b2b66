"""A plan made live: the footage probed, the engines opened, the masks loaded, the tools ready.

This is what a process that renders (the local render, or a farm worker given a plan as JSON)
does before its first segment. It checks again what may differ on this machine — the footage
is the one planned, the models are the files planned, the Workbench version is the planner's —
so a segment is never rendered from something else than what the plan names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from workbench import __version__
from workbench.errors import UsageError
from workbench.media.info import MediaInfo
from workbench.render.colour import check_colour, edit_working_space
from workbench.render.plan import PlannedEdit, RenderPlan, TilePlan
from workbench.render.planning import check_mask, check_model
from workbench.render.stack import Step
from workbench.tools.track_record import TrackedRegion


@dataclass(frozen=True)
class MaterializedPlan:
    """A :class:`RenderPlan` with the live objects rendering needs (one process's own)."""

    plan: RenderPlan
    info: MediaInfo
    steps: tuple[Step, ...]
    models: tuple[Any, ...]
    """The catalogue entries of the plan's models, in edit order."""
    colour: str | None = None
    """The clip's colour space, which every step converts from (None: no colour management)."""

    @property
    def provider(self) -> str:
        """The execution provider the plan's models run on here (``none`` without a model).

        Providers differ in the last bits of their output, so a render records it per segment
        and never joins segments of different providers. Models that ended up on different
        providers are named together (``A+B``).
        """
        names = sorted({str(s.engine.provider) for s in self.steps if s.engine is not None})
        return "+".join(names) or "none"


def open_source(plan: RenderPlan) -> MediaInfo:
    """The plan's footage, probed; refused when it is offline or not the file planned."""
    from workbench.media import probe

    clip = plan.clip
    if not Path(clip.path).exists() and "%" not in clip.path:
        raise UsageError(
            f"clip {clip.id} is offline: {clip.path} does not exist",
            hint="relink the clip to where the footage is now",
        )
    info = probe(clip.path)
    if info.fingerprint != clip.fingerprint or info.frame_count != plan.frame_count:
        raise UsageError(
            f"clip {clip.id} changed on disk since the render was planned ({clip.path})",
            hint="plan the render again; the log pins the file it saw",
        )
    return info


def materialize(plan: RenderPlan, *, catalog: Any = None, options: Any = None) -> MaterializedPlan:
    """Open what ``plan`` names; ``options`` give this machine's providers and threads."""
    from workbench.catalog import Catalog
    from workbench.inference import SessionOptions

    if plan.app_version != __version__:
        raise UsageError(
            f"the render plan was made by Workbench {plan.app_version}; this is {__version__}",
            hint="render it with the same version of Workbench that planned it",
        )
    catalog = catalog or Catalog()
    options = with_tiles(options or SessionOptions.from_settings(), plan.tiles)
    colour = check_colour(plan.colour)
    info = open_source(plan)
    models: list[Any] = []

    def engine_for(edit: PlannedEdit) -> Any:
        entry = check_model(catalog, edit)
        models.append(entry)
        return engine_of(catalog.load_checked(entry.sha256), edit, options)

    project = Path(plan.project_path)
    steps = live_steps(
        plan.edits,
        engine_for,
        lambda edit: load_mask(project, edit.region["sha256"]),
        lambda edit: load_tracked(project, str(edit.region["sha256"])),
    )
    _check_working_spaces(plan, catalog)
    return MaterializedPlan(plan, info, steps, tuple(models), colour)


def live_steps(
    edits: Sequence[PlannedEdit],
    engine_for: Callable[[PlannedEdit], Any],
    mask_for: Callable[[PlannedEdit], NDArray[np.float32]],
    tracked_for: Callable[[PlannedEdit], TrackedRegion],
) -> tuple[Step, ...]:
    """The stack's edits ready to run: the render and the viewer's frames both make them here,
    so a previewed frame is computed exactly as the render computes it."""
    from workbench.tools.registry import get_tool

    steps: list[Step] = []
    for edit in edits:
        tool = get_tool(edit.tool)
        engine = engine_for(edit) if edit.model_id is not None else None
        mask = mask_for(edit) if edit.region.get("kind") == "mask" else None
        tracked = tracked_for(edit) if edit.region.get("kind") == "tracked" else None
        params = tool.resolve(edit.parameters)
        steps.append(
            Step(edit.id, tool, params, engine, edit.frames, edit.region, mask, tracked)
        )
    return tuple(steps)


def _check_working_spaces(plan: RenderPlan, catalog: Any) -> None:
    """Each model still works in the space the plan recorded (its card could have changed)."""
    if plan.colour is None:
        return
    for edit, (_, planned, _) in zip(plan.edits, plan.colour.working, strict=True):
        if edit_working_space(edit, catalog) != planned:
            raise UsageError(
                f"edit {edit.id}'s model no longer works in {planned!r}, as the plan recorded",
                hint="plan the render again",
            )


def engine_of(model: Any, edit: PlannedEdit, options: Any) -> Any:
    """The engine of an edit's model on the plan's backend, or a refusal naming the difference:
    a segment is never rendered on another provider or from another file than the plan's."""
    from workbench.inference import Backend, auto_engine, open_backend

    if edit.provider is None:  # a plan from before backends were pinned
        return auto_engine(model, options)
    engine = open_backend(model, Backend(edit.provider, edit.variant), options)
    if engine.provider != edit.provider or engine.sha256 != edit.run_sha256:
        raise UsageError(
            f"edit {edit.id} ({edit.tool}) is planned on {edit.provider} with the "
            f"{edit.variant or 'main'} file of model {edit.model_id}; here it would run on "
            f"{engine.provider} with the {engine.variant or 'main'} file",
            hint="render on a machine that has that provider and model file, or plan the "
            "render again here (its output then differs in the last bits)",
        )
    return engine


def with_tiles(options: Any, tiles: TilePlan) -> Any:
    """This machine's session options with the plan's tiling (which changes pixels)."""
    import dataclasses

    return dataclasses.replace(
        options,
        tile_size=tiles.tile_size,
        overlap=tiles.overlap,
        feather=tiles.feather,
        min_tile_size=tiles.min_tile_size,
    )


def load_tracked(project_path: Path, sha256: str) -> TrackedRegion:
    """A tracked region's stored track (checked against its hash) and its keyframes' masks."""
    from workbench.project import Project

    with Project.open(project_path, readonly=True) as project:
        track = project.track(sha256)
    masks = {k.mask: load_mask(project_path, k.mask) for k in track.keyframes if k.mask}
    return TrackedRegion(track, masks)


def load_mask(project_path: Path, sha256: str) -> NDArray[np.float32]:
    """A painted mask stored beside the project, as float32 in [0, 1]."""
    import cv2

    data = check_mask(project_path, sha256)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    return np.asarray(image, np.float32) / 255.0
