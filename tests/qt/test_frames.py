"""The viewer's Result is what a render writes: the same stack evaluation, frame for frame."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from support import project_with
from workbench.editing import view_stack
from workbench.project import Project
from workbench.qt.frames import FrameService, Request, View
from workbench.qt.scopes_panel import image_to_rgb8
from workbench.render import RenderRequest, run_render

W, H, N = 96, 64, 8


def ffmpeg_rgb48(path: Path) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb48le", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, "<u2").reshape(-1, H, W, 3)


def test_viewer_result_matches_the_rendered_frames(tmp_path: Path, qtbot) -> None:
    clip = tmp_path / "clip.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi",
         "-i", f"testsrc2=size={W}x{H}:rate=24,noise=alls=20:allf=t",
         "-frames:v", str(N), "-c:v", "ffv1", "-pix_fmt", "gbrp16le", str(clip)],
        check=True,
    )  # fmt: skip
    project = project_with(
        tmp_path,
        clip,
        ["--tool", "denoise", "--param", "level=25", "--region", "10,8,60,40"],
        ["--tool", "dust"],  # temporal: sees its neighbours after the denoise
    )
    run_render(RenderRequest(project, 1, tmp_path / "out.mkv", "ffv1", sign=False))
    rendered = ffmpeg_rgb48(tmp_path / "out.mkv").astype(np.float64) / 65535.0
    with Project.open(project, readonly=True) as p:
        view = View.of(view_stack(p.clip(1), p.edits(1), project_path=project))
    service = FrameService()
    try:
        for k in (0, 3, 7):  # out of order: each frame's neighbours are decoded on demand
            with qtbot.waitSignal(service.resultReady, timeout=60000) as ready:
                service.request(Request(str(clip), k, view))
            index, key, image, _diff = ready.args
            assert (index, key) == (k, view.key)
            shown = image_to_rgb8(image).astype(np.int16)
            written = np.floor(rendered[k] * 255.0 + 0.5).astype(np.int16)
            # the render rounds to 16 bits before the screen rounds to 8: at most one step apart
            assert np.abs(shown - written).max() <= 1
            assert (shown != written).mean() < 0.01
    finally:
        service.stop()
