"""The open project as the GUI holds it: read-only between commands, writable per command.

Why: a render runs in a child process and writes its own log entry into the same project file.
If the window held the project's write lock all day, the render could never register its output.
So the window keeps one read-only connection for its views and holds the project open for
writing only around its commands: opened for a command, kept for the next ones while the user
keeps working (opening checks the whole file, ``PRAGMA quick_check``, and closing folds the WAL
back with an fsync — tens of milliseconds each on the GUI thread), and closed, which releases
the lock, once no command came for :attr:`WRITER_IDLE_MS`. Another writer — a render child, the
CLI, a second window — can take the lock in between (a render waits for it); a change made by
any of them is noticed through SQLite's ``data_version`` and the views refresh.

One window per project: while a window has the project open for editing it holds the project's
instance lock (``project.instance``); a second window is refused, with the first one named, and
may open the project read-only (its commands are refused; it shows what the other writes).

What the views derive from the whole log (which edits still await sign-off) is kept against the
log's head and read again only when the head moved, not on every refresh.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.errors import ProjectError
from workbench.project import Project
from workbench.project.instance import InstanceLock
from workbench.project.project import open_for_writing
from workbench.qt.timing import GUI_TIMINGS


class ProjectSession(QObject):
    opened = Signal()
    closed = Signal()
    changed = Signal()

    LOCK_WAIT_S = 1.0
    WRITER_IDLE_MS = 400

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.reader: Project | None = None
        self._writer: Project | None = None
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(self.WRITER_IDLE_MS)
        self._idle.timeout.connect(self.release_writer)
        self._instance: InstanceLock | None = None
        self.read_only = False
        self._data_version = -1
        self._pending: tuple[tuple[int, str], set[int]] | None = None  # (log head, edit ids)
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

    def open(self, path: Path, *, read_only: bool = False) -> None:
        """Open ``path`` for editing — one window per project: a project open in another window
        raises :class:`~workbench.errors.ProjectInUseError` naming it — or ``read_only``."""
        path = Path(path)
        self.release_writer()
        if self.path is not None and self.path.resolve() == path.resolve():
            self.close()  # opened again (perhaps read-only now): this window lets go first
        instance = None
        if not read_only and path.exists():
            instance = InstanceLock(path.resolve())
            instance.acquire()
        try:
            if not read_only:
                # One writable open first: it upgrades an older file (after a backup), recovers a
                # stale lock, and refuses a damaged or foreign file, before any view reads it.
                open_for_writing(path, self.LOCK_WAIT_S, poll=0.02).close()
            reader = Project.open(path, readonly=True)
        except BaseException:
            if instance is not None:
                instance.release()
            raise
        self.close()
        self.path = path
        self.reader = reader
        self.read_only = read_only
        self._instance = instance
        self._data_version = self._version()
        self._watch.start()
        self.opened.emit()

    def close(self) -> None:
        self.release_writer()
        if self.reader is None:
            return
        self._watch.stop()
        self.reader.close()
        self.reader = None
        self.path = None
        self._pending = None
        self.read_only = False
        if self._instance is not None:
            self._instance.release()
            self._instance = None
        self.closed.emit()

    # -- writing -----------------------------------------------------------------------------
    def pending_signoff(self) -> set[int]:
        """Edits held for sign-off that nobody signed off yet (the log is read once per head)."""
        reader = self.project()
        head = reader.log.head()
        if self._pending is None or self._pending[0] != head:
            self._pending = (head, reader.edits_pending_signoff())
        return set(self._pending[1])

    @contextlib.contextmanager
    def write(self) -> Iterator[Project]:
        """The project open for writing for one command; views refresh afterwards."""
        if self.path is None:
            raise ProjectError("no project is open", hint="open or create a project first")
        if self.read_only:
            raise ProjectError(
                f"{self.path.name} is open read-only in this window (it is open in another one)",
                hint="make the change in the other window, or close it there and open the "
                "project again here",
            )
        started = time.perf_counter()
        project = self._open_writer(self.path)
        GUI_TIMINGS.add("ProjectSession.write: open", time.perf_counter() - started)
        try:
            yield project
        except BaseException:
            self.release_writer()  # a failed command leaves nothing open behind it
            raise
        finally:
            GUI_TIMINGS.add("ProjectSession.write: command", time.perf_counter() - started)
            self._idle.start()
            self.poll()

    def _open_writer(self, path: Path) -> Project:
        from workbench.config import operator_name

        if self._writer is None:
            self._writer = open_for_writing(path, self.LOCK_WAIT_S, poll=0.02)
        self._writer.operator = operator_name()  # as named now (first run, Preferences)
        return self._writer

    def release_writer(self) -> None:
        """Close the writable connection (and so release the lock) now."""
        self._idle.stop()
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()

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
