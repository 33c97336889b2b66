"""After a render was cancelled, resumed and finished, the window still reads and writes the
project (issue 14, item 1): its log shows the render's entry, exports work, a toggle is stored.

The window had believed the project damaged ("database disk image is malformed") because the
render child, closing last, deleted the WAL index under the window's read-only connection (see
``workbench.project.open_files``). The truth is read by another process, never by this one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from qt.qt_helpers import find, make_clip

READ = """
import json, sys
from workbench.project import Project
with Project.open(sys.argv[1], readonly=True) as p:
    print(json.dumps({"enabled": [e.enabled for e in p.edits()], "renders": len(p.renders()),
                      "ok": p.verify().ok, "entries": len(p.log.entries())}))
"""


def truth(path: Path) -> dict[str, object]:
    """The project as a fresh process reads it."""
    done = subprocess.run(
        [sys.executable, "-c", READ, str(path)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


WRITE = """
import sys
from workbench.project.project import open_for_writing
with open_for_writing(sys.argv[1], 10) as p:  # waits while the window holds it briefly
    p.set_edit_enabled(p.edits()[0].id, False)
"""


def another_process_writes(path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Another process disables the first edit; the window's event loop keeps running meanwhile
    (it lets go of the write lock after a moment)."""
    child = subprocess.Popen([sys.executable, "-c", WRITE, str(path)], stderr=subprocess.PIPE)
    qtbot.waitUntil(lambda: child.poll() is not None, timeout=60000)
    assert child.returncode == 0, child.stderr.read() if child.stderr else ""


def test_after_another_process_wrote_and_closed_the_window_still_reads_and_writes(
    project_window, tmp_path: Path, qtbot
) -> None:
    """The render's part, without a render: another process writes and closes last."""
    c = project_window.controller
    path = c.session.path
    project_window.panels.tools.select_tool("deblock")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    another_process_writes(path, qtbot)
    stack = find(project_window, "editStackList")
    qtbot.waitUntil(
        lambda: stack.topLevelItem(0).checkState(0) == Qt.CheckState.Unchecked, timeout=5000
    )
    stack.topLevelItem(0).setCheckState(0, Qt.CheckState.Checked)
    assert truth(path)["enabled"] == [True]
    another_process_writes(path, qtbot)
    written: list[str] = []
    c.exported.connect(lambda fmt, out: written.append(out))
    c.export_log("json", tmp_path / "log.json")
    qtbot.waitUntil(lambda: bool(written or c.reporter.history), timeout=20000)
    assert written and not c.reporter.history, [r.message for r in c.reporter.history]
    qtbot.waitUntil(lambda: project_window.panels.log.verified is True, timeout=10000)
    assert truth(path)["ok"]


@pytest.mark.slow  # a whole-window render, cancelled and resumed; .ci/run runs it
def test_cancel_resume_finish_then_the_log_exports_and_toggles_still_work(
    window, tmp_path: Path, qtbot
) -> None:
    c = window.controller
    long_clip = make_clip(tmp_path / "long.mkv", frames=72)
    assert c.new_project(tmp_path / "film.wbproj")
    c.import_media([long_clip])
    qtbot.waitUntil(lambda: c.clip is not None and c.shown_original == 0, timeout=15000)
    window.panels.tools.select_tool("denoise")
    qtbot.mouseClick(find(window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    path = c.session.path
    find(window, "renderOutput").setText(str(tmp_path / "long_out.mkv"))
    combo = find(window, "renderCodec")
    combo.setCurrentIndex(combo.findData("ffv1"))
    qtbot.mouseClick(find(window, "renderAdd"), Qt.MouseButton.LeftButton)
    job = c.queue.jobs[-1]
    qtbot.waitUntil(lambda: job.done >= 1 or job.state != "running", timeout=60000)
    qtbot.mouseClick(find(window, "renderCancel"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state != "running", timeout=30000)
    assert job.state == "cancelled", job.message
    find(window, "renderJobs").selectRow(0)
    qtbot.mouseClick(find(window, "renderResume"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state not in ("running", "queued"), timeout=60000)
    assert job.state == "done", job.message
    # the log panel follows: the render's entry arrives and the badge stays green
    table = find(window, "logTable")
    entries = int(truth(path)["entries"])  # type: ignore[call-overload]
    qtbot.waitUntil(lambda: table.model().rowCount() == entries, timeout=10000)
    qtbot.waitUntil(lambda: window.panels.log.verified is True, timeout=10000)
    # an export works
    written: list[str] = []
    c.exported.connect(lambda fmt, out: written.append(out))
    c.export_log("json", tmp_path / "after-render.json")
    qtbot.waitUntil(lambda: bool(written or c.reporter.history), timeout=20000)
    assert written and not c.reporter.history, [r.message for r in c.reporter.history]
    # unticking the edit changes the project, not only the screen
    stack = find(window, "editStackList")
    stack.topLevelItem(0).setCheckState(0, Qt.CheckState.Unchecked)
    assert truth(path)["enabled"] == [False]
    qtbot.waitUntil(lambda: table.model().rowCount() == entries + 1, timeout=10000)
    window.undo_action.trigger()
    state = truth(path)
    assert state["enabled"] == [True] and state["renders"] == 1 and state["ok"]
    qtbot.waitUntil(lambda: window.panels.log.verified is True, timeout=10000)
    assert not c.reporter.history, [r.message for r in c.reporter.history]
    assert "malformed" not in find(window, "logVerifyBadge").text()
