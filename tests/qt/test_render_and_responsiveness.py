"""Renders from the queue (progress, cancel, resume, closing during one) and an event loop
that keeps ticking while a preview and a render run."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from qt.qt_helpers import find, make_clip
from workbench.project import Project
from workbench.qt.timing import GUI_TIMINGS


def _queue(window, qtbot, output: Path) -> object:
    find(window, "renderOutput").setText(str(output))
    combo = find(window, "renderCodec")
    combo.setCurrentIndex(combo.findData("ffv1"))
    find(window, "renderOutput").setText(str(output))
    qtbot.mouseClick(find(window, "renderAdd"), Qt.MouseButton.LeftButton)
    return window.controller.queue.jobs[-1]


def _apply(window, qtbot, tool: str = "denoise") -> None:
    window.panels.tools.select_tool(tool)
    qtbot.mouseClick(find(window, "toolApplyClip"), Qt.MouseButton.LeftButton)


def test_render_shows_progress_and_registers_the_output(
    project_window, tmp_path: Path, qtbot
) -> None:
    c = project_window.controller
    _apply(project_window, qtbot)
    job = _queue(project_window, qtbot, tmp_path / "film_out.mkv")
    assert job.state == "running"
    seen: list[tuple[int, int]] = []
    c.queue.changed.connect(lambda: seen.append((job.done, job.total)))
    qtbot.waitUntil(lambda: job.state != "running", timeout=60000)
    assert job.state == "done", job.message
    assert any(total == 12 and done > 0 for done, total in seen)
    assert job.fps > 0
    bar = find(project_window, "renderJobs").cellWidget(0, 7)
    assert bar.value() == bar.maximum() == 12
    assert (tmp_path / "film_out.mkv").exists()
    with Project.open(c.session.path, readonly=True) as project:
        (render,) = project.renders()
        assert Path(render.output) == (tmp_path / "film_out.mkv").resolve()
        assert project.log.entries()[-1]["schema"] == "workbench.render/1"
        assert project.verify().ok
    # the window notices the render's log entry (written by the child process)
    table = find(project_window, "logTable")
    qtbot.waitUntil(lambda: table.model().rowCount() == 4, timeout=5000)


@pytest.mark.slow  # a whole-window render; .ci/run runs the slow window tests
def test_cancel_a_render_then_resume_it(window, tmp_path: Path, qtbot) -> None:
    c = window.controller
    long_clip = make_clip(tmp_path / "long.mkv", frames=72)
    assert c.new_project(tmp_path / "film.wbproj")
    c.import_media([long_clip])
    qtbot.waitUntil(lambda: c.clip is not None and c.shown_original == 0, timeout=15000)
    _apply(window, qtbot)
    output = tmp_path / "long_out.mkv"
    job = _queue(window, qtbot, output)
    qtbot.waitUntil(lambda: job.done >= 1 or job.state != "running", timeout=60000)
    qtbot.mouseClick(find(window, "renderCancel"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state != "running", timeout=30000)
    assert job.state == "cancelled", job.message
    assert not output.exists()
    with Project.open(c.session.path, readonly=True) as project:
        assert project.renders() == []
    find(window, "renderJobs").selectRow(0)
    qtbot.mouseClick(find(window, "renderResume"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state not in ("running", "queued"), timeout=60000)
    assert job.state == "done", job.message
    with Project.open(c.session.path, readonly=True) as project:
        (render,) = project.renders()
        assert render.frame_count == 72
        assert project.verify().ok


@pytest.mark.slow  # a whole-window render; .ci/run runs the slow window tests
def test_closing_during_a_render_asks_first(window, tmp_path: Path, qtbot) -> None:
    c = window.controller
    long_clip = make_clip(tmp_path / "long.mkv", frames=72)
    assert c.new_project(tmp_path / "film.wbproj")
    c.import_media([long_clip])
    qtbot.waitUntil(lambda: c.clip is not None, timeout=15000)
    _apply(window, qtbot)
    job = _queue(window, qtbot, tmp_path / "out.mkv")
    asked: list[bool] = []
    window.confirm_close = lambda: asked.append(True) or False
    window.close()
    assert asked and window.isVisible() and job.state == "running"
    window.confirm_close = lambda: True
    window.close()
    assert not window.isVisible()
    assert job.state == "interrupted"
    # the queue remembers it: the next window lists it as interrupted, ready to resume
    from workbench.qt.main_window import MainWindow

    again = MainWindow()
    again.controller.reporter.show_dialogs = False
    qtbot.addWidget(again)
    assert again.controller.open_project(tmp_path / "film.wbproj")
    assert [j.state for j in again.controller.queue.jobs] == ["interrupted"]
    again.close()


class _Watch:
    """Samples the GUI thread's stack whenever it has not ticked for 60 ms (for the message)."""

    def __init__(self, clock: QElapsedTimer, last: list[int]) -> None:
        self.samples: list[str] = []
        self._stop = threading.Event()
        self._main = threading.get_ident()
        self._thread = threading.Thread(target=self._run, args=(clock, last), name="stall-watch")
        self._thread.start()

    def _run(self, clock: QElapsedTimer, last: list[int]) -> None:
        while not self._stop.wait(0.01):
            if clock.elapsed() - last[0] > 60:
                frame = sys._current_frames().get(self._main)
                if frame is not None:
                    stack = "".join(traceback.format_stack(frame)[-4:])
                    self.samples.append(f"-- {clock.elapsed() - last[0]} ms:\n{stack}")
                self._stop.wait(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _watch_gui_thread(clock: QElapsedTimer, last: list[int]) -> _Watch:
    return _Watch(clock, last)


@pytest.mark.slow  # timing: run alone, not beside other tests (.ci/run does)
def test_event_loop_keeps_ticking_during_preview_and_render(window, tmp_path: Path, qtbot) -> None:
    c = window.controller
    clip = make_clip(tmp_path / "hd.mkv", frames=24, size=(320, 180))
    assert c.new_project(tmp_path / "film.wbproj")
    c.import_media([clip])
    qtbot.waitUntil(lambda: c.clip is not None and c.shown_original == 0, timeout=15000)
    _apply(window, qtbot, "deblock")
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    tools = window.panels.tools
    tools.select_tool("upscale")
    tools.set_param("scale", 4)
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    stalls = _watch_gui_thread(clock, last)
    GUI_TIMINGS.clear()
    last[0] = clock.elapsed()
    timer.start()
    qtbot.wait(50)
    job = _queue(window, qtbot, tmp_path / "hd_out.mkv")  # the user's click starts the render
    previews = 0
    deadline = time.monotonic() + 240  # a busy machine renders slowly; the limit is the stall
    while (job.state == "running" or previews < 3) and time.monotonic() < deadline:
        if c.displayed():
            c.set_frame((c.frame + 1) % c.count)  # scrub while the model runs
            c.run_preview()
            previews += 1
        qtbot.wait(20)
    qtbot.waitUntil(lambda: c.displayed(), timeout=30000)
    timer.stop()
    stalls.stop()
    assert job.state == "done", job.message
    assert previews >= 3
    assert len(gaps) > 50
    assert max(gaps) < 100, (
        f"the event loop stalled for {max(gaps)} ms; where:\n"
        + "\n".join(stalls.samples)
        + "\nthe GUI thread's slowest handlers:\n"
        + GUI_TIMINGS.report()
    )


def test_output_formats_cover_every_codec_and_switching_keeps_the_name(project_window) -> None:
    from workbench.media import CODECS
    from workbench.qt.render_queue import output_formats

    assert set(output_formats()) == set(CODECS)
    combo = find(project_window, "renderCodec")
    output = find(project_window, "renderOutput")
    output.setText("/renders/shot_v2.mov")
    combo.setCurrentIndex(combo.findData("png"))
    assert output.text() == "/renders/shot_v2_%06d.png"
    combo.setCurrentIndex(combo.findData("ffv1"))
    assert output.text() == "/renders/shot_v2.mkv"
