"""The window's tracked regions, moving edits, start screen, shortcuts and render presets."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence

from qt.qt_helpers import drag, find, make_clip
from tools.tracking_clips import make_moving_square, square_at
from workbench.project import Project
from workbench.qt.shortcuts import SHORTCUTS, keys_for


def _draw_rect(window, qtbot, x: int, y: int, w: int, h: int) -> None:  # type: ignore[no-untyped-def]
    """Drag a rectangle on the viewer over source pixels (x, y, w, h)."""
    qtbot.mouseClick(find(window, "regionTool_rect"), Qt.MouseButton.LeftButton)
    canvas = find(window, "viewerCanvas")
    canvas.clear_region()
    image = canvas.image_rects()[0]
    sw = canvas.source_size[0]
    scale = image.width() / sw

    def at(px: float, py: float) -> QPointF:
        return image.topLeft() + QPointF(px * scale, py * scale)

    drag(canvas, at(x, y), at(x + w, y + h))
    region = canvas.region()
    assert region["kind"] == "rect" and abs(region["x"] - x) <= 1 and abs(region["y"] - y) <= 1


def test_a_region_keyframed_tracked_and_applied_in_the_window(window, tmp_path: Path, qtbot) -> None:
    c = window.controller
    footage = make_moving_square(tmp_path / "square.mkv")
    assert c.new_project(tmp_path / "film.wbproj", "Film")
    c.import_media([footage])
    qtbot.waitUntil(lambda: c.clip is not None and c.shown_original == 0, timeout=15000)
    tracking = window.extras.tracking
    for frame in (0, 20):
        c.set_frame(frame)
        qtbot.waitUntil(lambda f=frame: c.shown_original == f, timeout=5000)
        x, y = square_at(frame)
        _draw_rect(window, qtbot, x, y, 32, 32)
        qtbot.mouseClick(find(window, "trackSetKey"), Qt.MouseButton.LeftButton)
    assert sorted(tracking.keys) == [0, 20]
    assert window.panels.timeline.strip.keys == [0, 20]  # diamonds on the ruler
    assert find(window, "trackKeys").count() == 2
    c.set_frame(0)
    c.mark_in()
    c.set_frame(23)
    c.mark_out()
    qtbot.mouseClick(find(window, "trackRun"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tracking.track is not None, timeout=30000)
    assert tracking.use and find(window, "trackUse").isChecked()
    assert "frames 0–23" in find(window, "trackStatus").text()
    # the viewer shows the tracked rectangle where the square is now
    c.set_frame(12)
    region = find(window, "viewerCanvas").region()
    assert abs(region["x"] - square_at(12)[0]) <= 2 and abs(region["y"] - square_at(12)[1]) <= 2
    assert "tracked rectangle" in find(window, "toolRegion").text()
    window.panels.tools.select_tool("denoise")
    qtbot.mouseClick(find(window, "toolApplyRange"), Qt.MouseButton.LeftButton)
    with Project.open(c.session.path, readonly=True) as project:
        (edit,) = project.edits()
        assert edit.frames == (0, 23) and edit.region["kind"] == "tracked"
        assert edit.region["keyframes"] == [0, 20]
        assert project.track(edit.region["sha256"]).rects[12][0] == region["x"]
        assert project.verify().ok
    qtbot.waitUntil(lambda: len(window.panels.timeline.strip.bars) == 1, timeout=5000)
    assert window.panels.timeline.strip.bars[0].keys == (0, 20)  # ticks on the edit's bar
    assert "tracked rectangle (keyframes 0, 20)" in find(window, "editStackList").topLevelItem(0).text(5)
    # undo and redo keep the stored track
    window.undo_action.trigger()
    window.redo_action.trigger()
    with Project.open(c.session.path, readonly=True) as project:
        (again,) = project.edits()
        assert again.region == edit.region and project.verify().ok
    # selecting the tracked edit adopts its track; clearing drops it
    tracking.clear()
    assert tracking.active_track() is None
    c.select_edit(again.id)
    assert tracking.adopted == again.id and tracking.active_track() is not None


def test_tracking_can_be_cancelled_and_needs_keyframes(project_window, qtbot) -> None:
    tracking = project_window.extras.tracking
    tracking.run_track()
    assert "keyframe" in project_window.controller.reporter.history[-1].message
    _draw_rect(project_window, qtbot, 8, 8, 16, 16)
    tracking.set_key()
    tracking.run_track()
    tracking.cancel()
    qtbot.waitUntil(lambda: tracking.task is None, timeout=15000)
    assert tracking.track is None
    assert "cancelled" in find(project_window, "trackStatus").text()
    assert find(project_window, "trackRun").isEnabled()


def test_edits_move_up_and_down_as_undoable_commands(project_window, qtbot) -> None:
    c = project_window.controller
    tools = project_window.panels.tools
    for tool in ("denoise", "deblock"):
        tools.select_tool(tool)
        qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    path = c.session.path
    with Project.open(path, readonly=True) as project:
        first, second = (e.id for e in project.edits())
    c.select_edit(first)
    up = find(project_window, "editMoveUp")
    assert up.isEnabled() and not find(project_window, "editMoveDown").isEnabled()
    qtbot.mouseClick(up, Qt.MouseButton.LeftButton)
    with Project.open(path, readonly=True) as project:
        assert [e.id for e in project.edits()] == [second, first]
        assert project.log.entries()[-1]["schema"] == "workbench.edit-move/1"
    assert c.undo.undoText() == "Move denoise edit up to #2"
    assert project_window.panels.timeline.strip.bars[0].edit_id == second
    project_window.undo_action.trigger()
    with Project.open(path, readonly=True) as project:
        assert [e.id for e in project.edits()] == [first, second] and project.verify().ok


def test_one_table_gives_the_actions_their_keys_and_the_help_page_its_rows(
    project_window, qtbot
) -> None:
    from PySide6.QtGui import QAction

    actions = {a.objectName(): a for a in project_window.findChildren(QAction) if a.objectName()}
    for shortcut in SHORTCUTS:
        assert shortcut.action in actions, f"no action {shortcut.action} for its shortcut"
        assert actions[shortcut.action].shortcut() == QKeySequence(shortcut.keys)
    for name, action in actions.items():
        if not action.shortcut().isEmpty():
            assert keys_for(name) is not None, f"{name} has keys the table does not list"
    for name in ("actionPreview", "actionApplyRange", "actionRender", "actionTrack"):
        assert keys_for(name)
    actions["actionShortcuts"].trigger()
    dialog = project_window.extras.shortcuts_dialog
    table = find(dialog, "shortcutsTable")
    assert table.rowCount() == len(SHORTCUTS)
    rows = {table.item(r, 1).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert rows["Preview the tool on the current frame"] == "P"
    assert rows["Add the render queue's clip to the queue"] == QKeySequence("Ctrl+R").toString(
        QKeySequence.SequenceFormat.NativeText
    )
    dialog.close()
    # the keys act: P previews the tool on the current frame
    with qtbot.waitSignal(project_window.controller.resultShown, timeout=20000):
        actions["actionPreview"].trigger()


def test_the_start_screen_lists_recent_projects_and_makes_one_from_footage(
    window, tmp_path: Path, qtbot
) -> None:
    from workbench.project.recent import remember_project

    central = window.extras.central
    assert central.currentWidget() is window.extras.start
    kept, gone = tmp_path / "kept.wbproj", tmp_path / "gone.wbproj"
    Project.create(kept).close()
    Project.create(gone).close()
    remember_project(gone)
    remember_project(kept)
    gone.unlink()
    start = window.extras.start
    start.refresh()
    assert start.recent.count() == 2
    assert start.missing() == [str(gone.resolve())]
    assert "missing" in start.recent.item(1).text()
    qtbot.mouseClick(find(window, "startForgetMissing"), Qt.MouseButton.LeftButton)
    assert start.recent.count() == 1
    # new from footage: the project is made beside the clips, named after their folder
    shoot = tmp_path / "Day 1"
    shoot.mkdir()
    clips = [make_clip(shoot / "A001.mkv"), make_clip(shoot / "A002.mkv")]
    assert window.extras.ask_new_from_footage(clips)
    c = window.controller
    assert c.session.path == shoot / "Day 1.wbproj"
    qtbot.waitUntil(lambda: len(c.session.project().clips()) == 2, timeout=20000)
    assert central.currentWidget() is window.panels.viewer
    c.close_project()
    assert central.currentWidget() is start
    assert str((shoot / "Day 1.wbproj").resolve()) in [
        start.recent.item(r).data(Qt.ItemDataRole.UserRole) for r in range(start.recent.count())
    ]


def test_render_presets_name_the_output_and_render_all_queues_each_clip_with_edits(
    project_window, tmp_path: Path, qtbot
) -> None:
    c = project_window.controller
    c.import_media([make_clip(tmp_path / "B001.mkv")])
    qtbot.waitUntil(lambda: len(c.session.project().clips()) == 2, timeout=15000)
    project_window.panels.tools.select_tool("denoise")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    presets = project_window.extras.presets
    presets.select("Archive: FFV1")
    panel = project_window.panels.renders
    assert panel.codec_combo.currentData() == "ffv1"
    assert Path(panel.output.text()).parent == tmp_path / "renders"
    assert Path(panel.output.text()).suffix == ".mkv"
    queued: list[tuple[int, str, str | None]] = []
    presets.queue_render = lambda clip, output, codec: queued.append((clip, output, codec))
    assert presets.render_all() == 1  # only clip 1 has an edit
    (clip_id, output, codec) = queued[0]
    assert clip_id == c.clip.id and codec == "ffv1" and Path(output).parent.is_dir()
    # a preset of one's own is kept in the config folder and offered again
    from workbench.render.presets import RenderPreset, _file

    saved = presets.save_preset(RenderPreset("Dailies", "h264", "{project}_{clip}", "dailies"))
    assert saved is not None and find(project_window, "renderPreset").currentText() == "Dailies"
    assert json.loads(_file().read_text())["presets"][0]["pattern"] == "{project}_{clip}"
    presets.apply_preset()
    assert Path(panel.output.text()).name.startswith("film_")
