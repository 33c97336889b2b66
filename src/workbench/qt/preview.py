"""The viewer's feed: which frame, of which stack, the frame service computes for the viewer.

It follows the view state (clip, frame, stack, preview, A/B, solo, playback) and asks the
:class:`~workbench.qt.frames.FrameService` for the frame; originals and results come back on
the GUI thread and are shown only if they are still the ones wanted. What is shown is built by
the core (:func:`workbench.editing.view_stack`): the stack; the stack with the tools panel's
settings on top (a preview, not in the project until applied) on the frames it covers; or one
edit alone (solo). With an A set, Split and Side by side show A on the left, the result (B) on
the right. While playing, cached results are drawn straight from the screen-image cache; a frame
that is not cached plays as the original, and the viewer says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from workbench.editing.preview import PendingEdit, ViewRequest, view_stack
from workbench.errors import UsageError
from workbench.project import Clip
from workbench.qt.frames import FrameService, Request, View
from workbench.qt.timing import timed
from workbench.qt.tools_panel import ToolsPanel
from workbench.qt.view_state import PreviewSettings, ViewState
from workbench.qt.viewer import Mode, ViewerPanel

ErrorSink = Callable[[BaseException, str], None]
NOT_CACHED = "Playing originals — not cached (Preview range caches it)"


def pending(settings: PreviewSettings, frames: tuple[int, int]) -> PendingEdit:
    track = settings.track
    if track is not None:  # a tracked region previews over the frames it is tracked on
        frames = (max(frames[0], track.frames[0]), min(frames[1], track.frames[1]))
        if frames[0] > frames[1]:
            frames = track.frames
    return PendingEdit(
        settings.tool,
        settings.params,
        settings.model,
        frames,
        settings.region,
        settings.mask,
        track,
        settings.track_masks,
    )


class ViewerFeed(QObject):
    frameShown = Signal(int)
    resultShown = Signal(int)
    compareShown = Signal(int)
    viewChanged = Signal(object)  # the result's View (or None): the cache marks follow it

    def __init__(
        self,
        state: ViewState,
        frames: FrameService,
        viewer: ViewerPanel,
        source: Callable[[Clip], str | None],
        project_path: Callable[[], Path | None],
        parent: QObject | None = None,
        catalog: Callable[[], Any] | None = None,
    ) -> None:
        """``source(clip)`` is the clip's file, or None while it is offline."""
        super().__init__(parent)
        self.state = state
        self.frames = frames
        self.viewer = viewer
        self._source = source
        self._project_path = project_path
        self.catalog: Callable[[], Any] = catalog or (lambda: None)
        self.shown_original = -1
        self.shown_result: tuple[int, str] | None = None
        self.shown_compare: tuple[int, str] | None = None
        self.missing: tuple[int, str] | None = None
        self._expected: tuple[int, str] = (-1, "")
        self._views: dict[tuple[Any, ...], View | None] = {}
        self._edits_seen: list[Any] = []
        #: the tracking panel's track when it is in use, and its keyframe masks (the window
        #: sets these; Apply takes the same track)
        self.track_source: Callable[[], Any] = lambda: None
        self.track_masks: Callable[[], dict[str, Any]] = dict
        self._current_view: View | None = None
        frames.frameReady.connect(self._frame_ready)
        frames.resultReady.connect(self._result_ready)
        frames.compareReady.connect(self._compare_ready)
        frames.resultMissing.connect(self._result_missing)
        frames.busyChanged.connect(lambda busy: viewer.canvas.set_busy(busy))
        viewer.canvas.shrunk.lookup = frames.display.shrunk
        viewer.modeChanged.connect(lambda _mode: self.request())
        events = state.events
        events.clip.connect(self._clip_changed)
        events.frame.connect(lambda _frame: self.request())
        events.edits.connect(self._edits_changed)
        for event in (events.preview, events.compare, events.solo):
            event.connect(self._stack_changed)
        events.speed.connect(self._speed_changed)

    def _clip_changed(self, clip: Clip | None) -> None:
        canvas = self.viewer.canvas
        canvas.set_original(None)
        canvas.set_result(None)
        canvas.set_compare(None)
        self.shown_original = -1
        self.shown_result = self.shown_compare = self.missing = None
        self._views.clear()
        if clip is not None:
            self.request()
        else:
            self._announce(None)

    def _edits_changed(self, edits: list[Any]) -> None:
        """The stack read again: only a different stack is shown again (another process's
        write, such as a render's entry, reads the same edits back mid-playback)."""
        if edits != self._edits_seen:
            self._edits_seen = list(edits)
            self._stack_changed(edits)

    def _stack_changed(self, _value: object) -> None:
        self._views.clear()
        self.request()

    def _speed_changed(self, speed: int) -> None:
        self.viewer.canvas.set_playback_note("")
        if not speed:
            self.request()

    # -- what to compute -----------------------------------------------------------------------
    def _build(self, request: ViewRequest) -> View | None:
        state, project = self.state, self._project_path()
        if state.clip is None or project is None:
            return None
        stack = view_stack(
            state.clip, state.edits, request, project_path=project, catalog=self.catalog()
        )
        return View.of(stack) if stack.spec.edits else None

    def _cached_view(self, key: tuple[Any, ...], request: ViewRequest) -> View | None:
        """Built once per change of the stack, the preview, A or solo; one that cannot be
        built (a model that does not fit) is reported once and shows nothing."""
        if key not in self._views:
            if len(self._views) > 16:
                self._views.clear()
            try:
                self._views[key] = self._build(request)
            except Exception as exc:
                self._views[key] = None
                self.frames.failed.emit(exc)
        return self._views[key]

    def views(self) -> tuple[View | None, View | None]:
        """The result to show, and A of an A/B (each None when there is none)."""
        state = self.state
        if state.solo is not None:
            return self._cached_view(("solo", state.solo), ViewRequest(solo=state.solo)), None
        preview = state.preview
        b = preview if preview is not None and preview.covers(state.frame) else None
        span = b.span if b is not None else None
        main = self._cached_view(
            ("main", span), ViewRequest(pending(b, b.span)) if b is not None else ViewRequest()
        )
        a = state.compare
        if a is None:
            return main, None
        # on top of the stack, the frames an edit covers change no other frame's result:
        # A covers what B covers, else the whole clip (one stack for every frame)
        a_span = span or (0, max(0, state.count - 1))
        return main, self._cached_view(("a", a_span), ViewRequest(pending(a, a_span)))

    def view(self) -> View | None:
        """The result the viewer shows now (what "Preview range" fills)."""
        return self.views()[0]

    def _announce(self, view: View | None) -> None:
        if (view.key if view else None) != (self._current_view.key if self._current_view else None):
            self._current_view = view
            self.viewChanged.emit(view)

    @timed("ViewerFeed.request")
    def request(self) -> None:
        state, canvas = self.state, self.viewer.canvas
        clip = state.clip
        if clip is None:
            return
        path = self._source(clip)
        if path is None:
            canvas.empty_text = (
                f"{clip.name} is offline — select it in the media bin and press Relink…"
            )
            canvas.set_original(None)
            return
        canvas.empty_text = ""
        view, compare = self.views()
        self._announce(view)
        self._label(view, compare)
        playing = state.speed != 0
        self.frames.screen_size = canvas.screen_size()
        request = Request(
            path,
            state.frame,
            view,
            compare,
            playing=playing,
            want_diff=canvas.mode == Mode.DIFFERENCE,
        )
        self._expected = (state.frame, request.key)
        if view is None:
            canvas.set_result(None)
            self.shown_result = (state.frame, "")
        if compare is None:
            canvas.set_compare(None)
        if playing and compare is None and self._draw_cached(request):
            return
        if (
            view is not None
            and self.shown_result != self._expected
            and self.frames.shown_now(path, state.frame, view) is None
        ):
            canvas.set_result(None)
        self.frames.request(request)

    def _draw_cached(self, request: Request) -> bool:
        """Cached playback: both screen images at hand, drawn without a thread hop."""
        if request.want_diff:
            return False
        images = self.frames.shown_now(request.path, request.index, request.view)
        if images is None:
            return False
        self._frame_ready(request.index, images[0])
        if request.view is not None:
            self._result_ready(request.index, request.key, images[1], None)
        return True

    def _label(self, view: View | None, compare: View | None) -> None:
        canvas = self.viewer.canvas
        result = view.stack.spec.label if view is not None else "Result"
        if compare is not None:
            canvas.set_labels(f"A · {compare.stack.spec.label}", f"B · {result}")
        else:
            canvas.set_labels("Original", result if result != "Result" else "Result")

    @timed("ViewerFeed.frame_ready")
    def _frame_ready(self, index: int, frame: QImage) -> None:
        if index != self.state.frame:
            return
        self.viewer.canvas.set_original(frame)
        self.shown_original = index
        self.frameShown.emit(index)

    @timed("ViewerFeed.result_ready")
    def _result_ready(self, index: int, key: str, result: QImage, diff: QImage | None) -> None:
        if (index, key) != self._expected:
            return
        canvas = self.viewer.canvas
        canvas.set_result(result, diff)
        canvas.playing_originals = False
        if self.state.speed:
            canvas.set_playback_note("Cached result", ok=True)
        self.shown_result = (index, key)
        self.missing = None
        self.resultShown.emit(index)

    def _compare_ready(self, index: int, key: str, image: QImage | None) -> None:
        if index != self.state.frame:
            return
        self.viewer.canvas.set_compare(image)
        if image is not None:
            self.shown_compare = (index, key)
            self.compareShown.emit(index)

    def _result_missing(self, index: int, key: str) -> None:
        if (index, key) != self._expected:
            return
        canvas = self.viewer.canvas
        canvas.set_result(None)
        canvas.playing_originals = True
        canvas.set_playback_note(NOT_CACHED, ok=False)
        self.missing = (index, key)

    def displayed(self) -> bool:
        """True once the viewer shows the current frame (and its result, where there is one)."""
        if self.state.clip is None:
            return True
        if self.shown_original != self.state.frame:
            return False
        return self.shown_result == self._expected or not self._expected[1]

    def showing(self, index: int) -> bool:
        """Playback may move on: frame ``index`` is on screen, with its result when cached."""
        if self.shown_original != index or self._expected[0] != index:
            return False
        return (
            not self._expected[1]
            or self.shown_result == self._expected
            or self.missing == self._expected
        )

    # -- the preview -----------------------------------------------------------------------------
    def current_region(self) -> tuple[dict[str, Any], Any]:
        """The viewer's region, and the painted mask (float32 in [0, 1]) for a mask region."""
        canvas = self.viewer.canvas
        region = canvas.region()
        if region["kind"] == "mask" and canvas.painted_mask is not None:
            return region, canvas.painted_mask.astype("float32") / 255.0
        return region, None

    def settings(self, tools: ToolsPanel, frames: tuple[int, int] | None = None) -> PreviewSettings:
        """The tools panel's settings with the viewer's region, as a preview (or an A)."""
        region, mask = self.current_region()
        track = self.track_source()
        if track is not None:  # as Apply does: the region follows the track
            region, mask = track.region_record(), None
        return PreviewSettings(
            tools.tool().id,
            tools.params(),
            tools.model_id(),
            self.state.frame,
            region,
            mask,
            frames,
            track,
            self.track_masks() if track is not None else None,
        )

    def run_preview(self, tools: ToolsPanel, frames: tuple[int, int] | None = None) -> None:
        """The tools panel's settings on the current frame (or ``frames``), against the original."""
        if self.state.clip is None:
            raise UsageError("no clip is selected", hint="import a clip and select it")
        self.state.set_preview(self.settings(tools, frames))
        if self.viewer.canvas.mode == Mode.ORIGINAL:
            self.viewer.set_mode(Mode.SPLIT)

    def invalidate(self) -> None:
        """Settings or models changed: the stacks are built again, the models reloaded."""
        self.frames.invalidate()
        self._views.clear()
        self.request()
