"""Keyframing the viewer's region and tracking it, for the window.

The keyframes are the viewer's region (a rectangle or a painted mask) at the frames where the
artist set them; Track runs :func:`workbench.editing.track_region` — the command line's own
function — in a cancellable worker over the in–out range. The track it returns is what the next
Apply (or Update) uses as the edit's region (:meth:`TrackingActions.active_track`), and while it
is in use the viewer shows the tracked region at the playhead. Selecting a tracked edit adopts
its stored track, so updating that edit keeps its region.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject

from workbench import editing
from workbench.errors import UsageError
from workbench.progress import Progress
from workbench.project import Project
from workbench.qt.commands import ErrorSink
from workbench.qt.preview import ViewerFeed
from workbench.qt.session import ProjectSession
from workbench.qt.timeline import TimelinePanel
from workbench.qt.track_cache import tracked_region
from workbench.qt.tracking_panel import TrackingPanel
from workbench.qt.view_state import ViewState
from workbench.qt.workers import Task, Workers
from workbench.tools.track_record import Track, shift


def describe(region: dict[str, Any]) -> str:
    if region.get("kind") == "rect":
        return f"rectangle {region['w']}×{region['h']} at {region['x']},{region['y']}"
    return "painted mask"


class TrackingActions(QObject):
    def __init__(
        self,
        session: ProjectSession,
        state: ViewState,
        feed: ViewerFeed,
        panel: TrackingPanel,
        timeline: TimelinePanel,
        workers: Workers,
        report: ErrorSink,
        status: Callable[[str], None],
    ) -> None:
        super().__init__(panel)
        self.session, self.state, self.feed = session, state, feed
        self.panel, self.timeline, self.workers = panel, timeline, workers
        self.report, self.status = report, status
        self.keys: dict[int, editing.KeyRegion] = {}
        self.track: Track | None = None
        self.masks: dict[str, Any] = {}  # a track's keyframe masks, by hash (for the viewer)
        self.use = False
        self.adopted: int | None = None  # the edit whose stored track is shown
        self.task: Task | None = None
        panel.keyRequested.connect(self.set_key)
        panel.removeKeyRequested.connect(self.remove_key)
        panel.clearRequested.connect(self.clear)
        panel.trackRequested.connect(self.run_track)
        panel.cancelRequested.connect(self.cancel)
        panel.useChanged.connect(self._use_changed)
        panel.keyActivated.connect(state.set_frame)
        events = state.events
        events.clip.connect(lambda _clip: self.clear())
        events.frame.connect(lambda _frame: self.show_region())
        events.selected_edit.connect(self._selected)
        events.region.connect(self._region_set)

    # -- what Apply uses -------------------------------------------------------------------------
    def active_track(self) -> Track | None:
        """The track the next edit takes as its region, when one is in use."""
        return self.track if self.use else None

    # -- keyframes -------------------------------------------------------------------------------
    def set_key(self) -> None:
        if self.state.clip is None:
            self.report(UsageError("no clip is selected", hint="import a clip and select it"), "")
            return
        region, mask = self.feed.current_region()
        if region.get("kind") not in ("rect", "mask"):
            hint = "choose Rectangle or Mask brush above the viewer and draw on the object"
            self.report(UsageError("there is no region in the viewer to keyframe", hint=hint), "")
            return
        if self.adopted is not None:
            self.keys.clear()  # a new set of keyframes, not the selected edit's
            self.adopted = None
        frame = self.state.frame
        self.keys[frame] = editing.KeyRegion(frame, dict(region), None if mask is None else mask.copy())
        self._forget_track()
        self.status(f"Keyframe set at frame {frame}")

    def remove_key(self, frame: int) -> None:
        if self.keys.pop(frame, None) is not None:
            self._forget_track()

    def clear(self) -> None:
        self.cancel()
        self.keys.clear()
        self.adopted = None
        self._forget_track()

    def _forget_track(self) -> None:
        self.track, self.use, self.masks = None, False, {}
        self._refresh()

    # -- tracking --------------------------------------------------------------------------------
    def run_track(self) -> None:
        clip, path = self.state.clip, self.session.path
        if clip is None or path is None:
            self.report(UsageError("no clip is selected", hint="import a clip and select it"), "")
            return
        if not self.keys:
            self.report(
                UsageError("set at least one keyframe first", hint="Set keyframe, in this panel"),
                "Track",
            )
            return
        frames = self.state.in_out()
        request = editing.TrackRequest(clip.id, [self.keys[f] for f in sorted(self.keys)], frames)

        def work(progress: Progress) -> Track:
            with Project.open(path, readonly=True) as project:
                return editing.track_region(project, request, progress)

        self.panel.set_busy(True)
        self.panel.set_status(f"Tracking frames {frames[0]}–{frames[1]}…")
        self.task = self.workers.start(
            work,
            name="track region",
            on_done=self._tracked,
            on_error=self._failed,
            on_progress=self.panel.set_progress,
            on_cancel=self._cancelled,
        )

    def cancel(self) -> None:
        if self.task is not None and not self.task.done:
            self.task.cancel()

    def _tracked(self, track: Track) -> None:
        self.task = None
        self.panel.set_busy(False)
        self.track, self.use = track, True
        self.masks = _painted_masks(track, self.keys)
        self._refresh()
        self.status(f"Tracked frames {track.frames[0]}–{track.frames[1]}")

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self.panel.set_busy(False)
        self.report(exc, "Track")
        self._refresh()

    def _cancelled(self) -> None:
        self.task = None
        self.panel.set_busy(False)
        self.panel.set_status("Tracking cancelled; the keyframes are kept")

    def _use_changed(self, use: bool) -> None:
        self.use = use and self.track is not None
        self._refresh()

    # -- a tracked edit, selected ----------------------------------------------------------------
    def _selected(self, edit_id: int | None) -> None:
        edit = self.state.edit(edit_id)
        if edit is None or edit.region.get("kind") != "tracked":
            if self.adopted is not None:
                self.clear()
            return
        tracked = tracked_region(self.session.path, edit.region)
        if tracked is None:
            return
        self.cancel()
        track = tracked.track
        self.adopted = edit.id
        self.track, self.use, self.masks = track, True, dict(tracked.masks)
        self.keys = {
            k.frame: editing.KeyRegion(k.frame, track.region_at(k.frame)) for k in track.keyframes
        }
        self._refresh()

    def _region_set(self, region: dict[str, Any]) -> None:
        if region.get("kind") == "tracked":
            self.show_region()

    # -- what the window shows -------------------------------------------------------------------
    def _refresh(self) -> None:
        keys = sorted(self.keys)
        self.panel.set_keys([(f, describe(self.keys[f].region)) for f in keys])
        self.panel.set_use(self.use, enabled=self.track is not None)
        self.timeline.strip.set_keys(keys)
        track = self.track
        if track is None:
            self.panel.set_status(
                f"{len(keys)} keyframe{'s' if len(keys) != 1 else ''}; press Track"
                if keys
                else "No keyframes: draw a region in the viewer, then Set keyframe"
            )
        else:
            whose = f"edit {self.adopted}'s track" if self.adopted is not None else "Tracked"
            self.panel.set_status(
                f"{whose}: frames {track.frames[0]}–{track.frames[1]}, keyframes "
                f"{', '.join(map(str, track.keyframe_frames))}"
                + ("; edits apply on it" if self.use else "")
            )
        if self.use and track is not None:
            self.state.set_region(track.region_record())  # the tools panel says so; shown below
        elif self.state.region.get("kind") == "tracked":
            self.state.set_region(self.feed.viewer.canvas.region())
        self.show_region()

    def show_region(self) -> None:
        """The tracked region at the playhead, in the viewer (while the track is in use)."""
        track = self.active_track()
        frame = self.state.frame
        if track is None or not track.frames[0] <= frame <= track.frames[1]:
            return
        region = track.region_at(frame)
        canvas = self.feed.viewer.canvas
        if region["kind"] == "rect":
            canvas.set_region(region)
            return
        mask = self.masks.get(str(region["sha256"]))
        if mask is not None:
            canvas.set_region({"kind": "mask"}, shift(mask, int(region["dx"]), int(region["dy"])))


def _painted_masks(track: Track, keys: dict[int, editing.KeyRegion]) -> dict[str, Any]:
    """The painted masks of a fresh mask track's keyframes, by the hash the track names them by."""
    out: dict[str, Any] = {}
    for key in track.keyframes:
        given = keys.get(key.frame)
        if key.mask is not None and given is not None and isinstance(given.mask, np.ndarray):
            out[key.mask] = np.asarray(given.mask, np.float32)
    return out
