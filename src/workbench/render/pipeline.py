"""A render, start to end: plan → materialise → segments (here or on a farm) → finish → register.

Each step is its own function with plain data between them, so a farm can run the segments
elsewhere (``render.segments``) and only its coordinator finishes and registers:

- ``build_plan`` (``render.planning``) checks the request against the project and the footage
  and decides everything as a :class:`~workbench.render.plan.RenderPlan`;
- ``materialize`` opens the engines and masks the plan names;
- an executor (``render.executor``: this machine's, or a farm's) renders every segment the
  :class:`~workbench.render.store.SegmentStore` lacks (a killed render, run again with the same
  plan, starts from the first unfinished one);
- ``finish`` joins the segments into the deliverable, signs it and runs its QC;
- ``register`` moves it into place and writes its log entry, in one transaction.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from workbench.errors import Cancelled
from workbench.progress import NullProgress, Progress
from workbench.render.events import Done, EventSink, Started, Warned, ignore
from workbench.render.executor import LocalExecutor, SegmentExecutor, rendered_segments
from workbench.render.finishing import finish
from workbench.render.materialize import MaterializedPlan, materialize
from workbench.render.output_lock import OutputLock
from workbench.render.overwrite import refuse_to_overwrite
from workbench.render.planning import build_plan
from workbench.render.registration import register
from workbench.render.request import SEGMENT_FRAMES, RenderRequest, RenderResult
from workbench.render.store import DirectorySegmentStore, SegmentStore


def run_render(
    request: RenderRequest,
    progress: Progress | None = None,
    *,
    on_event: EventSink | None = None,
    catalog: Any = None,
    options: Any = None,
    lock_wait: float = 30.0,
    store: SegmentStore | None = None,
    executor: SegmentExecutor | None = None,
) -> RenderResult:
    """Render a clip's enabled edit stack into ``request.output``; resumable; logged.

    ``executor`` renders the segments (this machine's :class:`LocalExecutor` when not given,
    or a farm's); this process finishes and registers either way.
    """
    from workbench.catalog import Catalog
    from workbench.inference import SessionOptions

    progress = progress or NullProgress()
    emit = on_event or ignore
    catalog = catalog or Catalog()
    options = options or SessionOptions.from_settings()
    began = time.monotonic()
    request = dataclasses.replace(request, output=request.output.resolve())
    plan = build_plan(request, catalog=catalog, options=options)
    for line in plan.backend_changes():  # never mixes silently: said before, logged after
        emit(Warned(line))
    segments = store or DirectorySegmentStore()
    with OutputLock(plan.output_path):  # one render of this output at a time, anywhere
        refuse_to_overwrite(plan, segments, overwrite=request.overwrite)
        live = materialize(plan, catalog=catalog, options=options)
        work = segments.folder(plan) if isinstance(segments, DirectorySegmentStore) else None
        if work is not None:
            work.mkdir(parents=True, exist_ok=True)
        emit(Started(plan.output_frame_count, str(work or "")))
        runner = executor or LocalExecutor()
        resumed_from = runner.render(live, segments, progress, emit)
        return complete_render(
            live,
            segments,
            progress,
            on_event=emit,
            lock_wait=lock_wait,
            list_segments=runner.lists_segments,
            resumed_from=resumed_from,
            began=began,
        )


def complete_render(
    live: MaterializedPlan,
    store: SegmentStore,
    progress: Progress | None = None,
    *,
    on_event: EventSink | None = None,
    lock_wait: float = 30.0,
    list_segments: bool = False,
    resumed_from: int = 0,
    began: float | None = None,
    provider: str | None = "",
) -> RenderResult:
    """The coordinator's part once every segment is stored: finish, register, clear the store.

    ``list_segments`` puts who rendered each segment on which provider into the log entry (a
    farm render). Every segment must come from ``provider`` (empty: this machine's, the live
    plan's; None: whichever the segments share); one of another provider is refused.
    """
    progress = progress or NullProgress()
    emit = on_event or ignore
    began = time.monotonic() if began is None else began
    plan = live.plan
    rendered = rendered_segments(plan, store, live.provider if provider == "" else provider)
    finished = finish(plan, store, progress, source=live.info, models=live.models, on_event=emit)
    render = register(
        plan,
        finished,
        lock_wait=lock_wait,
        progress=progress,
        segments=rendered if list_segments else (),
    )
    store.clear(plan)
    progress.update(1.0, f"rendered {plan.output_path.name}")
    result = RenderResult(
        plan.output_path,
        finished.sha256,
        plan.output_frame_count,
        finished.frame_digest,
        render.id,
        render.log_entry,
        resumed_from,
        time.monotonic() - began,
        finished.extra,
    )
    emit(Done(str(plan.output_path), finished.sha256, render.id))
    return result


__all__ = [
    "SEGMENT_FRAMES",
    "Cancelled",
    "RenderRequest",
    "RenderResult",
    "build_plan",
    "complete_render",
    "run_render",
]
