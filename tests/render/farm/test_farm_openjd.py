"""The render as an Open Job Description job: the template validates (``openjd-model``), and
its tasks, run as a farm would run them on machines that mount the storage elsewhere, make the
same frames as a local render and register it once."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from farm_cluster import ffmpeg_clip, framemd5
from support import project_with
from workbench.cli import main
from workbench.project import Project
from workbench.render import RenderRequest, run_render

openjd = pytest.importorskip("openjd.model")


def _mask(path: Path) -> Path:
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=black:size=64x48,drawbox=x=8:y=6:w=40:h=30:color=white:t=fill,format=gray",
            "-frames:v",
            "1",
            str(path),
        ],
        check=True,
    )
    return path


def _substitute(args: list[str], values: dict[str, str]) -> list[str]:
    out = []
    for arg in args:
        for name, value in values.items():
            arg = arg.replace("{{" + name + "}}", value)
        assert "{{" not in arg, arg
        out.append(arg)
    return out


def test_an_exported_job_renders_on_a_farm_that_mounts_the_storage_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = tmp_path / "a"
    a.mkdir()
    clip = ffmpeg_clip(a / "A001.mov", frames=12)
    project = project_with(
        a,
        clip,
        ["--tool", "denoise", "--mask", str(_mask(tmp_path / "mask.png"))],
        ["--tool", "dust", "--frames", "2-9"],
    )
    reference = run_render(RenderRequest(project, 1, a / "local.mov"))

    job_file = a / "job.yaml"
    args = ["farm", "export-job", str(project), "1", str(a / "farm.mov"), "-o", str(job_file)]
    assert main([*args, "--segment-frames", "4"]) == 0
    template = openjd.decode_job_template(template=yaml.safe_load(job_file.read_text()))
    job = openjd.create_job(job_template=template, job_parameter_values={})
    render_step, finish_step = job.steps
    tasks = list(openjd.StepParameterSpaceIterator(space=render_step.parameterSpace))
    assert [t["Segment"].value for t in tasks] == ["0", "1", "2"]
    params = {name: p.value for name, p in job.parameters.items()}
    assert params["Plan"] == str(a / "job.plan.json")
    assert params["SegmentStore"] == str(a / ".workbench-segments")

    # The farm mounts the shared storage at b/: it maps the PATH parameters itself, and hands
    # each task its rules for the paths inside the plan (footage, project, masks).
    b = tmp_path / "b"
    a.rename(b)
    rules = tmp_path / "rules.json"
    rule = {"source_path_format": "POSIX", "source_path": str(a), "destination_path": str(b)}
    rules.write_text(json.dumps({"version": "pathmapping-1.0", "path_mapping_rules": [rule]}))
    values = {
        "Param.Plan": str(b / "job.plan.json"),
        "Param.SegmentStore": str(b / ".workbench-segments"),
        "Session.PathMappingRulesFile": str(rules),
    }
    action = render_step.script.actions.onRun
    assert action.command == "{{Param.Workbench}}"
    for task in reversed(tasks):  # any order
        segment = {"Task.Param.Segment": task["Segment"].value}
        assert main(_substitute(list(action.args), {**values, **segment})) == 0
    assert main(_substitute(list(finish_step.script.actions.onRun.args), values)) == 0
    out = capsys.readouterr().out
    assert "segment 2: frames 8-11, rendered by" in out

    assert framemd5(b / "farm.mov") == framemd5(b / "local.mov")
    with Project.open(b / "p.wbproj", readonly=True) as opened:
        assert opened.verify().ok
        entry = [e for e in opened.log.entries() if e["schema"] == "workbench.render/1"][-1]
    assert entry["frame_digest"] == reference.frame_digest
    assert entry["output"]["path"] == str(b / "farm.mov")
    assert [s["frames"] for s in entry["segments"]] == [[0, 3], [4, 7], [8, 11]]
    assert {s["worker"] for s in entry["segments"]} == {socket.gethostname()}
    assert {s["provider"] for s in entry["segments"]} == {"CPUExecutionProvider"}
    assert (
        not (b / ".workbench-segments")
        .joinpath(json.loads((b / "job.plan.json").read_text())["digest"])
        .exists()
    )


def test_a_task_on_another_provider_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clip = ffmpeg_clip(tmp_path / "A001.mov", frames=4)
    project = project_with(tmp_path, clip, ["--tool", "denoise"])
    job_file = tmp_path / "job.yaml"
    args = ["farm", "export-job", str(project), "1", str(tmp_path / "o.mov"), "-o", str(job_file)]
    assert main([*args, "--provider", "CUDAExecutionProvider"]) == 0
    assert "CUDAExecutionProvider" in job_file.read_text()
    plan = tmp_path / "job.plan.json"
    code = main(
        ["render-segment", str(plan), "--segment", "0", "--provider", "CUDAExecutionProvider"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert (
        "runs the models on CPUExecutionProvider; the render runs on CUDAExecutionProvider" in err
    )
    assert not list(tmp_path.glob(".o.mov.wbrender-*/segment_*"))
