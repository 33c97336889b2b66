"""The render queue's panel (issue 14, items 2 and 7): it asks before a render replaces a file,
its suggested name never replaces one, Cancel and Resume are enabled only when they would do
something, a new job is brought into view, the clip selector follows the window's clip, and a
job's state reads cleanly."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from qt.qt_helpers import find, make_clip
from workbench.qt.render_queue import JobState, RenderJob
from workbench.qt.render_queue_panel import job_cells


def test_asks_before_replacing_a_file_and_suggests_a_free_name(
    project_window, tmp_path: Path, qtbot
) -> None:
    c = project_window.controller
    panel = project_window.panels.renders
    output = find(project_window, "renderOutput")
    suggested = Path(output.text())
    assert suggested.name == "A001_C002_workbench.mov"
    # a file appears under the suggested name: the suggestion moves past it
    suggested.write_bytes(b"an earlier delivery")
    c.select_clip(c.clip.id)
    panel._suggest_for_clip()
    assert Path(output.text()).name == "A001_C002_workbench-2.mov"
    # typing that file's name asks first; No queues nothing
    asked: list[Path] = []
    panel.confirm_overwrite = lambda found: asked.append(found) or False
    output.setText(str(suggested))
    qtbot.mouseClick(find(project_window, "renderAdd"), Qt.MouseButton.LeftButton)
    assert asked == [suggested] and c.queue.jobs == []
    assert suggested.read_bytes() == b"an earlier delivery"
    # Yes queues a render that may replace it (and only that one)
    panel.confirm_overwrite = lambda found: asked.append(found) or True
    c.queue.add = lambda job: c.queue.jobs.append(job) or job  # record, do not render
    qtbot.mouseClick(find(project_window, "renderAdd"), Qt.MouseButton.LeftButton)
    (job,) = c.queue.jobs
    assert job.overwrite and Path(job.output) == suggested
    # a name another queued job will write is taken too
    assert panel._taken(Path(job.output))


def test_cancel_and_resume_are_enabled_only_when_they_would_act(project_window, qtbot) -> None:
    c = project_window.controller
    cancel, resume = find(project_window, "renderCancel"), find(project_window, "renderResume")
    assert not cancel.isEnabled() and not resume.isEnabled()  # no jobs
    done = RenderJob(1, "A", "/tmp/a.mov", None, JobState.DONE, message="SHA-256 1a2b3c…")
    stopped = RenderJob(1, "A", "/tmp/b.mov", None, JobState.CANCELLED)
    c.queue.jobs = [done, stopped]
    c.queue.changed.emit()
    table = find(project_window, "renderJobs")
    table.selectRow(0)
    assert not cancel.isEnabled() and not resume.isEnabled()  # a finished render: nothing to do
    table.selectRow(1)
    assert resume.isEnabled() and not cancel.isEnabled()
    assert job_cells(done)[3] == "done: SHA-256 1a2b3c…"
    assert job_cells(stopped)[3] == "cancelled"
    old = RenderJob(1, "A", "/tmp/c.mov", None, JobState.INTERRUPTED, message="interrupted — x")
    assert job_cells(old)[3] == "interrupted: x"


def test_a_new_job_is_brought_into_view(project_window, qtbot) -> None:
    c = project_window.controller
    table = find(project_window, "renderJobs")
    c.queue.jobs = [RenderJob(1, "A", f"/tmp/{n}.mov", None, JobState.DONE) for n in range(40)]
    c.queue.changed.emit()
    c.queue.jobs.append(RenderJob(1, "A", "/tmp/new.mov", None, JobState.CANCELLED))
    c.queue.changed.emit()
    last = table.item(40, 0)
    assert table.viewport().rect().intersects(table.visualItemRect(last))
    assert table.currentRow() == 40


def test_the_clip_selector_follows_the_selected_clip(
    project_window, tmp_path: Path, qtbot
) -> None:
    c = project_window.controller
    c.import_media([make_clip(tmp_path / "B001.mkv", frames=4)])
    qtbot.waitUntil(lambda: len(c.session.project().clips()) == 2, timeout=15000)
    second = c.session.project().clips()[1]
    c.select_clip(second.id)
    assert find(project_window, "renderClip").currentData() == second.id
    assert Path(find(project_window, "renderOutput").text()).name == "B001_workbench.mov"
