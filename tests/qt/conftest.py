"""Fixtures for the desktop app: a real main window, tiny clips, and a leak check.

Every test runs offscreen (``QT_QPA_PLATFORM=offscreen`` is set by the top-level conftest), with
its own QSettings folder, and fails if it leaves a window open, a worker thread running, or a
render child process alive.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from qt.qt_helpers import make_clip

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return make_clip(tmp_path / "A001_C002.mkv")


@pytest.fixture(autouse=True)
def no_leaks(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """Isolated QSettings; afterwards no window, worker thread or render process may remain.

    A module that sets ``QT_FREE = True`` tests plain-Python parts and gets no application."""
    if getattr(request.module, "QT_FREE", False):
        yield
        return
    request.getfixturevalue("qapp")
    from PySide6.QtCore import QSettings, QThreadPool
    from PySide6.QtWidgets import QApplication

    from workbench.qt.app import make_app

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    make_app()
    before = {t.ident for t in threading.enumerate()}
    yield
    QApplication.processEvents()
    windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    threads = [
        t.name
        for t in threading.enumerate()
        if t.ident not in before and t.name.startswith("workbench")
    ]
    children = multiprocessing.active_children()
    for child in children:
        child.kill()
    assert QThreadPool.globalInstance().waitForDone(5000)
    from workbench.qt.workers import Workers

    busy = [w for w in list(Workers.instances) if w.busy]
    assert not busy, "the test left background tasks running"
    assert not windows, f"the test left windows open: {windows}"
    assert not threads, f"the test left threads running: {threads}"
    assert not children, f"the test left processes running: {children}"


@pytest.fixture
def window(qtbot: object, tmp_path: Path) -> Iterator[object]:
    """The real main window, showing, with errors collected rather than shown in dialogs."""
    from workbench.qt.main_window import MainWindow

    win = MainWindow()
    win.controller.reporter.show_dialogs = False
    win.confirm_close = lambda: True
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    qtbot.waitExposed(win)  # type: ignore[attr-defined]
    yield win
    if win.isVisible():
        win.close()
    else:
        win.controller.shutdown()


@pytest.fixture
def project_window(window: object, tmp_path: Path, clip: Path, qtbot: object) -> object:
    """The window with a new project and one imported clip, the first frame on screen."""
    c = window.controller  # type: ignore[attr-defined]
    assert c.new_project(tmp_path / "film.wbproj", "Film")
    c.import_media([clip])
    qtbot.waitUntil(lambda: c.clip is not None and c.shown_original == 0, timeout=15000)  # type: ignore[attr-defined]
    return window
