"""Arrow keys belong to the list, table, box or slider that has the focus, not to the playhead.

The transport's keys (←/→ a frame, ↑/↓ an edit boundary, Home/End) are window shortcuts, and Qt
offers a key to the window's shortcuts before the focused widget sees it — unless the widget
claims it first (a ``ShortcutOverride`` it accepts), which text fields do and item views, spin
boxes and sliders do not. So walking the edit stack or the log with the arrow keys moved the
playhead instead. This filter claims the navigation keys for those widgets; elsewhere (the
viewer, the timeline) they still move the playhead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QComboBox

NAVIGATION = frozenset(
    {
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
    }
)
NAVIGABLE = (QAbstractItemView, QAbstractSpinBox, QAbstractSlider, QComboBox)


class NavigationKeysStay(QObject):
    """Install on the application: navigation keys go to the focused navigable widget."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and isinstance(watched, NAVIGABLE)
            and Qt.Key(event.key()) in NAVIGATION
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            event.accept()  # the widget's own key: no shortcut fires, the widget gets it
            return True
        return False
