"""Make the README's screenshots: the app itself draws each viewer mode, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_screenshots.py

Builds a small project (a procedural, licence-free clip with grain, one denoise edit on a
rectangle region and a dust pass over the whole clip), then runs
``workbench open PROJECT --screenshot FILE --viewer-mode MODE`` once per mode.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MODES = ("original", "result", "split", "side", "difference")


def scene(index: int, width: int = 640, height: int = 360) -> np.ndarray:
    """Dusk over hills, with film grain: enough texture for the tools to show what they do."""
    import cv2

    yy, _xx = np.mgrid[0:height, 0:width].astype(np.float32)
    sky = np.stack(
        [0.25 + 0.5 * yy / height, 0.3 + 0.35 * yy / height, 0.55 - 0.25 * yy / height], axis=2
    )
    img = (sky * 255).astype(np.uint8)
    cv2.circle(img, (470 - index * 2, 120), 42, (255, 214, 150), -1, cv2.LINE_AA)
    hills = np.array(
        [[0, 250], [120, 200], [260, 240], [400, 180], [520, 230], [640, 200], [640, 360], [0, 360]],
        np.int32,
    )
    cv2.fillPoly(img, [hills], (40, 70, 50), cv2.LINE_AA)
    cv2.putText(img, "WORKBENCH", (150, 320), cv2.FONT_HERSHEY_DUPLEX, 1.6, (230, 230, 210), 2, cv2.LINE_AA)
    rng = np.random.default_rng(index)
    grain = rng.normal(0.0, 14.0, img.shape)
    noisy = np.clip(img.astype(np.float32) + grain, 0, 255).astype(np.uint8)
    for _ in range(3):  # a few specks of dust
        x, y = rng.integers(20, width - 20), rng.integers(20, height - 20)
        cv2.circle(noisy, (int(x), int(y)), int(rng.integers(2, 5)), (250, 250, 250), -1)
    return noisy


def make_clip(
    path: Path, frames: int = 24, draw: Callable[[int], np.ndarray] | None = None
) -> Path:
    """``frames`` frames of ``draw(index)`` (640x360 RGB; default: the dusk scene) as FFV1."""
    import av

    draw = draw or scene

    out = av.open(str(path), "w")
    stream = out.add_stream("ffv1", rate=24)
    stream.width, stream.height = 640, 360
    stream.pix_fmt = "yuv444p"
    for i in range(frames):
        for packet in stream.encode(av.VideoFrame.from_ndarray(draw(i), format="rgb24")):
            out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)
    out.close()
    return path


def make_project(folder: Path) -> Path:
    """The project, made through the use-case layer as the window and the CLI make one."""
    from workbench.editing import EditRequest, apply_edit, import_clip, plan_edit
    from workbench.project import Project

    clip_path = make_clip(folder / "A001_C007_dusk.mkv")
    with Project.create(folder / "Dusk.wbproj", "Dusk — reel 1") as project:
        clip = import_clip(project, clip_path)
        for tool_id, params, frames, region in (
            ("dust", {}, (0, 23), None),
            ("denoise", {"level": 18.0}, (0, 23), {"kind": "rect", "x": 60, "y": 40, "w": 520, "h": 260}),
        ):
            request = EditRequest(clip.id, tool_id, params, frames=frames, region=region)
            apply_edit(project, plan_edit(project, request))
        return project.path


def main() -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        env.update(
            WORKBENCH_CONFIG_DIR=str(Path(tmp) / "config"),
            WORKBENCH_DATA_DIR=str(Path(tmp) / "data"),
            WORKBENCH_OPERATOR="Docs",
            XDG_CONFIG_HOME=str(Path(tmp) / "xdg"),
        )
        os.environ.update(env)
        project = make_project(Path(tmp))
        workbench = Path(sys.executable).with_name("workbench")
        for mode in MODES:
            target = HERE / f"workbench-{mode}.png"
            subprocess.run(
                [str(workbench), "open", str(project), "--screenshot", str(target), "--viewer-mode", mode],
                check=True,
                env=env,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
