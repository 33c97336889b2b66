"""The controller: maps what the user does in the panels to commands on the core.

It owns the project session, the frame service, the undo stack, the render queue and the error
route, and keeps the panels in step with the project. Panels never call the core themselves,
and the main window only assembles panels and menus around this object.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from workbench.catalog.catalog import CatalogEntry
from workbench.errors import UsageError
from workbench.project import Clip, Edit, Policy
from workbench.qt.commands import (
    ApplyEditCommand,
    EditRefs,
    EditSpec,
    RemoveEditCommand,
    ReplaceEditCommand,
    ToggleEditCommand,
)
from workbench.qt.convert import frame_to_qimage, parse_rate
from workbench.qt.edit_stack import EditStackPanel
from workbench.qt.errors import ErrorReporter
from workbench.qt.frames import FrameService, Request, Step
from workbench.qt.log_panel import LogPanel
from workbench.qt.media_bin import MediaBinPanel
from workbench.qt.render_queue import RenderJob, RenderQueue, RenderQueuePanel
from workbench.qt.session import ProjectSession
from workbench.qt.timeline import EditBar, TimelinePanel
from workbench.qt.tools_panel import ToolsPanel
from workbench.qt.viewer import Mode, RegionTool, ViewerPanel
from workbench.qt.workers import Workers
from workbench.tools.base import check_edit_range

MEDIA_SUFFIXES = {
    ".mov", ".mp4", ".mkv", ".mxf", ".avi", ".m4v", ".webm",
    ".png", ".tif", ".tiff", ".jpg", ".jpeg", ".exr", ".dpx",
}  # fmt: skip


@dataclass
class Panels:
    media: MediaBinPanel
    viewer: ViewerPanel
    timeline: TimelinePanel
    tools: ToolsPanel
    edits: EditStackPanel
    renders: RenderQueuePanel
    log: LogPanel


def masks_dir(project_path: Path) -> Path:
    """Where painted masks live: ``<project>.masks/<sha256>.png`` (the render reads them there)."""
    return project_path.with_name(project_path.name + ".masks")


def save_mask(project_path: Path, mask: np.ndarray) -> str:
    import cv2

    ok, data = cv2.imencode(".png", (np.asarray(mask) > 0).astype(np.uint8) * 255)
    if not ok:
        raise UsageError("the painted mask could not be encoded")
    payload = data.tobytes()
    sha = hashlib.sha256(payload).hexdigest()
    folder = masks_dir(project_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha}.png"
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(payload)
        tmp.replace(target)
    return sha


class Controller(QObject):
    projectOpened = Signal()
    projectClosed = Signal()
    frameShown = Signal(int)
    resultShown = Signal(int)
    verified = Signal(bool)
    exported = Signal(str, str)  # format, path
    status = Signal(str)

    def __init__(self, window: QWidget, panels: Panels, queue: RenderQueue) -> None:
        super().__init__(window)
        self.window = window
        self.panels = panels
        self.session = ProjectSession(self)
        self.reporter = ErrorReporter(window)
        self.workers = Workers(self)
        self.frames = FrameService(self)
        self.undo = QUndoStack(self)
        self.refs = EditRefs()
        self.queue = queue
        self.catalog: list[CatalogEntry] = []
        self.policy = Policy()
        self.clip: Clip | None = None
        self.clip_edits: list[Edit] = []
        self.offline: set[int] = set()
        self.frame = 0
        self.preview: Step | None = None
        self.preview_frame = -1
        self.selected_edit: int | None = None
        self.region: dict[str, Any] = {"kind": "full"}
        self.shown_original = -1
        self.shown_result: tuple[int, str] | None = None
        self.speed = 0  # playback: frames per tick direction and rate (0 = stopped)
        self.relinked: dict[int, str] = {}
        self._verify_pending = False
        self._verifying = False
        self._thumbs_done: set[int] = set()
        self._expected: tuple[int, str] = (-1, "")
        self._play = QTimer(self)
        self._play.timeout.connect(self._tick)
        # OpenCV's import edits sys.path for a moment; a render process spawned from another
        # thread at that moment inherits the edit and cannot start. Import it once, up front.
        import cv2  # noqa: F401

        self._connect()
        self.reload_catalog()

    # -- wiring ------------------------------------------------------------------------------
    def _connect(self) -> None:
        p = self.panels
        self.session.changed.connect(self.refresh)
        self.frames.frameReady.connect(self._frame_ready)
        self.frames.resultReady.connect(self._result_ready)
        self.frames.busyChanged.connect(lambda busy: p.viewer.canvas.set_busy(busy))
        self.frames.failed.connect(lambda exc: self.reporter.report(exc, "Viewer"))
        p.media.importRequested.connect(self.ask_import)
        p.media.filesDropped.connect(self.import_media)
        p.media.clipActivated.connect(self.select_clip)
        p.media.relinkRequested.connect(self.ask_relink)
        p.timeline.strip.scrubbed.connect(self.set_frame)
        p.timeline.strip.barClicked.connect(self.select_edit)
        b = p.timeline.buttons
        b["start"].clicked.connect(self.go_start)
        b["end"].clicked.connect(self.go_end)
        b["back"].clicked.connect(lambda: self.step(-1))
        b["forward"].clicked.connect(lambda: self.step(1))
        b["play"].clicked.connect(self.toggle_play)
        b["in"].clicked.connect(self.mark_in)
        b["out"].clicked.connect(self.mark_out)
        b["clear"].clicked.connect(self.clear_in_out)
        p.tools.previewRequested.connect(self.run_preview)
        p.tools.applyRequested.connect(self.apply)
        p.tools.replaceRequested.connect(self.replace_selected)
        p.tools.settingsChanged.connect(self._tool_settings_changed)
        p.viewer.canvas.regionChanged.connect(self._region_changed)
        p.edits.toggled.connect(self.toggle_edit)
        p.edits.selected.connect(self.select_edit)
        p.edits.removeRequested.connect(self.remove_edit)
        p.edits.signoffRequested.connect(self.ask_sign_off)
        p.renders.queueRequested.connect(self.queue_render)
        p.log.exportRequested.connect(self.ask_export)
        p.log.verifyRequested.connect(self.verify)
        self.queue.failed.connect(self.reporter.report)
        self.queue.finished.connect(lambda job: self.session.poll())

    def report(self, exc: BaseException, context: str = "") -> None:
        self.reporter.report(exc, context)

    # -- project -----------------------------------------------------------------------------
    def new_project(self, path: Path, name: str | None = None) -> bool:
        try:
            self.session.create(path, name)
        except Exception as exc:
            self.report(exc, "New project")
            return False
        self._after_open()
        return True

    def open_project(self, path: Path) -> bool:
        try:
            self.session.open(path)
        except Exception as exc:
            self.report(exc, f"Open {Path(path).name}")
            return False
        self._after_open()
        return True

    def _after_open(self) -> None:
        assert self.session.path is not None
        remember_recent(self.session.path)
        self.undo.clear()
        self.refs.clear()
        self.clip = None
        self.preview = None
        self.selected_edit = None
        project = self.session.project()
        self.relinked = load_relinks(project.id)
        self.queue.attach(self.session.path, project.id)
        self.refresh()
        clips = project.clips()
        if clips:
            self.select_clip(clips[0].id)
        self.projectOpened.emit()

    def close_project(self) -> None:
        self.stop_play()
        self.queue.attach(None, "")
        self.session.close()
        self.undo.clear()
        self.clip = None
        self.clip_edits = []
        p = self.panels
        p.media.set_clips([], set(), None)
        p.edits.set_edits([])
        p.timeline.set_clip(0, parse_rate(None), None)
        p.timeline.strip.set_bars([])
        p.viewer.canvas.set_original(None)
        p.viewer.canvas.set_result(None)
        p.log.set_entries([])
        p.log.set_badge(None, "no project")
        self.projectClosed.emit()

    def reload_catalog(self) -> None:
        from workbench.catalog import Catalog

        try:
            self.catalog = Catalog().entries()
        except Exception as exc:
            self.catalog = []
            self.report(exc, "Model catalogue")
        self.panels.tools.set_catalog(self.catalog)

    def clip_path(self, clip: Clip) -> str:
        return self.relinked.get(clip.id, clip.path)

    def refresh(self) -> None:
        """Re-read the project after any change (ours, a render's, another window's)."""
        if not self.session.is_open:
            return
        project = self.session.project()
        try:
            clips = project.clips()
            self.policy = project.policy()
        except Exception as exc:
            self.report(exc, "Reading the project")
            return
        self.offline = {
            c.id
            for c in clips
            if "%" not in self.clip_path(c) and not Path(self.clip_path(c)).exists()
        }
        p = self.panels
        p.media.set_clips(clips, self.offline, self.clip.id if self.clip else None)
        p.renders.set_clips(
            [(c.id, c.name) for c in clips], self.session.path.parent if self.session.path else None
        )
        p.tools.set_policy(self.policy)
        if self.clip is not None:
            self.clip_edits = project.edits(self.clip.id)
            if self.selected_edit not in {e.id for e in self.clip_edits}:
                self.selected_edit = None
                p.tools.replace_button.setEnabled(False)
            p.edits.set_edits(self.clip_edits, self.selected_edit, self._pending_signoff(project))
            self._update_bars()
            self.request_frame()
        for clip in clips:
            if clip.id not in self.offline and clip.id not in self._thumbs_done:
                self._thumbnail(clip)
        self.verify()
        title = f"{project.name} — Workbench"
        self.window.setWindowTitle(title)

    def _thumbnail(self, clip: Clip) -> None:
        self._thumbs_done.add(clip.id)
        path = self.clip_path(clip)
        count = int(clip.media.get("frame_count") or 1)

        def work(progress: Any) -> Any:
            from workbench.media import open_reader

            with open_reader(path) as reader:
                return reader.read(min(count // 2, len(reader) - 1))

        self.workers.start(
            work,
            name="thumbnail",
            on_done=lambda frame: self.panels.media.set_thumbnail(clip.id, frame_to_qimage(frame)),
            on_error=lambda exc: self.report(exc, f"Thumbnail of {clip.name}"),
        )

    # -- media -------------------------------------------------------------------------------
    def ask_import(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        if not self._need_project():
            return
        files, _ = QFileDialog.getOpenFileNames(
            self.window,
            "Import media",
            "",
            "Media (" + " ".join(f"*{s}" for s in sorted(MEDIA_SUFFIXES)) + ");;All files (*)",
        )
        if files:
            self.import_media([Path(f) for f in files])

    def _need_project(self) -> bool:
        if not self.session.is_open:
            self.report(
                UsageError("no project is open", hint="create or open a project first (File menu)")
            )
            return False
        return True

    def import_media(self, paths: list[Path]) -> None:
        if not self._need_project():
            return
        paths = [Path(p) for p in paths]

        def work(progress: Any) -> list[Any]:
            from workbench.media import safe_probe

            infos = []
            for n, path in enumerate(paths):
                progress.update(n / len(paths), f"reading {path.name}")
                # in a child process with a time limit: a hostile file cannot hang or crash the app
                infos.append(safe_probe(path, timeout=60.0))
            return infos

        self.status.emit(f"Importing {len(paths)} file(s)…")
        self.workers.start(
            work, name="import", on_done=self._imported, on_error=lambda e: self.report(e, "Import")
        )

    def _imported(self, infos: list[Any]) -> None:
        first: int | None = None
        try:
            with self.session.write() as project:
                for info in infos:
                    clip = project.add_clip(
                        Path(info.path), fingerprint=info.fingerprint, media=info.to_dict()
                    )
                    first = first or clip.id
        except Exception as exc:
            self.report(exc, "Import")
        if first is not None:
            self.select_clip(first)
            self.status.emit(f"Imported {len(infos)} clip(s)")

    def _pending_signoff(self, project: Any) -> set[int]:
        try:
            return set(project.edits_pending_signoff())
        except Exception as exc:
            self.report(exc, "Reading the sign-off state")
            return set()

    def ask_sign_off(self, edit_id: int) -> None:
        from PySide6.QtWidgets import QInputDialog

        edit = self._edit(edit_id)
        if edit is None:
            return
        note, ok = QInputDialog.getText(
            self.window,
            "Sign off the edit",
            f"Approve the {edit.tool} edit on frames {edit.frames[0]}–{edit.frames[1]}.\n"
            "Your name and this note go into the disclosure log. Note (optional):",
        )
        if ok:
            self.sign_off(edit_id, note)

    def sign_off(self, edit_id: int, note: str = "") -> None:
        """Record the operator's approval of an edit the policy holds for sign-off."""
        try:
            with self.session.write() as project:
                edit = project.sign_off(edit_id, note=note)
        except Exception as exc:
            self.report(exc, "Sign off")
            return
        self.status.emit(f"Signed off the {edit.tool} edit")
        self.refresh()

    def ask_relink(self, clip_id: int) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self.window, "Where is the clip now?")
        if path:
            self.relink(clip_id, Path(path))

    def relink(self, clip_id: int, path: Path) -> None:
        """Point an offline clip at its moved file; the core checks the content and logs it."""
        try:
            with self.session.write() as project:
                project.relink_clip(clip_id, path)
        except Exception as exc:
            self.report(exc, "Relink")
            return
        self.relinked.pop(clip_id, None)  # the project itself now holds the new path
        save_relinks(self.session.project().id, self.relinked)
        self._thumbs_done.discard(clip_id)
        self.refresh()

    # -- clip and frame ----------------------------------------------------------------------
    def select_clip(self, clip_id: int) -> None:
        try:
            clip = self.session.project().clip(clip_id)
        except Exception as exc:
            self.report(exc, "Select clip")
            return
        self.stop_play()
        self.clip = clip
        self.preview = None
        self.selected_edit = None
        self.panels.tools.replace_button.setEnabled(False)
        media = clip.media
        self.panels.timeline.set_clip(
            int(media.get("frame_count") or 0),
            parse_rate(media.get("frame_rate")),
            media.get("timecode"),
        )
        self.panels.viewer.canvas.set_original(None)
        self.panels.viewer.canvas.set_result(None)
        self.shown_original = -1
        self.shown_result = None
        self.frame = 0
        project = self.session.project()
        self.clip_edits = project.edits(clip.id)
        self.panels.edits.set_edits(self.clip_edits, None, self._pending_signoff(project))
        self._update_bars()
        self.set_frame(0)

    @property
    def count(self) -> int:
        return self.panels.timeline.strip.count

    def set_frame(self, index: int) -> None:
        if self.clip is None or self.count <= 0:
            return
        self.frame = min(max(0, int(index)), self.count - 1)
        self.panels.timeline.strip.set_current(self.frame)
        self.panels.timeline.refresh()
        self.request_frame()

    def steps(self) -> tuple[Step, ...]:
        if self.clip is None or self.session.path is None:
            return ()
        folder = masks_dir(self.session.path)
        out = [
            Step(
                e.tool,
                dict(e.parameters),
                e.model_id,
                e.frames,
                dict(e.region),
                str(folder / f"{e.region['sha256']}.png")
                if e.region.get("kind") == "mask"
                else None,
            )
            for e in self.clip_edits
            if e.enabled
        ]
        if self.preview is not None and self.preview_frame == self.frame:
            out.append(self.preview)
        return tuple(out)

    def request_frame(self) -> None:
        canvas = self.panels.viewer.canvas
        if self.clip is None or self.clip.id in self.offline:
            if self.clip is not None:
                canvas.empty_text = (
                    f"{self.clip.name} is offline — select it in the media bin and press Relink…"
                )
                canvas.set_original(None)
            return
        canvas.empty_text = ""
        request = Request(
            self.clip_path(self.clip), self.frame, self.steps(), playing=self.speed != 0
        )
        self._expected = (self.frame, request.steps_key())
        if not request.steps:
            self.panels.viewer.canvas.set_result(None)
            self.shown_result = (self.frame, "")
        elif self.shown_result != self._expected:
            cached = self.frames.cached_result(request.path, self.frame, request.steps_key())
            if cached is None:
                self.panels.viewer.canvas.set_result(None)
        self.panels.viewer.canvas.playing_originals = bool(request.steps) and self.speed != 0
        self.frames.request(request)

    def _frame_ready(self, index: int, frame: Any) -> None:
        if index != self.frame:
            return
        self.panels.viewer.canvas.set_original(frame)
        self.shown_original = index
        self.frameShown.emit(index)

    def _result_ready(self, index: int, key: str, result: Any, diff: Any) -> None:
        if (index, key) != self._expected:
            return
        self.panels.viewer.canvas.set_result(result, diff)
        self.panels.viewer.canvas.playing_originals = False
        self.shown_result = (index, key)
        self.resultShown.emit(index)

    def displayed(self) -> bool:
        """True once the viewer shows the current frame (and its result, where there is one)."""
        if self.clip is None:
            return True
        if self.shown_original != self.frame:
            return False
        return self.shown_result == self._expected or not self._expected[1]

    # -- transport ---------------------------------------------------------------------------
    def step(self, delta: int) -> None:
        self.stop_play()
        self.set_frame(self.frame + delta)

    def go_start(self) -> None:
        self.step(-self.frame)

    def go_end(self) -> None:
        self.stop_play()
        self.set_frame(self.count - 1)

    def jump_edit(self, direction: int) -> None:
        """Up/Down: to the previous or next frame where an edit starts or ends."""
        marks = sorted(
            {e.frames[0] for e in self.clip_edits} | {e.frames[1] for e in self.clip_edits}
        )
        if direction > 0:
            target = next((m for m in marks if m > self.frame), None)
        else:
            target = next((m for m in reversed(marks) if m < self.frame), None)
        if target is not None:
            self.step(target - self.frame)

    def mark_in(self) -> None:
        strip = self.panels.timeline.strip
        strip.in_point = self.frame
        if strip.out_point is not None and strip.out_point < self.frame:
            strip.out_point = None
        self.panels.timeline.refresh()

    def mark_out(self) -> None:
        strip = self.panels.timeline.strip
        strip.out_point = self.frame
        if strip.in_point is not None and strip.in_point > self.frame:
            strip.in_point = None
        self.panels.timeline.refresh()

    def clear_in_out(self) -> None:
        self.panels.timeline.strip.in_point = None
        self.panels.timeline.strip.out_point = None
        self.panels.timeline.refresh()

    def in_out(self) -> tuple[int, int]:
        strip = self.panels.timeline.strip
        a = strip.in_point if strip.in_point is not None else 0
        b = strip.out_point if strip.out_point is not None else self.count - 1
        return (a, b)

    def toggle_play(self) -> None:
        if self.speed:
            self.stop_play()
        else:
            self.play(1)

    def play(self, speed: int) -> None:
        if self.clip is None:
            return
        self.speed = speed
        rate = float(self.panels.timeline.rate)
        self._play.setInterval(max(5, round(1000 / (rate * abs(speed)))))
        self._play.start()
        self.panels.timeline.buttons["play"].setText("❚❚")

    def stop_play(self) -> None:
        if self.speed:
            self.speed = 0
            self._play.stop()
            self.panels.timeline.buttons["play"].setText("▶")
            self.request_frame()

    def shuttle(self, direction: int) -> None:
        """J/L: play backward/forward; pressing again doubles the speed (up to 8×)."""
        if self.speed and (self.speed > 0) == (direction > 0):
            self.play(max(-8, min(8, self.speed * 2)))
        else:
            self.play(direction)

    def _tick(self) -> None:
        if self.shown_original != self.frame:
            return  # the machine is behind: wait for this frame rather than queue up more
        nxt = self.frame + (1 if self.speed > 0 else -1)
        if not 0 <= nxt < self.count:
            self.stop_play()
            return
        self.set_frame(nxt)

    # -- tools: preview and apply ------------------------------------------------------------
    def _tool_settings_changed(self) -> None:
        if self.preview is not None:
            self.preview = None
            self.request_frame()

    def _region_changed(self, region: dict[str, Any]) -> None:
        self.region = region
        self.panels.tools.set_region_text(region)
        if self.preview is not None:
            self.run_preview()

    def current_region(self) -> tuple[dict[str, Any], np.ndarray | None]:
        canvas = self.panels.viewer.canvas
        region = canvas.region()
        if region["kind"] == "mask" and canvas.mask is not None:
            return region, canvas.mask.astype(np.float32) / 255.0
        return region, None

    def run_preview(self) -> None:
        if self.clip is None:
            self.report(UsageError("no clip is selected", hint="import a clip and select it"))
            return
        tools = self.panels.tools
        try:
            tool = tools.tool()
            params = tools.params()
            region, mask = self.current_region()
        except Exception as exc:
            self.report(exc, "Preview")
            return
        self.preview = Step(
            tool.id, params, tools.model_id(), (self.frame, self.frame), region, None, mask
        )
        self.preview_frame = self.frame
        if self.panels.viewer.canvas.mode == Mode.ORIGINAL:
            self.panels.viewer.set_mode(Mode.SPLIT)
        self.request_frame()

    def _spec(self, frames: tuple[int, int]) -> EditSpec:
        """The tools panel's settings and the viewer's region, as an edit of ``frames``."""
        assert self.clip is not None and self.session.path is not None
        tools = self.panels.tools
        tool = tools.tool()
        params = tools.params()
        check_edit_range(
            tool,
            params,
            frames,
            self.count,
            field_order=int(self.clip.media.get("field_order") or 0),
        )
        region, mask = self.current_region()
        if region["kind"] == "mask" and mask is not None:
            region = {"kind": "mask", "sha256": save_mask(self.session.path, mask)}
        entry = tools.model_entry()
        if entry is None:
            raise UsageError(f"the model {tools.model_id()} is not in the catalogue")
        return EditSpec(
            clip_id=self.clip.id,
            tool=tool.id,
            tool_name=tool.name,
            tool_version=tool.version,
            parameters=params,
            frames=frames,
            classification=tool.classification.as_dict(),
            region=region,
            model=entry,
            provider=self._provider(entry.id),
        )

    def apply(self, scope: str) -> None:
        if self.clip is None or self.session.path is None:
            self.report(UsageError("no clip is selected", hint="import a clip and select it"))
            return
        try:
            if scope == "frame":
                frames = (self.frame, self.frame)
            elif scope == "range":
                frames = self.in_out()
            else:
                frames = (0, self.count - 1)
            spec = self._spec(frames)
            edit = spec.add(self.session)
        except Exception as exc:
            self.report(exc, f"Apply {self.panels.tools.tool().name}")
            return
        self.preview = None
        self.undo.push(ApplyEditCommand(self.session, self.report, spec, self.refs.ref(edit.id)))
        self.status.emit(self.undo.undoText())

    def replace_selected(self) -> None:
        """The selected edit, changed to the tools panel's settings and the viewer's region."""
        from workbench.tools.registry import get_tool

        edit = self._edit(self.selected_edit) if self.selected_edit is not None else None
        if edit is None:
            self.report(UsageError("no edit is selected", hint="select one in the edit stack"))
            return
        try:
            old_tool = get_tool(edit.tool)
            entry = next((m for m in self.catalog if m.sha256 == edit.model_sha256), None)
            old = EditSpec.from_edit(edit, old_tool.name, old_tool.classification.as_dict(), entry)
            new = self._spec(edit.frames)
            new.enabled = edit.enabled
            old_ref, new_ref = self.refs.ref(edit.id), self.refs.fresh()
            ReplaceEditCommand.swap(self.session, old_ref, "remove", new_ref, new)
        except Exception as exc:
            self.report(exc, "Update the selected edit")
            return
        self.preview = None
        self.undo.push(ReplaceEditCommand(self.session, self.report, old_ref, old, new_ref, new))
        self.select_edit(new_ref.id)

    def _provider(self, model_id: str) -> str:
        from workbench.inference import choose_providers
        from workbench.inference.engine import SessionOptions

        try:
            cached = self.frames.engines.cached(model_id)
            if cached is not None:
                return str(cached.provider)
            return choose_providers(SessionOptions.from_settings().providers)[0]
        except Exception:
            return "CPUExecutionProvider"

    # -- edit stack --------------------------------------------------------------------------
    def _edit(self, edit_id: int) -> Edit | None:
        return next((e for e in self.clip_edits if e.id == edit_id), None)

    def _update_bars(self) -> None:
        bars = [
            EditBar(e.id, e.tool, e.frames[0], e.frames[1], e.enabled, f"{n}. {e.tool}")
            for n, e in enumerate(self.clip_edits, start=1)
        ]
        self.panels.timeline.strip.set_bars(bars)
        self.panels.timeline.strip.selected = self.selected_edit

    def toggle_edit(self, edit_id: int, enabled: bool) -> None:
        edit = self._edit(edit_id)
        if edit is None:
            return
        self.undo.push(
            ToggleEditCommand(
                self.session, self.report, self.refs.ref(edit_id), enabled, f"{edit.tool} edit"
            )
        )

    def remove_edit(self, edit_id: int) -> None:
        from workbench.tools.registry import get_tool

        edit = self._edit(edit_id)
        if edit is None:
            return
        try:
            tool = get_tool(edit.tool)
            entry = next((m for m in self.catalog if m.sha256 == edit.model_sha256), None)
            spec = EditSpec.from_edit(edit, tool.name, tool.classification.as_dict(), entry)
        except Exception as exc:
            self.report(exc, "Remove edit")
            return
        self.undo.push(RemoveEditCommand(self.session, self.report, self.refs.ref(edit_id), spec))

    def select_edit(self, edit_id: int | None) -> None:
        self.selected_edit = edit_id
        self.panels.tools.replace_button.setEnabled(edit_id is not None)
        self.panels.timeline.strip.selected = edit_id
        self.panels.timeline.strip.update()
        if edit_id is None:
            return
        self.panels.edits.select(edit_id)
        edit = self._edit(edit_id)
        if edit is None:
            return
        mask = None
        if edit.region.get("kind") == "mask" and self.session.path is not None:
            from workbench.qt.frames import load_mask

            mask = load_mask(str(masks_dir(self.session.path) / f"{edit.region['sha256']}.png"))
        self._load_into_tools(edit)
        canvas = self.panels.viewer.canvas
        canvas.set_region(edit.region, mask)
        if edit.region.get("kind") == "rect":
            self.panels.viewer.set_region_tool(RegionTool.RECT)
        self.panels.tools.set_region_text(edit.region)
        if not edit.frames[0] <= self.frame <= edit.frames[1]:
            self.set_frame(edit.frames[0])

    def _load_into_tools(self, edit: Edit) -> None:
        """Selecting an edit shows its tool, model and settings, ready to try variations."""
        tools = self.panels.tools
        tools.select_tool(edit.tool)
        for name, value in edit.parameters.items():
            if name in tools.editors:
                tools.set_param(name, value)
        index = tools.model_combo.findData(edit.model_id)
        if index >= 0:
            tools.model_combo.setCurrentIndex(index)

    # -- policy, models, preferences ---------------------------------------------------------
    def set_policy(self, policy: Policy) -> bool:
        try:
            with self.session.write() as project:
                project.set_policy(policy)
        except Exception as exc:
            self.report(exc, "Project policy")
            return False
        return True

    def import_model(self, onnx: Path, card: Path | None) -> None:
        from workbench.config import user_models_dir
        from workbench.qt.dialogs import import_model

        def work(progress: Any) -> Path:
            return import_model(onnx, card, user_models_dir())

        def done(path: Path) -> None:
            self.reload_catalog()
            self.status.emit(f"Imported model {path.name}")

        self.workers.start(
            work,
            name="import model",
            on_done=done,
            on_error=lambda e: self.report(e, "Import model"),
        )

    def save_preferences(self, settings: dict[str, Any]) -> None:
        from workbench.config import save_settings

        try:
            save_settings(settings)
        except OSError as exc:
            self.report(UsageError(f"cannot save the preferences: {exc}"))
            return
        self.frames.invalidate()
        self.request_frame()

    # -- log ---------------------------------------------------------------------------------
    def verify(self) -> None:
        """Re-read and re-check the log off the GUI thread (on open and after each change)."""
        if self.session.path is None:
            return
        if self._verifying:
            self._verify_pending = True
            return
        self._verifying = True
        path = self.session.path
        self.panels.log.set_badge(None, "verifying…")

        def work(progress: Any) -> tuple[bool, str, list[dict[str, Any]]]:
            # Reading and verifying a long log takes a while: both happen here, on a worker
            # with its own read-only connection, never on the GUI thread.
            from workbench.project import Project

            with Project.open(path, readonly=True) as project:
                entries = project.log.entries()
                report = project.verify()
            return report.ok, report.summary(), entries

        def done(result: tuple[bool, str, list[dict[str, Any]]]) -> None:
            self._verifying = False
            if self.session.path == path:  # not if another project was opened meanwhile
                self.panels.log.set_entries(result[2])
                self.panels.log.set_badge(result[0], result[1])
                self.verified.emit(result[0])
            if self._verify_pending:
                self._verify_pending = False
                self.verify()

        def failed(exc: BaseException) -> None:
            self._verifying = False
            self.panels.log.set_badge(False, f"cannot verify: {exc}")
            self.report(exc, "Verify the log")

        self.workers.start(work, name="verify", on_done=done, on_error=failed)

    def ask_export(self, fmt: str) -> None:
        from PySide6.QtWidgets import QFileDialog

        from workbench.disclosure.exporters import REGISTRY

        if not self._need_project():
            return
        assert self.session.path is not None
        ext = REGISTRY[fmt][1]
        default = self.session.path.with_name(f"{self.session.path.stem}-log{ext}")
        path, _ = QFileDialog.getSaveFileName(self.window, f"Export the log ({fmt})", str(default))
        if path:
            self.export_log(fmt, Path(path))

    def export_log(self, fmt: str, target: Path) -> None:
        if not self._need_project():
            return
        assert self.session.path is not None
        path = self.session.path

        def work(progress: Any) -> str:
            from workbench.disclosure.exporters import ExportContext, export
            from workbench.disclosure.store import utc_now
            from workbench.project import Project

            with Project.open(path, readonly=True) as project:
                data = project.log_data()
            progress.update(0.5, "writing")
            export(fmt, ExportContext(data=data, exported=utc_now()), target)
            return str(target)

        def done(out: str) -> None:
            self.status.emit(f"Exported the log to {out}")
            self.exported.emit(fmt, out)

        self.workers.start(
            work, name="export", on_done=done, on_error=lambda e: self.report(e, f"Export ({fmt})")
        )

    # -- renders -----------------------------------------------------------------------------
    def queue_render(self, clip_id: int, output: str, codec: str | None) -> RenderJob | None:
        if not self._need_project():
            return None
        try:
            clip = self.session.project().clip(clip_id)
        except Exception as exc:
            self.report(exc, "Render")
            return None
        return self.queue.add(RenderJob(clip.id, clip.name, output, codec))

    # -- shutting down -----------------------------------------------------------------------
    def shutdown(self) -> None:
        self.stop_play()
        self.queue.shutdown()
        self.frames.stop()
        self.workers.shutdown()
        self.session.close()


# -- remembered things ----------------------------------------------------------------------
def recent_projects() -> list[str]:
    value = QSettings().value("recentProjects", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or []) if Path(str(v)).exists()]


def remember_recent(path: Path) -> None:
    items = [str(path.resolve())] + [p for p in recent_projects() if p != str(path.resolve())]
    QSettings().setValue("recentProjects", items[:10])


def load_relinks(project_id: str) -> dict[int, str]:
    import json

    raw = QSettings().value(f"relink/{project_id}", "{}")
    try:
        return {int(k): str(v) for k, v in json.loads(str(raw)).items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def save_relinks(project_id: str, mapping: dict[int, str]) -> None:
    import json

    QSettings().setValue(
        f"relink/{project_id}", json.dumps({str(k): v for k, v in mapping.items()})
    )
