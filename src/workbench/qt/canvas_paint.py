"""Painting the viewer canvas: the frame(s) by mode, the wipe, the region, and the labels.

Kept apart from the canvas's geometry and mouse handling; each function reads the canvas's
state and paints, nothing here changes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

from workbench.qt.viewer_modes import HANDLE, MODE_LABELS, Mode, RegionTool, handles

if TYPE_CHECKING:
    from collections.abc import Callable

    from workbench.qt.canvas import ViewerCanvas

SPINNER = QRect(-150, 10, 140, 28)  # from the right edge: where "Processing…" is drawn


class ShrunkImages:
    """Frames made smaller for the screen, once per frame and size (not on every paint).

    A smooth downscale of a 4K (or an upscaled) frame costs the GUI thread tens of
    milliseconds; the busy spinner alone repaints the canvas twelve times a second.
    """

    KEEP = 4

    def __init__(self) -> None:
        self._images: dict[tuple[int, int, int], QImage] = {}
        #: shrunk copies made ahead on a worker thread (cached playback), by the same key
        self.lookup: Callable[[tuple[int, int, int]], QImage | None] | None = None

    def get(self, image: QImage, width: int, height: int) -> QImage:
        key = (image.cacheKey(), width, height)
        shrunk = self._images.get(key)
        if shrunk is None and self.lookup is not None:
            shrunk = self.lookup(key)
        if shrunk is None:
            shrunk = image.scaled(
                width,
                height,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            while len(self._images) >= self.KEEP:
                self._images.pop(next(iter(self._images)))
            self._images[key] = shrunk
        return shrunk

    def drawer(self, p: QPainter, shrinking: bool) -> Callable[[QRectF, QImage], None]:
        """``draw(rect, image)``: shrunk images come from the cache, others are drawn as is."""

        def draw(rect: QRectF, image: QImage) -> None:
            width, height = round(rect.width()), round(rect.height())
            if shrinking and width > 0 and height > 0:
                p.drawImage(QPointF(rect.x(), rect.y()), self.get(image, width, height))
            else:
                p.drawImage(rect, image)

        return draw


def paint_canvas(canvas: ViewerCanvas) -> None:
    """The frame(s) in the canvas's mode, the region on top, and the labels."""
    p = QPainter(canvas)
    p.fillRect(canvas.rect(), QColor(24, 24, 26))
    if canvas.original is None:
        p.setPen(QColor(150, 150, 150))
        p.drawText(
            canvas.rect(),
            Qt.AlignmentFlag.AlignCenter,
            canvas.empty_text or "No clip — import media (Ctrl+I)",
        )
        p.end()
        return
    rects = canvas.image_rects()
    draw = canvas.shrunk.drawer(p, canvas.scale() < 1.0)
    result = canvas.result or canvas.original
    if canvas.mode == Mode.ORIGINAL:
        draw(rects[0], canvas.original)
    elif canvas.mode == Mode.RESULT:
        draw(rects[0], result)
    elif canvas.mode == Mode.DIFFERENCE:
        if canvas.diff is not None:
            draw(rects[0], canvas.diff)
        else:
            p.fillRect(rects[0], QColor(0, 0, 0))
    elif canvas.mode == Mode.SIDE:
        draw(rects[0], canvas.compare or canvas.original)
        draw(rects[1], result)
    else:  # split
        r = rects[0]
        draw(r, canvas.compare or canvas.original)
        x = r.x() + r.width() * canvas.split
        p.save()
        p.setClipRect(QRectF(x, r.y(), r.right() - x, r.height()))
        draw(r, result)
        p.restore()
        p.setPen(QPen(QColor(255, 255, 255), 2))
        p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
        p.setBrush(QColor(255, 255, 255))
        p.drawEllipse(QPointF(x, r.center().y()), 6, 6)
    paint_region(p, canvas, rects)
    paint_labels(p, canvas, rects)
    p.end()


def paint_region(p: QPainter, canvas: ViewerCanvas, rects: list[QRectF]) -> None:
    for target in rects:
        if canvas.mask_image is not None:
            p.setOpacity(0.45)
            p.drawImage(target, canvas.mask_image)
            p.setOpacity(1.0)
        if canvas.region_rect is not None:
            tl = canvas.to_widget(canvas.region_rect.topLeft(), target)
            br = canvas.to_widget(canvas.region_rect.bottomRight(), target)
            box = QRectF(tl, br)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor(255, 200, 0), 1.5, Qt.PenStyle.DashLine))
            p.drawRect(box)
            if canvas.region_tool == RegionTool.RECT:
                p.setPen(QPen(QColor(0, 0, 0), 1))
                p.setBrush(QColor(255, 200, 0))
                for point in handles(box).values():
                    p.drawRect(
                        QRectF(point.x() - HANDLE, point.y() - HANDLE, 2 * HANDLE, 2 * HANDLE)
                    )


def paint_labels(p: QPainter, canvas: ViewerCanvas, rects: list[QRectF]) -> None:
    p.setFont(QFont(p.font().family(), 9))

    def tag(text: str, x: float, y: float) -> None:
        metrics = p.fontMetrics()
        box = QRectF(x, y, metrics.horizontalAdvance(text) + 12, metrics.height() + 6)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 170))
        p.drawRoundedRect(box, 4, 4)
        p.setPen(QColor(235, 235, 235))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    left, right = canvas.labels
    if canvas.compare is None:
        left = "Original"
    if canvas.mode == Mode.SPLIT:
        r = rects[0]
        tag(left, r.x() + 6, r.y() + 6)
        width = p.fontMetrics().horizontalAdvance(right) + 18
        tag(right, r.right() - width, r.y() + 6)
    elif canvas.mode == Mode.SIDE:
        tag(left, rects[0].x() + 6, rects[0].y() + 6)
        tag(right, rects[1].x() + 6, rects[1].y() + 6)
    elif canvas.mode == Mode.RESULT and right != "Result":
        tag(right, rects[0].x() + 6, rects[0].y() + 6)
    else:
        tag(MODE_LABELS[canvas.mode], rects[0].x() + 6, rects[0].y() + 6)
    zoom = f"{canvas.scale() * 100:.0f} %" + (" (fit)" if canvas.zoom is None else "")
    tag(zoom, 8, canvas.height() - 28)
    note = canvas.playback_note or ("playing originals" if canvas.playing_originals else "")
    if note:
        playback_tag(p, note, canvas.playback_ok and not canvas.playing_originals, canvas)
    if canvas.busy:
        x, y = canvas.width() + SPINNER.x(), SPINNER.y()
        box = QRectF(x, y, 140, 28)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 190))
        p.drawRoundedRect(box, 6, 6)
        p.setPen(QPen(QColor(90, 170, 255), 3))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRect(int(x + 8), int(y + 6), 16, 16), -canvas.spin_angle * 16, 270 * 16)
        p.setPen(QColor(235, 235, 235))
        p.drawText(QRectF(x + 30, y, 108, 28), Qt.AlignmentFlag.AlignVCenter, "Processing…")


def playback_tag(p: QPainter, text: str, ok: bool, canvas: ViewerCanvas) -> None:
    """What playback shows, bottom centre: green for cached results, amber for originals."""
    metrics = p.fontMetrics()
    width, height = metrics.horizontalAdvance(text) + 20, metrics.height() + 10
    box = QRectF((canvas.width() - width) / 2, canvas.height() - height - 8, width, height)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(30, 110, 60, 220) if ok else QColor(190, 120, 20, 235))
    p.drawRoundedRect(box, 5, 5)
    p.setPen(QColor(255, 255, 255))
    p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
