"""One window per project (issue 14, item 4): a second window is told who has the project open
and may open it read-only; it then changes nothing, renders nothing, and follows the first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from qt.qt_helpers import find
from workbench.errors import ProjectInUseError
from workbench.project import Project


def _second_window(qtbot, answer: bool):  # type: ignore[no-untyped-def]
    from workbench.qt.main_window import MainWindow

    second = MainWindow()
    second.controller.reporter.show_dialogs = False
    asked: list[ProjectInUseError] = []
    second.controller.ask_read_only = lambda refusal: asked.append(refusal) or answer
    qtbot.addWidget(second)
    return second, asked


def test_a_second_window_is_told_who_has_it_and_declining_opens_nothing(
    project_window, qtbot
) -> None:
    import os

    path = project_window.controller.session.path
    second, asked = _second_window(qtbot, answer=False)
    assert not second.controller.open_project(path)
    (refusal,) = asked
    assert f"pid {os.getpid()}" in refusal.message and "already open in" in refusal.message
    assert refusal.holder["pid"] == os.getpid() and refusal.exit_code == 4
    assert not second.controller.session.is_open
    second.close()
    # the first window still edits
    project_window.panels.tools.select_tool("deblock")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    assert len(project_window.controller.clip_edits) == 1


def test_read_only_changes_nothing_and_follows_the_other_window(project_window, qtbot) -> None:
    first = project_window.controller
    path = first.session.path
    second, asked = _second_window(qtbot, answer=True)
    second.show()
    c = second.controller
    assert c.open_project(path) and asked
    assert c.session.read_only and "(read-only)" in second.windowTitle()
    assert c.queue.project_path is None  # renders would write the project: none from here
    # the first window applies an edit: the read-only one shows it
    project_window.panels.tools.select_tool("deblock")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(c.clip_edits) == 1, timeout=5000)
    # the read-only one cannot change it: the toggle is refused, the project unchanged
    stack = find(second, "editStackList")
    stack.topLevelItem(0).setCheckState(0, Qt.CheckState.Unchecked)
    assert "read-only" in c.reporter.history[-1].message
    # the screen shows the project, not the click that was refused
    assert stack.topLevelItem(0).checkState(0) == Qt.CheckState.Checked
    with Project.open(path, readonly=True) as project:
        assert [e.enabled for e in project.edits()] == [True]
    second.close()
    # once the read-only window is gone, the first still holds the project; a window opened
    # after the first one closes edits it
    project_window.close()
    third, asked = _second_window(qtbot, answer=False)
    assert third.controller.open_project(path) and not asked
    assert not third.controller.session.read_only
    third.close()


def test_the_lock_is_let_go_when_the_project_closes(project_window, qtbot) -> None:
    path: Path = project_window.controller.session.path
    assert path.with_name(path.name + ".open").exists()
    project_window.controller.close_project()
    assert not path.with_name(path.name + ".open").exists()
    second, asked = _second_window(qtbot, answer=False)
    assert second.controller.open_project(path) and not asked
    second.close()
