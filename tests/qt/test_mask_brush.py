"""The mask brush paints a stroke, not a row of dots, however far apart the mouse events are
(issue 14, item 7)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from qt.qt_helpers import drag, find


def test_a_quick_drag_paints_a_continuous_stroke(project_window, qtbot) -> None:
    qtbot.mouseClick(find(project_window, "regionTool_mask"), Qt.MouseButton.LeftButton)
    find(project_window, "maskBrushSize").setValue(4)
    canvas = find(project_window, "viewerCanvas")
    image = canvas.image_rects()[0]
    y = image.center().y()
    start, end = QPointF(image.left() + 4, y), QPointF(image.right() - 4, y)
    drag(canvas, start, end, steps=3)  # three mouse events across the whole frame
    mask = canvas.painted_mask
    assert mask is not None
    a, b = canvas.to_source(start), canvas.to_source(end)
    row = round(a.y())
    covered = mask[row, round(a.x()) : round(b.x()) + 1]
    assert covered.size > 40 and covered.all(), "the stroke has gaps between mouse events"
    # erasing across it cuts it the same way: a continuous gap, not holes
    find(project_window, "maskErase").setChecked(True)
    mid = image.center().x()
    drag(canvas, QPointF(mid, image.top() + 2), QPointF(mid, image.bottom() - 2), steps=2)
    column = mask[:, round(canvas.to_source(QPointF(mid, y)).x())]
    assert not column.any()
