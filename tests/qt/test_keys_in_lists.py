"""Arrow keys in a list or table move in it, not the playhead (issue 14, item 7); elsewhere
they still step frames."""

from __future__ import annotations

from PySide6.QtCore import Qt

from qt.qt_helpers import find


def test_arrow_keys_in_the_edit_stack_stay_there(project_window, qtbot) -> None:
    c = project_window.controller
    for tool in ("denoise", "deblock"):
        project_window.panels.tools.select_tool(tool)
        qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    c.set_frame(5)
    stack = find(project_window, "editStackList")
    stack.setFocus()
    stack.setCurrentItem(stack.topLevelItem(0))
    qtbot.keyClick(stack, Qt.Key.Key_Down)
    assert stack.currentItem() is stack.topLevelItem(1)  # the list moved
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_End):
        qtbot.keyClick(stack, key)
    assert c.frame == 5  # the playhead did not
    table = find(project_window, "logTable")
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert c.frame == 5
    # in the viewer they step frames, as before
    canvas = find(project_window, "viewerCanvas")
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert c.frame == 6
