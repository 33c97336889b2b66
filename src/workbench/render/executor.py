"""Who renders a plan's segments: this machine, or a farm, behind one interface.

``run_render`` hands a materialised plan and a :class:`~workbench.render.store.SegmentStore`
to a :class:`SegmentExecutor`, which renders every segment the store lacks and returns; the
coordinator (always the process that called ``run_render``) then finishes and registers from
the store. :class:`LocalExecutor` renders here, in runs of consecutive segments; the Dask
executor (``workbench.render.farm``) sends each segment to a farm worker. Nothing else differs,
so the local render and the farm render are one path.

An executor holds no state of one render between calls: a front end that renders many clips or
sub-ranges (a conform delivery) passes the same executor to each ``run_render`` — in turn, or
from several threads at once to keep a farm busy; only registration takes the project's write
lock, and briefly.
"""

from __future__ import annotations

import hashlib
from typing import ClassVar, Protocol

from workbench.disclosure.entries import RenderedSegment
from workbench.errors import WorkbenchError
from workbench.progress import Progress
from workbench.render.events import EventSink
from workbench.render.materialize import MaterializedPlan
from workbench.render.plan import RenderPlan
from workbench.render.segments import render_pending
from workbench.render.store import SegmentStore


class SegmentExecutor(Protocol):
    """Renders the segments of a plan that a store lacks."""

    lists_segments: ClassVar[bool]
    """The render's log entry names who rendered each segment (a farm's do)."""

    def render(
        self,
        live: MaterializedPlan,
        store: SegmentStore,
        progress: Progress,
        on_event: EventSink,
    ) -> int:
        """Render every segment ``store`` lacks (or holds from another execution provider);
        the first frame that had to be rendered (the frame count when none had). Progress,
        fps and ETA are reported as :class:`~workbench.render.events.Advanced` events over
        the whole plan; a cancelled ``progress`` stops every segment and raises ``Cancelled``."""
        ...


class LocalExecutor:
    """This machine renders the segments, in runs of consecutive segments, one pass each."""

    lists_segments: ClassVar[bool] = False

    def render(
        self,
        live: MaterializedPlan,
        store: SegmentStore,
        progress: Progress,
        on_event: EventSink,
    ) -> int:
        return render_pending(live, store, progress, on_event)


def segment_digest(frames: tuple[str, ...] | list[str]) -> str:
    """The SHA-256 over a segment's frame digests, in order (as the render's frame digest is
    over all of them)."""
    digest = hashlib.sha256()
    for frame in frames:
        digest.update(bytes.fromhex(frame))
    return digest.hexdigest()


def rendered_segments(
    plan: RenderPlan, store: SegmentStore, provider: str | None
) -> tuple[RenderedSegment, ...]:
    """Who rendered each of the plan's stored segments, on which provider.

    Refuses segments of another provider than ``provider`` (None: the first segment's): their
    frames differ in the last bits, and a render never joins them silently.
    """
    out: list[RenderedSegment] = []
    for segment in plan.segments:
        done = store.load(plan, segment.index)
        if done is None:
            raise WorkbenchError(
                f"render segment {segment.index} of {plan.output_path.name} is not rendered yet"
            )
        if provider is None:
            provider = done.provider or None
        if provider is not None and done.provider not in ("", provider):
            raise WorkbenchError(
                f"render segment {segment.index} of {plan.output_path.name} was rendered on "
                f"{done.provider}, the render runs on {provider}; providers are never mixed",
                hint="run the render again: it renders that segment anew",
            )
        out.append(
            RenderedSegment(
                done.index,
                done.first,
                done.last,
                done.worker or "local",
                done.provider or provider or "",
                segment_digest(done.frames),
            )
        )
    return tuple(out)


__all__ = ["LocalExecutor", "SegmentExecutor", "rendered_segments", "segment_digest"]
