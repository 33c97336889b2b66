"""With no project open, nothing that needs one is enabled, and Import offers to create or open
one (issue 14, item 7): Ctrl+I had answered "no project is open"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from qt.qt_helpers import find
from workbench.disclosure.exporters import formats


def _enabled(window, name: str) -> bool:  # type: ignore[no-untyped-def]
    action = window.findChild(QAction, name)
    return bool(action.isEnabled()) if action is not None else find(window, name).isEnabled()


def test_nothing_that_needs_a_project_is_enabled_without_one(window) -> None:
    for name in [f"actionExport_{fmt}" for fmt in formats()] + [
        f"logExport_{fmt}" for fmt in formats()
    ] + ["actionVerify", "actionPolicy", "actionCloseProject", "logVerify", "renderAdd",
         "toolPreview", "toolApplyFrame", "toolApplyRange", "toolApplyClip"]:  # fmt: skip
        assert not _enabled(window, name), name
    assert _enabled(window, "actionImportMedia") and _enabled(window, "mediaImport")
    assert "No project open" in find(window, "viewerCanvas").empty_text


def test_import_offers_a_new_project_then_imports(
    window, tmp_path: Path, clip: Path, qtbot, monkeypatch
) -> None:
    from workbench.qt import prompts

    c = window.controller
    offered: list[bool] = []
    c.offer_project = lambda: offered.append(True) or "new"
    monkeypatch.setattr(prompts, "new_project", lambda parent: (tmp_path / "film.wbproj", "Film"))
    monkeypatch.setattr(prompts, "media_files", lambda parent: [clip])
    window.findChild(QAction, "actionImportMedia").trigger()  # Ctrl+I
    assert offered and not c.reporter.history
    assert c.session.is_open and c.session.path == tmp_path / "film.wbproj"
    qtbot.waitUntil(lambda: c.clip is not None, timeout=15000)
    for name in ("actionExport_json", "logExport_json", "renderAdd", "toolApplyClip"):
        assert _enabled(window, name), name
    assert find(window, "viewerCanvas").empty_text == ""
    # cancelled: nothing happens, nothing is reported
    c.close_project()
    c.offer_project = lambda: None
    c.ask_import()
    assert not c.session.is_open and not c.reporter.history
    assert not _enabled(window, "toolApplyClip")


def test_import_can_open_an_existing_project(window, tmp_path: Path, qtbot, monkeypatch) -> None:
    from workbench.project import Project
    from workbench.qt import prompts

    with Project.create(tmp_path / "old.wbproj", "Old"):
        pass
    c = window.controller
    c.offer_project = lambda: "open"
    monkeypatch.setattr(prompts, "project_file", lambda parent: tmp_path / "old.wbproj")
    monkeypatch.setattr(prompts, "media_files", lambda parent: [])
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert c.session.is_open and c.session.path == tmp_path / "old.wbproj"
