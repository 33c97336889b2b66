"""The cut above the timeline: the open sequence's shots in record order, with their boundaries.

Each shot is a block as long as it runs in the cut, coloured by its status, numbered; the shot
whose clip the viewer shows is outlined, and a click opens a shot. On the clip's own strip below,
:func:`paint_shot_marks` draws where each shot of that clip begins and ends (its cut range, and
its handles lighter), so a user sees which frames of the clip the film uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from workbench.conform.status import ShotState
from workbench.media.timecode import to_frames
from workbench.qt.shot_list import STATUS_COLOURS


@dataclass(frozen=True)
class CutBlock:
    shot_id: int
    start: int  # record frames from the sequence's start
    length: int
    status: str
    clip_id: int | None
    no_consent: bool = False


@dataclass(frozen=True)
class ShotMark:
    """A shot of the clip the strip shows: its frames with handles and its cut range."""

    shot_id: int
    first: int
    last: int
    cut_first: int
    cut_last: int


def blocks_of(states: list[ShotState]) -> list[CutBlock]:
    """The shots as blocks on the record timeline (drop-frame aware)."""
    from fractions import Fraction

    out: list[CutBlock] = []
    origin: int | None = None
    for state in states:
        record = state.shot.record
        rate = Fraction(record.rate)
        start = to_frames(record.tc_in, rate, record.drop_frame)
        end = to_frames(record.tc_out, rate, record.drop_frame)
        origin = start if origin is None else min(origin, start)
        out.append(
            CutBlock(
                state.shot.id,
                start,
                max(1, end - start),
                state.status,
                state.shot.clip_id,
                bool(state.consent_missing),
            )
        )
    base = origin or 0
    return [
        CutBlock(b.shot_id, b.start - base, b.length, b.status, b.clip_id, b.no_consent)
        for b in out
    ]


def marks_of(states: list[ShotState], clip_id: int | None) -> list[ShotMark]:
    """The shots of ``clip_id``: their frames with handles and the frames the cut shows."""
    out = []
    for state in states:
        shot = state.shot
        if clip_id is None or shot.clip_id != clip_id or shot.frames is None:
            continue
        first, last = shot.frames
        head, tail = shot.handles
        out.append(ShotMark(shot.id, first, last, first + head, max(first + head, last - tail)))
    return out


class CutStrip(QWidget):
    """The sequence as blocks; click one to open its shot."""

    shotClicked = Signal(int)
    HEIGHT = 26

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cutStrip")
        self.setAccessibleName("The cut: shots in record order")
        self.setFixedHeight(self.HEIGHT)
        self.blocks: list[CutBlock] = []
        self.current: int | None = None  # the shot (or the clip's shots) being shown
        self.current_clip: int | None = None

    def set_blocks(self, blocks: list[CutBlock]) -> None:
        self.blocks = blocks
        self.setVisible(bool(blocks))
        self.update()

    def set_current(self, shot_id: int | None, clip_id: int | None) -> None:
        self.current, self.current_clip = shot_id, clip_id
        self.update()

    def block_rects(self) -> list[tuple[CutBlock, QRectF]]:
        if not self.blocks:
            return []
        total = max(b.start + b.length for b in self.blocks) or 1
        width = max(1.0, self.width() - 16.0)
        return [
            (b, QRectF(8 + width * b.start / total, 3, max(2.0, width * b.length / total), 20))
            for b in self.blocks
        ]

    def block_rects_by_shot(self) -> list[tuple[int, QRectF]]:
        return [(block.shot_id, rect) for block, rect in self.block_rects()]

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(28, 28, 32))
        for block, rect in self.block_rects():
            colour = QColor(STATUS_COLOURS.get(block.status, QColor(120, 120, 120)))
            if block.clip_id != self.current_clip:
                colour = colour.darker(150)
            p.setBrush(colour)
            p.setPen(QPen(QColor(20, 20, 20), 1))
            p.drawRect(rect)
            if block.no_consent:
                p.fillRect(
                    QRectF(rect.left(), rect.bottom() - 3, rect.width(), 3), QColor(230, 60, 60)
                )
            if block.shot_id == self.current:
                p.setPen(QPen(QColor(255, 255, 255), 2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(rect.adjusted(1, 1, -1, -1))
            if rect.width() > 18:
                p.setPen(QColor(15, 15, 15))
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(block.shot_id))
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        for block, rect in self.block_rects():
            if rect.contains(event.position()):
                self.shotClicked.emit(block.shot_id)
                return


def paint_shot_marks(p: QPainter, marks: list[ShotMark], x: object, height: float) -> None:
    """The clip's shots on its strip: handles as a light band, the cut range as a bracket with
    the shot's number, boundaries as vertical lines. ``x`` maps a frame to a position."""
    assert callable(x)
    for mark in marks:
        x0, x1 = x(mark.first), x(mark.last + 1)
        c0, c1 = x(mark.cut_first), x(mark.cut_last + 1)
        p.fillRect(QRectF(x0, 0, max(1.0, x1 - x0), 4), QColor(120, 160, 220, 90))
        p.fillRect(QRectF(c0, 0, max(1.0, c1 - c0), 4), QColor(120, 170, 240, 220))
        p.setPen(QPen(QColor(120, 170, 240), 1, Qt.PenStyle.DashLine))
        for pos in (c0, c1):
            p.drawLine(QPointF(pos, 0), QPointF(pos, height))
        p.setPen(QColor(170, 200, 250))
        p.drawText(QPointF(c0 + 3, 14), f"shot {mark.shot_id}")


__all__ = ["CutBlock", "CutStrip", "ShotMark", "blocks_of", "marks_of", "paint_shot_marks"]
