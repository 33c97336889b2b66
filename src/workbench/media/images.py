"""Single images: PNG / TIFF (8/16-bit) and JPEG through OpenCV, EXR through ``OpenEXR``,
DPX through PyAV. Every reader checks the header's dimensions before any decoder allocates.

Frames are float32 RGB, H×W×3: integer images are scaled by their maximum code value (255 or
65535), EXR is returned as stored (scene-linear values may exceed 1.0). Alpha is dropped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.media.errors import BrokenMediaError, MediaStorageError, UnsupportedMediaError
from workbench.media.safety import check_dimensions, image_header_size, local_path

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Frame = NDArray[np.float32]


@dataclass(frozen=True)
class ImageFacts:
    """What the header of one image says (no pixels decoded except for DPX/JPEG depth)."""

    codec: str
    width: int
    height: int
    bit_depth: int
    pixel_format: str
    is_float: bool
    has_alpha: bool
    transfer: int | None = None
    """FFmpeg's transfer number where the header states one (DPX), else None."""


# DPX's transfer characteristic byte → FFmpeg's AVColorTransferCharacteristic.
_DPX_TRANSFER = {2: 8, 5: 1, 6: 1, 7: 6, 8: 6}


def dpx_header_facts(data: bytes) -> tuple[int, int | None]:
    """(bit depth, FFmpeg transfer or None) of a DPX file's first image element.

    The image information header starts at byte 768; its first element's transfer, colorimetric
    and bit-size bytes sit at 801, 802 and 803 (single bytes: no byte order to mind).
    """
    if len(data) < 804 or data[:4] not in (b"SDPX", b"XPDS"):
        return 16, None
    bits = data[803] if data[803] in (1, 8, 10, 12, 16) else 16
    return max(8, bits), _DPX_TRANSFER.get(data[801])


_CODEC_BY_EXT = {
    ".png": "png",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".jpg": "mjpeg",
    ".jpeg": "mjpeg",
    ".exr": "exr",
    ".dpx": "dpx",
}


def codec_for(path: Path) -> str:
    codec = _CODEC_BY_EXT.get(path.suffix.lower())
    if codec is None:
        raise UnsupportedMediaError(
            f"{path.name}: unsupported image type {path.suffix!r}",
            hint="use PNG, TIFF, JPEG, EXR or DPX",
        )
    return codec


def image_facts(path: str | os.PathLike[str]) -> ImageFacts:
    """Dimensions, bit depth and channels of an image, from its header."""
    p = local_path(path)
    codec = codec_for(p)
    size = image_header_size(p)
    if size is None:
        raise BrokenMediaError(
            f"{p.name} is not a valid {codec.upper()} image (unrecognised header)",
            hint="the file may be truncated, or be another format with the wrong extension",
        )
    width, height = size
    check_dimensions(width, height, p)
    if codec == "exr":
        return _exr_facts(p, width, height)
    if codec == "png":
        with p.open("rb") as fh:
            head = fh.read(26)
        depth, colour_type = head[24], head[25]
        depth = 16 if depth == 16 else 8
        alpha = colour_type in (4, 6)
        fmt = (
            ("rgba64be" if alpha else "rgb48be") if depth == 16 else ("rgba" if alpha else "rgb24")
        )
        return ImageFacts("png", width, height, depth, fmt, False, alpha)
    if codec == "dpx":
        with p.open("rb") as fh:
            bits, transfer = dpx_header_facts(fh.read(804))
        fmt = {8: "rgb24", 10: "gbrp10le", 12: "gbrp12le"}.get(bits, "rgb48le")
        return ImageFacts("dpx", width, height, bits, fmt, False, False, transfer)
    # TIFF / JPEG: decode once to learn the sample type (header parse is enough for size).
    arr = _decode_raw(p, codec)
    depth = 16 if arr.dtype == np.uint16 else 8
    alpha = arr.ndim == 3 and arr.shape[2] == 4
    fmt = f"{'rgba64' if alpha else 'rgb48'}le" if depth == 16 else ("rgba" if alpha else "rgb24")
    return ImageFacts(codec, width, height, depth, fmt, False, alpha)


def _exr_facts(p: Path, width: int, height: int) -> ImageFacts:
    import OpenEXR  # type: ignore[import-not-found,unused-ignore]

    try:
        with OpenEXR.File(str(p), header_only=True) as exr:
            channels = exr.header().get("channels")
            parts = exr.parts
            names = list(parts[0].channels.keys()) if parts else []
    except Exception as exc:
        raise BrokenMediaError(f"{p.name} is a damaged EXR file ({exc})") from exc
    del channels
    half = True
    try:
        with OpenEXR.File(str(p)) as exr:
            for ch in exr.channels().values():
                half = half and ch.pixels.dtype == np.float16
    except Exception as exc:
        raise BrokenMediaError(f"{p.name} is a damaged EXR file ({exc})") from exc
    alpha = any(n in ("A", "RGBA") for n in names)
    depth = 16 if half else 32
    return ImageFacts("exr", width, height, depth, f"gbrpf{depth}le", True, alpha)


def _decode_raw(p: Path, codec: str) -> NDArray[Any]:
    """The image as decoded, before scaling: uint8/uint16 H×W×C RGB(A) or float H×W×C."""
    if codec == "exr":
        return _read_exr(p)
    if codec == "dpx":
        return _read_dpx(p)
    import cv2

    try:
        data = np.fromfile(str(p), dtype=np.uint8)
    except OSError as exc:
        raise BrokenMediaError(f"cannot read {p}: {exc.strerror or exc}") from exc
    arr = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if arr is None:
        raise BrokenMediaError(
            f"{p.name} could not be decoded as {codec.upper()} (damaged or truncated)",
        )
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    elif arr.shape[2] == 4:
        arr = cv2.cvtColor(arr, cv2.COLOR_BGRA2RGBA)
    else:
        arr = cv2.cvtColor(arr, cv2.COLOR_BGR2RGB)
    result: NDArray[Any] = arr
    return result


def _read_exr(p: Path) -> NDArray[Any]:
    import OpenEXR  # type: ignore[import-not-found,unused-ignore]

    try:
        with OpenEXR.File(str(p)) as exr:
            channels = exr.channels()
            if "RGB" in channels:
                arr = np.asarray(channels["RGB"].pixels)
            elif "RGBA" in channels:
                arr = np.asarray(channels["RGBA"].pixels)[:, :, :3]
            elif all(c in channels for c in "RGB"):
                arr = np.stack([np.asarray(channels[c].pixels) for c in "RGB"], axis=2)
            elif "Y" in channels:
                y = np.asarray(channels["Y"].pixels)
                arr = np.repeat(y[:, :, None], 3, axis=2)
            else:
                raise BrokenMediaError(
                    f"{p.name} has no RGB or Y channels (it has {sorted(channels)})",
                    hint="Workbench reads the RGB layer of single-part EXR files",
                )
    except BrokenMediaError:
        raise
    except Exception as exc:
        raise BrokenMediaError(f"{p.name} is a damaged EXR file ({exc})") from exc
    return arr.astype(np.float32, copy=False)


def _read_dpx(p: Path) -> NDArray[Any]:
    from workbench.media.convert import video_frame_to_array
    from workbench.media.safety import av_open_input

    with av_open_input(p) as container:
        try:
            for frame in container.decode(video=0):
                return video_frame_to_array(frame, keep_integer=True)
        except Exception as exc:
            raise BrokenMediaError(f"{p.name} could not be decoded as DPX ({exc})") from exc
    raise BrokenMediaError(f"{p.name} holds no image")


def read_image(path: str | os.PathLike[str]) -> Frame:
    """One image as the app's frame type (float32 RGB H×W×3), full precision kept."""
    p = local_path(path)
    codec = codec_for(p)
    size = image_header_size(p)
    if size is None:
        raise BrokenMediaError(f"{p.name} is not a valid {codec.upper()} image")
    check_dimensions(*size, p)
    arr = _decode_raw(p, codec)
    if arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[:, :, :3]
    return to_float(arr)


def to_float(arr: NDArray[Any]) -> Frame:
    if arr.dtype == np.uint8:
        out = arr.astype(np.float32) / np.float32(255.0)
    elif arr.dtype == np.uint16:
        out = arr.astype(np.float32) / np.float32(65535.0)
    else:
        out = arr.astype(np.float32, copy=False)
    return np.ascontiguousarray(out)


def quantize(frame: Frame, bit_depth: int) -> NDArray[Any]:
    """Float [0, 1] → uint8 / uint16 with rounding and clipping."""
    scale, dtype = (255.0, np.uint8) if bit_depth <= 8 else (65535.0, np.uint16)
    out: NDArray[Any] = np.clip(np.rint(np.asarray(frame) * scale), 0, scale).astype(dtype)
    return out


def encode_image(frame: Frame, codec: str, bit_depth: int) -> bytes:
    """The bytes of one image file: png / tiff (8 or 16-bit), mjpeg (8), exr (16/32 float),
    dpx (8/16 via PyAV)."""
    frame = np.asarray(frame)
    if frame.ndim != 3 or frame.shape[2] != 3:
        raise UnsupportedMediaError(f"expected an H×W×3 frame, got shape {frame.shape}")
    if codec in ("png", "tiff", "mjpeg"):
        import cv2

        depth = 8 if codec == "mjpeg" else bit_depth
        bgr = cv2.cvtColor(quantize(frame, depth), cv2.COLOR_RGB2BGR)
        ext = {"png": ".png", "tiff": ".tiff", "mjpeg": ".jpg"}[codec]
        params: list[int] = []
        if codec == "mjpeg":
            params = [cv2.IMWRITE_JPEG_QUALITY, 95]
        ok, buf = cv2.imencode(ext, bgr, params)
        if not ok:
            raise UnsupportedMediaError(f"OpenCV could not encode a {codec} image")
        return bytes(buf.tobytes())
    if codec == "dpx":
        return _encode_dpx(frame, bit_depth)
    raise UnsupportedMediaError(f"cannot encode {codec!r} to bytes")


def _encode_dpx(frame: Frame, bit_depth: int) -> bytes:
    import av

    depth = 8 if bit_depth <= 8 else 16
    arr = quantize(frame, depth)
    fmt = "rgb24" if depth == 8 else "rgb48le"
    ctx = av.CodecContext.create("dpx", "w")
    ctx.width, ctx.height = frame.shape[1], frame.shape[0]
    ctx.pix_fmt = fmt
    ctx.time_base = Fraction(1, 24)
    vf = av.VideoFrame.from_ndarray(arr, format=fmt)
    vf.pts = 0
    data = b"".join(bytes(p) for p in ctx.encode(vf))
    data += b"".join(bytes(p) for p in ctx.encode(None))
    return data


def write_exr(path: Path, frame: Frame, *, half: bool = False) -> None:
    import OpenEXR  # type: ignore[import-not-found,unused-ignore]

    arr = np.ascontiguousarray(np.asarray(frame, dtype=np.float16 if half else np.float32))
    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    try:
        with OpenEXR.File(header, {"RGB": arr}) as exr:
            exr.write(str(path))
    except OSError as exc:
        raise storage_error(exc, path) from exc
    except Exception as exc:
        if not path.parent.exists():
            raise MediaStorageError(f"cannot write {path}: folder is missing") from exc
        raise MediaStorageError(f"cannot write {path}: {exc}") from exc


def storage_error(exc: OSError, path: Path) -> MediaStorageError:
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return MediaStorageError(
            f"the disk is full while writing {path.name}",
            hint=f"free space on the drive holding {path.parent} and run the render again",
        )
    return MediaStorageError(f"cannot write {path}: {exc.strerror or exc}")
