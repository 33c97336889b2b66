"""A user's day in the window: import, scrub, region, preview, apply, undo, redo, export.

Each test checks the project file and its log afterwards, not only the widgets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt

from qt.qt_helpers import drag, find, make_clip
from workbench.disclosure.export import read_export_file
from workbench.disclosure.exporters import formats
from workbench.disclosure.verify import verify_rows
from workbench.project import Project


def schemas(path: Path) -> list[str]:
    with Project.open(path, readonly=True) as project:
        return [str(e["schema"]).removeprefix("workbench.") for e in project.log.entries()]


def test_import_shows_the_clip_in_the_bin(project_window, clip: Path, qtbot) -> None:
    c = project_window.controller
    bin_list = find(project_window, "mediaBinList")
    assert bin_list.topLevelItemCount() == 1
    item = bin_list.topLevelItem(0)
    assert item.text(0).splitlines()[0] == clip.name
    assert "64×48 · 24 fps · ffv1" in item.text(0)
    assert item.text(2) == "64×48"
    assert "12 fr" in item.text(1)
    assert item.text(4) == "ffv1"
    with Project.open(c.session.path, readonly=True) as project:
        (stored,) = project.clips()
        assert Path(stored.path) == clip.resolve()
        assert stored.media["frame_count"] == 12
    assert schemas(c.session.path) == ["project/1", "import/1"]
    qtbot.waitUntil(lambda: project_window.panels.log.verified is True, timeout=10000)
    assert find(project_window, "logTable").model().rowCount() == 2


def test_scrub_with_mouse_and_keys(project_window, qtbot) -> None:
    c = project_window.controller
    strip = find(project_window, "timelineStrip")
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=strip.rect().center())
    middle = c.frame
    assert 3 <= middle <= 8
    qtbot.waitUntil(lambda: c.shown_original == middle, timeout=5000)
    qtbot.keyClick(project_window, Qt.Key.Key_Right)
    assert c.frame == middle + 1
    qtbot.keyClick(project_window, Qt.Key.Key_Left)
    qtbot.keyClick(project_window, Qt.Key.Key_Left)
    assert c.frame == middle - 1
    qtbot.keyClick(project_window, Qt.Key.Key_End)
    assert c.frame == 11
    qtbot.waitUntil(lambda: c.shown_original == 11, timeout=5000)
    position = find(project_window, "timelinePosition").text()
    assert "11 / 11" in position and "00:00:00:11" in position
    qtbot.keyClick(project_window, Qt.Key.Key_Home)
    assert c.frame == 0
    qtbot.keyClick(project_window, Qt.Key.Key_Right)
    qtbot.keyClick(project_window, Qt.Key.Key_Right)
    qtbot.keyClick(project_window, Qt.Key.Key_I)
    for _ in range(4):
        qtbot.keyClick(project_window, Qt.Key.Key_Right)
    qtbot.keyClick(project_window, Qt.Key.Key_O)
    assert c.in_out() == (2, 6)
    # Space plays at the clip's rate (at most as fast as frames arrive); K stops
    qtbot.keyClick(project_window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: c.frame >= 9, timeout=5000)
    qtbot.keyClick(project_window, Qt.Key.Key_K)
    stopped = c.frame
    qtbot.wait(100)
    assert c.frame == stopped and c.speed == 0
    qtbot.keyClick(project_window, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: c.frame < stopped, timeout=5000)
    qtbot.keyClick(project_window, Qt.Key.Key_Space)
    assert c.speed == 0


def test_region_preview_apply_undo_redo(project_window, qtbot) -> None:
    c = project_window.controller
    path = c.session.path
    qtbot.keyClick(project_window, Qt.Key.Key_Right)
    qtbot.keyClick(project_window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: c.shown_original == 2, timeout=5000)
    tools = project_window.panels.tools
    tools.select_tool("denoise")
    tools.set_param("strength", 0.75)
    assert find(project_window, "param_strength_slider").value() == 750
    # a rectangle region, drawn with the mouse on the image
    qtbot.mouseClick(find(project_window, "regionTool_rect"), Qt.MouseButton.LeftButton)
    canvas = find(project_window, "viewerCanvas")
    image = canvas.image_rects()[0]
    start = image.topLeft() + QPointF(image.width() * 0.25, image.height() * 0.25)
    end = image.topLeft() + QPointF(image.width() * 0.75, image.height() * 0.75)
    drag(canvas, start, end)
    region = canvas.region()
    assert region["kind"] == "rect"
    assert abs(region["x"] - 16) <= 1 and abs(region["w"] - 32) <= 1
    assert "rectangle" in find(project_window, "toolRegion").text()
    # a handle drag makes it wider
    right_handle = image.topLeft() + QPointF(image.width() * 0.75, image.height() * 0.5)
    drag(canvas, right_handle, right_handle + QPointF(image.width() * 0.125, 0))
    assert abs(canvas.region()["w"] - 40) <= 1
    # preview: computed off the GUI thread, then shown (from Original, the viewer goes to Split)
    qtbot.mouseClick(find(project_window, "viewerMode_original"), Qt.MouseButton.LeftButton)
    busy: list[bool] = []
    c.frames.busyChanged.connect(busy.append)
    with qtbot.waitSignal(c.resultShown, timeout=20000):
        qtbot.mouseClick(find(project_window, "toolPreview"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: busy == [True, False], timeout=5000)  # "Processing…" came and went
    assert canvas.result is not None
    assert canvas.mode.value == "split"
    # apply to the current frame
    qtbot.mouseClick(find(project_window, "toolApplyFrame"), Qt.MouseButton.LeftButton)
    with Project.open(path, readonly=True) as project:
        (edit,) = project.edits()
        assert edit.tool == "denoise" and edit.frames == (2, 2)
        assert edit.region["kind"] == "rect" and abs(edit.region["w"] - 40) <= 1
        assert edit.parameters["strength"] == 0.75
        assert edit.model_id == "denoise-temporal"  # the default on video
        first = edit.id
    assert c.undo.undoText() == "Apply Denoise to frame 2"
    assert project_window.undo_action.text() == "&Undo Apply Denoise to frame 2"
    assert find(project_window, "editStackList").topLevelItemCount() == 1
    assert len(project_window.panels.timeline.strip.bars) == 1
    # undo appends a revert entry; the edit leaves the stack
    project_window.undo_action.trigger()
    with Project.open(path, readonly=True) as project:
        assert project.edits() == []
        reverts = [e for e in project.log.entries() if e["schema"] == "workbench.revert/1"]
        assert [(r["edit"], r["reason"]) for r in reverts] == [(first, "undo")]
    assert find(project_window, "editStackList").topLevelItemCount() == 0
    # redo adds the same edit again, as a new entry
    project_window.redo_action.trigger()
    with Project.open(path, readonly=True) as project:
        (again,) = project.edits()
        assert again.id != first and again.region == edit.region and again.frames == (2, 2)
        assert project.verify().ok
    assert schemas(path) == ["project/1", "import/1", "edit/1", "revert/1", "edit/1"]
    qtbot.waitUntil(lambda: project_window.panels.log.verified is True, timeout=10000)
    assert find(project_window, "logTable").model().rowCount() == 5


def test_mask_brush_apply_stores_the_mask_beside_the_project(project_window, qtbot) -> None:
    c = project_window.controller
    qtbot.mouseClick(find(project_window, "regionTool_mask"), Qt.MouseButton.LeftButton)
    find(project_window, "maskBrushSize").setValue(10)
    canvas = find(project_window, "viewerCanvas")
    image = canvas.image_rects()[0]
    drag(canvas, image.center() - QPointF(30, 0), image.center() + QPointF(30, 0))
    assert canvas.region() == {"kind": "mask"}
    assert canvas.painted_mask is not None and canvas.painted_mask.any()
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    with Project.open(c.session.path, readonly=True) as project:
        (edit,) = project.edits()
    assert edit.region["kind"] == "mask" and edit.frames == (0, 11)
    stored = c.session.path.with_name("film.wbproj.masks") / f"{edit.region['sha256']}.png"
    import hashlib

    assert hashlib.sha256(stored.read_bytes()).hexdigest() == edit.region["sha256"]
    # the stack's result (with the stored mask) is computed for the viewer
    qtbot.waitUntil(lambda: c.displayed(), timeout=20000)
    assert canvas.result is not None


def test_edit_stack_toggle_select_remove_are_logged(project_window, qtbot) -> None:
    c = project_window.controller
    path = c.session.path
    project_window.panels.tools.select_tool("deblock")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    stack = find(project_window, "editStackList")
    assert stack.topLevelItemCount() == 1
    item = stack.topLevelItem(0)
    item.setCheckState(0, Qt.CheckState.Unchecked)
    with Project.open(path, readonly=True) as project:
        (edit,) = project.edits()
        assert not edit.enabled
    assert c.undo.undoText() == "Disable deblock edit"
    project_window.undo_action.trigger()
    with Project.open(path, readonly=True) as project:
        assert project.edits()[0].enabled
    stack.topLevelItem(0).setSelected(True)
    assert c.selected_edit == edit.id
    assert project_window.panels.timeline.strip.selected == edit.id
    qtbot.mouseClick(find(project_window, "editRemove"), Qt.MouseButton.LeftButton)
    with Project.open(path, readonly=True) as project:
        assert project.edits() == []
        kinds = [str(e["schema"]) for e in project.log.entries()]
        revert = project.log.entries()[-1]
    assert revert["reason"] == "remove"
    assert kinds.count("workbench.edit-toggle/1") == 2
    project_window.undo_action.trigger()  # undo the removal: the edit is back
    with Project.open(path, readonly=True) as project:
        assert len(project.edits()) == 1
        assert project.verify().ok


def test_an_edit_held_for_signoff_is_signed_off_from_the_edit_stack(
    project_window, qtbot, monkeypatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from workbench.project.policy import Policy

    c = project_window.controller
    path = c.session.path
    assert c.set_policy(Policy(signoff_required=["deblock"]))
    project_window.panels.tools.select_tool("deblock")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    stack = find(project_window, "editStackList")
    button = find(project_window, "editSignoff")
    item = stack.topLevelItem(0)
    assert "awaiting sign-off" in item.text(2)
    assert not button.isEnabled()  # nothing selected yet
    item.setSelected(True)
    assert button.isEnabled()
    asked: list[str] = []

    def answer(parent, title, label, *args, **kwargs):
        asked.append(label)
        return ("checked against the plate", True)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert asked and "deblock" in asked[0]
    with Project.open(path, readonly=True) as project:
        (edit,) = project.edits()
        assert project.edits_pending_signoff() == set()
        signoff = project.log.entries()[-1]
        assert project.verify().ok
    assert signoff["schema"] == "workbench.signoff/1"
    assert signoff["edit"] == edit.id and signoff["note"] == "checked against the plate"
    assert "awaiting" not in stack.topLevelItem(0).text(2)
    stack.topLevelItem(0).setSelected(True)
    assert not button.isEnabled()  # signed off: nothing more to approve


def test_upscale_must_cover_the_whole_clip(project_window, qtbot) -> None:
    tools = project_window.panels.tools
    tools.select_tool("upscale")
    assert not find(project_window, "toolApplyFrame").isEnabled()
    assert not find(project_window, "toolApplyRange").isEnabled()
    assert find(project_window, "toolApplyClip").isEnabled()
    project_window.controller.apply("frame")
    assert "whole clip" in project_window.controller.reporter.history[-1].message


def test_export_the_log_in_every_format(project_window, tmp_path: Path, qtbot) -> None:
    c = project_window.controller
    project_window.panels.tools.select_tool("denoise")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    for fmt in formats():
        assert find(project_window, f"logExport_{fmt}").isEnabled()
    written: dict[str, str] = {}
    c.exported.connect(lambda fmt, out: written.__setitem__(fmt, out))
    for fmt in formats():
        c.export_log(fmt, tmp_path / f"log-export.{fmt}")
    qtbot.waitUntil(lambda: len(written) + len(c.reporter.history) >= len(formats()), timeout=30000)
    assert {"json", "csv"} <= set(written)
    for report in c.reporter.history:  # an exporter may refuse (e.g. nothing to credit): it says so
        assert not report.is_bug, report.details
    exported = read_export_file(Path(written["json"]))
    assert verify_rows(
        exported.rows, exported.checkpoints, exported.keys, project_id=exported.project_id
    ).ok
    assert [json.loads(r.body)["schema"] for r in exported.rows][-1] == "workbench.edit/1"
    assert "denoise" in Path(written["csv"]).read_text()


def test_log_filter_and_badge(project_window, qtbot) -> None:
    project_window.panels.tools.select_tool("dust")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    table = find(project_window, "logTable")
    qtbot.waitUntil(lambda: table.model().rowCount() == 3, timeout=5000)
    qtbot.keyClicks(find(project_window, "logFilter"), "dust")
    assert table.model().rowCount() == 1
    # typing in a text field types: the transport keys (J/K/L, I/O, Space) stay out of it
    frame = project_window.controller.frame
    qtbot.keyClicks(find(project_window, "logFilter"), " jlio")
    assert find(project_window, "logFilter").text() == "dust jlio"
    assert project_window.controller.speed == 0 and project_window.controller.frame == frame
    qtbot.waitUntil(lambda: project_window.panels.log.verified is True, timeout=10000)
    assert "log verifies" in find(project_window, "logVerifyBadge").text()


def test_errors_reach_the_user_not_a_crash(window, tmp_path: Path, qtbot) -> None:
    c = window.controller
    bad = tmp_path / "not-a-project.wbproj"
    bad.write_text("hello")
    assert not c.open_project(bad)
    assert "not a Workbench project" in c.reporter.history[-1].message
    assert c.new_project(tmp_path / "p.wbproj")
    broken = tmp_path / "broken.mov"
    broken.write_bytes(b"\x00" * 4096)
    c.import_media([broken])
    qtbot.waitUntil(lambda: len(c.reporter.history) == 2, timeout=10000)
    assert not c.reporter.history[-1].is_bug
    with Project.open(c.session.path, readonly=True) as project:
        assert project.clips() == []
    # the dialog itself, as a user would see it
    c.reporter.show_dialogs = True
    c.report(RuntimeError("boom"), "Something")
    dialog = c.reporter.dialog
    assert dialog is not None and dialog.isVisible()
    assert "bug" in dialog.text() and "boom" in dialog.detailedText()
    dialog.close()


@pytest.mark.parametrize("locked", [True])
def test_policy_refuses_undisclosed_models_and_changes_are_logged(
    project_window, qtbot, locked
) -> None:
    import onnx

    from workbench.catalog.catalog import default_model_dirs
    from workbench.config import user_models_dir
    from workbench.project import Policy

    source = next(d / "denoise.onnx" for d in default_model_dirs() if (d / "denoise.onnx").exists())
    model = onnx.load(str(source))
    model.doc_string = "the same network, without a card"
    user_models_dir().mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(user_models_dir() / "mystery.onnx"))
    c = project_window.controller
    c.reload_catalog()
    tools = project_window.panels.tools
    tools.select_tool("denoise")
    combo = find(project_window, "modelPicker")
    row = next(i for i in range(combo.count()) if "undisclosed" in combo.itemText(i))
    assert "refused by policy" in combo.itemText(row)
    assert not combo.model().item(row).isEnabled()
    assert c.set_policy(Policy(allow_undisclosed=True))
    row = next(i for i in range(combo.count()) if "undisclosed" in combo.itemText(i))
    assert combo.model().item(row).isEnabled()
    combo.setCurrentIndex(row)
    assert "Undisclosed model" in find(project_window, "modelCardSummary").text()
    qtbot.mouseClick(find(project_window, "toolApplyFrame"), Qt.MouseButton.LeftButton)
    with Project.open(c.session.path, readonly=True) as project:
        (edit,) = project.edits()
        assert edit.model_id.startswith("undisclosed-")
        entries = project.log.entries()
    assert entries[-2]["schema"] == "workbench.policy/1"
    assert entries[-1]["model"]["consent"] == "undisclosed"
    # forbid the tool: the panel refuses, and the core would too
    assert c.set_policy(Policy(allowed_tools=["upscale"]))
    assert not find(project_window, "toolApplyClip").isEnabled()
    assert "does not allow" in find(project_window, "toolStatus").text()


def test_offline_media_is_marked_and_relinkable(
    project_window, clip: Path, tmp_path: Path, qtbot
) -> None:
    c = project_window.controller
    moved = tmp_path / "moved" / clip.name
    moved.parent.mkdir()
    clip.rename(moved)
    c.refresh()
    item = find(project_window, "mediaBinList").topLevelItem(0)
    assert item.text(5) == "OFFLINE"
    c.relink(c.clip.id, moved)
    item = find(project_window, "mediaBinList").topLevelItem(0)
    assert item.text(5) == "online"
    c.select_clip(c.clip.id)
    qtbot.waitUntil(lambda: c.shown_original == 0, timeout=5000)
    # a different file is refused
    other = tmp_path / "other.mkv"
    make_clip(other, frames=3)
    c.relink(c.clip.id, other)
    assert "content differs" in c.reporter.history[-1].message
    # the relink lives in the project (and its log), not only in this window
    with Project.open(c.session.path, readonly=True) as project:
        assert project.clips()[0].path == str(moved.resolve())
        assert project.log.entries()[-1]["schema"] == "workbench.clip-relink/1"
        assert project.verify().ok


def test_layout_is_saved_between_runs(window, qtbot) -> None:
    from workbench.qt.main_window import MainWindow

    window.docks["log"].hide()
    window.close()
    again = MainWindow()
    again.controller.reporter.show_dialogs = False
    qtbot.addWidget(again)
    again.show()
    assert not again.docks["log"].isVisible()
    again.reset_layout()
    assert again.docks["log"].isVisible()
    again.close()


def test_drop_files_on_the_bin_and_recent_projects(window, tmp_path: Path, qtbot) -> None:
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent

    from workbench.qt.controller import recent_projects

    c = window.controller
    assert c.new_project(tmp_path / "dropped.wbproj")
    assert recent_projects()[0] == str((tmp_path / "dropped.wbproj").resolve())
    clips = [make_clip(tmp_path / f"B00{n}.mkv", frames=4) for n in (1, 2)]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in clips])
    panel = window.panels.media
    event = QDropEvent(
        QPoint(10, 10).toPointF(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    panel.dropEvent(event)
    qtbot.waitUntil(lambda: find(window, "mediaBinList").topLevelItemCount() == 2, timeout=15000)
    with Project.open(c.session.path, readonly=True) as project:
        assert [clip.name for clip in project.clips()] == ["B001.mkv", "B002.mkv"]
    # the render queue suggests an output, and keeps one the user typed across refreshes
    output = find(window, "renderOutput")
    assert output.text().endswith("B001_workbench.mov")
    output.setText(str(tmp_path / "mine.mov"))
    c.refresh()
    assert output.text() == str(tmp_path / "mine.mov")


def test_change_the_region_of_the_selected_edit(project_window, qtbot) -> None:
    c = project_window.controller
    path = c.session.path
    qtbot.mouseClick(find(project_window, "regionTool_rect"), Qt.MouseButton.LeftButton)
    canvas = find(project_window, "viewerCanvas")
    image = canvas.image_rects()[0]
    drag(canvas, image.topLeft() + QPointF(5, 5), image.center())
    project_window.panels.tools.select_tool("denoise")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    find(project_window, "editStackList").topLevelItem(0).setSelected(True)
    with Project.open(path, readonly=True) as project:
        (first,) = project.edits()
    assert canvas.region() == first.region
    # drag the rectangle's bottom-right handle outwards, then update the edit
    corner = canvas.to_widget(
        QPointF(first.region["x"] + first.region["w"], first.region["y"] + first.region["h"]), image
    )
    drag(canvas, corner, corner + QPointF(40, 30))
    project_window.panels.tools.set_param("strength", 0.5)
    qtbot.mouseClick(find(project_window, "toolUpdateEdit"), Qt.MouseButton.LeftButton)
    with Project.open(path, readonly=True) as project:
        (changed,) = project.edits()
        assert changed.id != first.id and changed.frames == first.frames
        assert changed.region["w"] > first.region["w"] and changed.parameters["strength"] == 0.5
        assert project.log.entries()[-2]["reason"] == "remove"
    assert c.undo.undoText() == "Change Denoise edit"
    project_window.undo_action.trigger()
    with Project.open(path, readonly=True) as project:
        (back,) = project.edits()
        assert back.region == first.region and back.parameters == first.parameters
    project_window.redo_action.trigger()
    with Project.open(path, readonly=True) as project:
        (again,) = project.edits()
        assert again.region == changed.region
        assert project.verify().ok


def test_up_and_down_jump_between_edits(project_window, qtbot) -> None:
    c = project_window.controller
    project_window.panels.tools.select_tool("deblock")
    for a, b in ((2, 4), (7, 9)):
        c.set_frame(a)
        c.mark_in()
        c.set_frame(b)
        c.mark_out()
        qtbot.mouseClick(find(project_window, "toolApplyRange"), Qt.MouseButton.LeftButton)
    assert [bar.start for bar in project_window.panels.timeline.strip.bars] == [2, 7]
    qtbot.keyClick(project_window, Qt.Key.Key_Home)
    stops = []
    for _ in range(4):
        qtbot.keyClick(project_window, Qt.Key.Key_Down)
        stops.append(c.frame)
    assert stops == [2, 4, 7, 9]
    qtbot.keyClick(project_window, Qt.Key.Key_Up)
    assert c.frame == 7


def test_viewer_zoom_pan_and_wipe(project_window, qtbot) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    canvas = find(project_window, "viewerCanvas")
    qtbot.mouseClick(find(project_window, "viewerActualSize"), Qt.MouseButton.LeftButton)
    assert canvas.scale() == 1.0
    assert canvas.image_rects()[0].width() == 64  # one image pixel per screen pixel
    centre = canvas.rect().center().toPointF()
    wheel = QWheelEvent(
        centre, canvas.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(canvas, wheel)
    assert canvas.scale() == 1.25
    before = canvas.image_rects()[0].topLeft()
    drag(canvas, centre, centre + QPointF(30, 10))  # no region tool: a drag pans
    assert canvas.image_rects()[0].topLeft() - before == QPointF(30, 10)
    qtbot.mouseClick(find(project_window, "viewerFit"), Qt.MouseButton.LeftButton)
    assert canvas.zoom is None
    qtbot.mouseClick(find(project_window, "viewerMode_split"), Qt.MouseButton.LeftButton)
    line = canvas.image_rects()[0]
    x = line.x() + line.width() * 0.5
    drag(
        canvas,
        QPointF(x, line.center().y()),
        QPointF(line.x() + line.width() * 0.2, line.center().y()),
    )
    assert abs(canvas.split - 0.2) < 0.02


def test_dialogs_open_from_the_menus(project_window, qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def close_when_open() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, close_when_open)
            return
        seen.append(dialog.objectName())
        dialog.reject()

    seen: list[str] = []
    for name in ("actionPolicy", "actionModelLibrary", "actionPreferences"):
        QTimer.singleShot(20, close_when_open)
        project_window.findChild(type(project_window.undo_action), name).trigger()
    assert seen == ["policyDialog", "modelLibraryDialog", "preferencesDialog"]
    assert "Test Operator" in find(project_window, "statusOperator").text()
    project_window.controller.close_project()
    assert find(project_window, "mediaBinList").topLevelItemCount() == 0
    assert project_window.controller.session.path is None
