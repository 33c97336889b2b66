"""The media bin's context menu sets a clip's colour space: logged, shown, used by the viewer."""

from __future__ import annotations

from typing import Any

from qt.qt_helpers import find
from workbench.project import Project


def _choose(menu: Any, data: str) -> None:
    (action,) = [a for a in menu.actions() if a.data() == data]
    action.trigger()


def test_the_clip_menu_sets_the_colour_space(project_window: Any, qtbot: Any) -> None:
    c = project_window.controller
    panel = project_window.panels.media
    clip_id = c.clip.id
    menu = panel.colour_menu(clip_id)
    checked = [a.data() for a in menu.actions() if a.isChecked()]
    assert checked == ["tags"] and "From its tags (source)" in menu.actions()[0].text()
    assert {"ARRI LogC4", "S-Log3 S-Gamut3.Cine", "ACEScg", "source"} <= {
        a.data() for a in menu.actions()
    }
    _choose(menu, "ARRI LogC4")
    with Project.open(c.session.path, readonly=True) as project:
        assert project.clip(clip_id).colour_space == "ARRI LogC4"
        assert project.log.entries()[-1]["schema"] == "workbench.clip-colour/1"
        assert project.verify().ok
    assert c.clip.colour.space == "ARRI LogC4"  # the viewer converts from it now
    item = find(project_window, "mediaBinList").topLevelItem(0)
    assert item.text(0).endswith("ARRI LogC4")
    assert [a.data() for a in panel.colour_menu(clip_id).actions() if a.isChecked()] == [
        "ARRI LogC4"
    ]
    qtbot.waitUntil(lambda: c.shown_original == 0, timeout=5000)
    _choose(panel.colour_menu(clip_id), "tags")
    assert c.clip.colour_space is None and c.clip.colour.space == "source"
    assert not c.reporter.history
