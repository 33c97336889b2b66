"""The open project as the GUI holds it: read-only between commands, writable per command.

Why: a render runs in a child process and writes its own log entry into the same project file.
If the window held the project's write lock all day, the render could never register its output.
So the window keeps one read-only connection for its views and opens the project for writing
only for the few milliseconds a command takes (one transaction, then close, which releases the
lock). Another writer — a render child, the CLI, a second window — can take the lock in between;
a change made by any of them is noticed through SQLite's ``data_version`` and the views refresh.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.errors import ProjectError, ProjectLockedError
from workbench.project import Project


class ProjectSession(QObject):
    opened = Signal()
    closed = Signal()
    changed = Signal()

    LOCK_WAIT_S = 1.0

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.reader: Project | None = None
        self._data_version = -1
        self._watch = QTimer(self)
        self._watch.setInterval(500)
        self._watch.timeout.connect(self.poll)

    @property
    def is_open(self) -> bool:
        return self.reader is not None

    def project(self) -> Project:
        if self.reader is None:
            raise ProjectError("no project is open", hint="open or create a project first")
        return self.reader

    # -- opening -----------------------------------------------------------------------------
    def create(self, path: Path, name: str | None = None) -> None:
        project = Project.create(Path(path), name)
        created = project.path
        project.close()
        self.open(created)

    def open(self, path: Path) -> None:
        path = Path(path)
        # One writable open first: it upgrades an older file (after a backup), recovers a stale
        # lock, and refuses a damaged or foreign file, before any view reads it.
        Project.open(path).close()
        reader = Project.open(path, readonly=True)
        self.close()
        self.path = path
        self.reader = reader
        self._data_version = self._version()
        self._watch.start()
        self.opened.emit()

    def close(self) -> None:
        if self.reader is None:
            return
        self._watch.stop()
        self.reader.close()
        self.reader = None
        self.path = None
        self.closed.emit()

    # -- writing -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def write(self) -> Iterator[Project]:
        """The project open for writing for one command; views refresh afterwards."""
        if self.path is None:
            raise ProjectError("no project is open", hint="open or create a project first")
        deadline = time.monotonic() + self.LOCK_WAIT_S
        while True:
            try:
                project = Project.open(self.path)
                break
            except ProjectLockedError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)  # a render child registering its output holds it briefly
        try:
            yield project
        finally:
            project.close()
            self.poll()

    # -- noticing changes by anyone ----------------------------------------------------------
    def _version(self) -> int:
        if self.reader is None:
            return -1
        return int(self.reader.conn.execute("PRAGMA data_version").fetchone()[0])

    def poll(self) -> None:
        version = self._version()
        if version != self._data_version:
            self._data_version = version
            self.changed.emit()
