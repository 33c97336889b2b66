"""A row of widgets that wraps onto more rows when there is not room for one.

The viewer's toolbar (modes, zoom, region tools) was one row 919 px wide, which alone kept the
window from fitting a 1366×768 laptop beside the docks. In a flow layout it is one row when the
window is wide and two or three when it is narrow; its minimum width is its widest widget.
Groups of widgets (between ``addSpacing`` calls) wrap whole where they can. ``addSpacing`` and ``addStretch`` are accepted as a box layout's are, so a toolbar built for a
``QHBoxLayout`` needs no other change.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QSizePolicy, QSpacerItem, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)

    # -- what a box layout offers ----------------------------------------------------------------
    def addSpacing(self, size: int) -> None:
        self.addItem(QSpacerItem(size, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum))

    def addStretch(self, _stretch: int = 0) -> None:
        """Rows are packed from the left; what is left over stays empty."""

    # -- QLayout ---------------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        width = sum(i.sizeHint().width() for i in self._items) + self.spacing() * len(self._items)
        height = max((i.sizeHint().height() for i in self._items), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _group_width(self, start: int) -> int:
        """The width of the items from ``start`` to the next spacing (a group wraps whole)."""
        width = 0
        for item in self._items[start:]:
            if item.spacerItem() is not None:
                break
            width += item.sizeHint().width() + self.spacing()
        return width - self.spacing()

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items left to right, wrapping; the height used.

        The items between two ``addSpacing`` calls are a group (the modes; zoom; the region
        tools): a group that does not fit the rest of a row starts the next one, if it fits
        there whole; a label always goes with the widget after it."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for n, item in enumerate(self._items):
            hint = item.sizeHint()
            needed = hint.width()
            starts_group = n == 0 or self._items[n - 1].spacerItem() is not None
            if starts_group and self._group_width(n) <= area.width():
                needed = self._group_width(n)
            elif isinstance(item.widget(), QLabel) and n + 1 < len(self._items):
                needed += self.spacing() + self._items[n + 1].sizeHint().width()
            if item.spacerItem() is not None and x == area.x():
                continue  # no spacing at the start of a row
            if x + needed > area.right() + 1 and x > area.x():
                x, y = area.x(), y + row_height + self.spacing()
                row_height = 0
                if item.spacerItem() is not None:
                    continue
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + m.bottom()
