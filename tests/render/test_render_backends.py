"""A render pins the backend of each edit (provider and model file), runs every frame on it,
says where it differs from how the edit was applied, and records what ran."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction
from pathlib import Path

import pytest

from media.media_clips import make_video
from support import project_with
from workbench.config import settings_path
from workbench.errors import UsageError
from workbench.inference import OPENVINO, openvino_available
from workbench.project import Project
from workbench.render import RenderRequest, build_plan, materialize, run_render
from workbench.render.plan import with_digest

CPU = "CPUExecutionProvider"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "a001.mov"
    return make_video(
        path, "prores_ks", "yuv422p10le", Fraction(24), frames=4, options={"profile": "3"}
    )


#: The single-frame deblocker, which has an int8 file (the temporal one, the default on video,
#: has none)
DEBLOCK = ["--tool", "deblock", "--model", "deblock"]


def _precision(value: str) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"inference": {"precision": value}}))


def _entries(project: Path, schema: str) -> list[dict[str, object]]:
    with Project.open(project, readonly=True) as opened:
        assert opened.verify().ok
        return [e for e in opened.log.entries() if e["schema"] == schema]


def test_an_int8_edit_renders_int8_and_both_entries_say_so(tmp_path: Path, source: Path) -> None:
    _precision("int8")
    project = project_with(tmp_path, source, DEBLOCK)
    (edit,) = _entries(project, "workbench.edit/1")
    runtime = edit["runtime"]
    assert isinstance(runtime, dict) and runtime["provider"] == CPU
    variant = runtime["variant"]
    assert isinstance(variant, dict) and variant["name"] == "int8"
    run_render(RenderRequest(project, 1, tmp_path / "out.mov"))
    (render,) = _entries(project, "workbench.render/1")
    (model,) = render["runtime"]["models"]  # type: ignore[index]
    assert model == {
        "edit": 1,
        "model": "deblock",
        "provider": CPU,
        "file": "int8",
        "sha256": variant["sha256"],
    }


def test_a_render_on_another_file_says_so_and_records_both(tmp_path: Path, source: Path) -> None:
    project = project_with(tmp_path, source, DEBLOCK)  # the main file
    _precision("int8")
    plan = build_plan(RenderRequest(project, 1, tmp_path / "out.mov"))
    (change,) = plan.backend_changes()
    assert "edit 1 (deblock) was applied with CPUExecutionProvider, main file" in change
    assert "int8 file" in change
    run_render(RenderRequest(project, 1, tmp_path / "out.mov"))
    (render,) = _entries(project, "workbench.render/1")
    (model,) = render["runtime"]["models"]  # type: ignore[index]
    assert model["file"] == "int8" and model["applied_with"] == f"{CPU}/main"


def test_the_plan_digest_names_the_backend(tmp_path: Path, source: Path) -> None:
    """A render resumed on another backend does not reuse the segments of the first."""
    project = project_with(tmp_path, source, DEBLOCK)
    main = build_plan(RenderRequest(project, 1, tmp_path / "out.mov"))
    _precision("int8")
    int8 = build_plan(RenderRequest(project, 1, tmp_path / "out.mov"))
    assert main.edits[0].variant is None and int8.edits[0].variant == "int8"
    assert main.digest != int8.digest


def test_a_segment_is_never_rendered_on_another_provider(tmp_path: Path, source: Path) -> None:
    project = project_with(tmp_path, source, DEBLOCK)
    plan = build_plan(RenderRequest(project, 1, tmp_path / "out.mov"))
    elsewhere = dataclasses.replace(plan.edits[0], provider="CUDAExecutionProvider")
    moved = with_digest(dataclasses.replace(plan, edits=(elsewhere,)))
    with pytest.raises(UsageError, match="planned on CUDAExecutionProvider") as caught:
        materialize(moved)
    assert "here it would run on CPUExecutionProvider" in str(caught.value)


def test_an_unknown_provider_is_refused_before_anything_renders(
    tmp_path: Path, source: Path
) -> None:
    project = project_with(tmp_path, source, DEBLOCK)
    with pytest.raises(UsageError, match="not available here"):
        build_plan(RenderRequest(project, 1, tmp_path / "out.mov", provider="coreml"))
    assert not (tmp_path / "out.mov").exists()


@pytest.mark.skipif(not openvino_available(), reason="openvino not installed")
def test_openvino_is_recorded_with_its_version(tmp_path: Path, source: Path) -> None:
    project = project_with(tmp_path, source, ["--tool", "deblock", "--provider", "openvino"])
    (edit,) = _entries(project, "workbench.edit/1")
    assert edit["runtime"]["provider"] == OPENVINO  # type: ignore[index]
    assert edit["runtime"]["openvino"]  # type: ignore[index]
    run_render(RenderRequest(project, 1, tmp_path / "out.mov", provider="openvino"))
    (render,) = _entries(project, "workbench.render/1")
    assert render["runtime"]["openvino"]  # type: ignore[index]
    assert render["runtime"]["models"][0]["provider"] == OPENVINO  # type: ignore[index]
    assert "applied_with" not in render["runtime"]["models"][0]  # type: ignore[index]
