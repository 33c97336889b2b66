"""Y'CbCr ↔ float RGB conversion of one 1080p 10-bit 4:2:2 frame: Workbench's NumPy path against
the swscale path it replaced (``rgb48le`` / ``reformat`` with bilinear chroma), side by side.

    python bench/bench_convert.py [--repeats 15]

The frame is a ProRes 422 HQ picture made by the ffmpeg CLI (test pattern, SMPTE bars, hard-edged
colour boxes), decoded with PyAV. Prints the best-of-N time of each direction and the ratio new / old, then the
round-trip fidelity of both paths (decode → float RGB → encode to yuv422p10le against the decoded
planes): mean offset in codes, PSNR (10-bit codes) and largest difference per plane.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

WIDTH, HEIGHT, PIX_FMT = 1920, 1080, "yuv422p10le"


def make_frame(path: Path) -> Any:
    """One ProRes 422 HQ frame from the ffmpeg CLI: test pattern, SMPTE bars (with their sub-black
    and out-of-gamut chroma) and hard-edged colour boxes, BT.709 limited range."""
    import av

    pattern = (
        "[0][1]blend=all_expr='if(gt(X,W/2),B,A)',"
        "drawbox=x=300:y=200:w=400:h=300:color=red:t=fill,"
        "drawbox=x=1201:y=601:w=401:h=299:color=0x00FF40:t=fill,"
        "scale=out_color_matrix=bt709:out_range=tv,format=yuv422p10le"
    )
    size = f"{WIDTH}x{HEIGHT}"
    subprocess.run(
        [
            *("ffmpeg", "-nostdin", "-v", "error", "-y"),
            *("-f", "lavfi", "-i", f"testsrc2=size={size}:rate=24"),
            *("-f", "lavfi", "-i", f"smptebars=size={size}:rate=24"),
            *("-filter_complex", pattern, "-frames:v", "1"),
            *("-c:v", "prores_ks", "-profile:v", "3", "-colorspace", "bt709"),
            *("-color_range", "tv", str(path)),
        ],
        check=True,
    )
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            return frame
    raise RuntimeError("no frame decoded")


def old_decode(frame: Any) -> np.ndarray[Any, Any]:
    """What convert.video_frame_to_array did before: swscale to rgb48le, bilinear."""
    arr16 = frame.to_ndarray(format="rgb48le", interpolation="BILINEAR", src_colorspace="itu709")
    return np.ascontiguousarray(arr16.astype(np.float32) / np.float32(65535.0))


def old_encode(rgb: np.ndarray[Any, Any]) -> Any:
    """What convert.array_to_video_frame did before: quantise to rgb48le, swscale, bilinear."""
    import av

    from workbench.media.images import quantize

    src = av.VideoFrame.from_ndarray(quantize(rgb, 16), format="rgb48le")
    return src.reformat(format=PIX_FMT, interpolation="BILINEAR", dst_colorspace="itu709")


def planes(frame: Any) -> list[np.ndarray[Any, Any]]:
    from workbench.media.convert import _plane_array

    sizes = [(WIDTH, HEIGHT), (WIDTH // 2, HEIGHT), (WIDTH // 2, HEIGHT)]
    return [
        _plane_array(p, np.uint16, w, h).astype(np.int64)
        for p, (w, h) in zip(frame.planes, sizes, strict=True)
    ]


def best_of(fn: Callable[[], Any], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def fidelity(src: Any, back: Any) -> str:
    parts = []
    for name, a, b in zip(("Y'", "Cb", "Cr"), planes(src), planes(back), strict=True):
        d = (b - a).astype(np.float64)
        mse = float(np.mean(d * d))
        psnr = "exact" if mse == 0 else f"{10 * np.log10(1023.0**2 / mse):5.1f} dB"
        parts.append(f"{name} {d.mean():+6.3f} / {psnr} / max {int(np.abs(d).max()):4d}")
    return "   ".join(parts)


def main() -> None:
    from workbench.media.convert import array_to_video_frame, video_frame_to_array

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        frame = make_frame(Path(tmp) / "src.mov")

    def new_encode(rgb: np.ndarray[Any, Any]) -> Any:
        return array_to_video_frame(rgb, PIX_FMT, bit_depth=16, matrix=1, color_range=1)

    rgb_new, rgb_old = video_frame_to_array(frame), old_decode(frame)
    times: dict[str, float] = dict.fromkeys(("dec new", "dec old", "enc new", "enc old"), 1e9)
    jobs: dict[str, Callable[[], Any]] = {
        "dec new": lambda: video_frame_to_array(frame),
        "dec old": lambda: old_decode(frame),
        "enc new": lambda: new_encode(rgb_new),
        "enc old": lambda: old_encode(rgb_old),
    }
    # The machine may be shared: interleave the measurements and keep each one's best.
    for _ in range(args.repeats):
        for label, job in jobs.items():
            times[label] = min(times[label], best_of(job, 1))
    print(f"1920x1080 {PIX_FMT} (BT.709, limited), best of {args.repeats}:")
    for direction, name in (("dec", "decode  -> float32 RGB"), ("enc", "encode  float32 RGB ->")):
        new, old = times[f"{direction} new"], times[f"{direction} old"]
        print(
            f"  {name}: numpy {new * 1e3:6.1f} ms   swscale bilinear {old * 1e3:6.1f} ms"
            f"   ratio new/old {new / old:4.2f}"
        )
    print("round trip decode -> encode (mean offset / PSNR / max |diff| in 10-bit codes):")
    print(f"  numpy  : {fidelity(frame, new_encode(rgb_new))}")
    print(f"  swscale: {fidelity(frame, old_encode(rgb_old))}")


if __name__ == "__main__":
    main()
