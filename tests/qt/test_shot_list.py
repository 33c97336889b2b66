"""A whole film in the window: the shot list beside the media bin (pictures, statuses, filter,
multi-select), the cut above the timeline, a recipe applied to selected shots as one undoable
change (refused, all of it, for a performer without consent), the cast and consent dialog, and
a deliver-all job in the render queue calling the core's delivery with per-shot progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from conform.conftest import media  # noqa: F401 - the camera originals, made by ffmpeg
from conform.nle import CAST_EDL
from qt.qt_helpers import find
from support import new_project
from workbench.conform import ImportRequest, import_sequence
from workbench.conform.recipes import parse_step, save_recipe
from workbench.editing import LikenessRequest, add_likeness_consent
from workbench.project import Project


@pytest.fixture
def film(tmp_path: Path, media: dict[str, Path]) -> Path:  # noqa: F811
    edl = tmp_path / "cast.edl"
    edl.write_text(CAST_EDL, encoding="utf-8")
    path = tmp_path / "film.wbproj"
    release = tmp_path / "ada.pdf"
    release.write_bytes(b"%PDF-1.4 signed")
    with new_project(path) as project:
        import_sequence(project, ImportRequest(edl, (media["25"],), handles=4))
        add_likeness_consent(project, LikenessRequest("ADA ACTOR", "enhancement", release))
        save_recipe(project, "clean", [parse_step("denoise")], "spec")
    return path


@pytest.fixture
def film_window(window, film: Path, qtbot):  # type: ignore[no-untyped-def]
    c = window.controller
    assert c.open_project(film)
    qtbot.waitUntil(lambda: len(window.extras.shots.states) == 6, timeout=15000)
    return window


def _statuses(panel) -> dict[int, str]:  # type: ignore[no-untyped-def]
    return {s.shot.id: s.status for s in panel.states}


def _click(qtbot, tree, shot_id: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    item = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == shot_id
    )
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, modifier, QPoint(20, rect.center().y())
    )


def test_the_shot_list_shows_the_cut_and_filters_it(film_window, qtbot) -> None:
    panel = film_window.extras.shot_list
    tree = find(film_window, "shotList")
    assert find(film_window, "shotListTitle").text() == "SEQ_AVID: 6 shots"
    assert _statuses(panel) == {
        1: "untouched", 2: "untouched", 3: "untouched", 4: "offline", 5: "offline", 6: "untouched"
    }  # fmt: skip
    assert tree.topLevelItem(0).text(2) == "A001C003"
    assert tree.topLevelItem(0).text(3) == "01:00:10:10–01:00:11:10"
    assert tree.topLevelItem(1).text(5) == "ADA ACTOR, Ben Bloggs"
    # the pictures arrive from workers: an online shot's icon is the frame, not the placeholder
    qtbot.waitUntil(
        lambda: (
            tree.topLevelItem(0).icon(0).pixmap(72, 40).toImage().pixelColor(36, 20).red() != 50
        ),
        timeout=15000,
    )
    cut = find(film_window, "cutStrip")
    assert cut.isVisible() and [b.shot_id for b in cut.blocks] == [1, 2, 3, 4, 5, 6]
    find(film_window, "shotFilter").setText("a003")
    assert panel.visible_shots() == [4, 6]
    find(film_window, "shotFilter").setText("")
    find(film_window, "shotStatusFilter").setCurrentText("offline")
    assert panel.visible_shots() == [4, 5]
    find(film_window, "shotStatusFilter").setCurrentText("all")
    # a click on a shot of the cut opens it: its clip, at the first frame the cut shows
    c = film_window.controller
    blocks = dict(cut.block_rects_by_shot())
    qtbot.mouseClick(cut, Qt.MouseButton.LeftButton, pos=blocks[2].center().toPoint())
    qtbot.waitUntil(lambda: c.clip is not None and c.clip.id == 1 and c.frame == 50, timeout=10000)
    assert [m.shot_id for m in film_window.panels.timeline.strip.shot_marks] == [1, 2]
    assert panel.selected_shots() == [2]


def test_a_recipe_on_selected_shots_is_one_undoable_change(film_window, qtbot) -> None:
    c = film_window.controller
    panel = film_window.extras.shot_list
    tree = find(film_window, "shotList")
    _click(qtbot, tree, 1)
    _click(qtbot, tree, 3, Qt.KeyboardModifier.ControlModifier)
    assert panel.selected_shots() == [1, 3]
    find(film_window, "shotApplyRecipe").click()
    assert c.undo.undoText() == "Apply recipe clean to 2 shots" and not c.reporter.history
    qtbot.waitUntil(lambda: _statuses(panel)[1] == "edited", timeout=10000)
    assert _statuses(panel)[3] == "edited" and _statuses(panel)[2] == "untouched"
    c.undo.undo()
    qtbot.waitUntil(lambda: _statuses(panel)[1] == "untouched", timeout=10000)
    c.undo.redo()
    qtbot.waitUntil(lambda: _statuses(panel)[3] == "edited", timeout=10000)
    # shots 1-3: shot 2 features Ben Bloggs, who has not consented — nothing is applied
    panel.select_shots([1, 2, 3])
    film_window.findChild(QAction, "actionApplyRecipe").trigger()
    assert "Ben Bloggs in shot 2" in str(c.reporter.history[-1])
    with Project.open(c.session.path, readonly=True) as project:
        assert len(project.edits()) == 2 and project.verify().ok  # the redone pair only


def test_the_cast_dialog_adds_tags_and_records_consent(film_window, qtbot, tmp_path: Path) -> None:
    c = film_window.controller
    film_window.extras.shot_list.select_shots([2])
    film_window.findChild(QAction, "actionCastConsent").trigger()
    dialog = film_window.extras.cast_dialog
    find(dialog, "castName").setText("Di Director")
    find(dialog, "castAdd").click()
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == [
        "ADA ACTOR", "Ben Bloggs", "Di Director"
    ]  # fmt: skip
    find(dialog, "castTagPerson").setCurrentText("Di Director")
    find(dialog, "castTag").click()
    release = tmp_path / "ben.pdf"
    release.write_bytes(b"%PDF-1.4 Ben's release")
    find(dialog, "consentPerson").setCurrentText("Ben Bloggs")
    find(dialog, "consentKind_enhancement").setChecked(True)
    find(dialog, "consentDocument").setText(str(release))
    find(dialog, "consentRecord").click()
    assert not c.reporter.history
    assert "Ben Bloggs" in find(dialog, "castCoverage").toPlainText()
    dialog.close()
    with Project.open(c.session.path, readonly=True) as project:
        assert {t.cast_id for t in project.shot_cast(2)} == {1, 2, 3}
        (ben,) = project.likeness_consents(2)
        assert ben.kinds == ("enhancement",) and ben.production == "Test project"
        assert project.verify().ok


def test_deliver_all_runs_the_core_delivery_in_the_queue(
    film_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = film_window.controller
    out = tmp_path / "deliver"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    film_window.extras.shot_list.select_shots([3])
    film_window.findChild(QAction, "actionDeliverShots").trigger()
    (job,) = film_window.render_queue.jobs
    assert job.kind == "deliver" and job.shots == "3"
    seen: list[str] = []
    film_window.render_queue.changed.connect(lambda: seen.append(job.message))
    qtbot.waitUntil(lambda: job.state.value in ("done", "failed"), timeout=120000)
    assert job.state.value == "done", job.message
    assert job.message == "1 shot(s) delivered into deliver"
    assert any(m.startswith("shot 3 (1/1): 003_A002C001_wb_v001.mov") for m in seen)
    assert (out / "003_A002C001_wb_v001.mov").is_file()
    qtbot.waitUntil(
        lambda: _statuses(film_window.extras.shot_list)[3] == "delivered", timeout=10000
    )
    with Project.open(c.session.path, readonly=True) as project:
        (delivery,) = project.deliveries()
        assert delivery.qc == "passed" and project.verify().ok
