"""Inference engine benchmark: a 1080p frame through a 6-layer, 32-channel conv model.

Prints, measured side by side in one run: the machine's FP32 peak as numpy float32 matmul reaches
it, the model's achieved GFLOP/s and fraction of that peak, and tiled (default 512 px tiles,
16 px overlap) against one whole-frame run. Run: ``python bench/bench_inference.py [--reps N]``.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from workbench.inference import (
    Engine,
    SessionOptions,
    create_session,
    onnxruntime_version,
    run_image,
)

WIDTH, HEIGHT = 1920, 1080
LAYERS, HIDDEN = 6, 32


def conv_model() -> tuple[bytes, float]:
    """The model's bytes and its FLOPs per output pixel (2 per multiply-add)."""
    rng = np.random.default_rng(0)
    nodes, inits = [], []
    prev, channels, flops = "x", 3, 0.0
    for i in range(LAYERS):
        out = 3 if i == LAYERS - 1 else HIDDEN
        w = (rng.standard_normal((out, channels, 3, 3)) / np.sqrt(channels * 9)).astype(np.float32)
        inits += [
            numpy_helper.from_array(w, f"w{i}"),
            numpy_helper.from_array(np.zeros(out, np.float32), f"b{i}"),
        ]
        nodes.append(helper.make_node("Conv", [prev, f"w{i}", f"b{i}"], [f"c{i}"], pads=[1] * 4))
        flops += 2.0 * 9 * channels * out
        prev, channels = f"c{i}", out
        if i < LAYERS - 1:
            nodes.append(helper.make_node("Relu", [prev], [f"r{i}"]))
            prev = f"r{i}"
    nodes.append(helper.make_node("Identity", [prev], ["y"]))
    graph = helper.make_graph(
        nodes,
        "bench",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, "H", "W"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3, None, None])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString(), flops


MATMUL_N = 2048
MATMUL_FLOP = 2.0 * MATMUL_N**3


def matmul_job() -> Callable[[], object]:
    """numpy float32 matmul (BLAS, all cores): the FP32 peak the model is measured against."""
    rng = np.random.default_rng(1)
    a = rng.random((MATMUL_N, MATMUL_N), dtype=np.float32)
    b = rng.random((MATMUL_N, MATMUL_N), dtype=np.float32)
    return lambda: a @ b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (0: all)")
    args = parser.parse_args()

    data, flops_per_pixel = conv_model()
    session = create_session(data, ["CPUExecutionProvider"], threads=args.threads)
    frame = np.random.default_rng(2).random((HEIGHT, WIDTH, 3), dtype=np.float32)
    useful = flops_per_pixel * WIDTH * HEIGHT / 1e9

    configs = {
        "tiled 512/16": SessionOptions(tile_size=512),
        "tiled 256/16": SessionOptions(tile_size=256),
        "whole frame": SessionOptions(tile_size=4096),
    }
    jobs: dict[str, Callable[[], object]] = {"peak": matmul_job()}
    for label, options in configs.items():
        engine = Engine.from_session(session, options=options)
        jobs[label] = functools.partial(run_image, engine, frame)
    # The machine is shared: interleave the measurements and keep each one's best.
    best = dict.fromkeys(jobs, float("inf"))
    for job in jobs.values():
        job()  # warm-up
    for _ in range(args.reps):
        for label, job in jobs.items():
            start = time.perf_counter()
            job()
            best[label] = min(best[label], time.perf_counter() - start)
    peak = MATMUL_FLOP / best.pop("peak") / 1e9
    rows = list(best.items())

    print(f"onnxruntime {onnxruntime_version()}, CPU provider, {WIDTH}x{HEIGHT} float32 RGB")
    print(
        f"model: {LAYERS} conv 3x3 layers, {HIDDEN} channels, {flops_per_pixel:,.0f} FLOP/pixel,"
        f" {useful:.1f} GFLOP/frame"
    )
    print(f"FP32 peak (numpy float32 2048² matmul, best of {args.reps}): {peak:.1f} GFLOP/s")
    ref = peak
    whole = rows[-1][1]
    for label, seconds in rows:
        gflops = useful / seconds
        print(
            f"{label:>14}: {seconds:6.3f} s/frame  {1 / seconds:5.2f} fps  {gflops:6.1f} GFLOP/s "
            f"useful  {gflops / ref:5.1%} of peak  {whole / seconds:5.2f}x whole-frame speed"
        )


if __name__ == "__main__":
    main()
