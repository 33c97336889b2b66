"""Make the README's screenshots of judging a cleanup in motion, drawn by the app itself.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_motion_screenshots.py

Builds the same small project as ``make_screenshots.py`` (a procedural, licence-free clip with
grain and dust, a dust pass and a denoise edit), then drives the real window as a user would:
Preview range over frames 0–15 and playback past the cached range (the timeline's cache
marks, "Cached result", then "Playing originals — not cached"); an A/B of two denoise levels in
Split; and the Scopes dock.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            WORKBENCH_CONFIG_DIR=str(Path(tmp) / "config"),
            WORKBENCH_DATA_DIR=str(Path(tmp) / "data"),
            WORKBENCH_CACHE_DIR=str(Path(tmp) / "cache"),
            WORKBENCH_OPERATOR="Docs",
            XDG_CONFIG_HOME=str(Path(tmp) / "xdg"),
        )
        sys.path.insert(0, str(HERE))
        from make_screenshots import make_project

        return shoot(make_project(Path(tmp)))


def shoot(project: Path) -> int:
    from workbench.qt.app import make_app
    from workbench.qt.main_window import MainWindow
    from workbench.qt.viewer import Mode

    app = make_app()
    window = MainWindow()
    window.controller.reporter.show_dialogs = False
    window.resize(1600, 1000)
    window.show()
    c = window.controller

    def wait(condition: Callable[[], bool], timeout: float = 600.0) -> None:
        began = time.monotonic()
        while not condition():
            if time.monotonic() - began > timeout:
                raise SystemExit(f"timed out: {[r.message for r in c.reporter.history]}")
            app.processEvents()
            time.sleep(0.002)

    def save(name: str) -> None:
        for _ in range(5):
            app.processEvents()
        window.repaint()
        target = HERE / name
        assert window.grab().save(str(target)), target
        print(f"wrote {target}")

    assert c.open_project(project)
    wait(lambda: c.clip is not None and c.displayed())
    # cached playback: Preview range over 0-15, then play on into frames not cached
    c.state.mark_in(0)
    c.state.mark_out(15)
    c.motion.preview_range()
    wait(lambda: c.motion.last_report is not None)
    c.state.clear_marks()
    c.panels.viewer.set_mode(Mode.RESULT)
    c.set_frame(8)
    wait(c.displayed)
    c.transport.play(1)
    wait(lambda: c.state.frame >= 11)
    save("workbench-cached-playback.png")
    wait(lambda: c.state.frame >= 18)
    save("workbench-playing-originals.png")
    c.transport.stop()
    # A/B: denoise at level 6 (A) against level 40 (B), in Split, on frame 12
    c.set_frame(12)
    tools = c.panels.tools
    tools.select_tool("denoise")
    tools.set_param("level", 6)
    c.motion.set_a()
    tools.set_param("level", 40)
    c.run_preview()
    canvas = c.panels.viewer.canvas
    wait(lambda: c.displayed() and canvas.compare is not None and not canvas.busy)
    canvas.split = 0.5
    save("workbench-ab-compare.png")
    # the scopes of the same A/B, in their dock
    dock = window.docks["scopes"]
    dock.show()
    dock.raise_()
    window.resizeDocks([dock], [560], __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal)
    scopes = c.motion.scopes
    scopes.schedule()
    wait(lambda: scopes.shown == scopes.generation and scopes.generation > 0)
    save("workbench-scopes.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
