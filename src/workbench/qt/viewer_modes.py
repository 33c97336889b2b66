"""The viewer's modes and region tools (shared by the canvas, its painting and the panel)."""

from __future__ import annotations

import enum

from PySide6.QtCore import QPointF, QRectF


class Mode(enum.StrEnum):
    ORIGINAL = "original"
    RESULT = "result"
    SPLIT = "split"
    SIDE = "side"
    DIFFERENCE = "difference"


MODE_LABELS = {
    Mode.ORIGINAL: "Original",
    Mode.RESULT: "Result",
    Mode.SPLIT: "Split",
    Mode.SIDE: "Side by side",
    Mode.DIFFERENCE: "Difference",
}


class RegionTool(enum.StrEnum):
    NONE = "none"
    RECT = "rect"
    MASK = "mask"


HANDLE = 5.0


def handles(box: QRectF) -> dict[str, QPointF]:
    """The eight handles of a region rectangle, by name (corners and edge middles)."""
    c = box.center()
    return {
        "tl": box.topLeft(),
        "t": QPointF(c.x(), box.top()),
        "tr": box.topRight(),
        "r": QPointF(box.right(), c.y()),
        "br": box.bottomRight(),
        "b": QPointF(c.x(), box.bottom()),
        "bl": box.bottomLeft(),
        "l": QPointF(box.left(), c.y()),
    }
