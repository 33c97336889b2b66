"""Making the window fit a laptop: docks that scroll instead of insisting on their height, and a
first size taken from the screen rather than a fixed 1600×1000.

A 1366×768 laptop leaves about 1366×700 for a window; the window's minimum size was 1413×771
(the viewer's one-row toolbar, the tools panel's full height, three timeline lanes). Now the
toolbar wraps (:mod:`workbench.qt.flow_layout`), the tools panel scrolls, and the timeline's
lanes scroll, so the minimum is well under :data:`LAPTOP`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QFrame, QMainWindow, QScrollArea, QWidget

LAPTOP = QSize(1366, 768)
#: What such a screen leaves for the window (a title bar and a panel or taskbar).
LAPTOP_AVAILABLE = QSize(1366, 700)
PREFERRED = QSize(1600, 1000)


class VerticalScroll(QScrollArea):
    """A scroll area that scrolls up and down and is as wide as its content needs."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        inner = self.widget()
        if inner is not None:
            extra = self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
            hint.setWidth(inner.minimumSizeHint().width() + extra)
        return hint

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the content's width changed (another tool's parameters)
        return super().eventFilter(watched, event)


def scrollable(widget: QWidget, name: str) -> QScrollArea:
    """``widget`` in a scroll area that scrolls up and down and keeps its width."""
    area = VerticalScroll()
    area.setObjectName(name)
    area.setAccessibleName(widget.accessibleName() or name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


def first_size(window: QMainWindow) -> QSize:
    """The size a new window opens at: the preferred size, or 92 % of a smaller screen."""
    screen = window.screen()
    if screen is None:
        return PREFERRED
    available = screen.availableGeometry().size()
    if available.width() >= PREFERRED.width() and available.height() >= PREFERRED.height():
        return PREFERRED
    return QSize(
        min(PREFERRED.width(), int(available.width() * 0.92)),
        min(PREFERRED.height(), int(available.height() * 0.92)),
    )
