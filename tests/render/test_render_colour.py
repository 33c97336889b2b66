"""The render plan names the clip's colour space and each edit's working space, and holds to them."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction
from pathlib import Path

import pytest

from media.media_clips import make_video
from support import project_with
from workbench.colour import CONFIG_NAME, ocio_version
from workbench.editing import set_clip_colour_space
from workbench.errors import UsageError
from workbench.project import Project
from workbench.render import RenderPlan, RenderRequest, build_plan, materialize
from workbench.render.guard import plan_problem

SRGB = "sRGB Encoded Rec.709 (sRGB)"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "a001.mov"
    return make_video(path, "prores_ks", "yuv422p10le", Fraction(24), frames=4, size=(64, 48))


def test_the_plan_carries_the_colour_transforms(tmp_path: Path, source: Path) -> None:
    project = project_with(tmp_path, source, ["--tool", "denoise"], ["--tool", "regrain"])
    with Project.open(project) as p:
        set_clip_colour_space(p, 1, "S-Log3 S-Gamut3.Cine")
    plan = build_plan(RenderRequest(project, 1, tmp_path / "out.mov"))
    colour = plan.colour
    assert colour is not None
    assert (colour.input, colour.origin, colour.config, colour.ocio) == (
        "S-Log3 S-Gamut3.Cine",
        "set",
        CONFIG_NAME,
        ocio_version(),
    )
    # denoise runs in its card's sRGB working space; regrain in the clip's own (no model)
    assert colour.working == ((1, SRGB, True), (2, "source", False))
    assert RenderPlan.from_json(plan.to_json()) == plan
    untagged = dataclasses.replace(plan, colour=dataclasses.replace(colour, input="source"))
    assert untagged.to_json() != plan.to_json()
    data = json.loads(plan.to_json())
    data["colour"]["input"] = "ARRI LogC4"
    with pytest.raises(UsageError, match="digest"):
        RenderPlan.from_json(json.dumps(data))


def test_a_machine_with_another_opencolorio_refuses_the_plan(tmp_path: Path, source: Path) -> None:
    project = project_with(tmp_path, source, ["--tool", "denoise"])
    plan = build_plan(RenderRequest(project, 1, tmp_path / "out.mov"))
    assert plan.colour is not None
    other = dataclasses.replace(plan, colour=dataclasses.replace(plan.colour, ocio="2.5.1"))
    with pytest.raises(UsageError, match=r"OpenColorIO 2\.5\.1"):
        materialize(other)
    assert materialize(plan).colour == "source"  # the clip is untagged: nothing is converted


def test_a_colour_space_changed_while_rendering_is_caught(tmp_path: Path, source: Path) -> None:
    project = project_with(tmp_path, source, ["--tool", "denoise"])
    plan = build_plan(RenderRequest(project, 1, tmp_path / "out.mov"))
    with Project.open(project) as p:
        assert plan_problem(p, plan) is None
        set_clip_colour_space(p, 1, "ARRI LogC4")
        problem = plan_problem(p, plan)
    assert problem is not None and "colour space is now ARRI LogC4" in problem
