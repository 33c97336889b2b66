"""A plan rendered segment by segment elsewhere, then finished and registered here, gives the
same file as ``run_render`` (compared by FFmpeg's own frame checksums, not by our reader)."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from media.media_clips import make_video
from support import project_with
from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.render import (
    DirectorySegmentStore,
    RenderPlan,
    RenderRequest,
    build_plan,
    finish,
    register,
    render_segment,
    run_render,
)

# A fresh process given only the plan's JSON: it renders every segment, last first, so each
# segment's pre-roll is all that gives its temporal tool the neighbours of a long pass.
FARM_WORKER = """
import json, sys
from pathlib import Path
from workbench.render import DirectorySegmentStore, RenderPlan, materialize, render_segment

plan = RenderPlan.from_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
live = materialize(plan)
store = DirectorySegmentStore(Path(sys.argv[2]))
done = []
for index in reversed(range(len(plan.segments))):
    result = render_segment(live, index, store)
    done.append([result.index, result.first, result.last, len(result.frames), result.reused])
print(json.dumps(done))
"""


def framemd5(path: Path) -> list[str]:
    """FFmpeg's checksum of every decoded frame of every stream (header lines included)."""
    run = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.splitlines()


def speckled_prores(path: Path, frames: int = 14, specks: tuple[int, ...] = (3, 4, 7, 8)) -> Path:
    """Textured ProRes with one-frame specks on frames beside segment boundaries, and PCM
    audio: dust repairs a speck from its neighbours, so a segment rendered without its
    pre-roll or post-roll differs."""
    import av

    width, height, rate = 64, 48, Fraction(24)
    out = av.open(str(path), "w")
    stream = out.add_stream("prores_ks", rate=rate, options={"profile": "3"})
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv422p10le"
    audio = out.add_stream("pcm_s16le", rate=48000, layout="stereo")
    rng = np.random.default_rng(3)
    base = rng.random((height, width, 3)) * 0.3 + 0.3
    for i in range(frames):
        img = np.clip(base + 0.01 * i, 0, 1)
        if i in specks:
            y, x = 10 + 3 * i, 8 + 2 * i
            img[y : y + 3, x : x + 3] = 1.0 if i % 2 else 0.0
        frame = av.VideoFrame.from_ndarray((img * 65535).astype(np.uint16), format="rgb48le")
        frame.pts, frame.time_base = i, 1 / rate
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
    for n in range(int(frames / rate * 48000) // 1000):
        samples = (rng.standard_normal((1, 2000)) * 3000).astype(np.int16)
        chunk = av.AudioFrame.from_ndarray(samples, format="s16", layout="stereo")
        chunk.sample_rate, chunk.pts = 48000, n * 1000
        for packet in audio.encode(chunk):
            out.mux(packet)
    for packet in audio.encode(None):
        out.mux(packet)
    out.close()
    return path


def _source(tmp_path: Path, kind: str) -> tuple[Path, str]:
    if kind == "prores":  # intra-only: segments are the deliverable's packets, joined
        return speckled_prores(tmp_path / "a001.mov"), ".mov"
    src = make_video(  # long-GOP: segments are FFV1 intermediates, encoded once at the end
        tmp_path / "s.mp4",
        "libx264",
        "yuv420p",
        Fraction(24),
        frames=14,
        size=(64, 48),
        audio="aac",
        options={"bf": "2", "g": "6"},
    )
    return src, ".mp4"


@pytest.mark.parametrize("kind", ["prores", pytest.param("h264", marks=pytest.mark.slow)])
def test_segments_rendered_apart_equal_run_render(tmp_path: Path, kind: str) -> None:
    src, suffix = _source(tmp_path, kind)
    project = project_with(
        tmp_path,
        src,
        ["--tool", "denoise", "--region", "0,0,32,24"],
        ["--tool", "dust", "--frames", "3-11"],
    )
    reference = run_render(
        RenderRequest(project, 1, tmp_path / f"reference{suffix}", segment_frames=4)
    )

    plan_file = tmp_path / "plan.json"
    plan = build_plan(RenderRequest(project, 1, tmp_path / f"farm{suffix}", segment_frames=4))
    assert plan.segment_mode == ("direct" if kind == "prores" else "ffv1")
    plan_file.write_text(plan.to_json(), encoding="utf-8")
    root = tmp_path / "segments"
    worker = subprocess.run(
        [sys.executable, "-c", FARM_WORKER, str(plan_file), str(root)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert worker.returncode == 0, worker.stderr[-3000:]
    done = json.loads(worker.stdout)
    assert [d[0] for d in done] == [3, 2, 1, 0]
    assert [(d[1], d[2], d[3], d[4]) for d in done][::-1] == [
        (0, 3, 4, False),
        (4, 7, 4, False),
        (8, 11, 4, False),
        (12, 13, 2, False),
    ]

    # the coordinator: the plan from its JSON, the segments from the shared store
    plan = RenderPlan.from_json(plan_file.read_text(encoding="utf-8"))
    store = DirectorySegmentStore(root)
    assert render_segment(plan, 2, store).reused  # idempotent: nothing rendered again
    finished = finish(plan, store)
    render = register(plan, finished)
    store.clear(plan)
    assert not root.joinpath(plan.digest).exists()

    out = tmp_path / f"farm{suffix}"
    assert out.exists() and not finished.pending.exists()
    assert framemd5(out) == framemd5(reference.output)
    assert finished.frame_digest == reference.frame_digest
    assert finished.extra["qc"]["status"] == reference.extra["qc"]["status"]
    with Project.open(project, readonly=True) as p:
        assert p.verify().ok
        entries = [e for e in p.log.entries() if e["schema"] == "workbench.render/1"]
        assert [e["id"] for e in entries][-1] == render.log_entry
        assert entries[-1]["output"]["sha256"] == finished.sha256
        assert [e["edit"] for e in entries[-1]["edits"]] == [e["edit"] for e in entries[0]["edits"]]
        assert entries[-1]["plan"] == plan.digest


def test_finish_refuses_a_missing_segment(tmp_path: Path) -> None:
    src, suffix = _source(tmp_path, "prores")
    project = project_with(tmp_path, src, ["--tool", "denoise"])
    plan = build_plan(RenderRequest(project, 1, tmp_path / f"o{suffix}", segment_frames=4))
    store = DirectorySegmentStore(tmp_path / "segments")
    render_segment(plan, 0, store)
    with pytest.raises(WorkbenchError, match=r"segment 1 .* not rendered yet"):
        finish(plan, store)
    assert not (tmp_path / f"o{suffix}").exists()
