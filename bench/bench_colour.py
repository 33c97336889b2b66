"""What colour management costs a 1080p frame, against the model it wraps, side by side.

    python bench/bench_colour.py [--repeats 5]

For ARRI LogC4, S-Log3 and ACEScg clips, the conversion into the shipped models' working space
(sRGB Encoded Rec.709) and back with the pinned config's lossless float32 CPU processors, and
everything the working-space step adds around the model (the feed, what passes through, the
unchanged-pixel check); then the denoise model on the same frame, and regrain's measurement and
synthesis. Prints best-of-N seconds and the ratio to the model's time, measured in this run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SRGB = "sRGB Encoded Rec.709 (sRGB)"


def best(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def frame_1080p() -> np.ndarray[Any, Any]:
    """Scene-linear light: a photograph-like gradient field with highlights to 4× white."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[:1080, :1920].astype(np.float32)
    base = 0.18 * (1 + np.sin(xx / 97) * np.cos(yy / 61)) + 0.02
    rgb = np.stack([base * 1.1, base, base * 0.8], axis=2) * (1 + 3 * (xx / 1920) ** 4)[:, :, None]
    return np.asarray(rgb + rng.normal(0, 0.01, rgb.shape), np.float32)


def one_space(
    space: str, linear: np.ndarray[Any, Any], model: float, repeats: int, step: tuple[Any, ...]
) -> None:
    """The conversions of one clip space, and the denoise run in its working space."""
    from workbench.colour import conversion
    from workbench.colour.working import feed, from_working
    from workbench.progress import Progress
    from workbench.tools.base import FrameWindow, apply_tool

    denoise, params, engine = step
    into = conversion("Linear Rec.709 (sRGB)", space)
    convert = conversion(space, SRGB)
    assert into is not None and convert is not None
    clip = into.to_working(linear)
    there = best(lambda: convert.to_working(clip), repeats)
    working = convert.to_working(clip)
    back = best(lambda: convert.from_working(working), repeats)
    fed = feed(working)
    around = best(lambda: from_working(convert, clip, working, fed, fed * 0.99), repeats)
    window = FrameWindow(0, {0: clip})
    whole = best(
        lambda: apply_tool(denoise, window, params, engine, Progress(), colour=space), repeats
    )
    overhead = there + around
    print(f"{space:22s} to working {there:6.3f} s, back {back:6.3f} s, back with the feed "
          f"rules {around:6.3f} s: {overhead / model:5.2f}x the model; denoise in its working "
          f"space {whole:6.3f} s ({whole / model:4.2f}x)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from workbench.catalog import Catalog
    from workbench.colour import CONFIG_NAME, conversion, ocio_version
    from workbench.inference import get_engine
    from workbench.progress import Progress
    from workbench.tools.base import FrameWindow, apply_tool
    from workbench.tools.registry import get_tool

    linear = frame_1080p()
    denoise = get_tool("denoise")
    engine = get_engine(Catalog().load_checked("denoise"))
    params = denoise.resolve({"level": 10})
    print(f"OpenColorIO {ocio_version()}, {CONFIG_NAME}; {os.cpu_count()} CPU cores, "
          f"load {os.getloadavg()[0]:.2f}; best of {args.repeats}, 1920x1080 float32 RGB")  # fmt: skip
    to_srgb = conversion("Linear Rec.709 (sRGB)", SRGB)
    assert to_srgb is not None
    srgb = np.clip(to_srgb.to_working(linear), 0, 1)
    model = best(
        lambda: apply_tool(denoise, FrameWindow(0, {0: srgb}), params, engine, Progress()),
        args.repeats,
    )
    print(f"denoise model alone (sRGB clip, no conversion)   {model:7.3f} s   1.00")
    for space in ("ARRI LogC4", "S-Log3 S-Gamut3.Cine", "ACEScg"):
        one_space(space, linear, model, args.repeats, (denoise, params, engine))
    regrain = get_tool("regrain")
    grainy = np.asarray(srgb + np.random.default_rng(1).normal(0, 0.02, srgb.shape), np.float32)
    window = FrameWindow(0, {0: srgb}, grainy)
    rg = best(
        lambda: apply_tool(regrain, window, regrain.resolve({}), None, Progress()), args.repeats
    )
    print(f"regrain (measure + synthesise) 1080p            {rg:7.3f} s   {rg / model:.2f}")


if __name__ == "__main__":
    main()
