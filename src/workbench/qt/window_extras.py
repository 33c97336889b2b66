"""Parts of the main window assembled here to keep ``main_window`` a list of parts: the start
screen, the tracking dock, moving edits, render presets and "render all clips", and the menu
items that reach them (their keys come from :mod:`workbench.qt.shortcuts`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMenuBar

from workbench.qt import prompts
from workbench.qt.render_presets import PresetRow
from workbench.qt.shortcuts import ShortcutsDialog
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
        p.edits.moveRequested.connect(c.actions.move)
        self.presets = PresetRow(p.renders, lambda: c.session.path, c.queue_render, c.report)
        self.start.newRequested.connect(window.ask_new_project)
        self.start.openRequested.connect(window.ask_open_project)
        self.start.footageRequested.connect(self.ask_new_from_footage)
        self.start.recentRequested.connect(c.open_project)
        c.projectOpened.connect(lambda: self.central.show_start(False))
        c.projectClosed.connect(lambda: self.central.show_start(True))

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
        render = bar.addMenu("&Render")
        w.make_action(render, "&Add to Queue", "actionRender", p.renders.add_button.click)
        w.make_action(render, "Render &All Clips", "actionRenderAll", self.presets.render_all)
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
