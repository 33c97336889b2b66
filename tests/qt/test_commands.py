"""The window's undo commands only adapt the core's: do and undo inside one write, and a
command that cannot be carried out is reported and dropped from the stack."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtGui import QUndoStack

from workbench.errors import UsageError
from workbench.qt.commands import UndoCommand


class FakeSession:
    is_open = False  # nothing to re-read after a failure

    def __init__(self) -> None:
        self.writes = 0

    @contextlib.contextmanager
    def write(self) -> Iterator[str]:
        self.writes += 1
        yield "project"


class Counter:
    text = "Count once"

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[tuple[str, str]] = []

    def do(self, project: str) -> None:
        if self.fail:
            raise UsageError("cannot count")
        self.calls.append(("do", project))

    def undo(self, project: str) -> None:
        self.calls.append(("undo", project))


def test_push_does_the_command_and_undo_redo_walk_it() -> None:
    session, command, errors = FakeSession(), Counter(), []
    stack = QUndoStack()
    stack.push(UndoCommand(session, command, lambda exc, what: errors.append(what)))
    assert stack.undoText() == "Count once"
    stack.undo()
    stack.redo()
    assert command.calls == [("do", "project"), ("undo", "project"), ("do", "project")]
    assert session.writes == 3 and errors == []


def test_a_failing_command_is_reported_and_not_kept() -> None:
    session, errors = FakeSession(), []
    stack = QUndoStack()
    stack.push(
        UndoCommand(session, Counter(fail=True), lambda exc, what: errors.append((exc, what)))
    )
    assert stack.count() == 0 and not stack.canUndo()
    ((exc, what),) = errors
    assert isinstance(exc, UsageError) and what == "Count once"
