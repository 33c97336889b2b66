"""Generated test media: every clip is made here with PyAV, tiny, no binary assets committed."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from media.media_clips import Clip, level_of, make_video


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def prores_mov(media_dir: Path) -> Clip:
    rate = Fraction(24000, 1001)
    path = make_video(
        media_dir / "prores.mov",
        "prores_ks",
        "yuv422p10le",
        rate,
        frames=24,
        audio="pcm_s16le",
        timecode="01:00:00:00",
        options={"profile": "3"},
    )
    return Clip(path, 24, rate, "01:00:00:00", "pcm_s16le", 10, "prores")


@pytest.fixture(scope="session")
def h264_mp4(media_dir: Path) -> Clip:
    rate = Fraction(24)
    path = make_video(
        media_dir / "h264.mp4",
        "libx264",
        "yuv420p",
        rate,
        frames=30,
        audio="aac",
        options={
            "bf": "2",
            "g": "8",
            "preset": "ultrafast",
            "tune": "zerolatency",
            "x264-params": "bframes=2:keyint=8:min-keyint=8:scenecut=0:rc-lookahead=0",
        },
        timecode="10:00:00:00",
    )
    return Clip(path, 30, rate, "10:00:00:00", "aac", 8, "h264")


@pytest.fixture(scope="session")
def vfr_mp4(media_dir: Path) -> Clip:
    durations = [40, 40, 80, 40, 120, 40, 40, 80, 40, 40, 160, 40, 40, 40, 80, 40, 40, 40]
    pts = [sum(durations[:i]) for i in range(len(durations))]
    path = make_video(
        media_dir / "vfr.mp4",
        "libx264",
        "yuv420p",
        Fraction(25),
        frames=len(pts),
        options={"bf": "0", "g": "6", "preset": "ultrafast"},
        pts=pts,
        time_base=Fraction(1, 1000),
    )
    return Clip(path, len(pts), Fraction(25), None, None, 8, "h264", vfr=True)


@pytest.fixture(scope="session")
def mpegts(media_dir: Path) -> Clip:
    rate = Fraction(25)
    path = make_video(
        media_dir / "clip.ts",
        "libx264",
        "yuv420p",
        rate,
        frames=30,
        fmt="mpegts",
        options={
            "preset": "ultrafast",
            "x264-params": "bframes=2:keyint=6:min-keyint=6:scenecut=0:open-gop=1",
        },
    )
    return Clip(path, 30, rate, None, None, 8, "h264")


@pytest.fixture(scope="session")
def mkv(media_dir: Path) -> Clip:
    rate = Fraction(30000, 1001)
    path = make_video(
        media_dir / "clip.mkv",
        "libx264",
        "yuv420p",
        rate,
        frames=20,
        options={"preset": "ultrafast", "x264-params": "bframes=3:keyint=5:scenecut=0"},
        timecode="00:59:59:00",
    )
    return Clip(path, 20, rate, "00:59:59:00", None, 8, "h264")


@pytest.fixture(scope="session")
def mxf(media_dir: Path) -> Clip:
    rate = Fraction(24000, 1001)
    path = make_video(
        media_dir / "clip.mxf",
        "dnxhd",
        "yuv422p10le",
        rate,
        frames=12,
        size=(256, 144),
        options={"profile": "dnxhr_hqx"},
        timecode="02:00:00:00",
        audio="pcm_s16le",
    )
    return Clip(path, 12, rate, "02:00:00:00", "pcm_s16le", 10, "dnxhd")


@pytest.fixture(scope="session")
def png16_seq(media_dir: Path) -> tuple[Path, list[int]]:
    """16-bit PNG frames 1..10 with frame 5 missing; returns (folder, numbers present)."""
    import cv2

    folder = media_dir / "png16"
    folder.mkdir()
    numbers = [n for n in range(1, 11) if n != 5]
    for n in numbers:
        img = np.full((48, 64, 3), int(level_of(n) * 65535), np.uint16)
        img[:, :8, 2] = 1234  # red stripe (BGR on disk) with a 16-bit-only value
        assert cv2.imwrite(str(folder / f"shot_{n:04d}.png"), img)
    return folder, numbers


@pytest.fixture(scope="session")
def exr_seq(media_dir: Path) -> tuple[Path, list[np.ndarray]]:
    import OpenEXR

    folder = media_dir / "exr"
    folder.mkdir()
    frames = []
    for n in range(1001, 1007):
        rgb = np.zeros((48, 64, 3), np.float32)
        rgb[..., 0] = 0.25 + 0.1 * (n - 1001)
        rgb[..., 1] = 2.5  # scene-linear, above 1.0
        rgb[..., 2] = np.linspace(0, 1, 64, dtype=np.float32)[None, :]
        header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
        with OpenEXR.File(header, {"RGB": rgb}) as exr:
            exr.write(str(folder / f"plate.{n}.exr"))
        frames.append(rgb)
    return folder, frames


@pytest.fixture(scope="session")
def truncated_mov(prores_mov: Clip, media_dir: Path) -> Path:
    data = prores_mov.path.read_bytes()
    path = media_dir / "truncated.mov"
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.fixture(scope="session")
def truncated_ts(mpegts: Clip, media_dir: Path) -> Path:
    data = mpegts.path.read_bytes()
    path = media_dir / "truncated.ts"
    path.write_bytes(data[: len(data) // 2 + 77])
    return path


@pytest.fixture(scope="session")
def random_mov(media_dir: Path) -> Path:
    path = media_dir / "random.mov"
    path.write_bytes(np.random.default_rng(1).bytes(64 * 1024))
    return path


@pytest.fixture(scope="session")
def huge_png(media_dir: Path) -> Path:
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk
    data += struct.pack(">I", zlib.crc32(chunk)) + b"\x00" * 64
    path = media_dir / "huge.png"
    path.write_bytes(data)
    return path
