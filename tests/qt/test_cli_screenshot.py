"""``workbench open PROJECT --screenshot FILE``: the app draws its window and saves it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from qt.qt_helpers import make_clip
from workbench.media import probe
from workbench.project import Project


def test_open_with_screenshot_draws_the_frame_and_exits(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mkv", frames=6, size=(96, 64))
    info = probe(clip)
    with Project.create(tmp_path / "shot.wbproj", "Shot") as project:
        project.add_clip(clip, fingerprint=info.fingerprint, media=info.to_dict())
    out = tmp_path / "window.png"
    workbench = Path(sys.executable).with_name("workbench")
    done = subprocess.run(
        [
            str(workbench),
            "open",
            str(tmp_path / "shot.wbproj"),
            "--screenshot",
            str(out),
            "--viewer-mode",
            "split",
        ],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)
    # the viewer drew the clip: the middle of the window is not the empty viewer's flat grey
    colours = {image.pixelColor(x, 300).name() for x in range(500, 1100, 10)}
    assert len(colours) > 5


def test_open_with_screenshot_and_size_draws_the_window_at_that_size(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mkv", frames=6, size=(96, 64))
    info = probe(clip)
    with Project.create(tmp_path / "shot.wbproj", "Shot") as project:
        project.add_clip(clip, fingerprint=info.fingerprint, media=info.to_dict())
    out = tmp_path / "laptop.png"
    workbench = Path(sys.executable).with_name("workbench")
    args = [str(workbench), "open", str(tmp_path / "shot.wbproj"), "--screenshot", str(out)]
    done = subprocess.run(
        [*args, "--size", "1280x720"],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    # the viewer drew the clip at this size too
    colours = {image.pixelColor(x, 250).name() for x in range(300, 800, 10)}
    assert len(colours) > 5


def test_open_refuses_a_bad_size(tmp_path: Path) -> None:
    from workbench.cli import main

    with Project.create(tmp_path / "p.wbproj", "P"):
        pass
    assert main(["open", str(tmp_path / "p.wbproj"), "--size", "big"]) == 2
    assert main(["open", str(tmp_path / "p.wbproj"), "--size", "10x10"]) == 2


def test_open_refuses_a_missing_project(tmp_path: Path) -> None:
    from workbench.cli import main

    assert main(["open", str(tmp_path / "nothing.wbproj")]) == 2
