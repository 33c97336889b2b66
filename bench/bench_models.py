"""Time each shipped model per frame on this machine, against its FP32 peak and the classical
baselines, all measured in the same run (ratios, not absolute numbers, are what to compare).

    python bench/bench_models.py [--repeats 3]

Frame sizes: the restorers (denoise, deblock, dust) run on 1920x1080; the upscalers produce a
3840x2160 frame (x2 from 1920x1080, x4 from 960x540). Whole frames, no tiling, onnxruntime CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"

#: id -> (input channels, input height, input width)
FRAMES = {
    "upscale-x2": (3, 1080, 1920),
    "upscale-x4": (3, 540, 960),
    "denoise": (4, 1080, 1920),
    "deblock": (3, 1080, 1920),
    "dust": (9, 1080, 1920),
}


def best_of(fn: Callable[[], Any], repeats: int) -> float:
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def measure_peak(repeats: int) -> float:
    """FP32 GFLOP/s of a large numpy (BLAS) matmul on all threads: the practical peak."""
    n = 2048
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    b = np.random.default_rng(1).random((n, n), dtype=np.float32)
    t = best_of(lambda: a @ b, repeats)
    return 2.0 * n**3 / t / 1e9


def test_frame(h: int, w: int) -> np.ndarray:
    """A photographic-looking frame: smooth gradients, edges and some noise (content matters
    for non-local means, not for the networks)."""
    import cv2

    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([0.5 + 0.4 * np.sin(xx / 97), 0.5 + 0.4 * np.cos(yy / 71), xx / w], 2)
    for _ in range(60):
        c = tuple(float(v) for v in rng.random(3))
        cv2.circle(
            img,
            (int(rng.integers(0, w)), int(rng.integers(0, h))),
            int(rng.integers(5, 200)),
            c,
            -1,
            cv2.LINE_AA,
        )
    img += rng.normal(0, 15 / 255, img.shape).astype(np.float32)
    return np.clip(img, 0, 1).astype(np.float32)


def dust_tool_time(frame: np.ndarray, repeats: int) -> str:
    """The whole dust repair of one 1080p frame, as the tool runs it
    (:func:`workbench.tools.dust_repair.repair_frame`): both neighbours aligned, the detector
    run twice (neighbours in both orders), moving objects and content taken back, the rest
    repaired from the re-aligned neighbours. A panning shot of the test frame (grain smoothed
    away) with a dozen specks and a hair in the middle frame."""
    import cv2
    import onnxruntime as ort

    from workbench.tools import dust_repair

    rng = np.random.default_rng(7)
    base = cv2.GaussianBlur(frame, (0, 0), 1.5)
    shots = [
        cv2.warpAffine(base, np.float32([[1, 0, 3 * t], [0, 1, t]]), (1920, 1080))
        for t in (-1, 0, 1)
    ]
    for _ in range(12):
        xy = (int(rng.integers(40, 1880)), int(rng.integers(40, 1040)))
        cv2.circle(shots[1], xy, int(rng.integers(2, 6)), (0.05, 0.05, 0.05), -1, cv2.LINE_AA)
    cv2.line(shots[1], (400, 300), (430, 420), (0.9, 0.9, 0.9), 2, cv2.LINE_AA)
    sess = ort.InferenceSession(str(MODELS / "dust.onnx"), providers=["CPUExecutionProvider"])

    def run(stack: np.ndarray, _k: int) -> np.ndarray:
        x = np.ascontiguousarray(stack.transpose(2, 0, 1)[None])
        return np.asarray(sess.run(None, {"input": x})[0][0, 0])

    masked: list[int] = []

    def repair() -> None:
        prev, cur, nxt = shots

        def detect(wp: np.ndarray, wn: np.ndarray) -> np.ndarray:
            return dust_repair.detect_both_ways(run, cur, wp, wn)

        masked.append(int(dust_repair.repair_frame(prev, cur, nxt, detect).mask.sum()))

    t = best_of(repair, max(1, repeats - 1))
    return (
        f"dust tool, whole repair of a 1080p frame (dust_repair.repair_frame: alignment, 2 "
        f"detector passes, moving-object and content checks, repair with re-alignment and "
        f"local shift fits; {masked[-1]} px repaired): {t:.2f} s"
    )


def main() -> int:
    import cv2
    import onnxruntime as ort

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(
        f"machine: {os.cpu_count()} logical CPUs; onnxruntime {ort.__version__}; "
        f"OpenCV {cv2.__version__}; numpy {np.__version__}"
    )
    peak = measure_peak(args.repeats)
    print(f"measured FP32 peak (2048^3 numpy matmul, all threads): {peak:.1f} GFLOP/s\n")
    frame = test_frame(1080, 1920)
    u8 = (frame * 255 + 0.5).astype(np.uint8)
    baselines = {
        "bicubic x2 (cv2.resize INTER_CUBIC 1920x1080->3840x2160)": best_of(
            lambda: cv2.resize(frame, (3840, 2160), interpolation=cv2.INTER_CUBIC), args.repeats
        ),
        "bicubic x4 (cv2.resize INTER_CUBIC 960x540->3840x2160)": best_of(
            lambda: cv2.resize(frame[:540, :960], (3840, 2160), interpolation=cv2.INTER_CUBIC),
            args.repeats,
        ),
        "non-local means (cv2.fastNlMeansDenoisingColored h=15, 7/21, 1080p)": best_of(
            lambda: cv2.fastNlMeansDenoisingColored(u8, None, 15, 15, 7, 21), 1
        ),
    }
    from workbench.tools import dust_repair

    baselines["dust alignment (2 DIS flows + warps, 1080p)"] = best_of(
        lambda: dust_repair.align_neighbours(frame, frame, frame), 1
    )
    for name, t in baselines.items():
        print(f"baseline  {name:70s} {t:8.3f} s")
    print()
    header = (
        f"{'model':12s} {'in':>10s} {'out':>10s} {'s/frame':>8s} {'GFLOP/frame':>12s} "
        f"{'GFLOP/s':>8s} {'% peak':>7s}  ratio vs baseline"
    )
    print(header)
    print("-" * len(header))
    results = {}
    for model_id, (c, h, w) in FRAMES.items():
        path = MODELS / f"{model_id}.onnx"
        if not path.exists():
            print(f"{model_id:12s} (missing)")
            continue
        card = json.loads((MODELS / f"{model_id}.card.json").read_text(encoding="utf-8"))
        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        x = np.ascontiguousarray(
            np.concatenate([frame.transpose(2, 0, 1)] * 3)[:c, :h, :w][None], dtype=np.float32
        )
        if model_id == "denoise":
            x[:, 3] = 15 / 255
        t = best_of(lambda s=sess, x=x: s.run(None, {"input": x}), args.repeats)
        scale = int(card.get("scale", 1))
        out_px = h * scale * w * scale
        gflop = card["flops_per_output_pixel"] * out_px / 1e9
        if model_id.startswith("upscale"):
            key = next(k for k in baselines if k.startswith(f"bicubic x{scale}"))
            ratio = f"{t / baselines[key]:.0f}x bicubic"
        elif model_id == "denoise":
            key = next(k for k in baselines if k.startswith("non-local"))
            ratio = f"{t / baselines[key]:.2f}x NLM (< 1: faster)"
        elif model_id == "dust":
            key = next(k for k in baselines if k.startswith("dust alignment"))
            ratio = f"one pass; the tool runs 2 + alignment {baselines[key]:.2f} s"
        else:
            ratio = "-"
        results[model_id] = t
        print(
            f"{model_id:12s} {w}x{h:<5d} {w * scale}x{h * scale:<5d} {t:8.3f} {gflop:12.1f} "
            f"{gflop / t:8.1f} {100 * gflop / t / peak:6.1f}%  {ratio}"
        )
    if "dust" in results:
        print(f"\n{dust_tool_time(frame, args.repeats)}")
    if "upscale-x2" in results:
        verdict = "meets" if results["upscale-x2"] < 5.0 else "MISSES"
        print(
            f"\nupscale-x2 1080p->2160p: {results['upscale-x2']:.2f} s per frame "
            f"({verdict} the 5 s budget)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
