"""The render plan is plain data: it round-trips through JSON and holds no live objects."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction
from pathlib import Path

import pytest

from media.media_clips import make_video
from support import project_with
from workbench.errors import UsageError
from workbench.project import Project
from workbench.render import RenderPlan, RenderRequest, build_plan, materialize

SCALARS = (str, int, float, bool, type(None))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "a001.mov"
    return make_video(
        path,
        "prores_ks",
        "yuv422p10le",
        Fraction(24),
        frames=10,
        size=(64, 48),
        audio="pcm_s16le",
        options={"profile": "3"},
    )


def _plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    return isinstance(value, SCALARS)


def test_plan_round_trips_through_json(tmp_path: Path, source: Path) -> None:
    project = project_with(
        tmp_path,
        source,
        ["--tool", "denoise", "--region", "0,0,32,24", "--param", "strength=0.5"],
        ["--tool", "dust", "--frames", "2-7"],
    )
    plan = build_plan(RenderRequest(project, 1, tmp_path / "out.mov", segment_frames=4))
    assert isinstance(plan, RenderPlan) and dataclasses.is_dataclass(plan)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.codec = "ffv1"  # type: ignore[misc]
    assert _plain(plan.to_dict())
    text = plan.to_json()
    again = RenderPlan.from_json(text)
    assert again == plan and again.to_json() == text
    assert RenderPlan.from_json(text.encode()) == plan

    # what was decided, before any pixel
    with Project.open(project, readonly=True) as p:
        (clip,) = p.clips()
        edits = p.edits(clip.id)
        last = p.log.entries()[-1]
        assert (plan.project_id, plan.log_head.seq, plan.log_head.entry) == (
            p.id,
            len(p.log.entries()),
            last["id"],
        )
    assert (plan.clip.path, plan.clip.fingerprint) == (clip.path, clip.fingerprint)
    assert [(e.id, e.log_entry, e.tool) for e in plan.edits] == [
        (e.id, e.log_entry, e.tool) for e in edits
    ]
    denoise, dust = plan.edits
    assert denoise.parameters["strength"] == 0.5 and denoise.region["kind"] == "rect"
    assert denoise.model_sha256 and len(denoise.model_sha256) == 64
    assert dust.frames == (2, 7)
    assert (plan.codec, plan.container, plan.segment_mode) == ("prores", ".mov", "direct")
    assert plan.frame_count == 10 and plan.frame_size == (64, 48)
    assert plan.pix_fmt == "yuv422p10le"
    assert [(s.first, s.last, s.preroll, s.postroll) for s in plan.segments] == [
        (0, 3, 0, 3),  # denoise's temporal model reads 2 frames each side, then dust 1 more
        (4, 7, 3, 2),  # past frame 7 only the denoise (dust covers 2-7)
        (8, 9, 3, 0),
    ]
    assert plan.output == str((tmp_path / "out.mov").resolve())


def test_a_changed_or_foreign_plan_is_refused(tmp_path: Path, source: Path) -> None:
    project = project_with(tmp_path, source, ["--tool", "denoise"])
    plan = build_plan(RenderRequest(project, 1, tmp_path / "out.mov"))
    data = json.loads(plan.to_json())
    data["edits"][0]["parameters"]["strength"] = 0.99
    with pytest.raises(UsageError, match="digest"):
        RenderPlan.from_json(json.dumps(data))
    with pytest.raises(UsageError, match="not a render plan"):
        RenderPlan.from_json(json.dumps({"schema": "workbench.edit/1"}))
    with pytest.raises(UsageError, match="not JSON"):
        RenderPlan.from_json("{")
    older = dataclasses.replace(plan, app_version="0.0.1")
    with pytest.raises(UsageError, match="same version"):
        materialize(older)


def test_plan_digest_ignores_the_log_head(tmp_path: Path, source: Path) -> None:
    """An unrelated change to the project moves the log head, not the render's work."""
    project = project_with(tmp_path, source, ["--tool", "denoise"])
    before = build_plan(RenderRequest(project, 1, tmp_path / "out.mov"))
    with Project.open(project) as p:
        p.add_consent(subject="someone", scope="likeness", document_ref="doc-1")
    after = build_plan(RenderRequest(project, 1, tmp_path / "out.mov"))
    assert after.log_head.seq == before.log_head.seq + 1
    assert after.digest == before.digest
    other = build_plan(RenderRequest(project, 1, tmp_path / "out.mov", segment_frames=5))
    assert other.digest != before.digest
