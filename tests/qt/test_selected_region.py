"""Selecting an edit loads its region into the viewer, not only the panel's label (issue 14,
item 3): "Update selected edit" on a masked edit kept the mask (it had stored a whole-frame
edit), and another clip starts with no region and a label that says so."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt

from qt.qt_helpers import drag, find, make_clip
from workbench.project import Project


def _paint_and_apply(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(find(window, "regionTool_mask"), Qt.MouseButton.LeftButton)
    find(window, "maskBrushSize").setValue(10)
    canvas = find(window, "viewerCanvas")
    image = canvas.image_rects()[0]
    drag(canvas, image.center() - QPointF(20, 0), image.center() + QPointF(20, 0))
    window.panels.tools.select_tool("denoise")
    qtbot.mouseClick(find(window, "toolApplyClip"), Qt.MouseButton.LeftButton)


def test_update_selected_keeps_a_masked_edits_mask(project_window, qtbot) -> None:
    c = project_window.controller
    path = c.session.path
    _paint_and_apply(project_window, qtbot)
    canvas = find(project_window, "viewerCanvas")
    # the user goes on: no region tool, the region cleared, another edit on the whole frame
    qtbot.mouseClick(find(project_window, "regionTool_none"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find(project_window, "regionClear"), Qt.MouseButton.LeftButton)
    assert canvas.region() == {"kind": "full"}
    project_window.panels.tools.select_tool("deblock")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    with Project.open(path, readonly=True) as project:
        masked, _whole = project.edits()
    assert masked.region["kind"] == "mask"
    stack = find(project_window, "editStackList")
    stack.topLevelItem(0).setSelected(True)
    assert c.selected_edit == masked.id
    # the viewer holds the mask, with the mask brush, as the label says
    assert canvas.region() == {"kind": "mask"}
    assert find(project_window, "regionTool_mask").isChecked()
    assert find(project_window, "toolRegion").text() == "Region: painted mask"
    project_window.panels.tools.set_param("strength", 0.5)
    qtbot.mouseClick(find(project_window, "toolUpdateEdit"), Qt.MouseButton.LeftButton)
    with Project.open(path, readonly=True) as project:
        changed = next(e for e in project.edits() if e.tool == "denoise")
        assert project.verify().ok
    assert changed.id != masked.id and changed.parameters["strength"] == 0.5
    assert changed.region == masked.region  # the same mask, by its hash


def test_another_clip_starts_with_no_region_and_says_so(
    project_window, tmp_path: Path, qtbot
) -> None:
    c = project_window.controller
    _paint_and_apply(project_window, qtbot)
    find(project_window, "editStackList").topLevelItem(0).setSelected(True)
    assert find(project_window, "toolRegion").text() == "Region: painted mask"
    other = make_clip(tmp_path / "B001.mkv")
    c.import_media([other])
    qtbot.waitUntil(lambda: len(c.session.project().clips()) == 2, timeout=15000)
    second = c.session.project().clips()[1]
    c.select_clip(second.id)
    assert c.clip is not None and c.clip.id == second.id
    assert find(project_window, "toolRegion").text() == "Region: whole frame"
    assert find(project_window, "viewerCanvas").region() == {"kind": "full"}
    assert c.state.region == {"kind": "full"}
