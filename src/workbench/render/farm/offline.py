"""The farm without Dask: one segment per command, and the coordinator's finish as a command.

``workbench render-segment PLAN.json --segment N --store DIR`` renders one segment of a saved
plan, exactly as a Dask task does (``task.render_farm_segment``); ``workbench farm finish
PLAN.json --store DIR`` joins the stored segments, signs, checks and registers the render, as
``run_render``'s coordinator does (``complete_render``). An Open Job Description job
(``openjd``) is these two commands; so is any other scheduler's.

``--store DIR`` is a folder every machine sees; a plan's segments go into ``DIR/<digest>``.
Without it they go beside the output, where a local render keeps them.
"""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

from workbench.errors import UsageError
from workbench.progress import Progress
from workbench.render.farm.pathmap import PathMap
from workbench.render.farm.task import SegmentJob, mapped_plan, plan_from_file, render_farm_segment
from workbench.render.plan import RenderPlan
from workbench.render.request import RenderResult
from workbench.render.store import DirectorySegmentStore, SegmentResult

DEFAULT_ROOT = ".workbench-segments"


def default_root(plan: RenderPlan) -> Path:
    """Where ``farm export-job`` puts the segments without ``--store``: beside the output."""
    return plan.output_path.parent / DEFAULT_ROOT


def segment_store(plan: RenderPlan, root: str | None, paths: PathMap) -> DirectorySegmentStore:
    """The plan's segment folder as this machine sees it (see the module docstring), made."""
    if root:
        base = Path(paths.resolve(root))
        if not base.is_dir():  # not made yet: made in its folder, if that is here
            base = Path(paths.resolve(str(Path(root).parent))) / Path(root).name
        if not base.parent.is_dir():
            raise UsageError(
                f"the segment store {base} is not there on this machine",
                hint="mount the shared folder, or map it: --path-map COORDINATOR_PATH=THIS_PATH",
            )
        store = DirectorySegmentStore(base)
    else:
        parent = Path(paths.resolve(str(plan.output_path.parent)))
        if not parent.is_dir():
            raise UsageError(
                f"the output folder {parent} is not there on this machine",
                hint="give --store DIR, a folder every farm machine sees",
            )
        here = dataclasses.replace(plan, output=str(parent / plan.output_path.name))
        store = DirectorySegmentStore(folder=DirectorySegmentStore().folder(here))
    try:
        store.folder(plan).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from workbench.errors import StorageError

        raise StorageError(f"cannot make the segment folder {store.folder(plan)}: {exc}") from exc
    return store


def render_segment_file(
    plan_file: Path,
    index: int,
    *,
    root: str | None,
    paths: PathMap,
    provider: str = "",
    progress: Progress | None = None,
) -> SegmentResult:
    """``workbench render-segment``: one segment of a saved plan, checked as a worker checks."""
    plan = plan_from_file(plan_file)
    store = segment_store(plan, root, paths)
    job = SegmentJob(
        plan.to_json(), str(store.folder(plan)), provider, paths, label=plan.output_path.name
    )
    return render_farm_segment(
        job, index, worker=socket.gethostname(), progress=progress, local_map=PathMap()
    )


def finish_plan_file(
    plan_file: Path,
    *,
    root: str | None,
    paths: PathMap,
    provider: str | None = None,
    progress: Progress | None = None,
) -> RenderResult:
    """``workbench farm finish``: join, sign, check and register a plan's stored segments."""
    from workbench.render.materialize import materialize
    from workbench.render.pipeline import complete_render

    plan = plan_from_file(plan_file)
    store = segment_store(plan, root, paths)
    here = mapped_plan(plan, paths)
    parent = Path(paths.resolve(str(plan.output_path.parent)))
    here = dataclasses.replace(here, output=str(parent / plan.output_path.name))
    live = materialize(here)
    return complete_render(
        live, store, progress, list_segments=True, provider=provider or None
    )
