"""Each panel is a view over a view state: built around one with qtbot, no window, no project.

Changing the state redraws the panel (as napari's widget tests drive a view through its
model), and the transport changes only the state.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from qt.test_view_state import clip, edit
from workbench.qt.edit_stack import EditStackPanel
from workbench.qt.timeline import TimelinePanel
from workbench.qt.tools_panel import ToolsPanel
from workbench.qt.transport import Transport
from workbench.qt.view_state import ViewState


def test_timeline_follows_the_state(qtbot) -> None:
    state = ViewState()
    panel = TimelinePanel(state)
    qtbot.addWidget(panel)
    assert panel.position.text() == "frame – / –"
    state.set_clip(clip(frames=48), [edit(1, (2, 4)), edit(2, (10, 20), enabled=False)])
    assert panel.strip.count == 48
    assert [(b.start, b.end, b.enabled) for b in panel.strip.bars] == [
        (2, 4, True), (10, 20, False),
    ]  # fmt: skip
    state.set_frame(30)
    assert panel.strip.current == 30
    assert "30 / 47" in panel.position.text() and "00:00:01:06" in panel.position.text()
    state.mark_in(5)
    state.mark_out(9)
    assert (panel.strip.in_point, panel.strip.out_point) == (5, 9)
    assert panel.range_label.text() == "in 5  out 9"
    state.select_edit(2)
    assert panel.strip.selected == 2
    state.set_edits([edit(1, (2, 4))])
    assert panel.strip.selected is None and len(panel.strip.bars) == 1
    state.set_speed(1)
    assert panel.buttons["play"].text() == "❚❚"
    state.set_speed(0)
    assert panel.buttons["play"].text() == "▶"


def test_scrubbing_the_strip_reports_frames(qtbot) -> None:
    state = ViewState()
    panel = TimelinePanel(state)
    qtbot.addWidget(panel)
    panel.resize(500, 120)
    state.set_clip(clip(frames=10))
    with qtbot.waitSignal(panel.strip.scrubbed) as blocker:
        qtbot.mouseClick(panel.strip, Qt.MouseButton.LeftButton, pos=panel.strip.rect().center())
    assert 4 <= blocker.args[0] <= 5
    assert state.frame == 0  # the panel reports; the transport decides


def test_edit_stack_follows_the_state_and_marks_pending_signoff(qtbot) -> None:
    state = ViewState()
    panel = EditStackPanel(state)
    qtbot.addWidget(panel)
    state.set_clip(clip(), [edit(1, (0, 3)), edit(2, (4, 8), enabled=False)], pending={2})
    tree = panel.tree
    assert tree.topLevelItemCount() == 2
    second = tree.topLevelItem(1)
    assert second is not None
    assert "awaiting sign-off" in second.text(2)
    assert second.checkState(0) == Qt.CheckState.Unchecked
    with qtbot.waitSignal(panel.selected) as blocker:
        state.select_edit(2)
    assert blocker.args == [2]
    assert panel.signoff_button.isEnabled() and panel.remove_button.isEnabled()
    toggled: list[tuple[int, bool]] = []
    panel.toggled.connect(lambda edit_id, on: toggled.append((edit_id, on)))
    second.setCheckState(0, Qt.CheckState.Checked)
    assert toggled == [(2, True)]
    state.set_edits([edit(1, (0, 3))])
    assert tree.topLevelItemCount() == 1 and not panel.signoff_button.isEnabled()


def test_tools_panel_shows_the_region_and_enables_update_with_a_selection(qtbot) -> None:
    state = ViewState()
    panel = ToolsPanel(state)
    qtbot.addWidget(panel)
    state.set_region({"kind": "rect", "x": 4, "y": 6, "w": 20, "h": 10})
    assert panel.region_label.text() == "Region: rectangle 20×10 at 4,6"
    state.set_region({"kind": "mask"})
    assert panel.region_label.text() == "Region: painted mask"
    assert not panel.replace_button.isEnabled()
    state.set_clip(clip(), [edit(1, (0, 3))])
    state.select_edit(1)
    assert panel.replace_button.isEnabled()
    state.set_clip(clip(2))
    assert not panel.replace_button.isEnabled()


def test_transport_steps_plays_and_shuttles_through_the_state(qtbot) -> None:
    state = ViewState()
    shown: set[int] = set()
    transport = Transport(state, lambda frame: frame in shown)
    state.set_clip(clip(frames=6), [edit(1, (2, 3))])
    transport.step(1)
    transport.jump_edit(1)
    assert state.frame == 2
    transport.go_end()
    assert state.frame == 5
    transport.go_start()
    shown.update(range(6))
    transport.play(1)
    qtbot.waitUntil(lambda: state.frame == 5 and state.speed == 0, timeout=5000)
    transport.shuttle(-1)
    transport.shuttle(-1)
    assert state.speed == -2
    transport.shuttle(1)
    assert state.speed == 1
    shown.clear()  # the viewer is behind: playback waits
    frame = state.frame
    qtbot.wait(150)
    assert state.frame == frame
    transport.stop()
    assert state.speed == 0
