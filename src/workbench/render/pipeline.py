"""A render, start to end, on this machine: plan → materialise → segments → finish → register.

Each step is its own function with plain data between them, so a farm can run the segments
elsewhere (``render.segments``) and only its coordinator finishes and registers:

- ``build_plan`` (``render.planning``) checks the request against the project and the footage
  and decides everything as a :class:`~workbench.render.plan.RenderPlan`;
- ``materialize`` opens the engines and masks the plan names;
- ``render_pending`` renders every segment the :class:`~workbench.render.store.SegmentStore`
  lacks (a killed render, run again with the same plan, starts from the first unfinished one);
- ``finish`` joins the segments into the deliverable, signs it and runs its QC;
- ``register`` moves it into place and writes its log entry, in one transaction.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from workbench.errors import Cancelled
from workbench.progress import NullProgress, Progress
from workbench.render.events import Done, EventSink, Started, ignore
from workbench.render.finishing import finish
from workbench.render.materialize import materialize
from workbench.render.output_lock import OutputLock
from workbench.render.overwrite import refuse_to_overwrite
from workbench.render.planning import build_plan
from workbench.render.registration import register
from workbench.render.request import SEGMENT_FRAMES, RenderRequest, RenderResult
from workbench.render.segments import render_pending
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
) -> RenderResult:
    """Render a clip's enabled edit stack into ``request.output``; resumable; logged."""
    from workbench.catalog import Catalog
    from workbench.inference import SessionOptions

    progress = progress or NullProgress()
    emit = on_event or ignore
    catalog = catalog or Catalog()
    options = options or SessionOptions.from_settings()
    began = time.monotonic()
    request = dataclasses.replace(request, output=request.output.resolve())
    plan = build_plan(request, catalog=catalog, options=options)
    segments = store or DirectorySegmentStore()
    with OutputLock(plan.output_path):  # one render of this output at a time, anywhere
        refuse_to_overwrite(plan, segments, overwrite=request.overwrite)
        live = materialize(plan, catalog=catalog, options=options)
        work = segments.folder(plan) if isinstance(segments, DirectorySegmentStore) else None
        if work is not None:
            work.mkdir(parents=True, exist_ok=True)
        emit(Started(plan.output_frame_count, str(work or "")))
        resumed_from = render_pending(live, segments, progress, emit)
        finished = finish(
            plan, segments, progress, source=live.info, models=live.models, on_event=emit
        )
        render = register(plan, finished, lock_wait=lock_wait, progress=progress)
        segments.clear(plan)
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
    "run_render",
]
