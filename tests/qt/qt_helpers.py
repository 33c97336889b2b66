"""Driving widgets the way a user does: clicks, drags and keys on the real widgets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget


def _mouse(widget: QWidget, kind: QEvent.Type, pos: QPointF, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(
        kind,
        pos,
        widget.mapToGlobal(pos),
        button,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def drag(widget: QWidget, start: QPointF | QPoint, end: QPointF | QPoint, steps: int = 5) -> None:
    """Press the left button at ``start``, move to ``end`` and release there."""
    a, b = QPointF(start), QPointF(end)
    _mouse(widget, QEvent.Type.MouseButtonPress, a, Qt.MouseButton.LeftButton)
    for n in range(1, steps + 1):
        p = a + (b - a) * (n / steps)
        _mouse(widget, QEvent.Type.MouseMove, p, Qt.MouseButton.LeftButton)
    _mouse(widget, QEvent.Type.MouseButtonRelease, b, Qt.MouseButton.NoButton)


def find(root: QWidget, name: str) -> Any:
    widget = root.findChild(QWidget, name)
    assert widget is not None, f"no widget named {name!r}"
    return widget


def make_clip(
    path: Path, frames: int = 12, size: tuple[int, int] = (64, 48), rate: int = 24
) -> Path:
    """A small FFV1 clip with a gradient, a moving pattern and some noise."""
    import av

    width, height = size
    out = av.open(str(path), "w")
    stream = out.add_stream("ffv1", rate=rate)
    stream.width, stream.height = width, height
    stream.pix_fmt = "yuv444p"
    yy, xx = np.mgrid[0:height, 0:width]
    rng = np.random.default_rng(7)
    for i in range(frames):
        img = np.zeros((height, width, 3), np.float32)
        img[..., 0] = xx / width
        img[..., 1] = yy / height
        img[..., 2] = 0.5 + 0.4 * np.sin((xx + 3 * i) / 7.0)
        img += rng.normal(0, 0.05, img.shape)
        frame = (np.clip(img, 0, 1) * 255).astype(np.uint8)
        for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
            out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)
    out.close()
    return path
