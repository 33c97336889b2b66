"""Scene-referred test footage made from a licensed photograph, and the readers that check it.

The picture is ``tests/training/data/coffee_crop_128.png`` (CC0, in the held-out split: no
model trained on it), mirror-tiled to 256 × 256, decoded from sRGB to scene-linear Rec.709 and
exposed one stop up (so its highlights go above 1, as a scene-linear plate's do). Sensor noise
is added in linear light (Poisson-Gaussian: shot noise plus a read-noise floor), then the frames
are encoded into a camera's space with OpenColorIO and written with the ffmpeg command line
(ProRes 422 HQ, as an ALEXA records LogC4) or the ``OpenEXR`` package (an ACEScg plate).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from workbench.colour import conversion

Frame = NDArray[np.float32]
CROP = Path(__file__).resolve().parents[1] / "training" / "data" / "coffee_crop_128.png"
SRGB = "sRGB Encoded Rec.709 (sRGB)"
LINEAR = "Linear Rec.709 (sRGB)"


def photo() -> Frame:
    import cv2

    crop = cv2.imread(str(CROP), cv2.IMREAD_COLOR)[:, :, ::-1].astype(np.float32) / 255.0
    tiled = np.concatenate([crop, crop[:, ::-1]], axis=1)
    return np.ascontiguousarray(np.concatenate([tiled, tiled[::-1]], axis=0), np.float32)


def scene_linear(exposure: float = 2.0) -> Frame:
    """The photograph as scene-linear Rec.709 light, ``exposure`` times brighter."""
    convert = conversion(SRGB, LINEAR)
    assert convert is not None
    return np.asarray(convert.to_working(photo()) * exposure, np.float32)


def with_sensor_noise(linear: Frame, seed: int, level: float = 0.03) -> Frame:
    """Poisson-Gaussian noise in linear light: ``level`` × √signal plus a floor of level / 5."""
    rng = np.random.default_rng(seed)
    sigma = level * np.sqrt(np.maximum(linear, 0.0)) + level / 5
    return np.asarray(linear + rng.standard_normal(linear.shape) * sigma, np.float32)


def encoded(linear: Frame, space: str) -> Frame:
    """Scene-linear Rec.709 light in a camera's (or ACES) colour space."""
    convert = conversion(LINEAR, space)
    return linear.copy() if convert is None else convert.to_working(linear)


def psnr(a: Frame, b: Frame, peak: float = 1.0) -> float:
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return 10.0 * np.log10(peak * peak / mse)


def write_prores(frames: list[Frame], folder: Path, name: str) -> Path:
    """16-bit PNGs, then the ffmpeg command line: ProRes 422 HQ, 10-bit, BT.709 matrix."""
    import cv2

    folder.mkdir(parents=True, exist_ok=True)
    for index, frame in enumerate(frames):
        pixels = np.clip(np.rint(frame * 65535), 0, 65535).astype(np.uint16)
        cv2.imwrite(str(folder / f"{name}_{index:03d}.png"), pixels[:, :, ::-1])
    out = folder / f"{name}.mov"
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y", "-framerate", "24",
            "-i", str(folder / f"{name}_%03d.png"),
            "-vf", "scale=out_color_matrix=bt709:out_range=tv",
            "-c:v", "prores_ks", "-profile:v", "3", "-pix_fmt", "yuv422p10le",
            "-colorspace", "bt709", "-color_range", "tv", str(out),
        ],
        check=True,
    )  # fmt: skip
    return out


def decoded_rgb(path: Path, frames: int, size: tuple[int, int]) -> list[Frame]:
    """A video's frames as float RGB, decoded by the ffmpeg command line (rgb48)."""
    width, height = size
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb48le", "-"],
        check=True,
        capture_output=True,
    ).stdout
    pixels = np.frombuffer(raw, np.uint16).reshape(-1, height, width, 3)
    assert pixels.shape[0] == frames
    return [np.asarray(p, np.float32) / 65535.0 for p in pixels]


def write_exr(frame: Frame, path: Path) -> Path:
    """A 32-bit float EXR (the ``OpenEXR`` package, not Workbench's writer)."""
    import OpenEXR

    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    with OpenEXR.File(header, {"RGB": np.ascontiguousarray(frame, np.float32)}) as exr:
        exr.write(str(path))
    return path


def read_exr(path: Path) -> Frame:
    import OpenEXR

    with OpenEXR.File(str(path)) as exr:
        channels = exr.channels()
        if "RGB" in channels:
            return np.asarray(channels["RGB"].pixels, np.float32)
        return np.stack([np.asarray(channels[c].pixels, np.float32) for c in "RGB"], axis=2)
