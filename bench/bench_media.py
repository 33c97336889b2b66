"""Decode-only and encode-only frames per second of a 1080p clip, measured side by side.

    python bench/bench_media.py [--frames 48] [--codec prores]

Generates a 1080p 10-bit ProRes source in a temp folder, then times: decoding it to the app's
frame type (VideoReader.iter_frames), and encoding app frames with each writer codec. The render
pipeline's fps is to be compared against the slowest of these stages.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np


def make_source(path: Path, frames: int) -> None:
    import av

    out = av.open(str(path), "w")
    stream = out.add_stream("prores_ks", rate=Fraction(24000, 1001), options={"profile": "3"})
    stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv422p10le"
    # Gradients plus light grain: closer to footage than pure noise, which makes ProRes crawl.
    rng = np.random.default_rng(0)
    ramp = np.linspace(0.1, 0.9, 1920, dtype=np.float32)[None, :, None]
    vert = np.linspace(0.0, 0.2, 1080, dtype=np.float32)[:, None, None]
    grain = rng.normal(0, 0.01, (1080, 1920, 3)).astype(np.float32)
    base = (np.clip(ramp + vert * np.array([1, 0.5, 0]) + grain, 0, 1) * 65535).astype(np.uint16)
    for i in range(frames):
        vf = av.VideoFrame.from_ndarray(np.roll(base, i * 8, axis=1), format="rgb48le")
        vf.pts = i
        for packet in stream.encode(vf):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
    out.close()


def main() -> None:
    from workbench.media import VideoReader, open_writer, probe

    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--codecs", default="prores,dnxhr_hqx,ffv1,h264")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src.mov"
        make_source(src, args.frames)
        info = probe(src)
        t0 = time.perf_counter()
        with VideoReader(src) as reader:
            frames = list(reader.iter_frames())
        decode_fps = len(frames) / (time.perf_counter() - t0)
        print(f"decode  prores 1080p 10-bit -> float32 RGB : {decode_fps:7.1f} fps")
        ext = {"prores": ".mov", "dnxhr_hqx": ".mxf", "ffv1": ".mkv", "h264": ".mp4"}
        for codec in args.codecs.split(","):
            t0 = time.perf_counter()
            with open_writer(Path(tmp) / f"out{ext[codec]}", info, codec=codec) as writer:
                for frame in frames:
                    writer.write(frame)
            fps = len(frames) / (time.perf_counter() - t0)
            print(
                f"encode  {codec:<10} float32 RGB -> file      : {fps:7.1f} fps"
                f"   (decode/encode = {decode_fps / fps:4.2f})"
            )


if __name__ == "__main__":
    main()
