"""The timeline strip: a scrubber with in and out points and one coloured bar per edit.

The panel is a view over a :class:`~workbench.qt.view_state.ViewState`: it follows the clip,
the frame, the marks, the edit stack, the selection and playback through the state's events,
and reports the user's scrubbing and clicks as signals.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.project import Clip, Edit
from workbench.qt.cache_marks import CacheMarks, paint_cache_marks
from workbench.qt.convert import parse_rate, timecode
from workbench.qt.cut_strip import CutStrip, ShotMark, paint_shot_marks
from workbench.qt.view_state import Marks, ViewState

TOOL_COLOURS = {
    "upscale": QColor(86, 156, 214),
    "denoise": QColor(106, 190, 120),
    "dust": QColor(220, 170, 60),
    "deblock": QColor(190, 110, 200),
}


@dataclass(frozen=True)
class EditBar:
    edit_id: int
    tool: str
    start: int
    end: int
    enabled: bool
    label: str
    keys: tuple[int, ...] = ()  # a tracked region's keyframes: ticks on the bar


class TimelineStrip(QWidget):
    """Paints the ruler, in/out range, edit bars and playhead; click or drag to scrub."""

    scrubbed = Signal(int)
    barClicked = Signal(int)

    BAR_H = 12
    RULER_H = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineStrip")
        self.setAccessibleName("Timeline scrubber")
        self.setMinimumHeight(self.height_for(1))
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.count = 0
        self.current = 0
        self.in_point: int | None = None
        self.out_point: int | None = None
        self.bars: list[EditBar] = []
        self.keys: list[int] = []  # the tracking panel's keyframes: diamonds on the ruler
        self.shot_marks: list[ShotMark] = []  # the open sequence's shots of this clip
        self.selected: int | None = None
        self.cache_marks = CacheMarks()  # frames cached for the viewer (Preview range)
        self._dragging = False

    def set_count(self, count: int) -> None:
        self.count = max(0, count)
        self.current = min(self.current, max(0, self.count - 1))
        self.update()

    def set_current(self, index: int) -> None:
        self.current = index
        self.update()

    def set_bars(self, bars: list[EditBar]) -> None:
        self.bars = bars
        self.setMinimumHeight(self.height_for(len(self._rows())))  # every lane; the panel scrolls
        self.update()

    @classmethod
    def height_for(cls, lanes: int) -> int:
        """The height that shows the ruler and ``lanes`` lanes of edit bars."""
        return cls.RULER_H + max(1, lanes) * (cls.BAR_H + 3) + 8

    def set_keys(self, keys: list[int]) -> None:
        self.keys = list(keys)
        self.update()

    def _x(self, frame: float) -> float:
        margin = 8
        if self.count <= 1:
            return margin
        return margin + (self.width() - 2 * margin) * frame / self.count

    def _frame_at(self, x: float) -> int:
        margin = 8
        if self.count <= 1:
            return 0
        f = int((x - margin) / max(1.0, self.width() - 2 * margin) * self.count)
        return min(max(f, 0), self.count - 1)

    def _rows(self) -> list[list[EditBar]]:
        rows: list[list[EditBar]] = []
        for bar in self.bars:
            for row in rows:
                if all(bar.start > b.end or bar.end < b.start for b in row):
                    row.append(bar)
                    break
            else:
                rows.append([bar])
        return rows

    def bar_rects(self) -> list[tuple[EditBar, QRectF]]:
        out = []
        for n, row in enumerate(self._rows()):
            y = self.RULER_H + 4 + n * (self.BAR_H + 3)
            for bar in row:
                x0, x1 = self._x(bar.start), self._x(bar.end + 1)
                out.append((bar, QRectF(x0, y, max(2.0, x1 - x0), self.BAR_H)))
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(36, 36, 40))
        if self.count <= 0:
            p.setPen(QColor(140, 140, 140))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No clip")
            p.end()
            return
        # in/out range
        if self.in_point is not None or self.out_point is not None:
            a = self.in_point if self.in_point is not None else 0
            b = self.out_point if self.out_point is not None else self.count - 1
            p.fillRect(
                QRectF(self._x(a), 0, self._x(b + 1) - self._x(a), self.height()),
                QColor(70, 70, 95),
            )
        # ruler
        p.setPen(QColor(120, 120, 130))
        step = max(1, self.count // 20)
        for f in range(0, self.count + 1, step):
            x = self._x(f)
            p.drawLine(QPointF(x, self.RULER_H - 8), QPointF(x, self.RULER_H - 2))
        paint_shot_marks(p, self.shot_marks, self._x, self.height())
        for bar, rect in self.bar_rects():
            colour = QColor(TOOL_COLOURS.get(bar.tool, QColor(160, 160, 160)))
            if not bar.enabled:
                colour.setAlpha(70)
            p.setPen(
                QPen(QColor(255, 255, 255), 2)
                if bar.edit_id == self.selected
                else Qt.PenStyle.NoPen
            )
            p.setBrush(colour)
            p.drawRoundedRect(rect, 3, 3)
            if rect.width() > 40:
                p.setPen(QColor(20, 20, 20))
                p.drawText(rect.adjusted(4, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter, bar.label)
            paint_key_ticks(p, rect, [self._x(k + 0.5) for k in bar.keys])
        paint_key_diamonds(p, [self._x(k + 0.5) for k in self.keys], self.RULER_H - 5)
        for point, label in ((self.in_point, "I"), (self.out_point, "O")):
            if point is not None:
                x = self._x(point if label == "I" else point + 1)
                p.setPen(QPen(QColor(250, 210, 90), 2))
                p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
                p.drawText(QPointF(x + 3 if label == "I" else x - 10, 11), label)
        paint_cache_marks(p, self)
        x = self._x(self.current)
        w = max(2.0, self._x(self.current + 1) - x)
        p.fillRect(QRectF(x, 0, w, self.height()), QColor(230, 60, 60, 70))
        p.setPen(QPen(QColor(255, 80, 80), 2))
        p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.count <= 0:
            return
        for bar, rect in self.bar_rects():
            if rect.contains(event.position()):
                self.barClicked.emit(bar.edit_id)
        self._dragging = True
        self.scrubbed.emit(self._frame_at(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self.scrubbed.emit(self._frame_at(event.position().x()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging = False


def paint_key_ticks(p: QPainter, rect: QRectF, xs: list[float]) -> None:
    """A tracked edit's keyframes: white ticks across its bar."""
    p.setPen(QPen(QColor(255, 255, 255), 2))
    for x in xs:
        p.drawLine(QPointF(x, rect.top() + 1), QPointF(x, rect.bottom() - 1))


def paint_key_diamonds(p: QPainter, xs: list[float], y: float) -> None:
    """The keyframes being set: yellow diamonds on the ruler."""
    p.setPen(QPen(QColor(30, 30, 30), 1))
    p.setBrush(QColor(250, 210, 90))
    for x in xs:
        p.drawPolygon(
            [QPointF(x, y - 5), QPointF(x + 5, y), QPointF(x, y + 5), QPointF(x - 5, y)]
        )


class TimelinePanel(QWidget):
    """The strip with the transport: play, frame number and timecode, in and out."""

    def __init__(self, state: ViewState | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.state = state if state is not None else ViewState()
        self.strip = TimelineStrip(self)
        self.rate = Fraction(24)
        self.start_tc: str | None = None
        row = QHBoxLayout()
        row.setContentsMargins(4, 2, 4, 2)
        self.buttons: dict[str, QToolButton] = {}
        for key, text, tip in (
            ("start", "⇤", "Go to start (Home)"),
            ("back", "◀|", "Previous frame (Left)"),
            ("play", "▶", "Play / pause (Space)"),
            ("forward", "|▶", "Next frame (Right)"),
            ("end", "⇥", "Go to end (End)"),
            ("in", "In", "Set in point (I)"),
            ("out", "Out", "Set out point (O)"),
            ("clear", "Clear in/out", "Clear in and out points"),
        ):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setObjectName(f"timeline_{key}")
            button.setAccessibleName(tip)
            self.buttons[key] = button
            row.addWidget(button)
        row.addSpacing(12)
        self.position = QLabel("frame – / –", self)
        self.position.setObjectName("timelinePosition")
        self.position.setAccessibleName("Frame number and timecode")
        self.position.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.position.font()
        font.setFamily("DejaVu Sans Mono")
        self.position.setFont(font)
        row.addWidget(self.position)
        row.addStretch(1)
        self.range_label = QLabel("", self)
        self.range_label.setObjectName("timelineRange")
        self.range_label.setAccessibleName("In and out points")
        row.addWidget(self.range_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(row)
        self.cut = CutStrip(self)  # the open sequence, when there is one
        self.cut.setVisible(False)
        layout.addWidget(self.cut)
        self.lanes = QScrollArea(self)  # all the edits' lanes, however many (scroll for more)
        self.lanes.setObjectName("timelineLanes")
        self.lanes.setAccessibleName("Timeline lanes")
        self.lanes.setWidgetResizable(True)
        self.lanes.setFrameShape(QFrame.Shape.NoFrame)
        self.lanes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lanes.setWidget(self.strip)
        layout.addWidget(self.lanes, 1)
        self._follow(self.state)

    def _follow(self, state: ViewState) -> None:
        events = state.events
        events.clip.connect(self._clip_changed)
        events.frame.connect(self._frame_changed)
        events.marks.connect(self._marks_changed)
        events.edits.connect(self._edits_changed)
        events.selected_edit.connect(self._selected_changed)
        events.speed.connect(lambda speed: self.buttons["play"].setText("❚❚" if speed else "▶"))

    def _clip_changed(self, clip: Clip | None) -> None:
        media = clip.media if clip is not None else {}
        self.set_clip(self.state.count, parse_rate(media.get("frame_rate")), media.get("timecode"))
        self.strip.selected = None
        self._edits_changed(self.state.edits)

    def _frame_changed(self, frame: int) -> None:
        self.strip.set_current(frame)
        self.refresh()

    def _marks_changed(self, marks: Marks) -> None:
        self.strip.in_point, self.strip.out_point = marks
        self.refresh()

    def _edits_changed(self, edits: list[Edit]) -> None:
        self.strip.set_bars(
            [
                EditBar(
                    e.id,
                    e.tool,
                    e.frames[0],
                    e.frames[1],
                    e.enabled,
                    f"#{e.id} {e.tool}",
                    tuple(e.region.get("keyframes") or ()),
                )
                for e in edits
            ]
        )
        self.strip.selected = self.state.selected_edit

    def _selected_changed(self, edit_id: int | None) -> None:
        self.strip.selected = edit_id
        self.strip.update()

    def set_clip(self, count: int, rate: Fraction, start_tc: str | None) -> None:
        self.rate = rate
        self.start_tc = start_tc
        self.strip.in_point = None
        self.strip.out_point = None
        self.strip.set_count(count)
        self.strip.set_current(0)
        self.refresh()

    def refresh(self) -> None:
        s = self.strip
        if s.count <= 0:
            self.position.setText("frame – / –")
        else:
            tc = timecode(s.current, self.rate, self.start_tc)
            self.position.setText(f"frame {s.current:>5d} / {s.count - 1}   {tc}")
        parts = []
        if s.in_point is not None:
            parts.append(f"in {s.in_point}")
        if s.out_point is not None:
            parts.append(f"out {s.out_point}")
        self.range_label.setText("  ".join(parts))
        s.update()
