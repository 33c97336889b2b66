"""The start screen: what the window shows where the viewer will be, while no project is open.

New project, Open project, New from footage (pick the files: the project is made beside them and
they are imported), and the recent projects — those no longer where they were are marked missing
(a disk that is not mounted now) and can be forgotten.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.project.recent import RecentProject, forget_missing, recent_projects


class StartPage(QWidget):
    newRequested = Signal()
    openRequested = Signal()
    footageRequested = Signal()
    recentRequested = Signal(object)  # a Path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPage")
        title = QLabel("Workbench", self)
        title.setObjectName("startTitle")
        font = title.font()
        font.setPointSize(font.pointSize() * 2)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel(
            "AI cleanup for your own footage — every edit disclosed in the project's log.", self
        )
        subtitle.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, tip, signal in (
            ("footage", "New from footage…", "Pick clips: a project is made beside them",
             self.footageRequested),
            ("new", "New project…", "An empty project", self.newRequested),
            ("open", "Open project…", "Open a .wbproj file", self.openRequested),
        ):  # fmt: skip
            button = QPushButton(text, self)
            button.setObjectName(f"start_{key}")
            button.setAccessibleName(tip)
            button.setToolTip(tip)
            button.setMinimumHeight(40)
            button.clicked.connect(signal)
            self.buttons[key] = button
            row.addWidget(button)
        self.recent = QListWidget(self)
        self.recent.setObjectName("startRecent")
        self.recent.setAccessibleName("Recent projects")
        self.recent.itemActivated.connect(self._activated)
        self.forget = QPushButton("Forget missing projects", self)
        self.forget.setObjectName("startForgetMissing")
        self.forget.setAccessibleName("Forget the recent projects that are missing")
        self.forget.clicked.connect(self._forget_missing)
        box = QVBoxLayout()
        box.addWidget(title)
        box.addWidget(subtitle)
        box.addSpacing(16)
        box.addLayout(row)
        box.addSpacing(16)
        box.addWidget(QLabel("Recent projects (double-click to open)", self))
        box.addWidget(self.recent, 1)
        box.addWidget(self.forget, 0, Qt.AlignmentFlag.AlignRight)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(box, 4)
        outer.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        self.set_recent(recent_projects())

    def set_recent(self, projects: list[RecentProject]) -> None:
        self.recent.clear()
        for project in projects:
            item = QListWidgetItem(f"{project.path.stem}    {project.path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(project.path))
            item.setToolTip(str(project.path))
            if not project.exists:
                item.setText(f"{project.path.stem}    (missing: {project.path})")
                item.setForeground(QColor(150, 150, 150))
                item.setToolTip(f"Not found at {project.path} (moved, or on a disk not mounted)")
            self.recent.addItem(item)
        if not projects:
            empty = QListWidgetItem("No projects yet")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(empty)
        self.forget.setEnabled(any(not p.exists for p in projects))

    def missing(self) -> list[str]:
        """The paths marked missing (for tests and the accessibility tree)."""
        out = []
        for row in range(self.recent.count()):
            item = self.recent.item(row)
            if item is not None and item.text().split("    ", 1)[-1].startswith("(missing"):
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _activated(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.recentRequested.emit(Path(str(path)))

    def _forget_missing(self) -> None:
        forget_missing()
        self.refresh()


class CentralStack(QStackedWidget):
    """The viewer, or the start page while no project is open."""

    def __init__(self, viewer: QWidget, start: StartPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("centralStack")
        self.viewer, self.start = viewer, start
        self.addWidget(viewer)
        self.addWidget(start)
        self.show_start(True)

    def show_start(self, start: bool) -> None:
        if start:
            self.start.refresh()
        self.setCurrentWidget(self.start if start else self.viewer)
