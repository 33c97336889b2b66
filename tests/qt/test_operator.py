"""Who is working (issue 14, item 8): the window asks on its first run rather than record the
login name; the command line never asks, and says how to set a name."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from qt.qt_helpers import find
from workbench.cli import main
from workbench.config import configured_operator, load_settings
from workbench.project import Project
from workbench.qt.operator_prompt import ask_operator_if_unset, operator_text


def test_the_window_asks_once_and_the_log_records_the_answer(
    project_window, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKBENCH_OPERATOR")
    assert "your login" in operator_text() and getpass.getuser() in operator_text()
    asked: list[str] = []

    def answer(parent, title, label, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(title)
        return ("Ada Editor", True)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    assert ask_operator_if_unset(project_window) == "Ada Editor"
    assert asked == ["Who is working?"]
    assert load_settings()["operator"] == "Ada Editor" == configured_operator()
    assert ask_operator_if_unset(project_window) is None and len(asked) == 1  # asked once
    project_window.show_operator()
    assert find(project_window, "statusOperator").text() == "Operator: Ada Editor"
    project_window.panels.tools.select_tool("deblock")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    with Project.open(project_window.controller.session.path, readonly=True) as project:
        assert project.log.entries()[-1]["operator"] == "Ada Editor"


def test_declining_keeps_the_login_for_now_and_asks_again(
    window, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKBENCH_OPERATOR")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    assert ask_operator_if_unset(window) is None
    assert configured_operator() is None
    assert "Edit ▸ Preferences" in operator_text()


def test_the_command_line_says_how_to_set_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("WORKBENCH_OPERATOR")
    assert main(["new", str(tmp_path / "a.wbproj")]) == 0
    err = capsys.readouterr().err
    assert f"records the operator as {getpass.getuser()!r}" in err
    assert 'WORKBENCH_OPERATOR="Your Name"' in err and "settings.json" in err
    assert main(["info", str(tmp_path / "a.wbproj")]) == 0  # reads: nothing to say
    assert "note:" not in capsys.readouterr().err
    monkeypatch.setenv("WORKBENCH_OPERATOR", "Ada Editor")
    assert main(["new", str(tmp_path / "b.wbproj")]) == 0
    assert "note:" not in capsys.readouterr().err
