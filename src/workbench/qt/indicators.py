"""Check boxes that can be seen when they are not ticked, in the window's dark palette.

Fusion draws a check indicator's outline a shade darker than the window colour, which on the
dark palette is near-black on near-black: the Policy dialog's unticked tools and models looked
like plain text, as if no choice were offered. This proxy style draws the indicators of check
boxes and of list and tree items with a light outline, a dark face and a clear tick.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget

OUTLINE = QColor(165, 165, 175)
OUTLINE_DISABLED = QColor(95, 95, 102)
FACE = QColor(30, 30, 32)
TICK = QColor(235, 235, 240)
TICKED_FACE = QColor(60, 110, 180)
INDICATORS = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
)


class VisibleIndicators(QProxyStyle):
    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element not in INDICATORS:
            super().drawPrimitive(element, option, painter, widget)
            return
        state = option.state
        enabled = bool(state & QStyle.StateFlag.State_Enabled)
        ticked = bool(state & QStyle.StateFlag.State_On)
        partly = bool(state & QStyle.StateFlag.State_NoChange)
        rect = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5)
        side = min(rect.width(), rect.height())
        box = QRectF(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(OUTLINE if enabled else OUTLINE_DISABLED, 1.2))
        painter.setBrush(TICKED_FACE if (ticked or partly) and enabled else FACE)
        painter.drawRoundedRect(box, 2, 2)
        pen = QPen(TICK if enabled else OUTLINE_DISABLED, max(1.5, side / 7))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if ticked:
            tick = QPainterPath(QPointF(box.left() + side * 0.22, box.top() + side * 0.52))
            tick.lineTo(QPointF(box.left() + side * 0.42, box.top() + side * 0.72))
            tick.lineTo(QPointF(box.left() + side * 0.78, box.top() + side * 0.28))
            painter.drawPath(tick)
        elif partly:
            y = box.center().y()
            painter.drawLine(
                QPointF(box.left() + side * 0.25, y), QPointF(box.right() - side * 0.25, y)
            )
        painter.restore()
