"""Short clips made by the ffmpeg command line for the temporal tools' tests: a pan over a
still picture, with and without per-frame noise, and a cut between two such shots."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

ASSETS = Path(__file__).resolve().parents[2] / "assets"

#: name -> the ffmpeg input and filter that make the scene's one frame
SCENES = {
    # the demo's photograph (CC0), enlarged for room to pan
    "photo": (["-i", str(ASSETS / "sample.mp4")], "scale=480:270:flags=lanczos"),
    # a fractal, drawn at twice the size and averaged down (no aliasing)
    "fractal": (
        ["-f", "lavfi", "-i", "mandelbrot=size=960x640:maxiter=256"],
        "scale=480:320:flags=area",
    ),
    "chart": (["-f", "lavfi", "-i", "testsrc2=size=480x320"], "null"),
}


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, capture_output=True)


def scene(tmp: Path, name: str) -> Path:
    out = tmp / f"{name}.png"
    if not out.exists():
        source, chain = SCENES[name]
        _ffmpeg(*source, "-vf", chain, "-frames:v", "1", str(out))
    return out


def pan(
    tmp: Path, name: str, frames: int, noise: int, *, seed: int = 1, size: str = "192:128"
) -> list[np.ndarray]:
    """``frames`` RGB float32 frames of a pan (3 px right, 1 px down per frame) over a scene;
    ``noise`` > 0 adds ffmpeg's per-frame noise of that strength."""
    import cv2

    folder = tmp / f"{name}-{noise}-{seed}-{frames}"
    folder.mkdir(exist_ok=True)
    chain = f"crop={size}:x='16+3*n':y='12+n'"
    if noise:
        chain += f",noise=alls={noise}:allf=t:all_seed={seed}"
    _ffmpeg(
        "-loop", "1", "-i", str(scene(tmp, name)), "-vf", chain, "-frames:v", str(frames),
        str(folder / "%03d.png"),
    )  # fmt: skip
    out = []
    for i in range(1, frames + 1):
        img = cv2.imread(str(folder / f"{i:03d}.png"), cv2.IMREAD_COLOR)
        out.append(np.ascontiguousarray(img[:, :, ::-1], np.float32) / 255.0)
    return out


def encode(frames_dir_pattern: str, out: Path) -> Path:
    """A PNG sequence made into a lossless FFV1 clip with the ffmpeg command line."""
    _ffmpeg("-framerate", "24", "-i", frames_dir_pattern, "-c:v", "ffv1", "-pix_fmt", "bgr0",
            str(out))  # fmt: skip
    return out


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * float(np.log10(1.0 / mse))
