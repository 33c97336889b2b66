"""Make the README's screenshot of a tracked region: the app draws it, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_tracking_screenshot.py

Builds a small project through the same core calls as the window and the command line (a
procedural, licence-free clip of a lantern crossing a grainy dusk; a denoise edit on a rectangle
keyframed at the first and last frame and tracked in between), opens it in the main window at
frame 18 with the edit selected (its keyframes in the tracking dock, ticks on its bar), the
viewer showing the result — clean inside the rectangle that follows the lantern — and saves
``workbench-tracked-region.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
FRAMES = 36


def lantern_at(index: int) -> tuple[int, int]:
    return (110 + 11 * index, 150 + round(30 * np.sin(index / 8)))


def scene(index: int, width: int = 640, height: int = 360) -> np.ndarray:
    import cv2

    yy = np.mgrid[0:height, 0:width][0].astype(np.float32)
    sky = np.stack(
        [0.25 + 0.5 * yy / height, 0.3 + 0.35 * yy / height, 0.55 - 0.25 * yy / height], axis=2
    )
    img = (sky * 255).astype(np.uint8)
    hills = np.array(
        [[0, 250], [120, 200], [260, 240], [400, 180], [520, 230], [640, 200], [640, 360], [0, 360]],
        np.int32,
    )
    cv2.fillPoly(img, [hills], (40, 70, 50), cv2.LINE_AA)
    x, y = lantern_at(index)
    cv2.circle(img, (x, y), 26, (255, 214, 150), -1, cv2.LINE_AA)
    cv2.circle(img, (x, y), 14, (255, 245, 220), -1, cv2.LINE_AA)
    cv2.rectangle(img, (x - 6, y - 40), (x + 6, y - 26), (60, 50, 40), -1)
    rng = np.random.default_rng(index)
    grain = rng.normal(0.0, 16.0, img.shape)
    return np.clip(img.astype(np.float32) + grain, 0, 255).astype(np.uint8)


def make_clip(path: Path) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_screenshots import make_clip as write_clip

    return write_clip(path, FRAMES, scene)


def make_project(folder: Path) -> Path:
    from workbench.editing import (
        ApplyEdit,
        EditRequest,
        TrackRequest,
        import_clip,
        parse_region_keys,
        plan_edit,
        track_region,
    )
    from workbench.project import Project

    clip_path = make_clip(folder / "A003_C012_lantern.mkv")
    (x0, y0), (x1, y1) = lantern_at(0), lantern_at(FRAMES - 1)
    keys = parse_region_keys(f"0:{x0 - 40},{y0 - 48},80,84;{FRAMES - 1}:{x1 - 40},{y1 - 48},80,84")
    with Project.create(folder / "Lantern.wbproj", "Lantern — reel 3") as project:
        clip = import_clip(project, clip_path)
        tracked = track_region(project, TrackRequest(clip.id, keys, (0, FRAMES - 1)))
        request = EditRequest(clip.id, "denoise", frames=tracked.frames, track=tracked)
        ApplyEdit(plan_edit(project, request)).do(project)
        return project.path


def shoot(project: Path, target: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from workbench.qt.app import make_app
    from workbench.qt.main_window import MainWindow
    from workbench.qt.viewer import Mode

    app = make_app()
    window = MainWindow()
    window.controller.reporter.show_dialogs = False
    window.resize(1600, 1000)
    window.show()
    c = window.controller
    assert c.open_project(project)
    (edit,) = c.clip_edits
    c.select_edit(edit.id)
    c.set_frame(18)
    window.panels.viewer.set_mode(Mode.RESULT)
    started = time.monotonic()
    while time.monotonic() - started < 120:
        app.processEvents()
        if c.displayed() and not window.panels.viewer.canvas.busy and not c.workers.busy:
            break
        time.sleep(0.05)
    for _ in range(10):
        app.processEvents()
    window.repaint()
    target.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(target))
    print(f"wrote {target}")
    window.confirm_close = lambda: True
    window.close()
    QApplication.processEvents()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            WORKBENCH_CONFIG_DIR=str(Path(tmp) / "config"),
            WORKBENCH_DATA_DIR=str(Path(tmp) / "data"),
            WORKBENCH_OPERATOR="Docs",
            XDG_CONFIG_HOME=str(Path(tmp) / "xdg"),
        )
        project = make_project(Path(tmp))
        shoot(project, HERE / "workbench-tracked-region.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
