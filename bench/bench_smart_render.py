"""Smart rendering against re-encoding: a no-edit ProRes render, frames per second, same run.

The same ProRes 422 HQ source (made with the ffmpeg command line) is rendered twice with no
edits: once into ProRes 422 HQ, where every frame is the source's packet copied, and once into
ProRes 4444, where every frame is decoded, converted and encoded. Prints both rates and their
ratio. Run: ``.venv/bin/python bench/bench_smart_render.py [--frames 48] [--size 1920x1080]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ.setdefault("WORKBENCH_CONFIG_DIR", str(folder / "config"))
        from workbench.cli import main as cli
        from workbench.render import RenderRequest, run_render

        source = folder / "source.mov"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"testsrc2=size={args.size}:rate=24",
             "-frames:v", str(args.frames), "-c:v", "prores_ks", "-profile:v", "3",
             "-pix_fmt", "yuv422p10le", str(source)],
            check=True,
        )
        project = folder / "bench.wbproj"
        cli(["new", str(project)])
        cli(["import", str(project), str(source)])
        rates = {}
        for name, output, smart in (
            ("smart (packets copied)", folder / "copied.mov", True),
            ("re-encoded", folder / "encoded.mov", False),
        ):
            began = time.perf_counter()
            run_render(RenderRequest(project, 1, output, sign=False, smart=smart))
            seconds = time.perf_counter() - began
            rates[name] = args.frames / seconds
            print(f"{name:<28} {args.frames} frames {args.size}: {seconds:6.2f} s  "
                  f"{rates[name]:7.2f} fps")
        smart, encoded = rates.values()
        print(f"smart rendering / re-encoding: {smart / encoded:.2f}x")


if __name__ == "__main__":
    main()
