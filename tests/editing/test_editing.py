"""The use-case layer: every check of an edit done once, commands that undo, one export."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from workbench.disclosure import records
from workbench.editing import (
    ApplyEdit,
    CommandStack,
    ConsentRequest,
    EditRef,
    EditRequest,
    RemoveEdit,
    ReplaceEdit,
    ToggleEdit,
    add_consent,
    apply_edit,
    export_log,
    import_clip,
    plan_edit,
    undo_last_change,
)
from workbench.errors import NotFoundError, PolicyError, UsageError
from workbench.project import Project
from workbench.project.policy import Policy


@pytest.fixture(scope="module")
def clip_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("media") / "clip.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24",
         "-frames:v", "12", "-c:v", "ffv1", str(path)],
        check=True,
    )
    return path


@pytest.fixture
def project(tmp_path: Path, clip_file: Path) -> Project:
    opened = Project.create(tmp_path / "p.wbproj")
    import_clip(opened, clip_file)
    return opened


def _edit_entries(project: Project) -> list[dict[str, object]]:
    return [e for e in project.log_data().entries() if e.get("schema") == records.EDIT]


def test_plan_fills_in_the_whole_clip_and_the_real_provider(project: Project) -> None:
    planned = plan_edit(project, EditRequest(1, "denoise", {"strength": "0.5"}))
    assert planned.frames == (0, 11)
    assert planned.parameters["strength"] == 0.5
    assert planned.region == {"kind": "full"}
    assert planned.provider == "CPUExecutionProvider"
    edit = apply_edit(project, planned)
    entry = _edit_entries(project)[-1]
    assert entry["runtime"]["provider"] == "CPUExecutionProvider"  # type: ignore[index]
    # the classification comes from the model card, once
    assert planned.model is not None and planned.model.card is not None
    card_class = planned.model.card.classification.model_dump(mode="json")
    assert entry["classification"] == card_class
    assert edit.model_id == "denoise-temporal"  # the default on video


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (EditRequest(1, "denoise", model="upscale-x2"), "is a upscale model, not for denoise"),
        (EditRequest(1, "upscale", {"scale": "4"}, model="upscale-x2"), "enlarges ×2"),
        (EditRequest(1, "upscale", {"scale": "2"}, frames=(0, 5)), "must cover the whole clip"),
        (EditRequest(1, "denoise", frames=(4, 12)), "outside clip 1"),
        (EditRequest(1, "denoise", frames=(5, 4)), "outside clip 1"),
        (EditRequest(1, "denoise", {"nope": "1"}), "has no parameter 'nope'"),
        (EditRequest(1, "denoise", region={"kind": "rect", "x": 0, "y": 0, "w": 0, "h": 4}),
         "positive width"),
        (EditRequest(1, "denoise", region={"kind": "mask", "sha256": "0" * 64}),
         "not stored with this project"),
        (EditRequest(1, "denoise", region={"kind": "circle"}), "unknown region kind"),
    ],
)
def test_every_check_is_made_before_anything_is_written(
    project: Project, request_: EditRequest, message: str
) -> None:
    before = project.log.head()
    with pytest.raises(UsageError, match=message):
        plan_edit(project, request_)
    assert project.log.head() == before


def test_the_policy_is_asked_about_tool_and_model(project: Project) -> None:
    project.set_policy(Policy(allowed_tools=["dust"]))
    with pytest.raises(PolicyError):
        plan_edit(project, EditRequest(1, "denoise"))
    project.set_policy(Policy(allowed_models=["dust"]))
    plan_edit(project, EditRequest(1, "dust"))
    with pytest.raises(PolicyError):
        plan_edit(project, EditRequest(1, "denoise"))


def test_a_painted_mask_is_stored_once_by_its_hash(project: Project) -> None:
    mask = np.zeros((48, 64), np.uint8)
    mask[10:20, 10:30] = 255
    first = plan_edit(project, EditRequest(1, "denoise", region={"kind": "mask"}, mask=mask))
    again = plan_edit(project, EditRequest(1, "denoise", region={"kind": "mask"}, mask=mask))
    assert first.region == again.region and first.region["kind"] == "mask"
    folder = project.path.with_name(project.path.name + ".masks")
    assert [p.name for p in folder.iterdir()] == [f"{first.region['sha256']}.png"]
    # a stored mask can be named by its hash alone
    named = plan_edit(project, EditRequest(1, "denoise", region=dict(first.region)))
    assert named.region == first.region


def test_consent_must_exist_before_an_edit_refers_to_it(project: Project, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        plan_edit(project, EditRequest(1, "denoise", consent_ref=7))
    release = tmp_path / "release.pdf"
    release.write_bytes(b"%PDF-1.4 signed release")
    consent = add_consent(
        project, ConsentRequest("Ada Actor", "face cleanup", "R-17", release, "2030-01-01")
    )
    assert consent.document_sha256 is not None and len(consent.document_sha256) == 64
    planned = plan_edit(project, EditRequest(1, "denoise", consent_ref=consent.id))
    apply_edit(project, planned)
    assert _edit_entries(project)[-1]["consent_ref"] == consent.id
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        add_consent(project, ConsentRequest("B", "s", "r", expires="next year"))


def test_apply_undo_redo_follow_the_edit_through_new_ids(project: Project) -> None:
    stack = CommandStack()
    apply = stack.push(ApplyEdit(plan_edit(project, EditRequest(1, "denoise"))), project)
    assert isinstance(apply, ApplyEdit)
    first_id = apply.ref.require()
    toggle = stack.push(ToggleEdit(apply.ref, False, "denoise"), project)
    assert not project.edit(first_id).enabled
    stack.undo(project)  # toggle back on
    assert project.edit(first_id).enabled
    stack.undo(project)  # the apply: a revert entry, the edit leaves the stack
    assert project.edits(1) == [] and apply.ref.id is None
    stack.redo(project)  # added again, under a new id, and the toggle follows it
    assert apply.ref.id not in (None, first_id)
    stack.redo(project)
    assert not project.edit(apply.ref.require()).enabled
    assert toggle.text == "Disable denoise"
    schemas = [e["schema"] for e in project.log_data().entries()]
    assert schemas.count(records.EDIT) == 2 and schemas.count(records.REVERT) == 1
    assert project.verify().ok


def test_remove_and_replace_put_back_exactly_what_was_there(project: Project) -> None:
    stack = CommandStack()
    apply = stack.push(
        ApplyEdit(plan_edit(project, EditRequest(1, "denoise", {"strength": "0.3"}))), project
    )
    stack.push(ToggleEdit(apply.ref, False), project)
    stack.push(RemoveEdit.of(project, apply.ref), project)
    assert project.edits(1) == []
    stack.undo(project)  # back, still disabled, same settings
    (back,) = project.edits(1)
    assert not back.enabled and back.parameters["strength"] == 0.3
    new = plan_edit(project, EditRequest(1, "denoise", {"strength": "0.9"}, frames=(2, 5)))
    replace = stack.push(ReplaceEdit.of(project, apply.ref, new), project)
    assert isinstance(replace, ReplaceEdit)
    (changed,) = project.edits(1)
    assert changed.frames == (2, 5) and changed.parameters["strength"] == 0.9
    assert not changed.enabled  # a change keeps the edit's on/off state
    stack.undo(project)
    (restored,) = project.edits(1)
    assert restored.frames == (0, 11) and restored.parameters["strength"] == 0.3
    reasons = [e.get("reason") for e in project.log_data().entries() if e["schema"] == records.REVERT]
    assert reasons == ["remove", "remove", "undo"]
    stack.redo(project)
    assert project.edits(1)[0].frames == (2, 5)
    with pytest.raises(UsageError, match="nothing to redo"):
        stack.redo(project)


def test_the_command_line_undo_reads_the_log(project: Project) -> None:
    edit = apply_edit(project, plan_edit(project, EditRequest(1, "denoise")))
    ToggleEdit(EditRef(edit.id), False).do(project)
    assert undo_last_change(project) == "undid: Disable denoise"
    assert project.edit(edit.id).enabled
    assert "Enable" in undo_last_change(project)  # a second undo reverses the first
    assert not project.edit(edit.id).enabled
    RemoveEdit.of(project, EditRef(edit.id)).do(project)
    assert "Remove" in undo_last_change(project)
    (again,) = project.edits(1)
    assert not again.enabled
    # added back disabled: two entries, two changes (the toggle first)
    assert "Disable" in undo_last_change(project)
    assert project.edits(1)[0].enabled
    other = apply_edit(project, plan_edit(project, EditRequest(1, "dust")))
    assert "Apply Dust" in undo_last_change(project)
    assert [e.id for e in project.edits(1)] == [again.id] and other.id != again.id
    with pytest.raises(UsageError, match="no change"):
        undo_last_change(project, clip_id=99)


def _stable(data: bytes) -> bytes:
    """A PDF without the moment it was written (its dates and its file ID)."""
    import re

    return re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)|/ID\s*\[[^\]]*\]", b"", data)


def test_export_is_the_same_from_every_front_end(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.cli import main

    apply_edit(project, plan_edit(project, EditRequest(1, "denoise")))
    path = project.path
    project.close()
    stamp = "2026-12-01T00:00:00.000000Z"
    monkeypatch.setattr("workbench.disclosure.store.utc_now", lambda: stamp)
    for fmt in ("json", "csv", "html", "pdf", "ledger", "credits"):
        ours = export_log(path, fmt, tmp_path / f"core.{fmt}", exported=stamp)
        assert ours.entries == 3
        cli = tmp_path / f"cli.{fmt}"
        assert main(["log", "export", str(path), "--format", fmt, "-o", str(cli)]) == 0
        assert _stable(cli.read_bytes()) == _stable(ours.path.read_bytes()), fmt
    # the report names the model's card: the full context, never "undisclosed"
    html = (tmp_path / "core.html").read_text()
    assert "Apache-2.0" in html
