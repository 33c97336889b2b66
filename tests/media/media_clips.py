"""Generators of tiny test media (PyAV), shared by the media tests' fixtures and tests.

Each video frame is a flat grey whose level encodes its index (:func:`level_of`), so a test can
tell which frame a reader returned even after lossy compression.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np


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
