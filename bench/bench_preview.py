"""The window's preview and cached playback at 1080p, against the model alone, in one run.

Prints, for a 1080p ProRes 422 HQ clip made by the ffmpeg command line:

- **preview latency**: a denoise preview of one frame, from pressing Preview to the result on
  screen, against the denoise model alone on the same frame (one whole-frame ONNX Runtime run,
  as ``bench_models.py`` times it), measured alternately so machine load hits both alike
  (target: at most 1.5×); the same preview again (the cache: target instant) and after the
  screen images are dropped (from the frame cache's disk tier);
- **fill**: "Preview range" over 48 frames of a denoise edit, against 48 × the model alone;
- **cached playback**: frames per second while playing the cached range at the clip's rate and
  at 8× (J/K/L: L pressed four times), against playing originals (not cached) at 8×;
- **scopes**: one update of the four scope pictures of a 1080p frame.

Usage: QT_QPA_PLATFORM=offscreen python bench/bench_preview.py [--fill 48] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np


def make_clip(path: Path, frames: int) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi",
         "-i", "testsrc2=size=1920x1080:rate=24,noise=alls=18:allf=t",
         "-frames:v", str(frames), "-c:v", "prores_ks", "-profile:v", "3",
         "-pix_fmt", "yuv422p10le", str(path)],
        check=True,
    )  # fmt: skip
    return path


class Window:
    """The real main window, offscreen, driven as a user drives it."""

    def __init__(self) -> None:
        from workbench.qt.app import make_app
        from workbench.qt.main_window import MainWindow

        self.app = make_app()
        self.window = MainWindow()
        self.window.controller.reporter.show_dialogs = False
        self.window.resize(1600, 1000)
        self.window.show()
        self.c = self.window.controller

    def wait(self, condition: Callable[[], bool], timeout: float = 1800.0) -> float:
        """Run the event loop as the app does (in Qt, not polling from Python, which would
        take the GIL from the frame thread a thousand times a second) until ``condition``."""
        from PySide6.QtCore import QEventLoop, QTimer

        began = time.perf_counter()
        loop = QEventLoop()
        check = QTimer()
        check.setInterval(2)

        def poll() -> None:
            if condition() or time.perf_counter() - began > timeout:
                loop.quit()

        check.timeout.connect(poll)
        check.start()
        if not condition():
            loop.exec()
        check.stop()
        if not condition():
            errors = [r.message for r in self.c.reporter.history]
            raise SystemExit(f"timed out; errors: {errors}")
        return time.perf_counter() - began

    def open(self, project: Path) -> None:
        assert self.c.open_project(project)
        self.wait(lambda: self.c.clip is not None and self.c.displayed())
        self.wait(lambda: not self.c.workers.busy)

    def close(self) -> None:
        self.window.close()


def model_alone(clip: Path, index: int) -> Callable[[], float]:
    """One whole-frame run of the denoise model on frame ``index`` (seconds), as bench_models."""
    from workbench.catalog import Catalog
    from workbench.inference import SessionOptions, get_engine
    from workbench.media import open_reader

    with open_reader(clip) as reader:
        frame = reader.read(index)
    engine = get_engine(Catalog().load_checked("denoise"), SessionOptions.from_settings())
    level = np.full((*frame.shape[:2], 1), 0.05, np.float32)
    x = np.ascontiguousarray(np.concatenate([frame, level], axis=2).transpose(2, 0, 1)[None])
    session, name = engine.model.session, engine.model.inputs[0].name
    session.run(None, {name: x})  # warm-up

    def run() -> float:
        began = time.perf_counter()
        session.run(None, {name: x})
        return time.perf_counter() - began

    return run


def preview_once(w: Window, level: float) -> float:
    c = w.c
    c.panels.tools.set_param("level", level)
    shown: list[float] = []
    began = time.perf_counter()
    c.feed.resultShown.connect(lambda _i: shown.append(time.perf_counter()))
    c.run_preview()
    w.wait(lambda: bool(shown))
    c.feed.resultShown.disconnect()
    w.wait(lambda: not c.panels.viewer.canvas.busy)
    return shown[0] - began


def measure_preview(w: Window, clip: Path, rounds: int) -> dict[str, Any]:
    c = w.c
    c.set_frame(10)
    w.wait(lambda: c.displayed())
    c.panels.tools.select_tool("denoise")
    # the single-frame model, which model_alone times (the temporal one, the default on video,
    # also aligns four neighbours: training/README.md has its per-frame cost)
    c.panels.tools.set_param("temporal", False)
    alone = model_alone(clip, 10)
    w.wait(lambda: not c.motion.filler.busy)
    models, previews = [], []
    for n in range(rounds):  # alternately, so the machine's load hits both alike
        models.append(alone())
        previews.append(preview_once(w, 10.0 + n))
    c.state.set_preview(None)
    w.wait(c.displayed)
    again = preview_once(w, 10.0 + rounds - 1)  # the same frame and settings: the cache
    c.state.set_preview(None)
    w.wait(c.displayed)
    c.frames.display.clear()  # as after a restart: from the frame cache's disk tier
    c.frames.cache.drop_memory()
    disk = preview_once(w, 10.0 + rounds - 1)
    c.state.set_preview(None)
    return {"model": models, "preview": previews, "again": again, "disk": disk}


def measure_fill(w: Window, frames: int) -> tuple[float, Any]:
    c = w.c
    c.state.mark_in(0)
    c.state.mark_out(frames - 1)
    done: list[Any] = []
    c.motion.filler.finished.connect(done.append)
    began = time.perf_counter()
    c.motion.preview_range()
    w.wait(lambda: bool(done))
    return time.perf_counter() - began, done[0]


def measure_playback(w: Window, first: int, last: int, speed: int, cached: bool) -> float:
    """Frames per second shown while playing ``first``..``last`` at ``speed``×: processed
    frames when they are cached, else originals (from the first frame shown to the last)."""
    c = w.c
    c.set_frame(first)
    w.wait(c.displayed)
    shown: list[tuple[int, float]] = []
    signal = c.feed.resultShown if cached else c.feed.frameShown
    signal.connect(lambda index: shown.append((index, time.perf_counter())))
    from workbench.qt.timing import GUI_TIMINGS

    GUI_TIMINGS.clear()
    c.transport.play(speed)
    w.wait(lambda: c.state.frame >= last or c.state.speed == 0)
    w.wait(lambda: c.displayed() or c.feed.missing is not None, timeout=60)
    c.transport.stop()
    signal.disconnect()
    if os.environ.get("BENCH_GUI_TIMINGS"):
        print(f"GUI handlers while playing at {speed}x:\n{GUI_TIMINGS.report()}")
    times = [t for index, t in shown if first < index <= last]
    if len(times) < 2:
        return 0.0
    return (len(times) - 1) / (times[-1] - times[0])  # the steady rate, frame to frame


def measure_scopes(w: Window) -> float:
    from workbench.qt.scopes_panel import ScopeJob, measure

    canvas = w.c.panels.viewer.canvas
    job = ScopeJob(1, canvas.original, canvas.result or canvas.original, "luma")
    measure(job)
    times = []
    for _ in range(3):
        began = time.perf_counter()
        measure(job)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def project_with(folder: Path, clip: Path, name: str, edit: list[str] | None) -> Path:
    from workbench.cli import main

    project = folder / f"{name}.wbproj"
    with open(os.devnull, "w") as devnull:
        stdout, sys.stdout = sys.stdout, devnull
        try:
            assert main(["new", str(project)]) == 0
            assert main(["import", str(project), str(clip)]) == 0
            if edit:
                assert main(["apply", str(project), "1", *edit]) == 0
        finally:
            sys.stdout = stdout
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill", type=int, default=48, help="frames Preview range fills")
    parser.add_argument("--rounds", type=int, default=3, help="preview / model pairs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("config", "data", "cache"):
            os.environ[f"WORKBENCH_{name.upper()}_DIR"] = str(folder / name)
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        clip = make_clip(folder / "grain_1080p.mov", max(24, 2 * args.fill))
        blank = project_with(folder, clip, "preview", None)
        edited = project_with(folder, clip, "fill", ["--tool", "denoise", "--param", "temporal=false"])
        load = os.getloadavg()[0]
        w = Window()
        try:
            w.open(blank)
            preview = measure_preview(w, clip, args.rounds)
            w.c.close_project()
            w.open(edited)
            before = model_alone(clip, 10)()
            fill_s, report = measure_fill(w, args.fill)
            after = model_alone(clip, 10)()
            alone = statistics.median(preview["model"])
            fill_alone = (before + after) / 2  # the load moves: the model alone either side
            last = args.fill - 1
            cached_1x = measure_playback(w, 0, last, 1, cached=True)
            cached_8x = measure_playback(w, 0, last, 8, cached=True)
            originals_8x = measure_playback(w, args.fill, 2 * args.fill - 1, 8, cached=False)
            scopes_s = measure_scopes(w)
        finally:
            w.close()
    ratios = [p / m for p, m in zip(preview["preview"], preview["model"], strict=True)]
    print(f"machine: {os.cpu_count()} logical CPUs; load average {load:.1f} at the start")
    print(
        f"preview latency (1080p denoise, one frame): {statistics.median(preview['preview']):.2f} s"
        f" against the model alone {alone:.2f} s: {statistics.median(ratios):.2f}x "
        f"(each pair: {', '.join(f'{r:.2f}' for r in ratios)}; target <= 1.5x)"
    )
    print(
        f"second preview, same frame and settings: {preview['again'] * 1000:.0f} ms "
        f"({preview['again'] / alone:.3f}x the model); from the disk tier: "
        f"{preview['disk'] * 1000:.0f} ms"
    )
    print(
        f"Preview range, {args.fill} frames of a denoise edit: {fill_s:.1f} s "
        f"({report.computed} computed, {report.found} already cached; "
        f"{report.computed / fill_s:.2f} fps): "
        f"{fill_s / (max(1, report.computed) * fill_alone):.2f}x the model alone per computed "
        f"frame (the model alone {before:.2f} s before the fill, {after:.2f} s after)"
    )
    print(
        f"cached playback at 1080p: {cached_1x:.1f} fps at 1x (the clip's 24 fps: "
        f"{cached_1x / 24:.2f}x), {cached_8x:.1f} fps at 8x; originals at 8x (not cached, "
        f"decoded): {originals_8x:.1f} fps; cached / originals {cached_8x / originals_8x:.1f}x"
    )
    print(f"scopes (waveform + histogram, original and result, 1080p): {scopes_s * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
