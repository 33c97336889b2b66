"""Render pipeline speed and memory, measured side by side in one run.

Prints, for one 1080p clip: decode-only fps, the edit stack alone (inference) fps, encode-only
fps, and the full render's fps (decode → edits → encode, then the final pass), with the render's
fps as a fraction of its slowest stage (target: at least 0.85). Then the peak memory (RSS) of a
×2 upscale render to 2160p for two clip lengths, in child processes (target: under 3 GB, and the
same for both lengths).

``--model-bound``: for each tool and for the demo's chain (dust, denoise, ×2), the render's time
per frame against the *model-bound limit*, the sum of the edit stack's model times per frame
(each model run once on a whole 1080p input on the backend the render pins, the dust detector
twice as its tool runs it), measured in the same run (target: the render at 90 % of the limit).

Usage: python bench/bench_render.py [--frames 24] [--skip-memory] [--model-bound]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np


def make_clip(path: Path, frames: int, width: int = 1920, height: int = 1080) -> Path:
    import av
    import cv2

    rng = np.random.default_rng(0)
    base = cv2.GaussianBlur(rng.random((height // 4, width // 4, 3)).astype(np.float32), (0, 0), 3)
    base = cv2.resize(base, (width, height), interpolation=cv2.INTER_CUBIC)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("prores_ks", rate=Fraction(24), options={"profile": "3"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv422p10le"
        for i in range(frames):
            shifted = np.roll(base, i * 3, axis=1)
            noisy = np.clip(shifted + rng.normal(0, 0.04, shifted.shape), 0, 1)
            frame = av.VideoFrame.from_ndarray((noisy * 65535).astype(np.uint16), format="rgb48le")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def ffmpeg_clip(path: Path, frames: int) -> Path:
    """1080p ProRes 422 HQ (10-bit) with moving detail and grain, made by the ffmpeg CLI."""
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=1920x1080:rate=24,noise=alls=12:allf=t",
            "-frames:v",
            str(frames),
            "-c:v",
            "prores_ks",
            "-profile:v",
            "3",
            "-pix_fmt",
            "yuv422p10le",
            str(path),
        ],
        check=True,
    )
    return path


def project_for(folder: Path, clip: Path, tool: str, params: list[str]) -> Path:
    from workbench.cli import main

    project = folder / f"{clip.stem}-{tool}.wbproj"
    with open(os.devnull, "w") as devnull:
        stdout = sys.stdout
        sys.stdout = devnull
        try:
            assert main(["new", str(project)]) == 0
            assert main(["import", str(project), str(clip)]) == 0
            assert main(["apply", str(project), "1", "--tool", tool, *params]) == 0
        finally:
            sys.stdout = stdout
    return project


def measure_stages(folder: Path, clip: Path, frames: int) -> dict[str, float]:
    from workbench.catalog import Catalog
    from workbench.inference import get_engine
    from workbench.media import open_reader, open_writer, probe
    from workbench.progress import Progress
    from workbench.render import RenderRequest, run_render
    from workbench.tools.base import FrameWindow, apply_tool
    from workbench.tools.registry import get_tool

    results: dict[str, float] = {}
    t = time.perf_counter()
    with open_reader(clip) as reader:
        decoded = list(reader.iter_frames())
    results["decode_fps"] = frames / (time.perf_counter() - t)

    tool = get_tool("denoise")
    params = tool.resolve({})
    engine = get_engine(Catalog().load_checked("denoise"))
    apply_tool(tool, FrameWindow(0, {0: decoded[0]}), params, engine, Progress())  # warm-up
    t = time.perf_counter()
    for i, frame in enumerate(decoded):
        apply_tool(tool, FrameWindow(i, {i: frame}), params, engine, Progress())
    results["edits_fps"] = frames / (time.perf_counter() - t)

    info = probe(clip)
    t = time.perf_counter()
    writer = open_writer(folder / "encode-only.mov", like=info)
    for frame in decoded:
        writer.write(frame)
    writer.close()
    results["encode_fps"] = frames / (time.perf_counter() - t)
    del decoded

    project = project_for(folder, clip, "denoise", [])
    t = time.perf_counter()
    run_render(RenderRequest(project, 1, folder / "render.mov"))
    results["render_fps"] = frames / (time.perf_counter() - t)
    return results


MEMORY_CHILD = """
import resource, sys, time
from pathlib import Path
from workbench.render import RenderRequest, run_render
run_render(RenderRequest(Path(sys.argv[1]), 1, Path(sys.argv[2])))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure_memory(
    folder: Path, lengths: tuple[int, ...], size: tuple[int, int] = (1920, 1080)
) -> dict[int, float]:
    peaks: dict[int, float] = {}
    for n in lengths:
        clip = make_clip(folder / f"mem{n}-{size[0]}.mov", n, *size)
        project = project_for(folder, clip, "upscale", ["--param", "scale=2"])
        out = subprocess.run(
            [sys.executable, "-c", MEMORY_CHILD, str(project), str(folder / f"mem{n}-x2.mov")],
            capture_output=True,
            text=True,
            check=True,
        )
        peaks[n] = int(out.stdout.strip().splitlines()[-1]) / 1024 / 1024  # GiB (ru_maxrss in KiB)
    return peaks


#: Model runs per frame of each tool (the dust detector runs with the neighbours both ways).
PASSES = {"dust": 2}
CHAINS: dict[str, list[list[str]]] = {
    "denoise": [["--tool", "denoise"]],  # the temporal model, the default on video
    "denoise 1f": [["--tool", "denoise", "--param", "temporal=false"]],  # single-frame
    "deblock": [["--tool", "deblock"]],
    "deblock 1f": [["--tool", "deblock", "--param", "temporal=false"]],
    "dust": [["--tool", "dust"]],
    "upscale x2": [["--tool", "upscale", "--param", "scale=2"]],
    "demo chain": [["--tool", "dust"], ["--tool", "denoise"], ["--tool", "upscale"]],
}


def chain_project(folder: Path, clip: Path, name: str, applies: list[list[str]]) -> Path:
    from workbench.cli import main

    project = folder / f"chain-{name.replace(' ', '-')}.wbproj"
    with open(os.devnull, "w") as devnull:
        stdout, sys.stdout = sys.stdout, devnull
        try:
            assert main(["new", str(project)]) == 0
            assert main(["import", str(project), str(clip)]) == 0
            for extra in applies:
                assert main(["apply", str(project), "1", *extra]) == 0
        finally:
            sys.stdout = stdout
    return project


def model_seconds(live: object, repeats: int = 2) -> float:
    """The sum over the stack of each model's time on a whole input of its stage's size."""
    total = 0.0
    width, height = 1920, 1080
    for step in live.steps:  # type: ignore[attr-defined]
        engine = step.engine
        scale = step.tool.scale(step.params)
        if engine is not None:
            channels = sum(c or 3 for c in engine.input_channels)
            x = np.random.default_rng(0).random((1, channels, height, width), np.float32)
            counts = engine.model.split_channels(channels)
            engine.model.run_nchw(x[:, :, :64, :64], counts)
            best = float("inf")
            for _ in range(repeats):
                t = time.perf_counter()
                engine.model.run_nchw(x, counts)
                best = min(best, time.perf_counter() - t)
            total += best * PASSES.get(step.tool.id, 1)
        width, height = width * scale, height * scale
    return total


def measure_model_bound(
    folder: Path, clip: Path, frames: int, only: list[str] | None = None
) -> dict[str, dict[str, float]]:
    from workbench.render import RenderRequest, build_plan, materialize, run_render

    out: dict[str, dict[str, float]] = {}
    for name, applies in CHAINS.items():
        if only and name not in only:
            continue
        project = chain_project(folder, clip, name, applies)
        request = RenderRequest(project, 1, folder / f"{name.replace(' ', '-')}.mov")
        live = materialize(build_plan(request))
        limit = model_seconds(live)
        t = time.perf_counter()
        run_render(request)
        per_frame = (time.perf_counter() - t) / frames
        backends = ", ".join(
            f"{e.tool} {e.provider}/{e.variant or 'main'}" for e in live.plan.edits if e.provider
        )
        out[name] = {"model_s": limit, "render_s": per_frame, "ratio": limit / per_frame}
        print(
            f"  {name:<11} model-bound {limit:6.2f} s/frame, render {per_frame:6.2f} s/frame: "
            f"{100 * limit / per_frame:5.1f} % of the limit (load {os.getloadavg()[0]:.1f}; "
            f"{backends})",
            flush=True,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=24)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-stages", action="store_true")
    parser.add_argument("--model-bound", action="store_true", help="the model-bound ratios")
    parser.add_argument(
        "--memory-source", default="1920x1080", help="source size of the x2 memory test, WxH"
    )
    parser.add_argument(
        "--chains", nargs="+", metavar="NAME", help=f"only these model-bound chains: {list(CHAINS)}"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ.setdefault("WORKBENCH_CONFIG_DIR", str(folder / "config"))
        report: dict[str, object] = {}
        if not args.skip_stages:
            clip = make_clip(folder / "clip.mov", args.frames)
            stages = measure_stages(folder, clip, args.frames)
            slowest = min(stages["decode_fps"], stages["edits_fps"], stages["encode_fps"])
            print(f"1080p ProRes 422 HQ, {args.frames} frames, denoise (automatic level)")
            for key, value in stages.items():
                print(f"  {key:<11} {value:8.2f} fps")
            ratio = stages["render_fps"] / slowest
            print(f"  render / slowest stage = {ratio:.2f} (target >= 0.85)")
            report.update(stages=stages, ratio=ratio)
        if args.model_bound:
            clip = ffmpeg_clip(folder / "ffmpeg-clip.mov", args.frames)
            print(f"1080p ProRes 422 HQ, {args.frames} frames: render vs model-bound limit")
            report["model_bound"] = measure_model_bound(folder, clip, args.frames, args.chains)
        if not args.skip_memory:
            width, height = (int(v) for v in args.memory_source.split("x"))
            peaks = measure_memory(folder, (6, 12), (width, height))
            for n, gib in peaks.items():
                print(
                    f"  peak RSS, x2 upscale {width}x{height} -> {2 * width}x{2 * height}, "
                    f"{n} frames: {gib:.2f} GiB (target < 3)"
                )
            report["peak_gib"] = peaks
        print(json.dumps(report))


if __name__ == "__main__":
    main()
