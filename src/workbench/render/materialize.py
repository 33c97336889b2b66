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
from workbench.render.plan import PlannedEdit, RenderPlan, TilePlan
from workbench.render.planning import check_mask, check_model
from workbench.render.stack import Step


@dataclass(frozen=True)
class MaterializedPlan:
    """A :class:`RenderPlan` with the live objects rendering needs (one process's own)."""

    plan: RenderPlan
    info: MediaInfo
    steps: tuple[Step, ...]
    models: tuple[Any, ...]
    """The catalogue entries of the plan's models, in edit order."""


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
    from workbench.inference import SessionOptions, get_engine

    if plan.app_version != __version__:
        raise UsageError(
            f"the render plan was made by Workbench {plan.app_version}; this is {__version__}",
            hint="render it with the same version of Workbench that planned it",
        )
    catalog = catalog or Catalog()
    options = with_tiles(options or SessionOptions.from_settings(), plan.tiles)
    info = open_source(plan)
    models: list[Any] = []

    def engine_for(edit: PlannedEdit) -> Any:
        entry = check_model(catalog, edit)
        models.append(entry)
        return get_engine(catalog.load_checked(entry.sha256), options)

    steps = live_steps(
        plan.edits,
        engine_for,
        lambda edit: load_mask(Path(plan.project_path), edit.region["sha256"]),
    )
    return MaterializedPlan(plan, info, steps, tuple(models))


def live_steps(
    edits: Sequence[PlannedEdit],
    engine_for: Callable[[PlannedEdit], Any],
    mask_for: Callable[[PlannedEdit], NDArray[np.float32]],
) -> tuple[Step, ...]:
    """The stack's edits ready to run: the render and the viewer's frames both make them here,
    so a previewed frame is computed exactly as the render computes it."""
    from workbench.tools.registry import get_tool

    steps: list[Step] = []
    for edit in edits:
        tool = get_tool(edit.tool)
        engine = engine_for(edit) if edit.model_id is not None else None
        mask = mask_for(edit) if edit.region.get("kind") == "mask" else None
        params = tool.resolve(edit.parameters)
        steps.append(Step(edit.id, tool, params, engine, edit.frames, edit.region, mask))
    return tuple(steps)


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


def load_mask(project_path: Path, sha256: str) -> NDArray[np.float32]:
    """A painted mask stored beside the project, as float32 in [0, 1]."""
    import cv2

    data = check_mask(project_path, sha256)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    return np.asarray(image, np.float32) / 255.0
