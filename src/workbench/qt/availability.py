"""What the window offers now: nothing that needs a project without one, no change in a
read-only window, no Preview or Apply without a clip.

Export, Verify, Apply and the render queue were enabled with no project open, and answered a
click with "no project is open". Now they are enabled only when they can act; Import stays
enabled and offers to create or open a project; the empty viewer says how to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from workbench.qt.main_window import MainWindow

NO_PROJECT = "No project open — File ▸ New Project… (Ctrl+N) or Open Project… (Ctrl+O)"
NEEDS_PROJECT = ("actionCloseProject", "actionVerify")
NEEDS_WRITABLE = (
    "actionPolicy",
    "actionImportCut",
    "actionCastConsent",
    "actionDeliverShots",
    "actionApplyRecipe",
)


class Availability(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        c = window.controller
        c.projectOpened.connect(self.update)
        c.projectClosed.connect(self.update)
        c.state.events.clip.connect(lambda _clip: self.update())
        self.update()

    def _actions(self, names: tuple[str, ...]) -> list[QAction]:
        found = (self.window.findChild(QAction, name) for name in names)
        return [action for action in found if action is not None]

    def update(self) -> None:
        c, p = self.window.controller, self.window.panels
        is_open = c.session.is_open
        writable = is_open and not c.session.read_only
        clip = c.state.clip is not None
        exports = tuple(f"actionExport_{fmt}" for fmt in p.log.export_buttons)
        for action in self._actions(NEEDS_PROJECT + exports):
            action.setEnabled(is_open)
        for action in self._actions(NEEDS_WRITABLE):
            action.setEnabled(writable)
        for button in [*p.log.export_buttons.values(), p.log.verify_button]:
            button.setEnabled(is_open)
        renders = p.renders
        for widget in (renders.clip_combo, renders.codec_combo, renders.output, renders.browse):
            widget.setEnabled(writable)
        renders.add_button.setEnabled(writable)
        renders.add_button.setToolTip(
            "Add a render to the queue" if writable
            else "Renders write the project: open it for editing" if is_open
            else "Open or create a project first"
        )  # fmt: skip
        p.media.import_button.setEnabled(not is_open or writable)
        p.tools.set_available(preview=clip, apply=clip and writable)
        canvas = p.viewer.canvas
        if not is_open:
            canvas.empty_text = NO_PROJECT
        elif canvas.empty_text == NO_PROJECT:
            canvas.empty_text = ""
        canvas.update()
