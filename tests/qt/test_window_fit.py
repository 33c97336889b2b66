"""The window fits a 1366×768 laptop (issue 14, item 5), and the timeline shows every edit's lane
(item 7): its minimum size leaves room for a title bar and a panel, the viewer's toolbar wraps
instead of widening the window, the tools panel's buttons stay in view, and the lanes scroll."""

from __future__ import annotations

from PySide6.QtCore import Qt

from qt.qt_helpers import find
from workbench.qt.window_fit import LAPTOP_AVAILABLE


def test_the_minimum_size_fits_a_laptop_screen(project_window) -> None:
    hint = project_window.minimumSizeHint()
    assert hint.width() <= LAPTOP_AVAILABLE.width() - 200, hint
    assert hint.height() <= LAPTOP_AVAILABLE.height() - 60, hint
    project_window.resize(1280, 720)
    assert (project_window.width(), project_window.height()) == (1280, 720)


def test_at_1280x720_the_toolbar_wraps_and_the_apply_buttons_are_in_view(
    project_window, qtbot
) -> None:
    project_window.resize(1280, 720)
    qtbot.wait(50)
    viewer = project_window.panels.viewer
    canvas = viewer.canvas
    for button in viewer.findChildren(type(find(project_window, "regionClear"))):
        if button.isVisible():  # every toolbar button is inside the viewer, above the canvas
            assert button.geometry().right() <= viewer.width()
            assert button.geometry().bottom() <= canvas.geometry().top()
    tools = project_window.panels.tools
    for name in ("toolPreview", "toolApplyFrame", "toolApplyRange", "toolApplyClip"):
        button = find(project_window, name)
        top_left = button.mapTo(tools, button.rect().topLeft())
        assert top_left.y() >= 0 and top_left.y() + button.height() <= tools.height(), name


def test_the_timeline_shows_every_lane_and_scrolls(project_window, qtbot) -> None:
    c = project_window.controller
    for tool in ("denoise", "dust", "deblock", "denoise", "deblock", "dust"):
        project_window.panels.tools.select_tool(tool)
        qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    assert len(c.clip_edits) == 6
    strip = find(project_window, "timelineStrip")
    rects = strip.bar_rects()
    assert len(rects) == 6
    assert all(rect.bottom() <= strip.minimumHeight() for _bar, rect in rects)
    lanes = find(project_window, "timelineLanes")
    lanes.ensureVisible(0, int(rects[-1][1].bottom()))
    assert lanes.verticalScrollBar().value() > 0 or lanes.viewport().height() >= rects[-1][1].bottom()
