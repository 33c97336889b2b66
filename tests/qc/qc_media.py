"""Making QC's test media with the ffmpeg command line (importable as ``qc.qc_media``)."""

from __future__ import annotations

import os
import subprocess

SIZE = "320x180"
#: A plain ``ffmpeg -c copy`` drops the container's creation_time and the tmcd track's reel name
#: (QC flags both); derived files that should differ in one thing only keep them with these.
KEEP_METADATA = ("-map_metadata", "0", "-metadata:s:v", "reel_name=A001")


def ffmpeg(*args: str | os.PathLike[str]) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", *map(str, args)],
        check=True,
        timeout=120,
    )


def has_encoder(name: str) -> bool:
    done = subprocess.run(
        ["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True, check=False
    )
    return any(line.split()[1:2] == [name] for line in done.stdout.splitlines() if line.strip())
