"""Judging the cleanup in motion: Preview range, the timeline's cache marks, A/B and solo.

"Preview range" computes what the viewer shows over the in–out range — or, without marks, the
frames around the playhead — into the frame cache in the background (:class:`CacheFiller`),
marks each cached frame on the timeline as it lands, and then playback (Space, J/K/L) shows
those frames processed at the clip's rate. A pending preview (the tools panel's settings, not
applied) is previewed over the range; with none, the stack is; with an empty stack, the tools
panel's settings. A/B keeps the tools panel's settings as A, shown against the result (B) in
Split and Side by side; solo shows one edit alone. Every computation is the core's, the same
as a render's (:mod:`workbench.editing.preview`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QObject

from workbench.editing.preview import around
from workbench.project import Clip, Edit
from workbench.qt.cache_fill import CacheFiller, FillJob, runs
from workbench.qt.cache_marks import CacheMarks
from workbench.qt.convert import parse_rate, rate_text
from workbench.qt.frames import FrameService, View
from workbench.qt.motion_bar import MotionBar
from workbench.qt.preview import ViewerFeed
from workbench.qt.scopes_panel import ScopesPanel
from workbench.qt.timeline import TimelineStrip
from workbench.qt.tools_panel import ToolsPanel
from workbench.qt.view_state import PreviewSettings, ViewState
from workbench.qt.viewer import Mode
from workbench.render.frame_keys import describe_settings
from workbench.render.preview import FillReport

ErrorSink = Callable[[BaseException, str], None]


class MotionActions(QObject):
    def __init__(
        self,
        state: ViewState,
        frames: FrameService,
        feed: ViewerFeed,
        strip: TimelineStrip,
        tools: ToolsPanel,
        source: Callable[[Clip], str | None],
        status: Callable[[str], None],
        report: ErrorSink,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.state, self.frames, self.feed = state, frames, feed
        self.strip, self.tools = strip, tools
        self._source, self._status, self._report = source, status, report
        self.filler = CacheFiller(frames, self)
        self.bar = MotionBar()
        self.scopes = ScopesPanel(feed.viewer.canvas)
        self.cached: set[int] = set()
        self.view: View | None = None
        self.last_report: FillReport | None = None
        self._connect()

    def _connect(self) -> None:
        bar, filler, events = self.bar, self.filler, self.state.events
        bar.previewRangeRequested.connect(self.preview_range)
        bar.cancelRequested.connect(filler.cancel)
        bar.setARequested.connect(self.set_a)
        bar.clearARequested.connect(lambda: self.state.set_compare(None))
        bar.soloChosen.connect(self.state.set_solo)
        filler.started.connect(self._started)
        filler.progressed.connect(bar.set_progress)
        filler.frameCached.connect(self._frame_cached)
        filler.scanned.connect(self._scanned)
        filler.finished.connect(self._finished)
        filler.cancelled.connect(self._cancelled)
        filler.failed.connect(self._failed)
        self.frames.frameCached.connect(self._frame_cached)
        self.feed.viewChanged.connect(self._view_changed)
        events.edits.connect(lambda edits: bar.set_edits(edits, self.state.solo))
        events.clip.connect(lambda _clip: bar.set_edits(self.state.edits, None))
        events.solo.connect(lambda solo: bar.set_edits(self.state.edits, solo))
        events.compare.connect(self._compare_changed)
        for signal in (self.feed.frameShown, self.feed.resultShown, self.feed.compareShown):
            signal.connect(self.scopes.schedule)
        self.tools.settingsChanged.connect(self.warm)

    def warm(self) -> None:
        """The tools panel picked a tool or model: open it now, while the artist sets it up."""
        from workbench.editing.preview import PendingEdit, pending_edit

        if self.state.clip is None:
            return
        try:
            edit, _ = pending_edit(
                PendingEdit(self.tools.tool().id, {}, self.tools.model_id()),
                max(1, self.state.count),
                self.feed.catalog(),
            )
        except Exception:
            return  # a model that does not fit says so when it is used
        self.filler.warm(edit)

    # -- Preview range ---------------------------------------------------------------------------
    def range_to_fill(self) -> tuple[int, int]:
        """The in–out range, or the bar's number of frames around the playhead."""
        state = self.state
        if state.marks != (None, None):
            return state.in_out()
        return around(state.frame, self.bar.frames.value(), state.count)

    def preview_range(self) -> FillJob | None:
        state = self.state
        clip = state.clip
        if clip is None:
            self._status("Preview range: select a clip first")
            return None
        path = self._source(clip)
        if path is None:
            self._status(f"Preview range: {clip.name} is offline")
            return None
        first, last = self.range_to_fill()
        preview = state.preview
        if preview is not None:
            state.set_preview(dataclasses.replace(preview, frames=(first, last)))
        elif state.solo is None and not any(e.enabled for e in state.edits):
            state.set_preview(self.feed.settings(self.tools, (first, last)))
        view = self.feed.view()
        if view is None:
            self._status("Preview range: nothing to compute (no edit and no preview)")
            return None
        return self.filler.fill(view, path, first, last)

    def _started(self, job: FillJob) -> None:
        self.bar.set_filling(True)
        self.strip.cache_marks.filling = (job.first, job.last)
        self.strip.update()
        label = job.view.stack.spec.label
        self._status(f"Preview range: computing frames {job.first}–{job.last} ({label})…")

    def _finished(self, report: FillReport) -> None:
        self.last_report = report
        self._idle()
        clip = self.state.clip
        rate = rate_text(parse_rate(clip.media.get("frame_rate"))) if clip else "its rate"
        fps = f", {report.computed / report.seconds:.2f} fps" if report.computed else ""
        self._status(
            f"Frames {report.first}–{report.last} are cached ({report.computed} computed in "
            f"{report.seconds:.1f} s{fps}; {report.found} already cached): Space plays them at "
            f"{rate}"
        )

    def _cancelled(self) -> None:
        self._idle()
        self._status(f"Preview range stopped; {len(self.cached)} frames are cached")

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        self._report(exc, "Preview range")

    def _idle(self) -> None:
        self.bar.set_filling(False)
        self.strip.cache_marks.filling = None
        self._update_marks()

    # -- the timeline's marks --------------------------------------------------------------------
    def _view_changed(self, view: View | None) -> None:
        job = self.filler.job
        if job is not None and (view is None or job.view.key != view.key):
            self.filler.cancel()  # what it fills is no longer what is shown
        self.view = view
        self.cached = set()
        self._update_marks()
        if view is not None:
            self.filler.scan(view)

    def _frame_cached(self, key: str, index: int) -> None:
        if self.view is not None and key == self.view.key and index not in self.cached:
            self.cached.add(index)
            self._update_marks()

    def _scanned(self, key: str, found: list[int]) -> None:
        if self.view is not None and key == self.view.key:
            self.cached |= set(found)
            self._update_marks()

    def _update_marks(self) -> None:
        marks: CacheMarks = self.strip.cache_marks
        marks.runs = runs(self.cached)
        self.strip.update()
        job = self.filler.job
        n = len(self.cached)
        text = f"{n} frame{'s' if n != 1 else ''} cached" if n else ""
        if job is not None:
            done = sum(1 for i in self.cached if job.first <= i <= job.last)
            text = f"{done}/{job.last - job.first + 1} cached"
        self.bar.cached_label.setText(text)

    # -- A/B and solo ----------------------------------------------------------------------------
    def set_a(self) -> None:
        """The tools panel's settings become A (shown against the result in Split/Side)."""
        if self.state.clip is None:
            self._status("A/B: select a clip first")
            return
        self.state.set_compare(self.feed.settings(self.tools))
        viewer = self.feed.viewer
        if viewer.canvas.mode not in (Mode.SPLIT, Mode.SIDE):
            viewer.set_mode(Mode.SPLIT)

    def _compare_changed(self, settings: PreviewSettings | None) -> None:
        self.bar.set_compare(self._describe(settings) if settings is not None else None)

    def _describe(self, settings: PreviewSettings) -> str:
        from workbench.editing.preview import pending_edit
        from workbench.qt.preview import pending

        try:
            edit, _ = pending_edit(
                pending(settings, settings.span), max(1, self.state.count), self.feed.catalog()
            )
        except Exception:
            return settings.tool
        return describe_settings(edit, max(1, self.state.count))

    def solo(self, edit: Edit | None) -> None:
        self.state.set_solo(edit.id if edit is not None else None)

    def shutdown(self) -> None:
        self.filler.stop()
        self.scopes.stop()
