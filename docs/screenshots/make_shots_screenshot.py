"""Make the README's screenshot of a whole film in the window: the app draws it, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_shots_screenshot.py

Makes camera originals with the ffmpeg command line (320x180 test patterns with timecode, reel
names and audio), an Avid-style EDL of six events (a dissolve, a speed change and a missing reel
among them; ``CAST:`` in a locator and a comment), and through the same core calls as the
command line: imports the cut with 4-frame handles, records two performers' likeness consent,
applies a denoise recipe to shots 1-3, delivers shot 3, applies a dust edit to shot 6 and only
then tags its performer (who has not consented). Opens the project in the main window with the
shot list in front, shot 2 open in the viewer and shots 1-3 selected, and saves
``workbench-shots.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests"))


def make_film(folder: Path) -> Path:
    from conform import nle
    from workbench.cli import main

    sources = tuple(
        nle.Source(s.name, s.rate, s.timecode, s.frames, s.reel) for s in nle.SOURCES_25
    )
    nle.SIZE = "320x180"
    media = folder / "originals"
    nle.make_sources(media, sources)
    edl = folder / "SEQ_AVID.edl"
    edl.write_text(nle.CAST_EDL, encoding="utf-8")
    film = folder / "film.wbproj"
    release = folder / "release.pdf"
    release.write_bytes(b"%PDF-1.4 a signed release")
    steps = [
        ["new", str(film), "--name", "The Long Night"],
        ["conform", "import", str(film), str(edl), "--media", str(media), "--handles", "4"],
        ["consent", "add", str(film), "--person", "ADA ACTOR", "--scope", "enhancement,resize",
         "--document", str(release), "--expires", "2030-06-30"],
        ["consent", "add", str(film), "--person", "Ben Bloggs", "--scope", "enhancement",
         "--document", str(release)],
        ["recipe", "save", str(film), "cleanup", "--step", "denoise"],
        ["recipe", "apply", str(film), "cleanup", "--shots", "1-3"],
        ["conform", "render", str(film), "-o", str(folder), "--shots", "3"],
        ["apply", str(film), "3", "--tool", "dust", "--frames", "0-20"],
        ["cast", "add", str(film), "Cy Crew", "--role", "Dresser"],
        ["shot", "tag", str(film), "6", "--cast", "Cy Crew"],
    ]  # fmt: skip
    for args in steps:
        if main(args) != 0:
            raise SystemExit(f"workbench {' '.join(args[:2])} failed")
    return film


def screenshot(film: Path, out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from workbench.qt.app import make_app
    from workbench.qt.main_window import MainWindow

    app = make_app()
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    c = window.controller
    assert c.open_project(film)
    extras = window.extras
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not extras.shots.states:
        app.processEvents()
    extras.shots.activate(2)
    extras.shot_list.select_shots([1, 2, 3])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the viewer's frame and the shots' pictures
        app.processEvents()
        time.sleep(0.05)
    window.grab().save(str(out))
    window.close()
    QApplication.processEvents()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("CONFIG", "DATA", "CACHE"):
            os.environ[f"WORKBENCH_{name}_DIR"] = str(folder / name.lower())
        os.environ["XDG_CONFIG_HOME"] = str(folder / "xdg")  # the window's layout: a fresh one
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ.setdefault("WORKBENCH_OPERATOR", "Mo Colourist")
        film = make_film(folder)
        screenshot(film, HERE / "workbench-shots.png")
    print(f"wrote {HERE / 'workbench-shots.png'}")


if __name__ == "__main__":
    main()
