"""A third-party tool (installed through the ``workbench.tools`` entry point) in the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from qt.qt_helpers import find
from tools.plugin_tool.plugin_support import install_invert_tool, write_invert_model
from workbench.project import Project


@pytest.fixture
def invert_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example plugin installed, and its model imported, before the window is built."""
    from workbench.editing import import_model

    install_invert_tool(monkeypatch, tmp_path / "site")
    model = write_invert_model(tmp_path / "plugin-data")
    import_model(model, model.with_suffix(".card.json"))


def test_the_plugin_tool_is_in_the_tools_panel_and_applies(
    invert_installed: None, project_window, qtbot
) -> None:
    c = project_window.controller
    picker = find(project_window, "toolPicker")
    offered = {picker.itemData(i): picker.itemText(i) for i in range(picker.count())}
    assert offered["invert"] == "Invert (example plugin)"
    assert {"upscale", "denoise", "dust", "deblock"} <= set(offered)

    project_window.panels.tools.select_tool("invert")
    assert "negative" in find(project_window, "toolDescription").text()
    models = find(project_window, "modelPicker")
    labels = [models.itemText(i) for i in range(models.count())]
    assert "Default (invert)" in labels and "Example inverter (invert)" in labels

    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    with Project.open(c.session.path, readonly=True) as project:
        (edit,) = project.edits()
    assert (edit.tool, edit.model_id, edit.frames) == ("invert", "invert", (0, 11))
    qtbot.waitUntil(lambda: c.displayed(), timeout=20000)
    assert find(project_window, "viewerCanvas").result is not None
