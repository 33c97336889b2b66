"""Generated test media: every clip is made here with PyAV, tiny, no binary assets committed.

Each video frame is a flat grey whose level encodes its index (``level_of``), so a test can
tell which frame a reader returned even after lossy compression.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest


def level_of(index: int) -> float:
    """The grey level (0..1) of generated frame ``index``."""
    return 0.05 + 0.03 * index


@dataclass(frozen=True)
class Clip:
    path: Path
    frames: int
    rate: Fraction
    timecode: str | None = None
    audio: str | None = None
    bit_depth: int = 8
    codec: str = ""
    vfr: bool = False


def _frame(av: Any, index: int, width: int, height: int) -> Any:
    value = round(level_of(index) * 65535)
    img = np.full((height, width, 3), value, np.uint16)
    img[: height // 4, : width // 4] = 65535 - value  # a corner patch, for a little detail
    return av.VideoFrame.from_ndarray(img, format="rgb48le")


def make_video(
    path: Path,
    codec: str,
    pix_fmt: str,
    rate: Fraction,
    *,
    frames: int = 24,
    size: tuple[int, int] = (64, 48),
    audio: str | None = None,
    timecode: str | None = None,
    options: dict[str, str] | None = None,
    fmt: str | None = None,
    pts: list[int] | None = None,
    time_base: Fraction | None = None,
) -> Path:
    import av

    width, height = size
    out = av.open(str(path), "w", format=fmt)
    if timecode:
        out.metadata["timecode"] = timecode
    stream = out.add_stream(codec, rate=rate, options=options or {})
    stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
    if time_base is not None:
        stream.time_base = time_base
    if timecode:
        stream.metadata["timecode"] = timecode
    astream = out.add_stream(audio, rate=48000, layout="stereo") if audio else None
    rng = np.random.default_rng(7)
    for i in range(frames):
        vf = _frame(av, i, width, height)
        if pts is not None:
            vf.pts, vf.time_base = pts[i], time_base
        else:
            vf.pts, vf.time_base = i, 1 / rate
        for packet in stream.encode(vf):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
    if astream is not None:
        seconds = Fraction(pts[-1] + 40, 1) * time_base if pts and time_base else frames / rate
        total = int(seconds * 48000)
        size_ = astream.codec_context.frame_size or 1024
        fmt_name = astream.codec_context.format.name
        done = 0
        while done < total:
            samples = (rng.standard_normal((2, size_)) * 3000).astype(np.int16)
            if fmt_name == "s16":
                af = av.AudioFrame.from_ndarray(
                    samples.T.reshape(1, -1).copy(), format="s16", layout="stereo"
                )
            else:
                af = av.AudioFrame.from_ndarray(
                    (samples / 32768).astype(np.float32), format="fltp", layout="stereo"
                )
            af.sample_rate, af.pts = 48000, done
            done += size_
            for packet in astream.encode(af):
                out.mux(packet)
        for packet in astream.encode(None):
            out.mux(packet)
    out.close()
    return path


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


MakeVideo = Callable[..., Path]


@pytest.fixture
def make_clip() -> MakeVideo:
    return make_video
