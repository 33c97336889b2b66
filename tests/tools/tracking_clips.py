"""A clip with a square moving across a still picture, made by ffmpeg (for the tracking tests)."""

from __future__ import annotations

import subprocess
from pathlib import Path

FRAMES = 36
SIZE = (192, 144)


def square_at(frame: int) -> tuple[int, int]:
    """Where ffmpeg put the square's top-left corner (the overlay's expression below)."""
    return (16 + 4 * frame, 24 + 2 * frame)


def make_moving_square(path: Path) -> Path:
    """A static grid on grey, grain that changes every frame, and a 32-px test pattern moving
    4 px right and 2 px down a frame — made by ffmpeg, not by us."""
    w, h = SIZE
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"color=c=0x506070:s={w}x{h}:r=24:d=2,"
         "drawgrid=w=16:h=16:t=1:c=white@0.3",
         "-f", "lavfi", "-i", "testsrc=s=32x32:r=24:d=2",
         "-filter_complex", "[0][1]overlay=x='16+4*n':y='24+2*n':shortest=1,"
         "noise=alls=12:allf=t,format=yuv444p",
         "-frames:v", str(FRAMES), "-c:v", "ffv1", str(path)],
        check=True,
    )  # fmt: skip
    return path
