"""Recipes: saved (from a clip, a JSON spec, the command line), versioned, applied to shots as
ordinary edits through the editing layer — once per frame, undoable, refused by policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conform import nle
from support import new_project
from workbench.cli import main
from workbench.conform import ImportRequest, import_sequence
from workbench.conform.recipes import (
    apply_recipe,
    parse_step,
    save_recipe,
    select_shots,
    steps_from_clip,
    steps_from_json,
)
from workbench.disclosure.entries import Region
from workbench.errors import PolicyError, UsageError
from workbench.project import Project


@pytest.fixture
def film(tmp_path: Path, media: dict[str, Path]) -> Path:
    edl = tmp_path / "avid.edl"
    edl.write_text(nle.AVID_25, encoding="utf-8")
    path = tmp_path / "film.wbproj"
    with new_project(path) as project:
        import_sequence(project, ImportRequest(edl, (media["25"],), handles=8))
    return path


def test_steps_from_the_command_line_and_json(tmp_path: Path) -> None:
    step = parse_step("denoise amount=1.5 level=0 model=denoise region=0,0,32,18")
    assert step.tool == "denoise" and step.parameters == {"amount": 1.5, "level": 0}
    assert step.model == "denoise" and step.region == Region.rect(0, 0, 32, 18)
    spec = tmp_path / "r.json"
    spec.write_text(
        json.dumps({"steps": [{"tool": "dust"}, {"tool": "denoise", "parameters": {"amount": 2}}]})
    )
    assert [s.tool for s in steps_from_json(spec)] == ["dust", "denoise"]
    for bad in ("", "amount=2", "denoise amount"):
        with pytest.raises(UsageError):
            parse_step(bad)
    spec.write_text("[]")
    with pytest.raises(UsageError, match="list of steps"):
        steps_from_json(spec)


def test_apply_gives_each_shot_its_frames_once(film: Path) -> None:
    with Project.open(film) as project:
        recipe = save_recipe(project, "cleanup", [parse_step("denoise amount=1.5")], "spec")
        done = apply_recipe(project, recipe, select_shots(project, "all"))
        edits = project.edits()
        # Shots 1 and 2 share clip 1 and frame 42 (their handles meet): edited once.
        assert [(e.clip_id, e.frames) for e in edits] == [
            (1, (2, 42)),
            (1, (43, 74)),
            (2, (0, 37)),
            (3, (0, 27)),
        ]
        assert all(e.parameters["level"] == 0.0 for e in edits)  # measured on every frame
        assert [len(d.edits) for d in done] == [1, 1, 1, 0, 0, 1]
        assert done[3].notes[0].startswith("offline: a speed change")
        again = apply_recipe(project, recipe, select_shots(project, "1-3"))
        assert all("already applied" in d.notes[0] for d in again) and len(project.edits()) == 4
        assert project.verify().ok


def test_shot_selections(film: Path) -> None:
    with Project.open(film, readonly=True) as project:
        assert [s.id for s in select_shots(project, "1,4-6")] == [1, 4, 5, 6]
        assert [s.id for s in select_shots(project, "reel:a003")] == [4, 6]
        assert [s.id for s in select_shots(project, "reel:A00,5")] == [1, 2, 3, 4, 5, 6]
        for bad, says in (("7", "no shot 7"), ("reel:Q", "selects no shot"), ("x", "takes all")):
            with pytest.raises(UsageError, match=says):
                select_shots(project, bad)


def test_saved_from_a_clip_versioned_and_through_the_cli(
    film: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["recipe", "save", str(film), "look", "--step", "denoise amount=2"]) == 0
    assert main(["recipe", "apply", str(film), "look", "--shots", "3"]) == 0
    assert main(["recipe", "save", str(film), "look", "--from-clip", "2"]) == 0
    assert main(["recipe", "show", str(film), "look"]) == 0
    out = capsys.readouterr().out
    assert "recipe 'look' v2: denoise (from clip 2)" in out and "3\tedits 1" in out
    with Project.open(film, readonly=True) as project:
        (step,) = steps_from_clip(project, 2)
        assert step.model is not None and len(step.model) == 64  # pinned by SHA-256
        assert step.parameters["amount"] == 2.0
        assert [r.version for r in project.recipes(all_versions=True)] == [1, 2]
    assert main(["recipe", "list", str(film)]) == 0
    assert "look" in capsys.readouterr().out
    # the applied edits are ordinary ones: the CLI's undo takes the last one back
    assert main(["edit", "undo", str(film)]) == 0
    with Project.open(film, readonly=True) as project:
        assert project.edits() == [] and project.verify().ok


def test_an_upscale_covers_the_whole_clip_once(film: Path) -> None:
    with Project.open(film) as project:
        recipe = save_recipe(project, "big", [parse_step("upscale scale=2")], "spec")
        apply_recipe(project, recipe, select_shots(project, "1,2"))
        (edit,) = project.edits()
        assert edit.frames == (0, 74)


def test_policy_refuses_a_step(film: Path) -> None:
    with Project.open(film) as project:
        project.set_policy(project.policy().model_copy(update={"allowed_tools": ["dust"]}))
        recipe = save_recipe(project, "cleanup", [parse_step("denoise")], "spec")
        with pytest.raises(PolicyError):
            apply_recipe(project, recipe, select_shots(project, "1"))
        assert project.edits() == []
        with pytest.raises(UsageError, match="no parameter"):
            save_recipe(project, "bad", [parse_step("denoise loudness=3")], "spec")
