"""The fences around untrusted media: local files only, known demuxers only, bounded sizes.

FFmpeg will happily follow URLs, ``concat:``/``subfile:`` protocol strings and playlists that
name other files; a footage file must not be able to make Workbench read the network or other
local files, so every open goes through :func:`local_path` and :func:`av_open_input`. Image
headers are read by hand so that a file *claiming* 100000×100000 pixels is refused before any
decoder allocates for it.
"""

from __future__ import annotations

import os
import re
import stat
import struct
from pathlib import Path
from typing import Any

from workbench.media.errors import (
    BrokenMediaError,
    MediaTooLargeError,
    UnsupportedMediaError,
)

MAX_SIDE = 32768
"""Largest width or height accepted."""
MAX_PIXELS = 16384 * 8640
"""Largest frame accepted (16K × 8640 ≈ 141 Mpx; ~1.7 GB as a float32 RGB frame)."""

# Demuxers a footage file may be opened with (FFmpeg names); no playlists, no concat, no devices.
INPUT_FORMATS = (
    "mov,mp4,m4a,3gp,3g2,mj2",
    "matroska,webm",
    "mxf",
    "mpegts",
    "avi",
    "mpeg",
    "h264",
    "hevc",
    "m4v",
    "mjpeg",
    "image2",
    "dpx_pipe",
    "png_pipe",
    "tiff_pipe",
    "jpeg_pipe",
    "exr_pipe",
    "gif",
    "wav",
    "aiff",
)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def local_path(path: str | os.PathLike[str], *, must_exist: bool = True) -> Path:
    """An absolute local path, refusing URLs and FFmpeg protocol strings (``concat:a|b``)."""
    text = os.fspath(path)
    if not text:
        raise UnsupportedMediaError("empty media path")
    if "\x00" in text:
        raise UnsupportedMediaError(f"media path contains a NUL byte: {text!r}")
    match = _SCHEME.match(text)
    # A one-letter "scheme" is a Windows drive letter (C:\...), which is a local path.
    if match and len(match.group(0)) > 2:
        raise UnsupportedMediaError(
            f"only local files can be opened, not {text!r}",
            hint="download or copy the media to a local folder and open that file",
        )
    resolved = Path(text).expanduser().absolute()
    if must_exist:
        try:
            mode = resolved.stat().st_mode
        except FileNotFoundError:
            raise UnsupportedMediaError(f"no such media file: {resolved}") from None
        except OSError as exc:
            raise UnsupportedMediaError(f"cannot open {resolved}: {exc.strerror or exc}") from exc
        if stat.S_ISDIR(mode):
            raise UnsupportedMediaError(f"{resolved} is a folder, not a media file")
        if not stat.S_ISREG(mode):
            # FIFOs and devices can block forever or never end.
            raise UnsupportedMediaError(f"{resolved} is not a regular file")
    return resolved


def input_options() -> dict[str, str]:
    """Options for every ``av.open`` of an input: the file protocol and known demuxers only."""
    return {
        "protocol_whitelist": "file",
        "format_whitelist": ",".join(INPUT_FORMATS),
        "enable_drefs": "0",
    }


def av_open_input(path: Path, **kwargs: Any) -> Any:
    """``av.open`` for reading a local media file, with the fences of this module."""
    import av

    if path.is_dir():
        raise UnsupportedMediaError(f"{path} is a folder, not a media file")
    try:
        st = path.stat()
    except OSError as exc:
        raise BrokenMediaError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(st.st_mode):
        # FIFOs and devices can block forever or never end.
        raise UnsupportedMediaError(f"{path} is not a regular file")
    size = st.st_size
    if size == 0:
        raise BrokenMediaError(f"{path} is empty (0 bytes)")
    try:
        return av.open(str(path), "r", container_options=input_options(), **kwargs)
    except av.error.FFmpegError as exc:
        raise BrokenMediaError(
            f"{path.name} is not a media file Workbench can read ({_ffmpeg_reason(exc)})",
            hint="check that the file is complete; re-export or convert it if it is",
        ) from exc


def _ffmpeg_reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).split(":")[0] if text else type(exc).__name__


def check_dimensions(width: int, height: int, path: Path | str) -> None:
    """Refuse frames with no pixels or more pixels than Workbench will allocate."""
    if width <= 0 or height <= 0:
        raise BrokenMediaError(f"{Path(path).name} declares an empty frame ({width}×{height})")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise MediaTooLargeError(
            f"{Path(path).name} declares {width}×{height} pixels, more than Workbench accepts "
            f"(at most {MAX_SIDE} per side and {MAX_PIXELS:,} in all)",
            hint="the file may be damaged or crafted; downscale it with another tool first",
        )


def image_header_size(path: Path) -> tuple[int, int] | None:
    """Width and height read from the header of a PNG, JPEG, TIFF, DPX or EXR file, or None.

    Only the first bytes are read; no decoder runs. None means the format is not one of these
    (the caller then relies on the decoder's own header parse).
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise BrokenMediaError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(head) < 24 or head[12:16] != b"IHDR":
            raise BrokenMediaError(f"{path.name} is a damaged PNG (no image header)")
        width, height = struct.unpack(">II", head[16:24])
        return int(width), int(height)
    if head[:4] in (b"SDPX", b"XPDS"):
        endian = ">" if head[:4] == b"SDPX" else "<"
        if len(head) < 780:
            raise BrokenMediaError(f"{path.name} is a damaged DPX file (short header)")
        width, height = struct.unpack(endian + "II", head[772:780])
        return int(width), int(height)
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return _tiff_size(path, ">" if head[:2] == b"MM" else "<")
    if head[:2] == b"\xff\xd8":
        return _jpeg_size(path)
    if head[:4] == b"\x76\x2f\x31\x01":
        return _exr_size(path)
    return None


def _tiff_size(path: Path, endian: str) -> tuple[int, int]:
    with path.open("rb") as fh:
        data = fh.read(1 << 16)
    try:
        (offset,) = struct.unpack(endian + "I", data[4:8])
        with path.open("rb") as fh:
            fh.seek(offset)
            (count,) = struct.unpack(endian + "H", fh.read(2))
            entries = fh.read(12 * min(count, 4096))
        sizes: dict[int, int] = {}
        for i in range(len(entries) // 12):
            tag, typ, _n = struct.unpack(endian + "HHI", entries[i * 12 : i * 12 + 8])
            raw = entries[i * 12 + 8 : i * 12 + 12]
            if tag in (256, 257):
                value = (
                    struct.unpack(endian + "H", raw[:2])[0]
                    if typ == 3
                    else struct.unpack(endian + "I", raw)[0]
                )
                sizes[tag] = int(value)
    except struct.error as exc:
        raise BrokenMediaError(f"{path.name} is a damaged TIFF file") from exc
    if 256 not in sizes or 257 not in sizes:
        raise BrokenMediaError(f"{path.name} is a damaged TIFF file (no image size)")
    return sizes[256], sizes[257]


def _jpeg_size(path: Path) -> tuple[int, int]:
    with path.open("rb") as fh:
        data = fh.read(1 << 20)
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            pos += 1
            continue
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            pos += 1 if marker == 0xFF else 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    raise BrokenMediaError(f"{path.name} is a damaged JPEG file (no frame header)")


def _exr_size(path: Path) -> tuple[int, int]:
    import OpenEXR  # type: ignore[import-not-found,unused-ignore]

    try:
        with OpenEXR.File(str(path), header_only=True) as exr:
            box = exr.header()["dataWindow"]
    except Exception as exc:  # OpenEXR raises plain RuntimeError on damage
        raise BrokenMediaError(f"{path.name} is a damaged EXR file ({exc})") from exc
    (x0, y0), (x1, y1) = box
    return int(x1) - int(x0) + 1, int(y1) - int(y0) + 1
