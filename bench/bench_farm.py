"""Render farm scaling on this machine: 1 vs 2 Dask workers (one thread each), same run.

One 1080p ProRes clip (made by the ffmpeg command) with a denoise edit (``--chain`` adds dust
and a ×2 upscale, the demo's chain) is rendered four ways, one after the other:

- locally, ONNX Runtime on one thread (the baseline a single worker should match);
- locally, ONNX Runtime on every core (what ``workbench render`` does);
- on a farm of one ``dask worker`` (``--nworkers 1 --nthreads 1``, ONNX Runtime one thread);
- on a farm of two such workers.

The four run in turn, ``--rounds`` times (the best of each is reported: on a shared machine
the load changes between runs). Each render is timed from its start to its last segment (the
part a farm spreads) and to its registered output (join, Content Credentials, QC and the log
entry run on the coordinator alone); frames per second and ratios are printed, with the
machine and its load. Every farm output is checked frame-identical (FFmpeg framemd5) to the
local one.

Usage: python bench/bench_farm.py [--frames 24] [--size 1920x1080] [--segment-frames 6] [--chain]
                                  [--rounds 2]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any


def make_clip(path: Path, frames: int, size: str) -> Path:
    source = f"testsrc2=size={size}:rate=24,noise=alls=10:allf=t"
    command = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", source, "-frames:v", str(frames)]
    command += ["-c:v", "prores_ks", "-profile:v", "3", str(path)]
    subprocess.run(command, check=True)
    return path


def make_project(folder: Path, clip: Path, chain: bool) -> Path:
    from workbench.cli import main

    project = folder / "bench.wbproj"
    steps = [["new", str(project)], ["import", str(project), str(clip)]]
    if chain:
        steps.append(["apply", str(project), "1", "--tool", "dust"])
    steps.append(["apply", str(project), "1", "--tool", "denoise"])
    if chain:
        steps.append(["apply", str(project), "1", "--tool", "upscale", "--param", "scale=2"])
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        for step in steps:
            assert main(step) == 0, step
    return project


@contextlib.contextmanager
def dask_farm(folder: Path, workers: int, config: Path) -> Iterator[str]:
    """A ``dask scheduler`` and ``workers`` ``dask worker`` processes on 127.0.0.1."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "WORKBENCH_CONFIG_DIR": str(config)}
    dask = [sys.executable, "-m", "dask"]
    scheduler_file = folder / "scheduler.json"
    procs = [
        subprocess.Popen(
            [
                *dask,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    ]
    try:
        while not scheduler_file.exists() or not scheduler_file.read_text():
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        for n in range(workers):
            procs.append(
                subprocess.Popen(
                    [
                        *dask,
                        "worker",
                        address,
                        "--nworkers",
                        "1",
                        "--nthreads",
                        "1",
                        "--name",
                        f"w{n + 1}",
                        "--no-dashboard",
                        "--local-directory",
                        str(folder / f"w{n + 1}"),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=env,
                    start_new_session=True,
                )
            )
        from distributed import Client

        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)


def timed_render(project: Path, output: Path, segment_frames: int, **kwargs: Any) -> dict[str, Any]:
    from workbench.render import RenderRequest, run_render
    from workbench.render.events import Advanced

    marks: dict[str, float] = {}

    def on_event(event: Any) -> None:
        if isinstance(event, Advanced) and event.done == event.total:
            marks.setdefault("segments", time.perf_counter())

    began = time.perf_counter()
    result = run_render(
        RenderRequest(project, 1, output, segment_frames=segment_frames),
        on_event=on_event,
        **kwargs,
    )
    ended = time.perf_counter()
    frames = result.frame_count
    segments = marks.get("segments", ended) - began
    return {
        "segments_s": segments,
        "total_s": ended - began,
        "segments_fps": frames / segments,
        "total_fps": frames / (ended - began),
        "s_per_frame": segments / frames,
        "output": str(result.output),
    }


def framemd5(path: str) -> list[str]:
    run = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.splitlines()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} logical CPUs ({cpu}), {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=24)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--segment-frames", type=int, default=6)
    parser.add_argument("--chain", action="store_true", help="dust, denoise and x2 upscale")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("CONFIG", "DATA", "CACHE"):
            os.environ[f"WORKBENCH_{name}_DIR"] = str(folder / name.lower())
        one_thread = folder / "one-thread-config"
        one_thread.mkdir()
        (one_thread / "settings.json").write_text(
            json.dumps({"inference": {"intra_op_threads": 1}})
        )
        from workbench.inference import SessionOptions
        from workbench.render.farm import DaskExecutor

        clip = make_clip(folder / "clip.mov", args.frames, args.size)
        project = make_project(folder, clip, args.chain)
        stack = "dust, denoise, upscale x2" if args.chain else "denoise"
        load_before = os.getloadavg()
        seg = args.segment_frames
        single = replace(SessionOptions.from_settings(), intra_op_threads=1)
        tries: dict[str, list[dict[str, Any]]] = {}
        for turn in range(args.rounds):  # interleaved, so a change of load hits every config
            tries.setdefault("local, 1 thread", []).append(
                timed_render(project, folder / f"local1-{turn}.mov", seg, options=single)
            )
            tries.setdefault("local, all cores", []).append(
                timed_render(project, folder / f"local-{turn}.mov", seg)
            )
            for workers in (1, 2):
                with (
                    dask_farm(folder / f"farm{workers}-{turn}", workers, one_thread) as address,
                    DaskExecutor(address) as farm,
                ):
                    name = f"farm, {workers} worker{'s' if workers > 1 else ''}"
                    out = folder / f"farm{workers}-{turn}.mov"
                    tries.setdefault(name, []).append(
                        timed_render(project, out, seg, executor=farm)
                    )
        load_after = os.getloadavg()
        runs = {name: min(t, key=lambda r: r["segments_s"]) for name, t in tries.items()}

        reference = framemd5(runs["local, all cores"]["output"])
        identical = all(framemd5(r["output"]) == reference for t in tries.values() for r in t)
        print(f"machine: {machine()}")
        print(f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f}")
        print(
            f"clip: {args.size} ProRes 422 HQ, {args.frames} frames, {stack}; "
            f"segments of {seg} frames"
        )
        print(f"best of {args.rounds} interleaved rounds (every try in the JSON below)")
        print(f"{'render':<18} {'segments s':>10} {'s/frame':>8} {'fps':>6} {'total s':>8}")
        for name, r in runs.items():
            print(
                f"{name:<18} {r['segments_s']:10.1f} {r['s_per_frame']:8.2f} "
                f"{r['segments_fps']:6.2f} {r['total_s']:8.1f}"
            )
        one, two = runs["farm, 1 worker"], runs["farm, 2 workers"]
        base = runs["local, 1 thread"]
        print(
            f"scaling, 2 workers / 1 worker (segments): {two['segments_fps'] / one['segments_fps']:.2f}x"
        )
        print(
            f"scaling, 2 workers / 1 worker (whole render): {two['total_fps'] / one['total_fps']:.2f}x"
        )
        print(
            f"1 farm worker / local on 1 thread (segments): {one['segments_fps'] / base['segments_fps']:.2f}x"
        )
        print(f"frame-identical (framemd5) to the local render: {identical}")
        print(json.dumps({"tries": tries, "identical": identical}, default=str))


if __name__ == "__main__":
    main()
