"""The viewer's feed: which frame, with which edits, the frame service computes for the viewer.

It follows the view state (clip, frame, stack, preview, playback) and asks the
:class:`~workbench.qt.frames.FrameService` for the frame; originals and results come back on
the GUI thread and are shown only if they are still the ones wanted. A preview is the tools
panel's settings on the current frame, added on top of the stack until it is applied.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from workbench.errors import UsageError
from workbench.project import Clip
from workbench.project.masks import mask_path
from workbench.qt.frames import FrameService, Request, Step
from workbench.qt.timing import timed
from workbench.qt.tools_panel import ToolsPanel
from workbench.qt.track_cache import tracked_region
from workbench.qt.view_state import PreviewSettings, ViewState
from workbench.qt.viewer import Mode, ViewerPanel

ErrorSink = Callable[[BaseException, str], None]


class ViewerFeed(QObject):
    frameShown = Signal(int)
    resultShown = Signal(int)

    def __init__(
        self,
        state: ViewState,
        frames: FrameService,
        viewer: ViewerPanel,
        source: Callable[[Clip], str | None],
        project_path: Callable[[], Path | None],
        parent: QObject | None = None,
    ) -> None:
        """``source(clip)`` is the clip's file, or None while it is offline."""
        super().__init__(parent)
        self.state = state
        self.frames = frames
        self.viewer = viewer
        self._source = source
        self._project_path = project_path
        self.shown_original = -1
        self.shown_result: tuple[int, str] | None = None
        self._expected: tuple[int, str] = (-1, "")
        frames.frameReady.connect(self._frame_ready)
        frames.resultReady.connect(self._result_ready)
        frames.busyChanged.connect(lambda busy: viewer.canvas.set_busy(busy))
        events = state.events
        events.clip.connect(self._clip_changed)
        events.frame.connect(lambda _frame: self.request())
        events.edits.connect(lambda _edits: self.request())
        events.preview.connect(lambda _preview: self.request())
        events.speed.connect(lambda speed: None if speed else self.request())

    def _clip_changed(self, clip: Clip | None) -> None:
        canvas = self.viewer.canvas
        canvas.set_original(None)
        canvas.set_result(None)
        self.shown_original = -1
        self.shown_result = None
        if clip is not None:
            self.request()

    # -- what to compute -----------------------------------------------------------------------
    def steps(self) -> tuple[Step, ...]:
        state = self.state
        project = self._project_path()
        if state.clip is None or project is None:
            return ()
        out = [
            Step(
                e.tool,
                dict(e.parameters),
                e.model_id,
                e.frames,
                dict(e.region),
                str(mask_path(project, str(e.region["sha256"])))
                if e.region.get("kind") == "mask"
                else None,
                tracked=tracked_region(project, e.region),
            )
            for e in state.edits
            if e.enabled
        ]
        preview = state.preview
        if preview is not None and preview.frame == state.frame:
            out.append(
                Step(
                    preview.tool,
                    preview.params,
                    preview.model,
                    (preview.frame, preview.frame),
                    preview.region,
                    None,
                    preview.mask,
                )
            )
        return tuple(out)

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
        playing = state.speed != 0
        request = Request(
            path, state.frame, self.steps(), playing=playing, colour=clip.colour.space
        )
        self._expected = (state.frame, request.steps_key())
        if not request.steps:
            canvas.set_result(None)
            self.shown_result = (state.frame, "")
        elif (
            self.shown_result != self._expected
            and self.frames.cached_result(path, state.frame, request.steps_key()) is None
        ):
            canvas.set_result(None)
        canvas.playing_originals = bool(request.steps) and playing
        self.frames.request(request)

    @timed("ViewerFeed.frame_ready")
    def _frame_ready(self, index: int, frame: QImage) -> None:
        if index != self.state.frame:
            return
        self.viewer.canvas.set_original(frame)
        self.shown_original = index
        self.frameShown.emit(index)

    @timed("ViewerFeed.result_ready")
    def _result_ready(self, index: int, key: str, result: QImage, diff: QImage) -> None:
        if (index, key) != self._expected:
            return
        self.viewer.canvas.set_result(result, diff)
        self.viewer.canvas.playing_originals = False
        self.shown_result = (index, key)
        self.resultShown.emit(index)

    def displayed(self) -> bool:
        """True once the viewer shows the current frame (and its result, where there is one)."""
        if self.state.clip is None:
            return True
        if self.shown_original != self.state.frame:
            return False
        return self.shown_result == self._expected or not self._expected[1]

    # -- the preview -----------------------------------------------------------------------------
    def current_region(self) -> tuple[dict[str, Any], Any]:
        """The viewer's region, and the painted mask (float32 in [0, 1]) for a mask region."""
        canvas = self.viewer.canvas
        region = canvas.region()
        if region["kind"] == "mask" and canvas.painted_mask is not None:
            return region, canvas.painted_mask.astype("float32") / 255.0
        return region, None

    def run_preview(self, tools: ToolsPanel) -> None:
        """The tools panel's settings on the current frame, shown against the original."""
        if self.state.clip is None:
            raise UsageError("no clip is selected", hint="import a clip and select it")
        tool = tools.tool()
        params = tools.params()
        region, mask = self.current_region()
        self.state.set_preview(
            PreviewSettings(tool.id, params, tools.model_id(), self.state.frame, region, mask)
        )
        if self.viewer.canvas.mode == Mode.ORIGINAL:
            self.viewer.set_mode(Mode.SPLIT)

    def invalidate(self) -> None:
        """Settings or models changed: computed results are stale."""
        self.frames.invalidate()
        self.request()
