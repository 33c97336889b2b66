"""A sub-range of a clip (a conformed shot with handles) renders the very frames a whole-clip
render gives those frames (compared by FFmpeg's checksums), with a temporal tool whose
neighbours lie outside the range; the plan says which frames, and refuses wrong ones."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support import project_with
from workbench.errors import UsageError
from workbench.render import RenderRequest, build_plan, run_render


def frame_checksums(path: Path) -> list[str]:
    run = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        line.rsplit(",", 1)[-1].strip()
        for line in run.stdout.splitlines()
        if not line.startswith("#")
    ]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sub")
    source = folder / "src.mov"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x36:rate=24",
            "-f",
            "lavfi",
            "-i",
            "sine=sample_rate=48000",
            "-frames:v",
            "30",
            "-t",
            "1.25",
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c:v",
            "prores_ks",
            "-c:a",
            "pcm_s24le",
            "-timecode",
            "00:59:59:12",
            "-metadata:s:v:0",
            "reel_name=R1",
            str(source),
        ],
        check=True,
    )
    return project_with(folder, source, ["--tool", "dust"])


def test_a_sub_range_is_frame_identical_to_the_same_frames_of_the_whole(
    project: Path, tmp_path: Path
) -> None:
    whole = run_render(RenderRequest(project, 1, tmp_path / "whole.mkv", "ffv1"))
    part = run_render(
        RenderRequest(project, 1, tmp_path / "part.mkv", "ffv1", frames=(10, 20), segment_frames=4)
    )
    assert (whole.frame_count, part.frame_count) == (30, 11)
    assert frame_checksums(tmp_path / "part.mkv") == frame_checksums(tmp_path / "whole.mkv")[10:21]
    assert part.extra["qc"]["status"] == "passed", part.extra["qc"]


def test_the_plan_holds_the_range_and_refuses_a_wrong_one(project: Path, tmp_path: Path) -> None:
    plan = build_plan(RenderRequest(project, 1, tmp_path / "p.mov", frames=(5, 17)))
    assert plan.frame_range == (5, 17) and plan.output_frame_count == 13
    assert plan.segments[0].first == 5 and plan.segments[-1].last == 17
    assert plan.segments[0].preroll > 0  # a temporal tool reads frames before the range
    again = type(plan).from_json(plan.to_json())
    assert again == plan
    whole = build_plan(RenderRequest(project, 1, tmp_path / "p.mov", frames=(0, 29)))
    assert whole.source_frames is None  # the whole clip is a whole-clip plan, same digest
    assert whole.digest == build_plan(RenderRequest(project, 1, tmp_path / "p.mov")).digest
    with pytest.raises(UsageError, match="outside clip 1"):
        build_plan(RenderRequest(project, 1, tmp_path / "p.mov", frames=(20, 30)))
    with pytest.raises(UsageError, match="cannot hold"):
        build_plan(RenderRequest(project, 1, tmp_path / "p.mp4", frames=(2, 5)))
