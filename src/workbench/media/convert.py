"""Between PyAV frames and the app's frame type (float32 RGB in [0, 1], H×W×3).

Precision is kept: sources above 8 bits per sample are converted through ``rgb48le`` and scaled
by 1/65535, 8-bit sources through ``rgb24`` and 1/255, float sources through ``gbrpf32le``.
The YUV→RGB matrix and range come from the frame's own tags, and the writer uses the same tags
on the way back, so a decode → encode round trip does not shift colours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Frame = NDArray[np.float32]

_SWS_COLORSPACE = {
    1: "itu709",
    5: "itu601",
    6: "smpte170m",
    7: "smpte240m",
    9: "bt2020",
    10: "bt2020",
}


def pixel_format_depth(name: str) -> tuple[int, bool, bool]:
    """(bits per sample, is float, has alpha) of an FFmpeg pixel format."""
    import av

    try:
        fmt = av.VideoFormat(name)
    except Exception:
        return 8, False, False
    bits = max((c.bits for c in fmt.components), default=8)
    is_float = name.endswith(("f32le", "f32be", "f16le", "f16be")) or "pf" in name
    has_alpha = bool(getattr(fmt, "has_alpha", False)) or name.startswith(("yuva", "rgba", "bgra"))
    return int(bits), is_float, has_alpha


def sws_colorspace(matrix: int) -> str | None:
    """PyAV's name for a matrix tag, or None to leave the default (BT.601)."""
    return _SWS_COLORSPACE.get(matrix)


def _reformat_kwargs(frame: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"interpolation": "BILINEAR"}
    space = sws_colorspace(int(frame.colorspace))
    if space is not None:
        kwargs["src_colorspace"] = space
    if int(frame.color_range) == 2 or frame.format.name.startswith("yuvj"):
        kwargs["src_color_range"] = "JPEG"
    return kwargs


def video_frame_to_array(frame: Any, *, keep_integer: bool = False) -> NDArray[Any]:
    """A decoded ``av.VideoFrame`` as float32 RGB (or, with ``keep_integer``, uint8/uint16)."""
    name = frame.format.name
    bits, is_float, _alpha = pixel_format_depth(name)
    kwargs = _reformat_kwargs(frame)
    if is_float:
        arr = frame.to_ndarray(format="gbrpf32le", channel_last=True, **kwargs)
        return np.ascontiguousarray(arr.astype(np.float32, copy=False))
    if bits > 8:
        arr16 = frame.to_ndarray(format="rgb48le", **kwargs)
        if keep_integer:
            return np.ascontiguousarray(arr16)
        return np.ascontiguousarray(arr16.astype(np.float32) / np.float32(65535.0))
    arr8 = frame.to_ndarray(format="rgb24", **kwargs)
    if keep_integer:
        return np.ascontiguousarray(arr8)
    return np.ascontiguousarray(arr8.astype(np.float32) / np.float32(255.0))


def array_to_video_frame(
    frame: Frame, pix_fmt: str, *, bit_depth: int, matrix: int = 2, color_range: int = 0
) -> Any:
    """Float RGB → ``av.VideoFrame`` in ``pix_fmt`` (quantised at 8 or 16 bits first)."""
    import av

    from workbench.media.images import quantize

    arr = np.asarray(frame)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"expected an H×W×3 frame, got shape {arr.shape}")
    if bit_depth > 8:
        src = av.VideoFrame.from_ndarray(quantize(arr, 16), format="rgb48le")
    else:
        src = av.VideoFrame.from_ndarray(quantize(arr, 8), format="rgb24")
    if pix_fmt in ("rgb24", "rgb48le"):
        return src
    kwargs: dict[str, Any] = {"format": pix_fmt, "interpolation": "BILINEAR"}
    space = sws_colorspace(matrix)
    if space is not None:
        kwargs["dst_colorspace"] = space
    if color_range == 2:
        kwargs["dst_color_range"] = "JPEG"
    out = src.reformat(**kwargs)
    return out
