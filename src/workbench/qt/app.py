"""Starting the desktop app, and the ``--screenshot`` mode the docs are made with."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.qt.viewer import Mode

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QStyle

GIL_SWITCH_S = 0.001
ORGANISATION = "Workbench"
APPLICATION = "Workbench"


def make_app() -> QApplication:
    """The application, once. The GUI thread re-takes the GIL each time Qt calls into Python
    (a timer, a paint, a slot); while the frame thread runs Python between model tiles, each
    such hand-over waits up to the switch interval, 5 ms by default and several per event.
    At 1 ms the window waits less for its own workers."""
    from PySide6.QtWidgets import QApplication

    from workbench.qt.refcounts import protect_singletons

    protect_singletons()  # PySide6 6.12 on Python 3.11 leaks None and True per call
    sys.setswitchinterval(GIL_SWITCH_S)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setStyle(_style())
    apply_dark_palette(app)
    app.setWindowIcon(app_icon())
    return app


_STYLE: list[object] = []  # the one style, kept alive for the application's lifetime


def _style() -> QStyle:
    """Fusion, with check indicators that show on the dark palette when unticked."""
    from workbench.qt.indicators import VisibleIndicators

    if not _STYLE:
        _STYLE.append(VisibleIndicators("Fusion"))
    style = _STYLE[0]
    assert isinstance(style, VisibleIndicators)
    return style


def app_icon() -> QIcon:
    """The app's icon (``qt/icons``: an SVG, and a PNG where Qt's SVG plugin is missing)."""
    from PySide6.QtGui import QIcon

    icons = Path(__file__).resolve().parent / "icons"
    icon = QIcon(str(icons / "workbench-256.png"))
    icon.addFile(str(icons / "workbench.svg"))
    return icon


def apply_dark_palette(app: QApplication) -> None:
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: QColor(45, 45, 48),
        QPalette.ColorRole.WindowText: QColor(220, 220, 220),
        QPalette.ColorRole.Base: QColor(30, 30, 32),
        QPalette.ColorRole.AlternateBase: QColor(40, 40, 44),
        QPalette.ColorRole.Text: QColor(220, 220, 220),
        QPalette.ColorRole.Button: QColor(55, 55, 60),
        QPalette.ColorRole.ButtonText: QColor(220, 220, 220),
        QPalette.ColorRole.Highlight: QColor(60, 110, 180),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.ToolTipBase: QColor(50, 50, 55),
        QPalette.ColorRole.ToolTipText: QColor(230, 230, 230),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(120, 120, 120))
    palette.setColor(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(120, 120, 120)
    )
    app.setPalette(palette)
    # a checked tool button (viewer mode, region tool) must be visible at a glance
    app.setStyleSheet(
        "QToolButton:checked { background-color: #3c6eb4; color: white; border: 1px solid #5a8ad0;"
        " border-radius: 3px; padding: 2px 6px; }"
    )


def run(
    project: Path | None = None,
    screenshot: Path | None = None,
    mode: str | None = None,
    size: tuple[int, int] | None = None,
) -> int:
    """Open the main window (and a project); with ``screenshot``, save one and exit.

    ``size`` is the window's size in pixels (a screenshot's default is 1600×1000).
    """
    from PySide6.QtCore import QTimer

    from workbench.qt.main_window import MainWindow
    from workbench.qt.platform_check import check_display

    if screenshot is not None and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a screenshot needs no screen
    check_display()  # a missing X11 library is named with its package, before Qt aborts
    app = make_app()
    window = MainWindow()
    if screenshot is not None:
        window.controller.reporter.show_dialogs = False
        window.controller.ask_read_only = lambda refusal: True  # a screenshot only looks
        window.resize(*(size or (1600, 1000)))
    elif size is not None:
        window.resize(*size)
    window.show()
    if mode:
        window.panels.viewer.set_mode(Mode(mode))
    if (
        project is not None
        and not window.controller.open_project(project)
        and screenshot is not None
    ):
        print(f"error: {window.controller.reporter.history[-1].message}", file=sys.stderr)
        window.close()
        return 3
    if screenshot is None:
        from workbench.qt.operator_prompt import ask_operator_if_unset

        if ask_operator_if_unset(window) is not None:  # first run: who is working?
            window.show_operator()
        return int(app.exec())
    if window.controller.clip_edits:  # show the last edit's region and range in the picture
        window.controller.select_edit(window.controller.clip_edits[-1].id)

    started = time.monotonic()
    result = {"code": 0}

    def try_shot() -> None:
        c = window.controller
        ready = c.displayed() and not c.panels.viewer.canvas.busy and not c.workers.busy
        timed_out = time.monotonic() - started > 120
        if not (ready or timed_out) or not window.isVisible():
            QTimer.singleShot(50, try_shot)
            return
        app.processEvents()
        window.repaint()
        image = window.grab()
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(screenshot)):
            print(f"error: cannot write {screenshot}", file=sys.stderr)
            result["code"] = 8
        elif timed_out:
            print("warning: the frame was still being processed after 120 s", file=sys.stderr)
            result["code"] = 1
        else:
            print(f"wrote {screenshot}")
        for report in c.reporter.history:
            print(f"error shown: {report.message}", file=sys.stderr)
        window.close()
        app.quit()

    QTimer.singleShot(100, try_shot)
    app.exec()
    return result["code"]
