"""One Qt undo command around a core command (``workbench.editing``), as glue wraps its own.

The core command does the work and the log records it; this adapter only opens the project for
writing around ``do`` and ``undo`` and puts the command's text on Edit ▸ Undo. A command that
cannot be carried out is reported and made obsolete, so the stack drops it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from workbench.editing import Command
from workbench.project import Project
from workbench.qt.session import ProjectSession
from workbench.qt.timing import timed

ErrorSink = Callable[[BaseException, str], None]


class UndoCommand(QUndoCommand):
    def __init__(self, session: ProjectSession, command: Command, on_error: ErrorSink) -> None:
        super().__init__(command.text)
        self.session, self.command, self.on_error = session, command, on_error

    @timed("UndoCommand")
    def _run(self, step: Callable[[Project], None], what: str) -> None:
        try:
            with self.session.write() as project:
                step(project)
        except Exception as exc:
            self.setObsolete(True)  # the stack drops a command that could not be carried out
            self.on_error(exc, what)
            if self.session.is_open:
                self.session.changed.emit()  # the views show the project, not the failed click

    def redo(self) -> None:
        self._run(self.command.do, self.text())

    def undo(self) -> None:
        self._run(self.command.undo, f"Undo: {self.text()}")
