"""The viewer canvas: the current frame, original against result, and the region on top.

Zoom is "fit" or a factor (1.0 = one image pixel per screen pixel), with the mouse wheel
zooming about the cursor and a middle- or right-button drag (or Alt + left) panning. The region
is kept in source pixels: a rectangle with eight handles, or a painted mask. Painting is in
:mod:`workbench.qt.canvas_paint`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import QWidget

from workbench.qt.canvas_paint import SPINNER, ShrunkImages, paint_canvas
from workbench.qt.convert import frame_to_qimage
from workbench.qt.timing import timed
from workbench.qt.viewer_modes import HANDLE, Mode, RegionTool, handles


def _as_image(frame: QImage | NDArray[Any]) -> QImage:
    """Frames normally arrive as QImages made on the frame thread; arrays are converted here."""
    return frame if isinstance(frame, QImage) else frame_to_qimage(frame)


class ViewerCanvas(QWidget):
    """Paints the frame(s) and edits the region; knows nothing about projects."""

    regionChanged = Signal(object)  # {"kind": ...} in source pixels
    zoomChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("viewerCanvas")
        self.setAccessibleName("Viewer image")
        self.setMinimumSize(320, 200)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.mode = Mode.RESULT
        self.original: QImage | None = None
        self.result: QImage | None = None
        self.diff: QImage | None = None
        self.source_size: tuple[int, int] = (0, 0)  # w, h
        self.zoom: float | None = None  # None = fit
        self.pan = QPointF(0, 0)
        self.split = 0.5
        self.busy = False
        self.message = ""
        self.playing_originals = False
        self.playback_note = ""
        self.playback_ok = True
        self.compare: QImage | None = None  # A of an A/B, drawn where the original would be
        self.labels = ("Original", "Result")
        self.empty_text = ""
        self.region_tool = RegionTool.NONE
        self.region_rect: QRectF | None = None  # source pixels
        self.painted_mask: NDArray[np.uint8] | None = None
        self.mask_image: QImage | None = None
        self.brush = 24
        self.erase = False
        self._drag: str | None = None
        self._drag_start = QPointF()
        self._drag_rect = QRectF()
        self._pan_start = QPointF()
        self._last_paint: QPointF | None = None  # where the brush was at the last mouse event
        self.spin_angle = 0
        self.shrunk = ShrunkImages()
        self._spinner = QTimer(self)
        self._spinner.setInterval(80)
        self._spinner.timeout.connect(self._tick)

    # -- content -----------------------------------------------------------------------------
    def set_original(self, frame: QImage | NDArray[Any] | None) -> None:
        if frame is None:
            self.original = None
            self.source_size = (0, 0)
        else:
            self.original = _as_image(frame)
            size = (self.original.width(), self.original.height())
            if size != self.source_size:
                self.source_size = size
                if self.painted_mask is not None and self.painted_mask.shape != (size[1], size[0]):
                    self.painted_mask = None
                    self.mask_image = None
        self.update()

    def set_result(
        self, result: QImage | NDArray[Any] | None, diff: QImage | NDArray[Any] | None = None
    ) -> None:
        self.result = None if result is None else _as_image(result)
        self.diff = None if diff is None else _as_image(diff)
        self.update()

    def set_compare(self, image: QImage | NDArray[Any] | None) -> None:
        """A of an A/B: Split and Side by side show it instead of the original."""
        self.compare = None if image is None else _as_image(image)
        self.update()

    def set_labels(self, left: str, right: str) -> None:
        if (left, right) != self.labels:
            self.labels = (left, right)
            self.update()

    def set_playback_note(self, text: str, ok: bool = True) -> None:
        """What playback shows ("Cached result"; originals because a frame is not cached)."""
        if (text, ok) != (self.playback_note, self.playback_ok):
            self.playback_note, self.playback_ok = text, ok
            self.update()

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        self.message = message
        if busy:
            self._spinner.start()
        else:
            self._spinner.stop()
        self.update()

    def _tick(self) -> None:
        self.spin_angle = (self.spin_angle + 30) % 360
        self.update(SPINNER.translated(self.width(), 0))  # the spinner only, not the frame

    def set_mode(self, mode: Mode) -> None:
        self.mode = Mode(mode)
        self.update()

    # -- geometry ----------------------------------------------------------------------------
    def _basis(self) -> tuple[int, int]:
        """Size in image pixels of what is shown: the result's size when it is larger."""
        w, h = self.source_size
        if self.mode != Mode.ORIGINAL and self.result is not None:
            w, h = max(w, self.result.width()), max(h, self.result.height())
        return w, h

    def scale(self) -> float:
        w, h = self._basis()
        if not w or not h:
            return 1.0
        if self.zoom is not None:
            return self.zoom
        avail_w = self.width() / (2 if self.mode == Mode.SIDE else 1)
        return max(0.01, min(avail_w / w, self.height() / h) * 0.98)

    def image_rects(self) -> list[QRectF]:
        w, h = self._basis()
        s = self.scale()
        dw, dh = w * s, h * s
        if self.mode == Mode.SIDE:
            half = self.width() / 2
            return [
                QRectF(
                    (half - dw) / 2 + self.pan.x(), (self.height() - dh) / 2 + self.pan.y(), dw, dh
                ),
                QRectF(
                    half + (half - dw) / 2 + self.pan.x(),
                    (self.height() - dh) / 2 + self.pan.y(),
                    dw,
                    dh,
                ),
            ]
        x = (self.width() - dw) / 2 + self.pan.x()
        y = (self.height() - dh) / 2 + self.pan.y()
        return [QRectF(x, y, dw, dh)]

    def screen_size(self) -> tuple[int, int] | None:
        """The size frames are drawn at when they are shrunk for the screen (None: not)."""
        rects = self.image_rects()
        if self.scale() >= 1.0 or not rects:
            return None
        width, height = round(rects[0].width()), round(rects[0].height())
        return (width, height) if width > 0 and height > 0 else None

    def to_source(self, pos: QPointF) -> QPointF:
        target = self.image_rects()[-1 if self.mode == Mode.SIDE else 0]
        sw, sh = self.source_size
        if target.width() <= 0 or not sw:
            return QPointF()
        for rect in self.image_rects():
            if rect.contains(pos):
                target = rect
        return QPointF(
            (pos.x() - target.x()) / target.width() * sw,
            (pos.y() - target.y()) / target.height() * sh,
        )

    def to_widget(self, point: QPointF, target: QRectF) -> QPointF:
        sw, sh = self.source_size
        return QPointF(
            target.x() + point.x() / max(1, sw) * target.width(),
            target.y() + point.y() / max(1, sh) * target.height(),
        )

    def set_zoom(self, zoom: float | None, anchor: QPointF | None = None) -> None:
        if zoom is None:
            self.zoom = None
            self.pan = QPointF(0, 0)
        else:
            old = self.scale()
            zoom = min(32.0, max(0.05, zoom))
            if anchor is not None and old > 0:
                rect = self.image_rects()[0]
                rel = (anchor - rect.topLeft()) / old
                self.zoom = zoom
                new_rect = self.image_rects()[0]
                self.pan += anchor - (new_rect.topLeft() + rel * zoom)
            else:
                self.zoom = zoom
        self.zoomChanged.emit(self.scale())
        self.update()

    # -- painting ----------------------------------------------------------------------------

    # -- painting ----------------------------------------------------------------------------
    @timed("ViewerCanvas.paint")
    def paintEvent(self, event: QPaintEvent) -> None:
        paint_canvas(self)

    # -- region helpers ----------------------------------------------------------------------
    def region(self) -> dict[str, Any]:
        if (
            self.region_tool == RegionTool.MASK
            and self.painted_mask is not None
            and self.painted_mask.any()
        ):
            return {"kind": "mask"}
        if (
            self.region_rect is not None
            and self.region_rect.width() >= 1
            and self.region_rect.height() >= 1
        ):
            r = self.region_rect.normalized()
            return {
                "kind": "rect",
                "x": round(r.x()),
                "y": round(r.y()),
                "w": round(r.width()),
                "h": round(r.height()),
            }
        return {"kind": "full"}

    def set_region(self, region: dict[str, Any] | None, mask: NDArray[Any] | None = None) -> None:
        """Show a region (an edit's, when selected); ``None`` clears it."""
        self.region_rect = None
        self.painted_mask = None
        self.mask_image = None
        if region and region.get("kind") == "rect":
            self.region_rect = QRectF(region["x"], region["y"], region["w"], region["h"])
        elif region and region.get("kind") == "mask" and mask is not None:
            self.painted_mask = (np.asarray(mask) > 0.5).astype(np.uint8) * 255
            self._refresh_mask_image()
        self.update()

    def clear_region(self) -> None:
        self.set_region(None)
        self.regionChanged.emit(self.region())

    def _refresh_mask_image(self) -> None:
        if self.painted_mask is None:
            self.mask_image = None
            return
        h, w = self.painted_mask.shape
        rgba = np.zeros((h, w, 4), np.uint8)
        rgba[..., 0] = 255
        rgba[..., 1] = 40
        rgba[..., 2] = 40
        rgba[..., 3] = self.painted_mask
        self.mask_image = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()

    def paint_mask(self, point: QPointF, previous: QPointF | None = None) -> None:
        """A dab of the brush at ``point``, or a stroke from ``previous`` to it: mouse events
        come tens of pixels apart in a quick drag, and dabs alone left a row of dots."""
        sw, sh = self.source_size
        if not sw:
            return
        if self.painted_mask is None:
            self.painted_mask = np.zeros((sh, sw), np.uint8)
        import cv2

        radius = max(1, round(self.brush / 2))
        value = 0 if self.erase else 255
        centre = (round(point.x()), round(point.y()))
        if previous is not None:
            start = (round(previous.x()), round(previous.y()))
            cv2.line(self.painted_mask, start, centre, value, 2 * radius, cv2.LINE_8)
        cv2.circle(self.painted_mask, centre, radius, value, -1)
        self._refresh_mask_image()
        self.update()

    # -- mouse -------------------------------------------------------------------------------
    def _hit(self, pos: QPointF) -> str | None:
        rects = self.image_rects()
        if self.mode == Mode.SPLIT and rects:
            r = rects[0]
            near = abs(pos.x() - (r.x() + r.width() * self.split)) < 8
            if (
                near
                and r.top() <= pos.y() <= r.bottom()
                and (self.region_tool == RegionTool.NONE or self.region_rect is None)
            ):
                return "split"
        if self.region_tool == RegionTool.RECT and self.region_rect is not None:
            for target in rects:
                box = QRectF(
                    self.to_widget(self.region_rect.topLeft(), target),
                    self.to_widget(self.region_rect.bottomRight(), target),
                )
                for name, point in handles(box).items():
                    if (
                        abs(point.x() - pos.x()) <= HANDLE + 2
                        and abs(point.y() - pos.y()) <= HANDLE + 2
                    ):
                        return name
                if box.contains(pos):
                    return "move"
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.RightButton) or (
            event.button() == Qt.MouseButton.LeftButton and alt
        ):
            self._drag = "pan"
            self._pan_start = pos - self.pan
            return
        if event.button() != Qt.MouseButton.LeftButton or self.original is None:
            return
        hit = self._hit(pos)
        self._drag_start = self.to_source(pos)
        if hit is not None:
            self._drag = hit
            self._drag_rect = QRectF(self.region_rect) if self.region_rect is not None else QRectF()
        elif self.region_tool == RegionTool.RECT:
            self._drag = "new"
            self.region_rect = QRectF(self._drag_start, self._drag_start)
        elif self.region_tool == RegionTool.MASK:
            self._drag = "paint"
            self.paint_mask(self._drag_start)
            self._last_paint = self._drag_start
        elif self.mode == Mode.SPLIT:
            self._drag = "split"
            self._move_split(pos)
        else:
            self._drag = "pan"
            self._pan_start = pos - self.pan

    def _move_split(self, pos: QPointF) -> None:
        r = self.image_rects()[0]
        if r.width() > 0:
            self.split = min(1.0, max(0.0, (pos.x() - r.x()) / r.width()))
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag is None:
            hit = self._hit(pos)
            cursors = {
                "split": Qt.CursorShape.SplitHCursor,
                "move": Qt.CursorShape.SizeAllCursor,
                "tl": Qt.CursorShape.SizeFDiagCursor,
                "br": Qt.CursorShape.SizeFDiagCursor,
                "tr": Qt.CursorShape.SizeBDiagCursor,
                "bl": Qt.CursorShape.SizeBDiagCursor,
                "t": Qt.CursorShape.SizeVerCursor,
                "b": Qt.CursorShape.SizeVerCursor,
                "l": Qt.CursorShape.SizeHorCursor,
                "r": Qt.CursorShape.SizeHorCursor,
            }
            default = (
                Qt.CursorShape.CrossCursor
                if self.region_tool != RegionTool.NONE
                else Qt.CursorShape.ArrowCursor
            )
            self.setCursor(cursors.get(hit or "", default))
            return
        if self._drag == "pan":
            self.pan = pos - self._pan_start
            self.update()
            return
        if self._drag == "split":
            self._move_split(pos)
            return
        point = self.to_source(pos)
        sw, sh = self.source_size
        point = QPointF(min(max(point.x(), 0), sw), min(max(point.y(), 0), sh))
        if self._drag == "paint":
            self.paint_mask(point, self._last_paint)
            self._last_paint = point
            return
        if self._drag == "new":
            self.region_rect = QRectF(self._drag_start, point).normalized()
        elif self._drag == "move":
            delta = point - self._drag_start
            self.region_rect = self._drag_rect.translated(delta)
        elif self._drag in ("tl", "t", "tr", "r", "br", "b", "bl", "l"):
            r = QRectF(self._drag_rect)
            if "l" in self._drag:
                r.setLeft(point.x())
            if "r" in self._drag:
                r.setRight(point.x())
            if "t" in self._drag:
                r.setTop(point.y())
            if "b" in self._drag:
                r.setBottom(point.y())
            self.region_rect = r.normalized()
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag not in (None, "pan", "split"):
            self.regionChanged.emit(self.region())

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.set_zoom(self.scale() * math.pow(1.25, steps), event.position())
