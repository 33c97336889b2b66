"""Parts of the main window assembled here to keep ``main_window`` a list of parts: the start
screen, the tracking dock, moving edits, render presets and "render all clips", a film's shot
list, cut strip, cast and consent dialog and deliver-all job, and the menu items that reach them
(their keys come from :mod:`workbench.qt.shortcuts`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMenuBar

from workbench.qt import prompts
from workbench.qt.cast_dialog import CastDialog
from workbench.qt.render_presets import PresetRow
from workbench.qt.shortcuts import ShortcutsDialog
from workbench.qt.shot_actions import ShotActions
from workbench.qt.shot_list import ShotListPanel
from workbench.qt.start_page import CentralStack, StartPage
from workbench.qt.tracking_actions import TrackingActions
from workbench.qt.tracking_panel import TrackingPanel
from workbench.qt.window_fit import scrollable

if TYPE_CHECKING:
    from workbench.qt.main_window import MainWindow


class WindowExtras:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        c, p = window.controller, window.panels
        self.start = StartPage(window)
        self.central = CentralStack(p.viewer, self.start, window)
        window.setCentralWidget(self.central)
        self._shots(window)  # before the tracking dock: tabbing after it left a stale tab bar
        self.tracking_panel = TrackingPanel(window)
        window.add_dock(  # it scrolls, so the window still fits a laptop (window_fit)
            "tracking",
            "Tracking",
            scrollable(self.tracking_panel, "trackingScroll"),
            Qt.DockWidgetArea.LeftDockWidgetArea,
        )
        window.tabifyDockWidget(window.docks["edits"], window.docks["tracking"])
        window.docks["edits"].raise_()
        self.tracking = TrackingActions(
            c.session, c.state, c.feed, self.tracking_panel, p.timeline, c.workers, c.report,
            c.status.emit,
        )  # fmt: skip
        c.actions.track_source = self.tracking.active_track
        c.feed.track_source = self.tracking.active_track  # a preview follows it as Apply does
        c.feed.track_masks = lambda: dict(self.tracking.masks)
        p.edits.moveRequested.connect(c.actions.move)
        self.presets = PresetRow(p.renders, lambda: c.session.path, c.queue_render, c.report)
        self.start.newRequested.connect(window.ask_new_project)
        self.start.openRequested.connect(window.ask_open_project)
        self.start.footageRequested.connect(self.ask_new_from_footage)
        self.start.recentRequested.connect(c.open_project)
        c.projectOpened.connect(lambda: self.central.show_start(False))
        c.projectClosed.connect(lambda: self.central.show_start(True))

    def _shots(self, window: MainWindow) -> None:
        """The shot list beside the media bin, the cut above the timeline (a whole film)."""
        c, p = window.controller, window.panels
        self.shot_list = ShotListPanel(window)
        window.add_dock("shots", "Shots", self.shot_list, Qt.DockWidgetArea.LeftDockWidgetArea)
        window.tabifyDockWidget(window.docks["media"], window.docks["shots"])
        window.docks["media"].raise_()
        self.shots = ShotActions(
            window, c.session, c.workers, c.undo, window.render_queue, self.shot_list,
            p.timeline, c.report, c.status.emit, self.open_clip,
        )  # fmt: skip
        self.shot_list.castRequested.connect(self.show_cast)
        c.session.changed.connect(self.shots.refresh)
        c.projectOpened.connect(self._sequence_opened)
        c.projectClosed.connect(self.shots.clear)
        c.state.events.clip.connect(lambda clip: self.shots.follow_clip(clip.id if clip else None))

    def _sequence_opened(self) -> None:
        self.shots.refresh()
        if self.shots.states:  # a film: its shots in front of the media bin, with room
            docks = self.window.docks
            docks["shots"].raise_()
            self.window.resizeDocks(
                [docks["shots"], docks["edits"]], [470, 240], Qt.Orientation.Vertical
            )

    def open_clip(self, clip_id: int, frame: int) -> None:
        c = self.window.controller
        c.select_clip(clip_id)
        c.set_frame(frame)

    def show_cast(self, shots: list[int] | None = None) -> CastDialog | None:
        """Project ▸ Cast and Consent… (from the shot list: to tag its selected shots)."""
        c = self.window.controller
        if not c.need_project():
            return None
        picked = shots if shots is not None else self.shot_list.selected_shots()
        dialog = CastDialog(self.shots, picked, self.window)
        dialog.setModal(False)
        dialog.finished.connect(lambda _: self.shots.refresh())
        dialog.show()
        self.cast_dialog = dialog
        return dialog

    def _shown(self, action: Callable[[], None]) -> Callable[[], None]:
        """``action``, with the tracking dock brought to the front (it shares a tab)."""

        def run() -> None:
            self.window.docks["tracking"].raise_()
            action()

        return run

    # -- menus -------------------------------------------------------------------------------------
    def add_menus(self, bar: QMenuBar, file: QMenu, edit: QMenu) -> None:
        w, p = self.window, self.window.panels
        footage = w.make_action(
            None, "New from &Footage…", "actionNewFromFootage", self.ask_new_from_footage
        )
        opening = next((a for a in file.actions() if a.objectName() == "actionOpenProject"), None)
        if opening is not None:
            file.insertAction(opening, footage)
        else:
            file.addAction(footage)
        edit.addSeparator()
        tools = p.tools
        for text, name, slot in (
            ("&Preview", "actionPreview", tools.previewRequested.emit),
            ("Apply to &Frame", "actionApplyFrame", lambda: tools.applyRequested.emit("frame")),
            ("Apply &In–Out", "actionApplyRange", lambda: tools.applyRequested.emit("range")),
            ("Apply to &Clip", "actionApplyClip", lambda: tools.applyRequested.emit("clip")),
        ):
            w.make_action(edit, text, name, slot)
        edit.addSeparator()
        w.make_action(edit, "Move Edit &Up", "actionMoveEditUp", lambda: p.edits.move_selected(1))
        w.make_action(
            edit, "Move Edit &Down", "actionMoveEditDown", lambda: p.edits.move_selected(-1)
        )
        w.make_action(
            edit, "Set Tracking &Keyframe", "actionSetKeyframe", self._shown(self.tracking.set_key)
        )
        w.make_action(edit, "&Track Region", "actionTrack", self._shown(self.tracking.run_track))
        w.make_action(
            edit,
            "Apply &Recipe to Selected Shots",
            "actionApplyRecipe",
            self.shot_list.apply_button.click,
        )
        cut = w.make_action(None, "Import &Cut…", "actionImportCut", self.shots.ask_import_cut)
        names = [a.objectName() for a in file.actions()]
        if "actionImportMedia" in names and names.index("actionImportMedia") + 1 < len(names):
            file.insertAction(file.actions()[names.index("actionImportMedia") + 1], cut)
        else:
            file.addAction(cut)
        cast = w.make_action(None, "Cast and &Consent…", "actionCastConsent", self.show_cast)
        menus = [a.menu() for a in bar.actions() if a.text() == "&Project"]
        project = menus[0] if menus and isinstance(menus[0], QMenu) else None
        if project is not None and project.actions():
            project.insertAction(project.actions()[0], cast)
        render = bar.addMenu("&Render")
        w.make_action(render, "&Add to Queue", "actionRender", p.renders.add_button.click)
        w.make_action(render, "Render &All Clips", "actionRenderAll", self.presets.render_all)
        w.make_action(
            render, "&Deliver Shots…", "actionDeliverShots", self.shot_list.deliver_button.click
        )
        w.make_action(render, "&Save Render Preset…", "actionSavePreset", self.presets.save)
        help_menu = bar.addMenu("&Help")
        w.make_action(help_menu, "&Keyboard Shortcuts", "actionShortcuts", self.show_shortcuts)

    # -- actions -----------------------------------------------------------------------------------
    def ask_new_from_footage(self, files: list[Path] | None = None) -> bool:
        """Pick footage; a project is made beside it (named after its folder), then imported."""
        from workbench.editing.footage import project_beside

        c = self.window.controller
        chosen = files if files is not None else prompts.media_files(self.window)
        if not chosen:
            return False
        try:
            path = project_beside(chosen)
        except Exception as exc:
            c.report(exc, "New from footage")
            return False
        if not c.new_project(path):
            return False
        c.import_media(list(chosen))
        c.status.emit(f"Created {path.name} beside the footage; importing {len(chosen)} file(s)")
        return True

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.window)
        dialog.setModal(False)
        dialog.show()
        self.shortcuts_dialog = dialog
        return dialog


__all__ = ["WindowExtras"]
