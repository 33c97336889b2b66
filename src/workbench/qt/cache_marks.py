"""The timeline's cache marks: which frames of what the viewer shows are cached, and the range
"Preview range" is filling (with how far it got).

A band over the ruler's ticks, as editors know it from render bars: cyan where frames are
cached (they play at the clip's rate; not green, which the denoise bars already are), a dim
amber outline over the range being filled.
The timeline strip holds a :class:`CacheMarks` and calls :func:`paint_cache_marks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPen

if TYPE_CHECKING:
    from workbench.qt.timeline import TimelineStrip

BAND_H = 5
CACHED = QColor(80, 200, 255)
FILLING = QColor(230, 170, 60)


@dataclass
class CacheMarks:
    runs: list[tuple[int, int]] = field(default_factory=list)
    """Cached frames as (first, last) runs."""
    filling: tuple[int, int] | None = None

    def frames(self) -> int:
        return sum(b - a + 1 for a, b in self.runs)

    def covers(self, index: int) -> bool:
        return any(a <= index <= b for a, b in self.runs)


def paint_cache_marks(p: QPainter, strip: TimelineStrip) -> None:
    marks: CacheMarks | None = getattr(strip, "cache_marks", None)
    if marks is None or strip.count <= 0:
        return
    y = strip.RULER_H - 7.0
    if marks.filling is not None:
        a, b = marks.filling
        p.setPen(QPen(FILLING, 1))
        p.setBrush(QColor(FILLING.red(), FILLING.green(), FILLING.blue(), 60))
        p.drawRect(QRectF(strip._x(a), y - 1, strip._x(b + 1) - strip._x(a), BAND_H + 2))
    for a, b in marks.runs:
        x0, x1 = strip._x(a), strip._x(b + 1)
        p.fillRect(QRectF(x0, y, max(1.5, x1 - x0), BAND_H), CACHED)
