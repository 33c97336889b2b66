"""The controller: assembles the window's parts and keeps the panels in step with the project.

It owns the project session, the view state, the frame service, the undo stack, the render
queue and the error route, and hands the panels' requests to the part that serves them: the
transport (play, step, marks), the viewer feed (what the viewer shows, the preview), the edit
actions (``workbench.editing`` commands on the undo stack), the media and log actions, and the
prompts. Panels never call the core themselves, and the main window only assembles panels and
menus around this object.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from workbench import editing
from workbench.catalog import Catalog
from workbench.catalog.catalog import CatalogEntry
from workbench.errors import ProjectInUseError, UsageError
from workbench.project import Clip, Edit, Policy
from workbench.qt import prompts
from workbench.qt.edit_actions import EditActions
from workbench.qt.edit_stack import EditStackPanel
from workbench.qt.errors import ErrorReporter
from workbench.qt.frames import FrameService
from workbench.qt.log_actions import LogActions
from workbench.qt.log_panel import LogPanel
from workbench.qt.media_actions import MediaActions
from workbench.qt.media_bin import MediaBinPanel
from workbench.qt.motion import MotionActions
from workbench.qt.preview import ViewerFeed
from workbench.qt.prompts import MEDIA_SUFFIXES
from workbench.qt.remembered import recent_projects, remember_recent
from workbench.qt.render_queue import RenderJob, RenderQueue
from workbench.qt.render_queue_panel import RenderQueuePanel
from workbench.qt.session import ProjectSession
from workbench.qt.timeline import TimelinePanel
from workbench.qt.timing import timed
from workbench.qt.tools_panel import ToolsPanel
from workbench.qt.transport import Transport
from workbench.qt.view_state import ViewState
from workbench.qt.viewer import ViewerPanel
from workbench.qt.workers import Workers, preload_libraries

__all__ = ["MEDIA_SUFFIXES", "Controller", "Panels", "recent_projects"]


@dataclass
class Panels:
    media: MediaBinPanel
    viewer: ViewerPanel
    timeline: TimelinePanel
    tools: ToolsPanel
    edits: EditStackPanel
    renders: RenderQueuePanel
    log: LogPanel


class Controller(QObject):
    projectOpened = Signal()
    projectClosed = Signal()
    status = Signal(str)

    def __init__(
        self, window: QWidget, panels: Panels, queue: RenderQueue, state: ViewState | None = None
    ) -> None:
        super().__init__(window)
        preload_libraries()
        self.window, self.panels, self.queue = window, panels, queue
        self.state = state if state is not None else ViewState()
        self.session = ProjectSession(self)
        self.reporter = ErrorReporter(window)
        self.workers = Workers(self)
        self.frames = FrameService(self)
        self.undo = QUndoStack(self)
        self.catalog: list[CatalogEntry] = []
        self._catalog = Catalog()
        self.policy = Policy()
        self.ask_read_only: Callable[[ProjectInUseError], bool] = functools.partial(
            prompts.open_read_only, window
        )
        self.offer_project: Callable[[], str | None] = functools.partial(prompts.no_project, window)
        self.media = MediaActions(
            self.session, self.workers, panels.media, self.report, self.status.emit,
            self.select_clip,
        )  # fmt: skip
        self.feed = ViewerFeed(
            self.state, self.frames, panels.viewer, self.media.source, lambda: self.session.path,
            self, catalog=lambda: self._catalog,
        )  # fmt: skip
        self.transport = Transport(self.state, self.feed.showing, self)
        self.motion = MotionActions(
            self.state, self.frames, self.feed, panels.timeline.strip, panels.tools,
            self.media.source, self.status.emit, self.report, self,
        )  # fmt: skip
        self.actions = EditActions(
            self.session, self.state, self.undo, panels.tools, self.feed, lambda: self._catalog,
            self.report,
        )  # fmt: skip
        self.log = LogActions(
            self.session, self.workers, panels.log, self.report, self.status.emit, self
        )
        self.frameShown, self.resultShown = self.feed.frameShown, self.feed.resultShown
        self.verified, self.exported = self.log.verified, self.log.exported
        self._connect()
        self.reload_catalog()

    # -- wiring ------------------------------------------------------------------------------
    def _connect(self) -> None:
        p, a = self.panels, self.actions
        self.session.changed.connect(self.refresh)
        self.frames.failed.connect(lambda exc: self.report(exc, "Viewer"))
        p.media.importRequested.connect(self.ask_import)
        p.media.filesDropped.connect(self.import_media)
        p.media.clipActivated.connect(self.select_clip)
        p.media.relinkRequested.connect(self.ask_relink)
        p.media.colourSpaceRequested.connect(self.set_colour_space)
        self._connect_transport()
        p.tools.previewRequested.connect(self.run_preview)
        p.tools.applyRequested.connect(self.apply)
        p.tools.replaceRequested.connect(a.replace_selected)
        p.tools.settingsChanged.connect(lambda: self.state.set_preview(None))
        p.viewer.canvas.regionChanged.connect(self._region_changed)
        p.edits.toggled.connect(a.toggle)
        p.edits.selected.connect(a.select)
        p.edits.removeRequested.connect(a.remove)
        p.edits.signoffRequested.connect(self.ask_sign_off)
        p.renders.queueRequested.connect(self.queue_render)
        p.log.exportRequested.connect(self.ask_export)
        p.log.verifyRequested.connect(self.verify)
        self.queue.failed.connect(self.reporter.report)
        self.queue.finished.connect(lambda job: self.session.poll())
        self.state.events.clip.connect(
            lambda clip: p.renders.follow_clip(clip.id if clip else None)
        )

    def _connect_transport(self) -> None:
        t, timeline = self.transport, self.panels.timeline
        timeline.strip.scrubbed.connect(t.set_frame)
        timeline.strip.barClicked.connect(self.actions.select)
        for key, slot in (
            ("start", t.go_start),
            ("end", t.go_end),
            ("back", lambda: t.step(-1)),
            ("forward", lambda: t.step(1)),
            ("play", t.toggle_play),
            ("in", t.mark_in),
            ("out", t.mark_out),
            ("clear", t.clear_in_out),
        ):
            timeline.buttons[key].clicked.connect(slot)

    def report(self, exc: BaseException, context: str = "") -> None:
        self.reporter.report(exc, context)

    def need_project(self, *, offer: bool = False) -> bool:
        """Whether a project is open; with ``offer``, ask to create or open one first."""
        if self.session.is_open:
            return True
        if offer:
            choice = self.offer_project()
            if choice == "new" and (answer := prompts.new_project(self.window)) is not None:
                self.new_project(*answer)
            elif choice == "open" and (path := prompts.project_file(self.window)) is not None:
                self.open_project(path)
            return self.session.is_open
        hint = "create or open a project first (File menu)"
        self.report(UsageError("no project is open", hint=hint))
        return False

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
        """Open for editing; a project open in another window may be opened read-only."""
        try:
            try:
                self.session.open(path)
            except ProjectInUseError as exc:
                if not self.ask_read_only(exc):
                    self.status.emit(f"Not opened: {exc.message}")
                    return False
                self.session.open(path, read_only=True)
        except Exception as exc:
            self.report(exc, f"Open {Path(path).name}")
            return False
        self._after_open()
        return True

    def _after_open(self) -> None:
        assert self.session.path is not None
        remember_recent(self.session.path)
        self.undo.clear()
        self.actions.refs.clear()
        self.state.set_clip(None)
        project = self.session.project()
        self.media.attach(project.id)
        # a read-only window renders nothing: its renders would write the project
        self.queue.attach(None if self.session.read_only else self.session.path, project.id)
        self.refresh()
        clips = project.clips()
        if clips:
            self.select_clip(clips[0].id)
        self.projectOpened.emit()

    def close_project(self) -> None:
        self.transport.stop()
        self.queue.attach(None, "")
        self.session.close()
        self.undo.clear()
        self.state.set_clip(None)
        self.media.attach("")
        p = self.panels
        p.media.set_clips([], set(), None)
        p.log.set_rows([])
        p.log.set_badge(None, "no project")
        self.projectClosed.emit()

    def reload_catalog(self) -> None:
        try:
            self._catalog = Catalog()
            self.catalog = self._catalog.entries()
        except Exception as exc:
            self.catalog = []
            self.report(exc, "Model catalogue")
        self.panels.tools.set_catalog(self.catalog)

    @timed("Controller.refresh")
    def refresh(self) -> None:
        """Re-read the project after any change (ours, a render's, another window's)."""
        if not self.session.is_open:
            return
        project = self.session.project()
        try:
            clips = project.clips()
            policy = project.policy()
        except Exception as exc:
            self.report(exc, "Reading the project")
            return
        offline = self.media.update_offline(clips)
        p, clip = self.panels, self.state.clip
        p.media.set_clips(clips, offline, clip.id if clip else None)
        folder = self.session.path.parent if self.session.path else None
        p.renders.set_clips([(c.id, c.name) for c in clips], folder)
        if policy != p.tools.policy:
            p.tools.set_policy(policy)  # rebuilding the pickers drops nothing when it is the same
        self.policy = policy
        if clip is not None:
            self.state.set_edits(project.edits(clip.id), self._pending_signoff())
        self.media.thumbnails(clips)
        self.verify()
        read_only = " (read-only)" if self.session.read_only else ""
        self.window.setWindowTitle(f"{project.name}{read_only} — Workbench")

    def _pending_signoff(self) -> set[int]:
        try:
            return self.session.pending_signoff()
        except Exception as exc:
            self.report(exc, "Reading the sign-off state")
            return set()

    def select_clip(self, clip_id: int) -> None:
        try:
            project = self.session.project()
            clip = project.clip(clip_id)
            edits = project.edits(clip.id)
        except Exception as exc:
            self.report(exc, "Select clip")
            return
        self.state.set_clip(clip, edits, self._pending_signoff())

    # -- media -------------------------------------------------------------------------------
    def ask_import(self) -> None:
        if self.need_project(offer=True):
            files = prompts.media_files(self.window)
            if files:
                self.import_media(files)

    def import_media(self, paths: list[Path]) -> None:
        if self.need_project(offer=True):
            self.media.import_media(paths)

    def ask_relink(self, clip_id: int) -> None:
        path = prompts.moved_clip(self.window)
        if path is not None:
            self.relink(clip_id, path)

    def relink(self, clip_id: int, path: Path) -> None:
        if self.media.relink(clip_id, path):
            self.refresh()

    def set_colour_space(self, clip_id: int, name: str) -> None:
        """The clip's colour space set (logged); the viewer converts from it from now on."""
        if not self.media.set_colour_space(clip_id, name):
            return
        self.refresh()
        if self.state.clip is not None and self.state.clip.id == clip_id:
            self.select_clip(clip_id)  # the clip record the preview reads its colour from
        self.status.emit(f"Colour space of clip {clip_id}: {name}")

    # -- edits -------------------------------------------------------------------------------
    def _region_changed(self, region: dict[str, Any]) -> None:
        self.state.set_region(region)
        if self.state.preview is not None:
            self.run_preview()

    @timed("Controller.run_preview")
    def run_preview(self) -> None:
        try:
            self.feed.run_preview(self.panels.tools)
        except Exception as exc:
            self.report(exc, "Preview")

    def apply(self, scope: str) -> None:
        self.actions.apply(scope)
        self.status.emit(self.undo.undoText())

    def ask_sign_off(self, edit_id: int) -> None:
        edit = self.state.edit(edit_id)
        if edit is not None:
            note = prompts.sign_off_note(self.window, edit)
            if note is not None:
                self.sign_off(edit_id, note)

    def sign_off(self, edit_id: int, note: str = "") -> None:
        edit = self.actions.sign_off(edit_id, note)
        if edit is not None:
            self.status.emit(f"Signed off the {edit.tool} edit")
            self.refresh()

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

        def done(path: Path) -> None:
            self.reload_catalog()
            self.status.emit(f"Imported model {path.name}")

        self.workers.start(
            lambda progress: editing.import_model(onnx, card, user_models_dir()),
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
        self.feed.invalidate()

    # -- log ---------------------------------------------------------------------------------
    def verify(self) -> None:
        self.log.verify()

    def ask_export(self, fmt: str) -> None:
        if self.need_project() and self.session.path is not None:
            target = prompts.export_target(self.window, self.session.path, fmt)
            if target is not None:
                self.export_log(fmt, target)

    def export_log(self, fmt: str, target: Path, *, exported: str | None = None) -> None:
        if self.need_project():
            self.log.export_log(fmt, target, exported=exported)

    # -- renders -----------------------------------------------------------------------------
    @timed("Controller.queue_render")
    def queue_render(
        self, clip_id: int, output: str, codec: str | None, overwrite: bool = False
    ) -> RenderJob | None:
        if not self.need_project():
            return None
        try:
            clip = self.session.project().clip(clip_id)
        except Exception as exc:
            self.report(exc, "Render")
            return None
        return self.queue.add(RenderJob(clip.id, clip.name, output, codec, overwrite=overwrite))

    # -- shutting down -----------------------------------------------------------------------
    def shutdown(self) -> None:
        self.transport.stop()
        self.queue.shutdown()
        self.motion.shutdown()
        self.frames.stop()
        self.workers.shutdown()
        self.session.close()

    # -- the view, for scripts, the screenshot mode and tests -----------------------------------
    @property
    def clip(self) -> Clip | None:
        return self.state.clip

    @property
    def clip_edits(self) -> list[Edit]:
        return self.state.edits

    @property
    def frame(self) -> int:
        return self.state.frame

    @property
    def count(self) -> int:
        return self.state.count

    @property
    def speed(self) -> int:
        return self.state.speed

    @property
    def selected_edit(self) -> int | None:
        return self.state.selected_edit

    @property
    def shown_original(self) -> int:
        return self.feed.shown_original

    def displayed(self) -> bool:
        return self.feed.displayed()

    def set_frame(self, index: int) -> None:
        self.transport.set_frame(index)

    def in_out(self) -> tuple[int, int]:
        return self.state.in_out()

    def mark_in(self) -> None:
        self.transport.mark_in()

    def mark_out(self) -> None:
        self.transport.mark_out()

    def select_edit(self, edit_id: int | None) -> None:
        self.actions.select(edit_id)
