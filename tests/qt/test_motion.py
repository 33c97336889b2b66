"""Judging the cleanup in motion: Preview range fills the cache (marked on the timeline),
playback and J/K/L show the cached results at the clip's rate and say when they play
originals, A/B compares two settings, solo shows one edit, the scopes measure both sides."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from qt.qt_helpers import find
from workbench.media import scopes as scopes_core
from workbench.qt.preview import NOT_CACHED
from workbench.qt.scopes_panel import image_to_rgb8
from workbench.qt.viewer import Mode


def with_denoise(window, qtbot, frames: str = "clip", level: float = 30.0):
    c = window.controller
    tools = window.panels.tools
    tools.select_tool("denoise")
    tools.set_param("level", level)
    count = len(c.state.edits)
    c.apply(frames)
    qtbot.waitUntil(lambda: len(c.state.edits) == count + 1, timeout=20000)
    return c


def fill(window, qtbot, first: int, last: int) -> None:
    c = window.controller
    c.state.mark_in(first)
    c.state.mark_out(last)
    with qtbot.waitSignal(c.motion.filler.finished, timeout=120000):
        qtbot.mouseClick(find(window, "previewRange"), Qt.MouseButton.LeftButton)


def test_preview_range_fills_the_cache_and_marks_the_timeline(project_window, qtbot) -> None:
    c = with_denoise(project_window, qtbot)
    qtbot.waitUntil(c.displayed, timeout=60000)  # frame 0's result: computed, so cached
    strip = project_window.panels.timeline.strip
    qtbot.waitUntil(lambda: strip.cache_marks.runs == [(0, 0)], timeout=10000)
    started: list[tuple[int, int] | None] = []
    c.motion.filler.started.connect(lambda job: started.append(strip.cache_marks.filling))
    fill(project_window, qtbot, 2, 9)
    report = c.motion.last_report
    assert (report.first, report.last, report.computed, report.found) == (2, 9, 8, 0)
    assert started == [(2, 9)] and strip.cache_marks.filling is None
    assert strip.cache_marks.runs == [(0, 0), (2, 9)]
    assert find(project_window, "previewRangeStatus").text() == "9 frames cached"
    assert "Frames 2–9 are cached" in project_window.statusBar().currentMessage()
    # in the core's cache, under the keys of what the viewer shows
    view = c.feed.view()
    frames = c.frames.processed(view)
    assert [i for i in range(12) if frames.is_cached(i)] == [0, *range(2, 10)]
    # a second fill of the same range computes nothing
    with qtbot.waitSignal(c.motion.filler.finished, timeout=30000) as again:
        c.motion.preview_range()
    assert (again.args[0].computed, again.args[0].found) == (0, 8)


def test_without_marks_it_previews_frames_around_the_playhead(project_window, qtbot) -> None:
    c = with_denoise(project_window, qtbot)
    find(project_window, "previewRangeFrames").setValue(4)
    c.set_frame(6)
    assert c.motion.range_to_fill() == (5, 8)
    c.set_frame(11)
    assert c.motion.range_to_fill() == (8, 11)  # kept inside the clip


def test_cached_playback_shows_results_and_says_when_it_plays_originals(
    project_window, qtbot
) -> None:
    c = with_denoise(project_window, qtbot)
    fill(project_window, qtbot, 0, 6)
    canvas = project_window.panels.viewer.canvas
    c.set_frame(0)
    qtbot.waitUntil(c.displayed, timeout=10000)
    results: list[int] = []
    notes: dict[int, tuple[str, bool]] = {}
    c.resultShown.connect(results.append)
    c.frameShown.connect(
        lambda i: notes.__setitem__(i - 1, (canvas.playback_note, canvas.result is not None))
    )
    qtbot.keyClick(project_window, Qt.Key.Key_L)  # J/K/L: play forward
    qtbot.waitUntil(lambda: c.state.speed == 0, timeout=30000)  # it stops at the clip's end
    played = [i for i in results if i > 0]
    assert played[:6] == [1, 2, 3, 4, 5, 6]  # every cached frame shown processed, in order
    assert 7 not in results and 8 not in results  # not cached: played as originals...
    assert notes[7] == (NOT_CACHED, False)  # ...and the viewer said so
    assert notes[3] == ("Cached result", True)
    assert c.state.frame == 11
    # J plays backward through the cache: processed frames again
    c.set_frame(6)
    qtbot.waitUntil(c.displayed, timeout=10000)
    results.clear()
    qtbot.keyClick(project_window, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: c.state.frame == 0, timeout=30000)
    qtbot.keyClick(project_window, Qt.Key.Key_K)
    assert [i for i in results if i < 6][:6] == [5, 4, 3, 2, 1, 0]
    assert canvas.playback_note == ""


def test_the_second_preview_of_a_frame_is_the_cached_one(project_window, qtbot) -> None:
    c = project_window.controller
    project_window.panels.tools.select_tool("denoise")
    busy: list[bool] = []
    c.frames.busyChanged.connect(busy.append)
    with qtbot.waitSignal(c.resultShown, timeout=30000):
        c.run_preview()
    qtbot.waitUntil(lambda: busy == [True, False], timeout=10000)
    first = project_window.panels.viewer.canvas.result
    c.state.set_preview(None)
    qtbot.waitUntil(lambda: c.displayed(), timeout=10000)
    with qtbot.waitSignal(c.resultShown, timeout=10000):
        c.run_preview()
    assert busy == [True, False]  # nothing computed the second time
    assert project_window.panels.viewer.canvas.result.cacheKey() == first.cacheKey()


def test_a_b_compares_two_settings_side_by_side(project_window, qtbot) -> None:
    c = project_window.controller
    tools = project_window.panels.tools
    canvas = project_window.panels.viewer.canvas
    tools.select_tool("denoise")
    tools.set_param("level", 5)
    qtbot.mouseClick(find(project_window, "compareSetA"), Qt.MouseButton.LeftButton)
    assert canvas.mode == Mode.SPLIT
    assert find(project_window, "compareALabel").text() == "A: denoise · level 5"
    tools.set_param("level", 60)
    with qtbot.waitSignal(c.feed.compareShown, timeout=60000):
        c.run_preview()
    qtbot.waitUntil(lambda: c.displayed() and canvas.compare is not None, timeout=60000)
    assert canvas.labels == ("A · denoise · level 5", "B · denoise · level 60")
    a, b = image_to_rgb8(canvas.compare), image_to_rgb8(canvas.result)
    original = image_to_rgb8(canvas.original)
    assert not np.array_equal(a, b) and not np.array_equal(a, original)
    # the harder setting flattens the noise more: the picture of B is smoother than A's
    assert (
        np.abs(np.diff(b.astype(float), axis=1)).mean()
        < np.abs(np.diff(a.astype(float), axis=1)).mean()
    )
    project_window.panels.viewer.set_mode(Mode.SIDE)
    qtbot.mouseClick(find(project_window, "compareClearA"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: canvas.compare is None, timeout=5000)
    assert find(project_window, "compareALabel").text() == "A: original"


def test_solo_shows_one_edit_alone(project_window, qtbot) -> None:
    c = with_denoise(project_window, qtbot, level=40)
    with_denoise(project_window, qtbot, level=10)
    canvas = project_window.panels.viewer.canvas
    qtbot.waitUntil(c.displayed, timeout=60000)
    both = c.feed.view()
    combo = find(project_window, "soloEdit")
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All edits", "#1 denoise (0–11)", "#2 denoise (0–11)",
    ]  # fmt: skip
    combo.setCurrentIndex(2)
    combo.activated.emit(2)
    assert c.state.solo == c.state.edits[1].id
    qtbot.waitUntil(c.displayed, timeout=60000)
    solo = c.feed.view()
    assert solo.key != both.key and len(solo.stack.spec.edits) == 1
    assert solo.stack.spec.edits[0].parameters["level"] == 10.0
    assert canvas.labels[1] == "Solo: #2 denoise"
    combo.activated.emit(0)
    assert c.state.solo is None


def test_scopes_measure_the_original_and_the_result(project_window, qtbot) -> None:
    c = with_denoise(project_window, qtbot, level=50)
    dock = project_window.docks["scopes"]
    dock.show()
    dock.raise_()
    scopes = c.motion.scopes
    canvas = project_window.panels.viewer.canvas
    qtbot.waitUntil(c.displayed, timeout=60000)
    scopes.schedule()
    wanted = scopes.generation
    qtbot.waitUntil(lambda: scopes.shown >= wanted, timeout=20000)
    views = scopes.views
    assert all(views[name].image is not None for name in views)
    assert views["left_wave"].title == "Original · waveform"
    assert views["right_hist"].title == "Result · histogram"
    # what is drawn is the core's measure of exactly the two pictures the viewer shows
    for side, image in (("left", canvas.original), ("right", canvas.result)):
        rgb = image_to_rgb8(image)
        wave = scopes_core.waveform_image(scopes_core.waveform(rgb, 360), 256)
        hist = scopes_core.histogram_image(scopes_core.histogram(rgb), 128)
        assert np.array_equal(image_to_rgb8(views[f"{side}_wave"].image), wave)
        assert np.array_equal(image_to_rgb8(views[f"{side}_hist"].image), hist)
    assert not np.array_equal(
        image_to_rgb8(views["left_hist"].image), image_to_rgb8(views["right_hist"].image)
    )
    find(project_window, "scopesMode").setCurrentIndex(1)  # RGB parade
    qtbot.waitUntil(lambda: scopes.shown == scopes.generation, timeout=10000)


def test_changing_what_is_shown_cancels_the_fill(project_window, qtbot) -> None:
    c = with_denoise(project_window, qtbot)
    c.state.mark_in(0)
    c.state.mark_out(11)
    with qtbot.waitSignal(c.motion.filler.cancelled, timeout=60000):
        c.motion.preview_range()
        qtbot.waitUntil(lambda: len(c.motion.cached) >= 1, timeout=60000)
        project_window.panels.tools.set_param("level", 3)
        c.run_preview()  # another stack is shown: its fill is no longer wanted
    assert project_window.panels.timeline.strip.cache_marks.filling is None
    assert not find(project_window, "previewRangeCancel").isEnabled()


def test_the_frame_cache_limits_are_preferences(project_window, qtbot) -> None:
    from workbench.config import load_settings
    from workbench.qt.dialogs import PreferencesDialog
    from workbench.render.frame_cache import GIB, MIB

    c = project_window.controller
    dialog = PreferencesDialog(load_settings(), ["CPUExecutionProvider"], project_window)
    assert find(dialog, "prefFrameMemory").value() == 2048  # the defaults
    assert find(dialog, "prefFrameDisk").value() == 16
    find(dialog, "prefFrameMemory").setValue(512)
    find(dialog, "prefFrameDisk").setValue(3)
    c.save_preferences(dialog.result_settings())
    dialog.deleteLater()
    assert load_settings()["frame_cache"] == {"memory_mb": 512, "disk_gb": 3}
    # a quarter of the memory for exact frames, the rest for screen images; the disk as set
    assert c.frames.cache.limits.memory_bytes == 128 * MIB
    assert c.frames.display.limit == 384 * MIB
    assert c.frames.cache.limits.disk_bytes == 3 * GIB


def test_screen_sized_copies_are_made_off_the_gui_thread(qtbot) -> None:
    from PySide6.QtGui import QImage

    from workbench.qt.canvas_paint import ShrunkImages
    from workbench.qt.frames import DisplayCache

    display = DisplayCache(64 * 1024 * 1024)
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(0x336699)
    display.shrink(image, (100, 50))
    display.shrink(image, None)  # the viewer does not shrink: nothing to make
    made = display.shrunk((image.cacheKey(), 100, 50))
    assert made is not None and (made.width(), made.height()) == (100, 50)
    painter_cache = ShrunkImages()
    painter_cache.lookup = display.shrunk
    assert painter_cache.get(image, 100, 50).cacheKey() == made.cacheKey()  # not scaled again
    assert painter_cache.get(image, 80, 40).size().width() == 80  # other sizes: made there
