"""A dust render changes the repaired pixels and nothing else (issue 15): made, rendered and read
back with ffmpeg, lossless FFV1 RGB in and out, compared frame by frame with framemd5 and with
the frames ffmpeg extracts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from support import project_with
from workbench.catalog import Catalog
from workbench.cli import main
from workbench.inference import get_engine
from workbench.progress import Progress
from workbench.tools.base import FrameWindow
from workbench.tools.registry import get_tool

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "sample.mp4"
W, H = 256, 160
#: frame -> the speck ffmpeg draws on it (x, y, w, h)
SPECKS = {2: (100, 60, 4, 4), 4: (180, 110, 3, 5)}
N = 6


def ffmpeg(*args: str | Path) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *map(str, args)], check=True)


def rgb_frames(path: Path) -> np.ndarray:
    """Every frame as ffmpeg decodes it to 8-bit RGB."""
    run = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    )
    return np.frombuffer(run.stdout, np.uint8).reshape(-1, H, W, 3)


def frame_md5s(path: Path) -> list[str]:
    """ffmpeg's framemd5 checksum of each decoded video frame."""
    run = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.split(",")[-1].strip() for line in run.stdout.splitlines() if line[:1] != "#"]


def pan(folder: Path, specks: bool) -> Path:
    """A grainy pan across the sample's first frame, FFV1 bgr0; ``specks``: with a black
    one-frame speck drawn on the frames of SPECKS."""
    still, clip = folder / "still.png", folder / f"pan{int(specks)}.mkv"
    ffmpeg("-i", SAMPLE, "-vf", r"select=eq(n\,0)", "-frames:v", "1", still)
    boxes = "".join(
        f",drawbox=x={x}:y={y}:w={w}:h={h}:color=black@1:t=fill:enable='eq(n\\,{n})'"
        for n, (x, y, w, h) in SPECKS.items()
        if specks
    )
    ffmpeg(
        "-loop", "1", "-i", still, "-vf",
        f"scale=640:360:flags=lanczos,crop={W}:{H}:x='40+n*2.6':y='60+n*1.3',"
        f"noise=alls=6:allf=t:all_seed=7{boxes}",
        "-frames:v", str(N), "-r", "24", "-c:v", "ffv1", "-pix_fmt", "bgr0", clip,
    )  # fmt: skip
    return clip


def test_a_dust_render_changes_exactly_the_repaired_pixels(tmp_path: Path) -> None:
    src, clean = pan(tmp_path, True), pan(tmp_path, False)
    project = project_with(tmp_path, src, ["--tool", "dust"])
    out = tmp_path / "out.mkv"
    assert main(["render", str(project), "1", "-o", str(out), "--codec", "ffv1"]) == 0
    before, after = rgb_frames(src), rgb_frames(out)
    assert before.shape == after.shape == (N, H, W, 3)
    md5_before, md5_after = frame_md5s(src), frame_md5s(out)
    assert len(md5_before) == len(md5_after) == N
    tool = get_tool("dust")
    params = tool.resolve({})
    engine = get_engine(Catalog().load_checked(tool.default_model(params)))
    frames = before.astype(np.float32) / 255
    for n in range(N):
        changed = np.any(before[n] != after[n], axis=2)
        if n not in SPECKS:  # nothing to repair: the very same frame, by ffmpeg's checksum
            assert md5_after[n] == md5_before[n], (n, int(changed.sum()))
            continue
        window = FrameWindow(n, {k: frames[k] for k in (n - 1, n, n + 1)})
        mask = tool.mask_overlay(window, params, engine, Progress())
        assert mask is not None
        assert np.array_equal(changed, mask)  # the render changed the preview's pixels only
        x, y, w, h = SPECKS[n]
        assert mask[y : y + h, x : x + w].all()
        speck = (slice(y, y + h), slice(x, x + w))  # the speck gone: what the frame held there
        gone = np.abs(after[n][speck].astype(int) - rgb_frames(clean)[n][speck]).mean()
        assert gone < 12, gone
