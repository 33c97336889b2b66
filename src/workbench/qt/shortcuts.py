"""Every keyboard shortcut of the window, in one table.

The main window gives each action the keys this table holds for its name, and Help ▸ Keyboard
shortcuts shows this same table, so the two cannot disagree. Keys are written the portable way
(``Ctrl+R``); on macOS Qt shows and takes Ctrl as ⌘.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.qt.viewer_modes import MODE_LABELS, Mode


@dataclass(frozen=True)
class Shortcut:
    action: str  # the QAction's object name
    what: str
    keys: str
    group: str


def _table() -> tuple[Shortcut, ...]:
    rows = [
        ("File", "actionNewProject", "New project", "Ctrl+N"),
        ("File", "actionOpenProject", "Open project", "Ctrl+O"),
        ("File", "actionNewFromFootage", "New project from footage", "Ctrl+Shift+N"),
        ("File", "actionImportMedia", "Import media", "Ctrl+I"),
        ("File", "actionImportCut", "Import the editor's cut (EDL, XML, OTIO, AAF)", "Ctrl+Shift+I"),
        ("File", "actionQuit", "Quit", "Ctrl+Q"),
        ("Edit", "actionUndo", "Undo", "Ctrl+Z"),
        ("Edit", "actionRedo", "Redo", "Ctrl+Shift+Z"),
        ("Edit", "actionPreview", "Preview the tool on the current frame", "P"),
        ("Edit", "actionApplyFrame", "Apply to the current frame", "Alt+Return"),
        ("Edit", "actionApplyRange", "Apply to the in–out range", "Ctrl+Return"),
        ("Edit", "actionApplyClip", "Apply to the whole clip", "Ctrl+Shift+Return"),
        ("Edit", "actionMoveEditUp", "Move the selected edit up (runs later)", "Alt+Up"),
        ("Edit", "actionMoveEditDown", "Move the selected edit down (runs earlier)", "Alt+Down"),
        ("Edit", "actionSetKeyframe", "Keyframe the viewer's region at this frame", "Ctrl+K"),
        ("Edit", "actionTrack", "Track the keyframed region over the in–out range", "Ctrl+T"),
        ("Edit", "actionPreferences", "Preferences", "Ctrl+,"),
        *(
            ("View", f"actionMode_{mode.value}", f"Viewer: {MODE_LABELS[mode]}", f"Ctrl+{n}")
            for n, mode in enumerate(Mode, start=1)
        ),
        ("View", "actionFit", "Fit the frame to the viewer", "F"),
        ("View", "actionActualSize", "100 % (one image pixel per screen pixel)", "Ctrl+0"),
        ("Playback", "actionPlay", "Play / pause", "Space"),
        ("Playback", "actionShuttleBack", "Play backward (again: faster)", "J"),
        ("Playback", "actionStop", "Stop", "K"),
        ("Playback", "actionShuttleForward", "Play forward (again: faster)", "L"),
        ("Playback", "actionPreviewRange", "Preview range: compute and cache the in–out range",
         "Ctrl+Shift+P"),
        ("Playback", "actionPrevFrame", "Previous frame", "Left"),
        ("Playback", "actionNextFrame", "Next frame", "Right"),
        ("Playback", "actionPrevEdit", "Previous edit boundary", "Up"),
        ("Playback", "actionNextEdit", "Next edit boundary", "Down"),
        ("Playback", "actionMarkIn", "Set in point", "I"),
        ("Playback", "actionMarkOut", "Set out point", "O"),
        ("Playback", "actionStart", "Go to start", "Home"),
        ("Playback", "actionEnd", "Go to end", "End"),
        ("Render", "actionRender", "Add the render queue's clip to the queue", "Ctrl+R"),
        ("Render", "actionRenderAll", "Render all clips with edits", "Ctrl+Shift+R"),
        ("Render", "actionDeliverShots", "Deliver the selected (or edited) shots", "Ctrl+Shift+D"),
        ("Project", "actionModelLibrary", "Model library", "Ctrl+M"),
        ("Project", "actionCastConsent", "Cast and consent", "Ctrl+Shift+C"),
        ("Help", "actionShortcuts", "Keyboard shortcuts", "F1"),
    ]
    return tuple(Shortcut(action, what, keys, group) for group, action, what, keys in rows)


SHORTCUTS: tuple[Shortcut, ...] = _table()
_BY_ACTION = {s.action: s for s in SHORTCUTS}


def keys_for(action: str) -> str | None:
    """The keys of the action named ``action`` (its object name), or None."""
    found = _BY_ACTION.get(action)
    return found.keys if found is not None else None


class ShortcutsDialog(QDialog):
    """Help ▸ Keyboard shortcuts: :data:`SHORTCUTS`, as a table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 640)
        self.table = QTableWidget(len(SHORTCUTS), 3, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        from PySide6.QtGui import QKeySequence

        for row, shortcut in enumerate(SHORTCUTS):
            shown = QKeySequence(shortcut.keys).toString(QKeySequence.SequenceFormat.NativeText)
            for col, text in enumerate((shortcut.group, shortcut.what, shown)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)


__all__ = ["SHORTCUTS", "Shortcut", "ShortcutsDialog", "keys_for"]
