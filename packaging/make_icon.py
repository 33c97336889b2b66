"""Render the app's icon (``src/workbench/qt/icons/workbench.svg``) to the PNG sizes the Linux
desktop entry, the window and the bundle use:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icon.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "src" / "workbench" / "qt" / "icons"


def main() -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "workbench.svg"))
    if not renderer.isValid():
        print("error: the SVG does not render", file=sys.stderr)
        return 1
    for size in (256,):
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"workbench-{size}.png"))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
