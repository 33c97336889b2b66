"""Where each shot stands for the window's shot list: offline, untouched, edited, awaiting
sign-off, a performer's consent missing — read from the project as the core judges it."""

from __future__ import annotations

from pathlib import Path

from conform.nle import CAST_EDL
from support import new_project
from workbench.conform import ImportRequest, import_sequence
from workbench.conform.recipes import ApplyRecipe, parse_step, save_recipe
from workbench.conform.status import shot_states
from workbench.editing import sign_off


def test_statuses_follow_the_edits_sign_off_and_consent(
    tmp_path: Path, media: dict[str, Path]
) -> None:
    edl = tmp_path / "cast.edl"
    edl.write_text(CAST_EDL, encoding="utf-8")
    with new_project(tmp_path / "film.wbproj") as project:
        import_sequence(project, ImportRequest(edl, (media["25"],), handles=4))
        project.set_policy(project.policy().model_copy(update={"likeness_consent": False}))
        save_recipe(project, "clean", [parse_step("denoise")], "spec")
        project.set_policy(project.policy().model_copy(update={"signoff_required": ["denoise"]}))
        command = ApplyRecipe("clean", (1, 3))
        command.do(project)
        states = {s.shot.id: s for s in shot_states(project)}
        assert {k: s.status for k, s in states.items()} == {
            1: "awaiting sign-off", 2: "untouched", 3: "awaiting sign-off", 4: "offline",
            5: "offline", 6: "untouched",
        }  # fmt: skip
        assert states[1].cast == ("ADA ACTOR",) and states[2].cast == ("ADA ACTOR", "Ben Bloggs")
        for edit in project.edits():
            sign_off(project, edit.id, "looked at it")
        project.set_policy(project.policy().model_copy(update={"likeness_consent": None}))
        states = {s.shot.id: s for s in shot_states(project)}
        assert states[1].status == "edited" and states[3].status == "edited"
        assert states[1].consent_missing == ("ADA ACTOR: enhancement",)  # tagged, no consent
        assert states[3].consent_missing == ()
        command.undo(project)
        assert [s.status for s in shot_states(project)][:3] == ["untouched"] * 3
        assert project.verify().ok
