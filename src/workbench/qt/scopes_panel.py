"""The scopes dock: a waveform and an RGB histogram of the viewed frame, original and result.

What is measured is what the viewer shows — the original (or A of an A/B) and the result (or
B) — so a denoise's flattened noise band or a deblock's restored gradients can be judged by
numbers, not by eye alone. The counting (``workbench.media.scopes``, NumPy) runs on a thread of
its own, the newest frame replacing any waiting one, and only while the dock is visible.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen, QShowEvent
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from workbench.media import scopes
from workbench.qt.canvas import ViewerCanvas

MIN_INTERVAL_S = 0.12  # at most about eight updates a second (playback keeps its CPU)


def image_to_rgb8(image: QImage) -> NDArray[np.uint8]:
    """An H×W×3 copy of a QImage's pixels."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def rgb8_to_image(array: NDArray[np.uint8]) -> QImage:
    array = np.ascontiguousarray(array)
    height, width = array.shape[:2]
    return QImage(array.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


@dataclass(frozen=True)
class ScopeJob:
    generation: int
    left: QImage | None
    right: QImage | None
    mode: scopes.WaveformMode


class ScopeView(QWidget):
    """One scope picture, scaled to the widget, with a graticule and a title."""

    def __init__(self, title: str, graticule: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.graticule = graticule
        self.image: QImage | None = None
        self.setMinimumSize(160, 90)

    def set_image(self, image: QImage | None, title: str | None = None) -> None:
        self.image = image
        if title is not None:
            self.title = title
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(14, 14, 16))
        area = QRectF(self.rect()).adjusted(4, 18, -4, -4)
        if self.image is not None:
            p.drawImage(area, self.image)
        if self.graticule:
            p.setPen(QPen(QColor(110, 110, 90, 140), 1, Qt.PenStyle.DashLine))
            for step in range(5):  # 0, 25, 50, 75, 100 %
                y = area.bottom() - area.height() * step / 4
                p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        p.setPen(QColor(200, 200, 200))
        p.drawText(QRectF(6, 1, self.width() - 12, 16), Qt.AlignmentFlag.AlignLeft, self.title)
        if self.image is None:
            p.setPen(QColor(120, 120, 120))
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, "no frame")
        p.end()


class ScopeWorker(QObject):
    """Counts on a thread of its own; the newest job replaces a waiting one."""

    ready = Signal(int, object)  # generation, {name: QImage | None}

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._job: ScopeJob | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._loop, name="workbench-scopes", daemon=True)
        self._thread.start()

    def post(self, job: ScopeJob) -> None:
        with self._cond:
            self._job = job
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._job is None and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                job, self._job = self._job, None
            assert job is not None
            began = time.monotonic()
            # a frame that cannot be measured leaves the scopes as they were
            with contextlib.suppress(Exception):
                self.ready.emit(job.generation, measure(job))
            rest = MIN_INTERVAL_S - (time.monotonic() - began)
            if rest > 0:
                time.sleep(rest)


def measure(job: ScopeJob) -> dict[str, QImage | None]:
    """The four scope pictures of a job's two frames."""
    out: dict[str, QImage | None] = {}
    for side, image in (("left", job.left), ("right", job.right)):
        if image is None or image.isNull():
            out[f"{side}_wave"] = out[f"{side}_hist"] = None
            continue
        rgb = image_to_rgb8(image)
        wave = scopes.waveform(rgb, columns=360, mode=job.mode)
        out[f"{side}_wave"] = rgb8_to_image(scopes.waveform_image(wave, height=256))
        out[f"{side}_hist"] = rgb8_to_image(scopes.histogram_image(scopes.histogram(rgb), 128))
    return out


class ScopesPanel(QWidget):
    """Waveform and histogram, original (or A) beside result (or B)."""

    updated = Signal(int)  # the generation shown

    def __init__(self, canvas: ViewerCanvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scopesPanel")
        self.setAccessibleName("Scopes: waveform and RGB histogram")
        self.canvas = canvas
        self.mode = QComboBox(self)
        self.mode.setObjectName("scopesMode")
        self.mode.setAccessibleName("Waveform kind")
        self.mode.addItem("Luma waveform", "luma")
        self.mode.addItem("RGB parade", "parade")
        self.mode.currentIndexChanged.connect(lambda _i: self.schedule())
        self.views = {
            "left_wave": ScopeView("Original · waveform", True, self),
            "right_wave": ScopeView("Result · waveform", True, self),
            "left_hist": ScopeView("Original · histogram", False, self),
            "right_hist": ScopeView("Result · histogram", False, self),
        }
        for name, view in self.views.items():
            view.setObjectName(f"scope_{name}")
        grid = QGridLayout()
        grid.setSpacing(4)
        grid.addWidget(self.views["left_wave"], 0, 0)
        grid.addWidget(self.views["right_wave"], 0, 1)
        grid.addWidget(self.views["left_hist"], 1, 0)
        grid.addWidget(self.views["right_hist"], 1, 1)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(1, 1)
        top = QHBoxLayout()
        top.addWidget(QLabel("Scope:", self))
        top.addWidget(self.mode)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        self.generation = 0
        self.shown = 0
        self.worker = ScopeWorker(self)
        self.worker.ready.connect(self._ready)

    def schedule(self, *_args: object) -> None:
        """Measure what the viewer shows now (only while the dock can be seen)."""
        if not self.isVisible():
            return
        canvas = self.canvas
        left = canvas.compare if canvas.compare is not None else canvas.original
        right = canvas.result if canvas.result is not None else canvas.original
        self.generation += 1
        mode: scopes.WaveformMode = "parade" if self.mode.currentData() == "parade" else "luma"
        self.worker.post(ScopeJob(self.generation, left, right, mode))

    def _ready(self, generation: int, images: dict[str, QImage | None]) -> None:
        if generation < self.shown:
            return
        left, right = self.canvas.labels
        left = left if self.canvas.compare is not None else "Original"
        titles = {
            "left_wave": f"{left} · waveform",
            "right_wave": f"{right} · waveform",
            "left_hist": f"{left} · histogram",
            "right_hist": f"{right} · histogram",
        }
        for name, view in self.views.items():
            view.set_image(images.get(name), titles[name])
        self.shown = generation
        self.updated.emit(generation)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.schedule()

    def stop(self) -> None:
        self.worker.stop()
