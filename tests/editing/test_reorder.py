"""Reordering the edit stack: a command that undoes, logged, replayed by the stack check and
applied by the render in the new order."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support import tamper
from workbench.cli import main
from workbench.disclosure import records
from workbench.disclosure.entries import MoveEntry
from workbench.editing import (
    CommandStack,
    EditRef,
    EditRequest,
    MoveEdit,
    apply_edit,
    import_clip,
    plan_edit,
    undo_last_change,
)
from workbench.errors import DisclosureError, UsageError
from workbench.project import Project
from workbench.render import RenderRequest
from workbench.render.planning import build_plan


@pytest.fixture(scope="module")
def clip_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("media") / "clip.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24",
         "-frames:v", "8", "-c:v", "ffv1", str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture
def project_path(tmp_path: Path, clip_file: Path) -> Path:
    """Clip 1 with three edits, bottom to top: 1 denoise, 2 dust, 3 denoise on a rectangle."""
    path = tmp_path / "p.wbproj"
    with Project.create(path) as project:
        import_clip(project, clip_file)
        for request in (
            EditRequest(1, "denoise"),
            EditRequest(1, "dust", frames=(1, 6)),
            EditRequest(1, "denoise", {"strength": "0.5"}, region={"kind": "rect", "x": 0,
                                                                  "y": 0, "w": 32, "h": 24}),
        ):  # fmt: skip
            apply_edit(project, plan_edit(project, request))
    return path


def order(project: Project) -> list[int]:
    return [e.id for e in project.edits(1)]


def test_a_move_is_a_logged_command_that_undoes(project_path: Path) -> None:
    with Project.open(project_path) as project:
        stack = CommandStack()
        command = MoveEdit.of(project, EditRef(3), 1)
        assert command.text == "Move denoise edit down to #1"
        stack.push(command, project)
        assert order(project) == [3, 1, 2]
        entry = project.log.entries()[-1]
        assert entry["schema"] == records.EDIT_MOVE
        assert (entry["edit"], entry["from"], entry["to"], entry["order"]) == (3, 3, 1, [3, 1, 2])
        assert entry["entry"] == project.edit(3).log_entry
        assert project.verify().ok
        stack.undo(project)
        assert order(project) == [1, 2, 3]
        stack.redo(project)
        assert order(project) == [3, 1, 2]
        assert project.verify().ok
        moves = [e for e in project.log.entries() if e["schema"] == records.EDIT_MOVE]
        assert [(m["from"], m["to"]) for m in moves] == [(3, 1), (1, 3), (3, 1)]
        assert "undid: Move denoise edit" in undo_last_change(project)
        assert order(project) == [1, 2, 3]


def test_the_render_applies_the_edits_in_the_new_order(project_path: Path, tmp_path: Path) -> None:
    with Project.open(project_path) as project:
        project.move_edit(2, 1)
        removed = project.revert_edit(1)  # a removal and a new edit keep the order's meaning
        assert removed.removed
    plan = build_plan(RenderRequest(project_path, 1, tmp_path / "o.mkv"))
    assert [e.id for e in plan.edits] == [2, 3]
    with Project.open(project_path) as project:
        project.move_edit(3, 1)
        assert project.verify().ok
    plan = build_plan(RenderRequest(project_path, 1, tmp_path / "o.mkv"))
    assert [e.id for e in plan.edits] == [3, 2]


def test_a_stack_reordered_outside_workbench_is_caught(project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.move_edit(1, 3)  # now 2, 3, 1
        positions = {e.id: e.position for e in project.edits()}
    # back to the order the edits were added in: what the log said before the move
    tamper(
        project_path,
        ("UPDATE edits SET position = ? WHERE id = 1", (min(positions.values()),)),
        ("UPDATE edits SET position = ? WHERE id = 2", (sorted(positions.values())[1],)),
        ("UPDATE edits SET position = ? WHERE id = 3", (max(positions.values()),)),
    )
    with Project.open(project_path, readonly=True) as project:
        report = project.verify()
    assert not report.ok
    assert "but the log stacks them in the order 2, 3, 1" in str(report.first)


def test_moves_that_make_no_sense_are_refused(project_path: Path, tmp_path: Path) -> None:
    with Project.open(project_path) as project:
        with pytest.raises(UsageError, match="places 1-3; there is no place 4"):
            project.move_edit(1, 4)
        assert project.move_edit(2, 2).position == project.edit(2).position  # nothing logged
        project.revert_edit(2)
        with pytest.raises(UsageError, match="reverted"):
            project.move_edit(2, 1)
        up = plan_edit(project, EditRequest(1, "upscale"))
        apply_edit(project, up)  # edit 4, ×2: the region edit 3 cannot cross it
        with pytest.raises(UsageError, match="cannot move past edit 4"):
            project.move_edit(3, 3)
        project.move_edit(1, 3)  # a whole-frame edit may
        assert order(project) == [3, 4, 1]
        assert project.verify().ok
    with pytest.raises(DisclosureError, match="moved edit"):
        MoveEntry.from_dict({"clip": 1, "edit": 5, "entry": "e", "from": 1, "to": 2, "order": [5, 3]})


def test_the_command_line_moves_and_undoes(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*argv: str) -> str:
        capsys.readouterr()
        assert main(list(argv)) == 0, capsys.readouterr().err
        return capsys.readouterr().out

    p = str(project_path)
    assert "from #3 to #1; stack now: 3, 1, 2" in run("edit", "move", p, "3", "--to", "1")
    assert "from #1 to #2; stack now: 1, 3, 2" in run("edit", "move", p, "3", "--up")
    assert "from #2 to #1" in run("edit", "move", p, "3", "--down")
    assert run("edit", "list", p).splitlines()[0].startswith("3\t")
    assert "undid: Move denoise edit" in run("edit", "undo", p)
    assert [line.split("\t")[0] for line in run("edit", "list", p).splitlines()] == ["1", "3", "2"]
    assert main(["edit", "move", p, "3", "--to", "9"]) == 2
    assert "there is no place 9" in capsys.readouterr().err
    assert "moved from #" in run("log", "show", p)
