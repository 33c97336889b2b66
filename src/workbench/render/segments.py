"""Rendering segments: decode → edit stack → encode, overlapped, each segment an idempotent unit.

A run renders one or more consecutive segments of a plan in one pass. It decodes the frames the
segments cover plus the pre-roll and post-roll their temporal tools read, evaluates the stack
with the clip's own frame count (so a neighbour is clamped at the clip's ends, never at a
segment's), and hands each finished segment to the :class:`~workbench.render.store.SegmentStore`.
A segment rendered on its own is therefore frame-identical to the same frames of one long pass.

Stages overlap: a decoder thread and an encoder thread run beside the inference on the calling
thread, joined by bounded queues, so memory does not grow with clip length. A segment already in
the store is not rendered again.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.progress import NullProgress, Progress
from workbench.render.events import Advanced, EventSink, ignore
from workbench.render.materialize import MaterializedPlan, materialize
from workbench.render.plan import PlannedSegment, RenderPlan
from workbench.render.smart import SourcePackets
from workbench.render.stack import StackEvaluator
from workbench.render.store import SegmentResult, SegmentStore, stored_digests
from workbench.tools.base import Frame

QUEUE_DEPTH = 4  # decoded source frames waiting for the edit stack
ENCODE_DEPTH = 2  # finished frames waiting for the encoder (they can be 4× a source frame)
_DONE = object()


def render_segment(
    plan: RenderPlan | MaterializedPlan,
    index: int,
    store: SegmentStore,
    *,
    progress: Progress | None = None,
    on_event: EventSink | None = None,
    worker: str = "",
) -> SegmentResult:
    """Render segment ``index`` of ``plan`` into ``store`` (or return it, if already there).

    ``worker`` names who renders it in the store's record (a farm worker's address).
    """
    live = plan if isinstance(plan, MaterializedPlan) else materialize(plan)
    segment = live.plan.segment(index)
    done = store.load(live.plan, index)
    if done is not None and same_provider(done, live.provider):
        return done
    run = _SegmentRun(live, [segment], store, progress or NullProgress(), on_event, worker=worker)
    (result,) = run.run()
    return result


def same_provider(done: SegmentResult, provider: str) -> bool:
    """A stored segment may join a render on ``provider`` (one recorded before providers were
    is taken as it is)."""
    return done.provider in ("", provider)


def pending_segments(live: MaterializedPlan, store: SegmentStore) -> list[PlannedSegment]:
    """The plan's segments the store lacks, or holds from another execution provider."""
    plan = live.plan
    todo = []
    for segment in plan.segments:
        done = store.load(plan, segment.index)
        if done is None or not same_provider(done, live.provider):
            todo.append(segment)
    return todo


def render_pending(
    live: MaterializedPlan,
    store: SegmentStore,
    progress: Progress,
    on_event: EventSink,
) -> int:
    """Render every segment the store lacks, in runs of consecutive segments; the first frame
    that had to be rendered (the frame count when none had)."""
    plan = live.plan
    todo = pending_segments(live, store)
    for run in _consecutive(todo):
        _SegmentRun(live, run, store, progress, on_event, started_at=todo[0].first).run()
    return todo[0].first if todo else plan.frame_range[1] + 1


def _consecutive(segments: Sequence[PlannedSegment]) -> list[list[PlannedSegment]]:
    runs: list[list[PlannedSegment]] = []
    for segment in segments:
        if runs and runs[-1][-1].index + 1 == segment.index:
            runs[-1].append(segment)
        else:
            runs.append([segment])
    return runs


class _Worker(threading.Thread):
    """A stage thread that records its exception for the main thread to re-raise."""

    def __init__(self, target: Callable[[], None], name: str) -> None:
        super().__init__(name=name, daemon=True)
        self._target_fn = target
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._target_fn()
        except BaseException as exc:  # re-raised on the render's thread
            self.error = exc


def _put(q: queue.Queue[Any], item: Any, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            q.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


class _SegmentRun:
    """One pass over consecutive segments (see the module docstring)."""

    def __init__(
        self,
        live: MaterializedPlan,
        segments: list[PlannedSegment],
        store: SegmentStore,
        progress: Progress,
        on_event: EventSink | None = None,
        *,
        started_at: int | None = None,
        worker: str = "",
    ) -> None:
        self.live, self.plan, self.store = live, live.plan, store
        self.worker = worker
        self.parts: dict[int, Path] = {}  # where each open segment's media is being written
        self.segments = segments
        self.first, self.last = segments[0].first, segments[-1].last
        self.progress = progress
        self.on_event = on_event or ignore
        self.started_at = self.first if started_at is None else started_at
        self.radius = sum(step.tool.temporal_radius for step in live.steps)
        self.stop = threading.Event()
        self.decoded: queue.Queue[Any] = queue.Queue(QUEUE_DEPTH + self.radius)
        self.encoded: queue.Queue[Any] = queue.Queue(ENCODE_DEPTH)
        self.source: dict[int, Frame] = {}
        self.results: list[SegmentResult] = []
        self.decoder = _Worker(self._decode, "render-decode")
        self.encoder = _Worker(self._encode, "render-encode")

    def _decode_range(self) -> tuple[int, int]:
        count, radius = self.plan.frame_count, self.radius
        start = max(0, self.first - radius)
        stop = min(count, self.last + radius + 1)
        if self.plan.copy_packets:
            # Copied frames need no pictures: decode only what the edits (and their temporal
            # neighbours) read.
            touched = [i for i in range(self.first, self.last + 1) if not self.plan.untouched(i)]
            if not touched:
                return (stop, stop)
            start = max(start, touched[0] - radius)
            stop = min(stop, touched[-1] + radius + 1)
        return (start, stop)

    # -- the decoder thread ---------------------------------------------------------------
    def _decode(self) -> None:
        from workbench.media import open_reader

        start, stop = self._decode_range()
        if start < stop:
            with open_reader(self.plan.clip.path, info=self.live.info) as reader:
                for index, frame in enumerate(reader.iter_frames(start, stop), start):
                    if not _put(self.decoded, (index, frame), self.stop):
                        return
        _put(self.decoded, _DONE, self.stop)

    # -- the encoder thread ---------------------------------------------------------------
    def _open_segment(self, segment: PlannedSegment) -> Any:
        from workbench.media import open_writer

        info, mode = self.live.info, self.plan.segment_mode
        media = self.store.prepare(self.plan, segment.index)
        self.parts[segment.index] = media
        if mode == "exr":
            return open_writer(media, like=info, codec="exr", start_number=0, copy_streams=False)
        if mode == "direct":
            return open_writer(
                media,
                like=info,
                codec=self.plan.codec,
                frame_rate=info.frame_rate,
                copy_streams=False,
            )
        return open_writer(
            media,
            like=info,
            codec="ffv1",
            frame_rate=info.frame_rate,
            bit_depth=16,
            copy_streams=False,
        )

    def _close_segment(self, segment: PlannedSegment, writer: Any) -> None:
        writer.close()
        media = self.parts.pop(segment.index)
        digests = stored_digests(media, self.plan.segment_mode)
        if len(digests) != segment.frame_count:
            raise WorkbenchError(f"render segment {segment.index} was not stored completely")
        result = SegmentResult(
            segment.index,
            segment.first,
            segment.last,
            tuple(digests),
            media,
            worker=self.worker,
            provider=self.live.provider,
        )
        self.results.append(self.store.save(self.plan, result))

    def _next_item(self) -> Any:
        while True:
            try:
                return self.encoded.get(timeout=0.1)
            except queue.Empty:
                if self.stop.is_set():
                    return _DONE  # the render stopped without finishing; abort below

    def _encode(self) -> None:
        writer: Any = None
        pending = iter(self.segments)
        segment: PlannedSegment | None = None
        packets = SourcePackets(self.live.info) if self.plan.copy_packets else None
        try:
            while (item := self._next_item()) is not _DONE:
                index, frame = item
                if segment is None or index > segment.last:
                    segment = next(pending)
                    writer = self._open_segment(segment)
                if frame is None:  # untouched: the source's coded picture, copied
                    assert packets is not None
                    writer.start(self.live.info.width, self.live.info.height)
                    writer.write_packet(packets.get(index))
                else:
                    writer.write(frame)
                if index == segment.last:
                    closing, writer = writer, None
                    self._close_segment(segment, closing)
        finally:
            if writer is not None:
                writer.abort()
            if packets is not None:
                packets.close()

    # -- the calling thread ---------------------------------------------------------------
    def _fetch(self, index: int) -> Frame:
        while index not in self.source:
            while True:
                if self.decoder.error is not None:
                    raise self.decoder.error
                try:
                    item = self.decoded.get(timeout=0.1)
                    break
                except queue.Empty:
                    self.progress.check()
            if item is _DONE:
                raise WorkbenchError(
                    f"the source ended before frame {index} ({self.plan.clip.path})"
                )
            got, frame = item
            self.source[got] = frame
        return self.source[index]

    def _hand_to_encoder(self, item: Any) -> None:
        """Queue an item for the encoder; a dead encoder raises here instead of blocking."""
        while True:
            if self.encoder.error is not None:
                raise self.encoder.error
            if not self.encoder.is_alive() and self.encoder.ident is not None:
                raise WorkbenchError("the render's encoder stopped unexpectedly")
            try:
                self.encoded.put(item, timeout=0.1)
                return
            except queue.Full:
                self.progress.check()

    def _report(self, done: int, began: float) -> None:
        # A sub-range plan (a conformed shot) counts its own frames, not the clip's.
        first, last = self.plan.frame_range
        done, count = done - first, last - first + 1
        elapsed = time.monotonic() - began
        fps = (done - (self.started_at - first)) / elapsed if elapsed > 0 else 0.0
        eta = (count - done) / fps if fps > 0 else 0.0
        self.progress.update(
            0.95 * done / count, f"frame {done}/{count}, {fps:.2f} fps, ETA {eta:.0f} s"
        )
        self.on_event(Advanced(done, count, fps, eta))

    def run(self) -> list[SegmentResult]:
        evaluator = StackEvaluator(
            list(self.live.steps),
            self._fetch,
            self.plan.frame_count,
            interlaced=self.live.info.interlaced,
            colour=self.live.colour,
        )
        copy = self.plan.copy_packets
        self.decoder.start()
        self.encoder.start()
        began = time.monotonic()
        inner = self.progress.checker()  # tiles check cancel; only frames report progress
        try:
            for index in range(self.first, self.last + 1):
                untouched = copy and self.plan.untouched(index)
                frame = None if untouched else evaluator.frame(index, inner)
                for old in [k for k in self.source if k < index - self.radius]:
                    del self.source[old]
                self._hand_to_encoder((index, frame))
                self._report(index + 1, began)
            self._hand_to_encoder(_DONE)
            self.encoder.join()
            if self.encoder.error is not None:
                raise self.encoder.error
        except BaseException:
            self.stop.set()  # the encoder sees it, aborts its unfinished segment and returns
            self.encoder.join(timeout=30)
            raise
        finally:
            self.stop.set()
            self.decoder.join(timeout=30)
        return self.results
