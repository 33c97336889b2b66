"""The temporal denoiser in a render: each segment's pre-roll and post-roll give it the same
neighbours as one long pass, so segments rendered apart (last first, as a farm may) join into
exactly the frames of a whole render, and the log names the temporal model."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from support import project_with
from tools.temporal_clips import encode, pan
from workbench.project import Project
from workbench.render import (
    DirectorySegmentStore,
    RenderRequest,
    build_plan,
    finish,
    register,
    render_segment,
    run_render,
)


def framemd5(path: Path) -> list[str]:
    """FFmpeg's checksum of every decoded frame (not our reader's)."""
    run = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.splitlines()


def test_segment_boundaries_give_the_frames_of_a_whole_render(tmp_path: Path) -> None:
    pan(tmp_path, "fractal", 9, 25, size="96:64")
    clip = encode(str(tmp_path / "fractal-25-1-9" / "%03d.png"), tmp_path / "pan.mkv")
    project = project_with(tmp_path, clip, ["--tool", "denoise"])
    with Project.open(project, readonly=True) as p:
        (edit,) = p.edits(1)
        assert edit.model_id == "denoise-temporal"  # the default on video
    whole = run_render(RenderRequest(project, 1, tmp_path / "whole.mov", segment_frames=100))

    plan = build_plan(RenderRequest(project, 1, tmp_path / "apart.mov", segment_frames=3))
    store = DirectorySegmentStore(tmp_path / "segments")
    for index in reversed(range(len(plan.segments))):  # each from its own pre-/post-roll
        render_segment(plan, index, store)
    register(plan, finish(plan, store))
    assert len(plan.segments) == 3
    assert framemd5(tmp_path / "apart.mov") == framemd5(whole.output)


def test_a_still_gets_the_single_frame_model_and_video_the_temporal_one(tmp_path: Path) -> None:
    frames = pan(tmp_path, "chart", 3, 20, size="96:64")
    still = tmp_path / "still.png"  # a name that is not part of a numbered sequence
    shutil.copy(tmp_path / "chart-20-1-3" / "001.png", still)
    clip = encode(str(tmp_path / "chart-20-1-3" / "%03d.png"), tmp_path / "three.mkv")
    assert len(frames) == 3
    for media, tool, expected in (
        (still, "denoise", "denoise"),
        (still, "deblock", "deblock"),
        (clip, "deblock", "deblock-temporal"),
    ):
        folder = tmp_path / f"{media.stem}-{tool}"
        folder.mkdir()
        with Project.open(project_with(folder, media, ["--tool", tool]), readonly=True) as p:
            assert [e.model_id for e in p.edits(1)] == [expected]
    off = tmp_path / "off"
    off.mkdir()
    project = project_with(off, clip, ["--tool", "denoise", "--param", "temporal=off"])
    with Project.open(project, readonly=True) as p:
        assert [e.model_id for e in p.edits(1)] == ["denoise"]
