"""The main window: it assembles the panels, docks and menus, and nothing else."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

from workbench.disclosure.exporters import formats
from workbench.qt import prompts
from workbench.qt.availability import Availability
from workbench.qt.controller import Controller, Panels, recent_projects
from workbench.qt.edit_stack import EditStackPanel
from workbench.qt.key_focus import NavigationKeysStay
from workbench.qt.log_panel import LogPanel
from workbench.qt.media_bin import MediaBinPanel
from workbench.qt.render_queue import RenderQueue
from workbench.qt.render_queue_panel import RenderQueuePanel
from workbench.qt.shortcuts import keys_for
from workbench.qt.timeline import TimelinePanel
from workbench.qt.tools_panel import ToolsPanel
from workbench.qt.view_state import ViewState
from workbench.qt.viewer import MODE_LABELS, Mode, ViewerPanel
from workbench.qt.window_extras import WindowExtras
from workbench.qt.window_fit import PREFERRED, first_size

# 2: the tracking dock, 3: the scopes, 4: the shot list (an older layout is not restored)
LAYOUT_VERSION = 4


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAccessibleName("Workbench")
        self.setWindowTitle("Workbench")
        self.resize(PREFERRED)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.render_queue = RenderQueue(self)
        self.state = ViewState()
        self.panels = Panels(
            media=MediaBinPanel(self),
            viewer=ViewerPanel(self),
            timeline=TimelinePanel(self.state, self),
            tools=ToolsPanel(self.state, self),
            edits=EditStackPanel(self.state, self),
            renders=RenderQueuePanel(self.render_queue, self),
            log=LogPanel(formats(), self),
        )
        self.controller = Controller(self, self.panels, self.render_queue, self.state)
        self.confirm_close: Callable[[], bool] = self._ask_close
        p = self.panels
        self.docks: dict[str, QDockWidget] = {}
        self.add_dock("media", "Media bin", p.media, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.add_dock("edits", "Edit stack", p.edits, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.add_dock("tools", "Tools", p.tools, Qt.DockWidgetArea.RightDockWidgetArea)
        self.add_dock("timeline", "Timeline", p.timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.add_dock("log", "Disclosure log", p.log, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.add_dock("renders", "Render queue", p.renders, Qt.DockWidgetArea.BottomDockWidgetArea)
        motion = self.controller.motion
        p.viewer.add_row(motion.bar)  # Preview range, A/B, solo
        self.add_dock("scopes", "Scopes", motion.scopes, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.docks["tools"], self.docks["scopes"])
        self.docks["tools"].raise_()
        self.splitDockWidget(self.docks["timeline"], self.docks["log"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["log"], self.docks["renders"])
        self.docks["log"].raise_()
        self.extras = WindowExtras(self)  # the start screen (central), tracking dock, presets
        self.resizeDocks(
            [self.docks["media"], self.docks["tools"]], [420, 400], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [self.docks["timeline"], self.docks["log"]], [110, 230], Qt.Orientation.Vertical
        )
        self._default_state = self.saveState(LAYOUT_VERSION)
        self.status_label = QLabel("", self)
        self.status_label.setObjectName("statusMessage")
        self.statusBar().addWidget(self.status_label, 1)
        self.operator_label = QLabel("", self)
        self.operator_label.setObjectName("statusOperator")
        self.operator_label.setToolTip("The operator recorded in the disclosure log (Preferences)")
        self.statusBar().addPermanentWidget(self.operator_label)
        self.show_operator()
        self.controller.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._menus()
        self._keys = NavigationKeysStay(self)  # arrow keys in a list move in the list
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._keys)
        self.availability = Availability(self)  # nothing enabled that cannot act now
        self.resize(first_size(self))
        self._restore_layout()

    def add_dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")
        dock.setAccessibleName(title)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        self.docks[key] = dock

    def make_action(
        self, menu: QMenu | None, text: str, name: str, slot: Callable[[], object]
    ) -> QAction:
        """An action named ``name``, its keys from the one shortcut table (``qt.shortcuts``)."""
        action = QAction(text, self)
        action.setObjectName(name)
        keys = keys_for(name)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _=False: slot())
        if menu is not None:
            menu.addAction(action)
        else:
            self.addAction(action)
        return action

    def _menus(self) -> None:
        bar = self.menuBar()
        file, edit = bar.addMenu("&File"), bar.addMenu("&Edit")
        self._file_menu(file)
        self._edit_menu(edit)
        self._view_menu(bar.addMenu("&View"))
        self._playback_menu(bar.addMenu("&Playback"))
        self._project_menu(bar.addMenu("&Project"))
        self.extras.add_menus(bar, file, edit)

    def _file_menu(self, file: QMenu) -> None:
        c = self.controller
        self.make_action(file, "&New Project…", "actionNewProject", self.ask_new_project)
        self.make_action(file, "&Open Project…", "actionOpenProject", self.ask_open_project)
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.setObjectName("menuRecent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.make_action(file, "&Import Media…", "actionImportMedia", c.ask_import)
        file.addSeparator()
        self.make_action(file, "&Close Project", "actionCloseProject", c.close_project)
        self.make_action(file, "&Quit", "actionQuit", self.close)

    def _edit_menu(self, edit: QMenu) -> None:
        undo = self.controller.undo.createUndoAction(self, "&Undo")
        undo.setObjectName("actionUndo")
        undo.setShortcut(QKeySequence(keys_for("actionUndo") or ""))
        redo = self.controller.undo.createRedoAction(self, "&Redo")
        redo.setObjectName("actionRedo")
        redo.setShortcut(QKeySequence(keys_for("actionRedo") or ""))
        edit.addAction(undo)
        edit.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        edit.addSeparator()
        self.make_action(edit, "&Preferences…", "actionPreferences", self.show_preferences)

    def _view_menu(self, view: QMenu) -> None:
        viewer = self.panels.viewer
        for mode in Mode:
            self.make_action(
                view, f"Viewer: {MODE_LABELS[mode]}", f"actionMode_{mode.value}",
                functools.partial(viewer.set_mode, mode),
            )  # fmt: skip
        self.make_action(view, "&Fit", "actionFit", lambda: viewer.canvas.set_zoom(None))
        self.make_action(view, "&100 %", "actionActualSize", lambda: viewer.canvas.set_zoom(1.0))
        view.addSeparator()
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        self.make_action(view, "Reset &layout", "actionResetLayout", self.reset_layout)

    def _playback_menu(self, play: QMenu) -> None:
        t = self.controller.transport
        actions: tuple[tuple[str, str, Callable[[], object]], ...] = (
            ("Play / pause", "actionPlay", t.toggle_play),
            ("Play backward (J)", "actionShuttleBack", lambda: t.shuttle(-1)),
            ("Stop (K)", "actionStop", t.stop),
            ("Play forward (L)", "actionShuttleForward", lambda: t.shuttle(1)),
            ("Preview range", "actionPreviewRange", self.controller.motion.preview_range),
            ("Previous frame", "actionPrevFrame", lambda: t.step(-1)),
            ("Next frame", "actionNextFrame", lambda: t.step(1)),
            ("Previous edit", "actionPrevEdit", lambda: t.jump_edit(-1)),
            ("Next edit", "actionNextEdit", lambda: t.jump_edit(1)),
            ("Set in point", "actionMarkIn", t.mark_in),
            ("Set out point", "actionMarkOut", t.mark_out),
            ("Go to start", "actionStart", t.go_start),
            ("Go to end", "actionEnd", t.go_end),
        )
        for text, name, slot in actions:
            self.make_action(play, text, name, slot)

    def _project_menu(self, project: QMenu) -> None:
        c = self.controller
        self.make_action(project, "&Policy…", "actionPolicy", self.show_policy)
        self.make_action(project, "&Model Library…", "actionModelLibrary", self.show_models)
        self.make_action(project, "&Verify Log", "actionVerify", c.verify)
        for fmt in formats():
            self.make_action(
                project,
                f"Export Log as {fmt.upper()}…",
                f"actionExport_{fmt}",
                functools.partial(c.ask_export, fmt),
            )

    def show_operator(self) -> None:
        from workbench.qt.operator_prompt import operator_text

        self.operator_label.setText(operator_text())

    # -- layout ------------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState(LAYOUT_VERSION))

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in self.docks.values():
            dock.show()

    # -- dialogs -----------------------------------------------------------------------------
    def ask_new_project(self) -> None:
        answer = prompts.new_project(self)
        if answer is not None:
            self.controller.new_project(*answer)

    def ask_open_project(self) -> None:
        path = prompts.project_file(self)
        if path is not None:
            self.controller.open_project(path)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = recent_projects()
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(functools.partial(self._open_recent, Path(path)))

    def _open_recent(self, path: Path, _checked: bool = False) -> None:
        self.controller.open_project(path)

    def show_policy(self) -> None:
        from workbench.qt.dialogs import PolicyDialog

        c = self.controller
        if not c.need_project():
            return
        dialog = PolicyDialog(c.session.project().policy(), c.catalog, self)
        if dialog.exec():
            c.set_policy(dialog.policy())

    def show_models(self) -> None:
        from workbench.qt.dialogs import ModelLibraryDialog

        dialog = ModelLibraryDialog(self.controller.catalog, self)
        dialog.importRequested.connect(self.controller.import_model)
        self.controller.panels.tools.set_catalog(self.controller.catalog)
        dialog.exec()

    def show_preferences(self) -> None:
        from workbench.config import load_settings
        from workbench.inference import local_providers
        from workbench.qt.dialogs import PreferencesDialog

        try:
            providers = local_providers()  # offline: no provider that runs elsewhere
        except Exception:
            providers = ["CPUExecutionProvider"]
        dialog = PreferencesDialog(load_settings(), providers, self)
        if dialog.exec():
            self.controller.save_preferences(dialog.result_settings())
            self.show_operator()

    # -- closing -----------------------------------------------------------------------------
    def _ask_close(self) -> bool:
        answer = QMessageBox.question(
            self,
            "A render is running",
            "A render is still running. Stop it and close? It resumes where it stopped the next "
            "time you open the project and press Resume.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.render_queue.busy and not self.confirm_close():
            event.ignore()
            return
        self.save_layout()
        self.controller.shutdown()
        event.accept()
