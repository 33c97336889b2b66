"""The log panel speaks to producers (issue 14, item 8): an edit's row says its region, a
revert names the edit it reverts, a policy change says what changed; the stack, the timeline
and the log use the same edit ids (item 7)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from qt.qt_helpers import drag, find
from workbench.project import Policy


def _what(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = find(window, "logTable").model()
    return [model.index(row, 7).data() for row in range(model.rowCount())]


def test_the_log_panel_says_what_happened(project_window, qtbot) -> None:
    c = project_window.controller
    qtbot.mouseClick(find(project_window, "regionTool_rect"), Qt.MouseButton.LeftButton)
    canvas = find(project_window, "viewerCanvas")
    image = canvas.image_rects()[0]
    drag(canvas, image.topLeft() + QPointF(5, 5), image.center())
    project_window.panels.tools.select_tool("denoise")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    (edit,) = c.clip_edits
    region = edit.region
    assert c.set_policy(Policy(signoff_required=["dust"]))
    stack = find(project_window, "editStackList")
    stack.topLevelItem(0).setSelected(True)
    qtbot.mouseClick(find(project_window, "editRemove"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(_what(project_window)) == 5, timeout=10000)
    qtbot.waitUntil(lambda: project_window.panels.log.verified is True, timeout=10000)
    lines = _what(project_window)
    rect = f"rectangle {region['w']}×{region['h']} at {region['x']},{region['y']}"
    assert lines[2].startswith(f"edit #{edit.id}: denoise on A001_C002.mkv, frames 0–11, {rect}")
    assert lines[3] == "policy: sign-off now required for dust"
    assert lines[4] == f"removed edit #{edit.id} (denoise, frames 0–11 of A001_C002.mkv)"


def test_the_stack_the_timeline_and_the_log_use_one_edit_id(project_window, qtbot) -> None:
    c = project_window.controller
    for tool in ("denoise", "deblock", "dust"):
        project_window.panels.tools.select_tool(tool)
        qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    first = c.clip_edits[0]
    stack = find(project_window, "editStackList")
    stack.topLevelItem(0).setSelected(True)
    qtbot.mouseClick(find(project_window, "editRemove"), Qt.MouseButton.LeftButton)
    edits = c.clip_edits
    assert [e.id for e in edits] != [1, 2]  # the ids are not positions any more
    shown = [stack.topLevelItem(n).text(1) for n in range(stack.topLevelItemCount())]
    assert shown == [f"#{e.id}" for e in edits]
    labels = [bar.label for bar in find(project_window, "timelineStrip").bars]
    assert labels == [f"#{e.id} {e.tool}" for e in edits]
    qtbot.waitUntil(lambda: len(_what(project_window)) == 6, timeout=10000)
    assert _what(project_window)[-1].startswith(f"removed edit #{first.id} (denoise")
