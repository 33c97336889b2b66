"""One farm task: a worker checks that it can render a plan as planned, then renders one segment.

The same function runs under a Dask worker (``workbench.render.farm.dask_executor``) and as
``workbench render-segment PLAN.json --segment N --store DIR`` (an Open Job Description task).
Before a frame is decoded the worker checks what may differ on its machine:

- every model the plan names is in its own catalogue, byte for byte (SHA-256 of the file);
- its models run on the render's execution provider (providers differ in the last bits);
- the footage and the masks are where the path map says, unchanged; the Workbench version is
  the planner's (``materialize``).

Any of these refuses the task with the error the local render would raise (class, message,
hint, exit code), before anything is written. A task is idempotent: a segment already in the
store (from the same provider) is returned as it is, and a duplicate writes its own copy and
keeps whichever finished first (``render.store``).
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import UsageError
from workbench.progress import Progress
from workbench.render.events import Advanced, RenderEvent
from workbench.render.farm.pathmap import PathMap
from workbench.render.materialize import MaterializedPlan
from workbench.render.plan import RenderPlan
from workbench.render.store import DirectorySegmentStore, SegmentResult

_CACHE_SIZE = 2
_cache: OrderedDict[tuple[Any, ...], MaterializedPlan] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class SegmentJob:
    """What every task of one farm render carries: plain data (see the module docstring)."""

    plan: str
    """The :class:`RenderPlan` as JSON (its digest is checked on every worker)."""
    store: str
    """The segment folder, as the coordinator names it (mapped on each worker)."""
    provider: str = ""
    """The execution provider every segment must run on; empty: whatever the worker runs."""
    path_map: PathMap = field(default_factory=PathMap)
    token: str = ""
    """This run of the render: names its cancel signal and its progress messages."""
    label: str = ""
    """What the render makes (the output's name), for ``workbench farm status``."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "store": self.store,
            "provider": self.provider,
            "path_map": self.path_map.to_list(),
            "token": self.token,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SegmentJob:
        return cls(
            str(data["plan"]),
            str(data["store"]),
            str(data.get("provider", "")),
            PathMap.from_list(data.get("path_map")),
            str(data.get("token", "")),
            str(data.get("label", "")),
        )


def check_models(plan: RenderPlan, catalog: Any) -> None:
    """Every model the plan names is in ``catalog`` byte for byte, or a UsageError naming it."""
    from workbench.config import user_models_dir
    from workbench.errors import NotFoundError
    from workbench.fsutil import sha256_file

    for edit in plan.edits:
        if edit.model_sha256 is None:
            continue
        try:
            entry = catalog.find(edit.model_sha256)
            same = entry.sha256 == edit.model_sha256 == sha256_file(entry.path)
        except (NotFoundError, OSError):
            same = False
        if not same:
            raise UsageError(
                f"this machine has no model {edit.model_id} with SHA-256 "
                f"{edit.model_sha256[:12]}… (edit {edit.id}, {edit.tool})",
                hint=f"copy {edit.model_id}.onnx and its card, exactly as the coordinator has "
                f"them, into this machine's model folder ({user_models_dir()}, or a folder in "
                "WORKBENCH_MODELS_PATH), then start the worker again",
            )


def check_provider(live: MaterializedPlan, wanted: str) -> None:
    if wanted and live.provider != wanted:
        raise UsageError(
            f"this machine runs the models on {live.provider}; the render runs on {wanted}, "
            "and a render never mixes execution providers",
            hint="give this machine the render's execution provider (Preferences ▸ Execution "
            "providers, or inference.providers in settings.json), or leave it out of the farm",
        )


def mapped_plan(plan: RenderPlan, paths: PathMap) -> RenderPlan:
    """The plan with its footage and project where this machine sees them (digest unchanged:
    it does not cover where files are)."""
    if not paths.pairs:
        return plan
    clip = dataclasses.replace(plan.clip, path=paths.resolve(plan.clip.path))
    return dataclasses.replace(plan, clip=clip, project_path=paths.resolve(plan.project_path))


def materialized(plan: RenderPlan, catalog: Any, options: Any) -> MaterializedPlan:
    """``materialize(plan)``, kept for the next segment of the same plan in this process."""
    from workbench.render.materialize import materialize

    key = (plan.digest, plan.clip.path, plan.project_path, repr(options))
    with _cache_lock:
        live = _cache.get(key)
        if live is None:
            live = materialize(plan, catalog=catalog, options=options)
            _cache[key] = live
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        _cache.move_to_end(key)
        return live


def prepare_segment(
    job: SegmentJob, index: int, local_map: PathMap | None = None
) -> tuple[MaterializedPlan, DirectorySegmentStore]:
    """The checks of the module docstring, then the live plan and the store, or the error."""
    from workbench.catalog import Catalog
    from workbench.inference import SessionOptions

    paths = (PathMap.from_env() if local_map is None else local_map) + job.path_map
    plan = RenderPlan.from_json(job.plan)
    plan.segment(index)
    catalog = Catalog()
    check_models(plan, catalog)
    live = materialized(mapped_plan(plan, paths), catalog, SessionOptions.from_settings())
    check_provider(live, job.provider)
    folder = Path(paths.resolve(job.store))
    if not folder.is_dir():
        raise UsageError(
            f"the segment store {folder} is not there on this machine",
            hint="mount the shared folder, or map it: --path-map COORDINATOR_PATH=THIS_PATH",
        )
    return live, DirectorySegmentStore(folder=folder)


def render_farm_segment(
    job: SegmentJob,
    index: int,
    *,
    worker: str,
    progress: Progress | None = None,
    on_frames: Callable[[int], None] | None = None,
    local_map: PathMap | None = None,
) -> SegmentResult:
    """Check (``prepare_segment``), then render segment ``index`` into the job's store.

    ``on_frames`` hears how many of the segment's frames are done, as they are.
    """
    live, store = prepare_segment(job, index, local_map)
    return render_in(live, store, index, worker=worker, progress=progress, on_frames=on_frames)


def render_in(
    live: MaterializedPlan,
    store: DirectorySegmentStore,
    index: int,
    *,
    worker: str,
    progress: Progress | None = None,
    on_frames: Callable[[int], None] | None = None,
) -> SegmentResult:
    """Render one prepared segment (its frames reported to ``on_frames``)."""
    from workbench.render.segments import render_segment

    first = live.plan.segment(index).first

    def forward(event: RenderEvent) -> None:
        if on_frames is not None and isinstance(event, Advanced):
            on_frames(event.done - first)

    return render_segment(
        live, index, store, progress=progress, on_event=forward, worker=worker
    )


def plan_from_file(path: Path) -> RenderPlan:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read the render plan {path}: {exc.strerror}") from None
    return RenderPlan.from_json(text)
