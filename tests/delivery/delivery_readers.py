"""What ffprobe, MediaInfo and ffmpeg say about a file: the delivery tests' independent eyes.

Nothing here uses Workbench or PyAV; every value comes from the ``ffprobe``, ``mediainfo`` and
``ffmpeg`` command lines, so a defect shared by Workbench's reader and writer cannot hide.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

FFPROBE = shutil.which("ffprobe") or "ffprobe"
FFMPEG = shutil.which("ffmpeg") or "ffmpeg"
MEDIAINFO = shutil.which("mediainfo")


def _run(command: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def _key(path: Path) -> tuple[str, float, int]:
    st = path.stat()
    return (str(path), st.st_mtime, st.st_size)


@functools.lru_cache(maxsize=512)
def _probe_cached(path: str, mtime: float, size: int) -> dict[str, Any]:
    done = _run(
        [
            FFPROBE, "-v", "error", "-print_format", "json", "-count_packets",
            "-show_format", "-show_streams", "-show_chapters", path,
        ]
    )  # fmt: skip
    if done.returncode != 0:
        raise AssertionError(f"ffprobe cannot read {path}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def ffprobe(path: Path) -> dict[str, Any]:
    """``ffprobe -print_format json -count_packets -show_format -show_streams -show_chapters``."""
    return _probe_cached(*_key(Path(path)))


def streams(path: Path, kind: str) -> list[dict[str, Any]]:
    return [s for s in ffprobe(path)["streams"] if s.get("codec_type") == kind]


def video(path: Path) -> dict[str, Any]:
    found = streams(path, "video")
    assert found, f"{Path(path).name} has no video stream"
    return found[0]


def tmcd_streams(path: Path) -> list[dict[str, Any]]:
    return [
        s
        for s in ffprobe(path)["streams"]
        if s.get("codec_tag_string") == "tmcd"
        or (s.get("codec_type") == "data" and "timecode" in s.get("tags", {}))
    ]


def data_streams(path: Path) -> list[dict[str, Any]]:
    return [s for s in ffprobe(path)["streams"] if s.get("codec_type") in ("data", "subtitle")]


def frac(text: str | None) -> Fraction | None:
    if text in (None, "", "N/A", "0/0"):
        return None
    return Fraction(text)


def timecode_of(path: Path) -> str | None:
    """The timecode as ffprobe reports it (tmcd track, then video stream, then format tags)."""
    for s in tmcd_streams(path):
        if "timecode" in s.get("tags", {}):
            return s["tags"]["timecode"]
    for s in ffprobe(path)["streams"]:
        if "timecode" in s.get("tags", {}):
            return s["tags"]["timecode"]
    return ffprobe(path)["format"].get("tags", {}).get("timecode")


@functools.lru_cache(maxsize=512)
def _packets_cached(path: str, mtime: float, size: int, selector: str) -> list[dict[str, Any]]:
    done = _run(
        [
            FFPROBE, "-v", "error", "-select_streams", selector, "-print_format", "json",
            "-show_entries", "packet=pts,dts,duration,pts_time,dts_time,duration_time,flags", path,
        ]
    )  # fmt: skip
    if done.returncode != 0:
        raise AssertionError(f"ffprobe cannot read the packets of {path}: {done.stderr.strip()}")
    return json.loads(done.stdout).get("packets", [])


def packets(path: Path, selector: str = "v:0") -> list[dict[str, Any]]:
    """``ffprobe -select_streams SEL -show_entries packet=…`` in file order."""
    return _packets_cached(*_key(Path(path)), selector)


@functools.lru_cache(maxsize=512)
def _mediainfo_cached(path: str, mtime: float, size: int) -> dict[str, Any]:
    assert MEDIAINFO, "mediainfo is not installed"
    done = _run([MEDIAINFO, "--Output=JSON", path])
    if done.returncode != 0:
        raise AssertionError(f"mediainfo cannot read {path}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def mediainfo(path: Path) -> dict[str, Any]:
    return _mediainfo_cached(*_key(Path(path)))


def mi_tracks(path: Path, kind: str) -> list[dict[str, Any]]:
    media = mediainfo(path).get("media") or {}
    return [t for t in media.get("track", []) if t.get("@type") == kind]


def mi_video(path: Path) -> dict[str, Any]:
    found = mi_tracks(path, "Video") or mi_tracks(path, "Image")
    assert found, f"MediaInfo sees no video track in {Path(path).name}"
    return found[0]


def mi_general(path: Path) -> dict[str, Any]:
    found = mi_tracks(path, "General")
    return found[0] if found else {}


@dataclass(frozen=True)
class ColourTags:
    """Colour description per place, as MediaInfo reports it (None: not present there)."""

    container: tuple[str | None, str | None, str | None]
    stream: tuple[str | None, str | None, str | None]


def mi_colour(path: Path) -> ColourTags:
    """(primaries, transfer, matrix) of the container (MOV colr, MXF descriptor) and bitstream.

    MediaInfo reports a value with ``_Source`` "Container / Stream" when both agree; when they
    differ the shown value is the container's and ``_Original`` the stream's.
    """
    track = mi_video(path)
    container: list[str | None] = []
    stream: list[str | None] = []
    for key in ("colour_primaries", "transfer_characteristics", "matrix_coefficients"):
        value = track.get(key)
        source = track.get(f"{key}_Source", "")
        original = track.get(f"{key}_Original")
        original_source = track.get(f"{key}_Original_Source", "")
        c = value if "Container" in source else None
        s = value if "Stream" in source else None
        if "Stream" in original_source:
            s = original
        if "Container" in original_source:
            c = original
        container.append(c)
        stream.append(s)
    return ColourTags(tuple(container), tuple(stream))  # type: ignore[arg-type]


@functools.lru_cache(maxsize=512)
def _md5_cached(path: str, mtime: float, size: int, map_spec: str) -> str:
    done = _run(
        [FFMPEG, "-v", "error", "-nostdin", "-i", path, "-map", map_spec, "-c", "copy",
         "-f", "md5", "-"]
    )  # fmt: skip
    if done.returncode != 0:
        raise AssertionError(f"ffmpeg cannot copy {map_spec} of {path}: {done.stderr.strip()}")
    return done.stdout.strip()


def stream_md5(path: Path, map_spec: str) -> str:
    """``ffmpeg -i F -map MAP -c copy -f md5 -``: the MD5 of the stream's packets."""
    return _md5_cached(*_key(Path(path)), map_spec)


def packet_payload_md5(path: Path, selector: str) -> list[str]:
    """Per-packet MD5 of one stream's payloads (``-f framemd5``, hash column only)."""
    done = _run(
        [FFMPEG, "-v", "error", "-nostdin", "-i", str(path), "-map", f"0:{selector}",
         "-c", "copy", "-f", "framemd5", "-"]
    )  # fmt: skip
    if done.returncode != 0:
        raise AssertionError(f"ffmpeg cannot read {selector} of {path}: {done.stderr.strip()}")
    return [
        line.rsplit(",", 1)[-1].strip()
        for line in done.stdout.splitlines()
        if line and not line.startswith("#")
    ]


def decode_errors(path: Path | str, extra: tuple[str, ...] = ()) -> str:
    """What ``ffmpeg -v error -i OUT -f null -`` prints (nothing for a clean file)."""
    done = _run(
        [FFMPEG, "-v", "error", "-nostdin", *extra, "-i", str(path), "-map", "0:v?",
         "-map", "0:a?", "-f", "null", "-"]
    )  # fmt: skip
    return (done.stdout + done.stderr).strip() + (
        f" (exit {done.returncode})" if done.returncode else ""
    )


def decode_planes(
    path: Path | str, pix_fmt: str, width: int, height: int, extra: tuple[str, ...] = ()
) -> list[list[np.ndarray]]:
    """Every frame's planes (``-f rawvideo -pix_fmt PIX_FMT``), as uint16 arrays."""
    layouts = {
        "yuv422p10le": ((1, 1), (2, 1), (2, 1)),
        "yuv420p10le": ((1, 1), (2, 2), (2, 2)),
        "yuv444p10le": ((1, 1), (1, 1), (1, 1)),
        "gbrp10le": ((1, 1), (1, 1), (1, 1)),
        "gbrp16le": ((1, 1), (1, 1), (1, 1)),
    }
    subs = layouts[pix_fmt]
    done = subprocess.run(
        [FFMPEG, "-v", "error", "-nostdin", *extra, "-i", str(path), "-map", "0:v:0",
         "-f", "rawvideo", "-pix_fmt", pix_fmt, "-"],
        capture_output=True, timeout=300,
    )  # fmt: skip
    if done.returncode != 0:
        raise AssertionError(f"ffmpeg cannot decode {path}: {done.stderr.decode()[-400:]}")
    data = np.frombuffer(done.stdout, "<u2")
    sizes = [(-(-height // sy)) * (-(-width // sx)) for sx, sy in subs]
    frame_size = sum(sizes)
    assert data.size % frame_size == 0, "decoded size is not a whole number of frames"
    frames = []
    for f in range(data.size // frame_size):
        base = f * frame_size
        planes = []
        for (sx, sy), n in zip(subs, sizes, strict=True):
            planes.append(data[base : base + n].reshape(-(-height // sy), -(-width // sx)))
            base += n
        frames.append(planes)
    return frames


def psnr(a: np.ndarray, b: np.ndarray, peak: float = 1023.0) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(peak * peak / mse)


def rotation_of(stream: dict[str, Any]) -> float:
    """The display-matrix rotation ffprobe reports for a stream (0 when none)."""
    for side in stream.get("side_data_list", []) or []:
        if "rotation" in side:
            return float(side["rotation"])
    tag = stream.get("tags", {}).get("rotate")
    return float(tag) if tag else 0.0


def side_data(stream: dict[str, Any], kind: str) -> dict[str, Any] | None:
    for side in stream.get("side_data_list", []) or []:
        if side.get("side_data_type", "").lower().startswith(kind.lower()):
            return side
    return None


def mediainfo_hdr(path: Path) -> dict[str, str]:
    """Mastering display and content light level, as MediaInfo reports them."""
    track = mi_video(path)
    keys = (
        "MasteringDisplay_ColorPrimaries",
        "MasteringDisplay_Luminance",
        "MaxCLL",
        "MaxFALL",
    )
    return {k: track[k] for k in keys if k in track}
