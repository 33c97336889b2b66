"""Between PyAV frames and the app's frame type (float32 RGB, H×W×3, nominally [0, 1]).

Planar Y'CbCr (``yuv420p`` / ``yuv422p`` / ``yuv444p`` at 8–16 bits, and ``yuvj*``) is converted
here in NumPy rather than by swscale, because swscale's path is not invertible: a decode → encode
of a 10-bit ProRes frame through ``rgb48le`` with bilinear chroma shifted luma by about a code and
smeared colour edges by hundreds of codes. The maths here is exact instead:

* **Range and matrix.** Codes are normalised with the ITU-T H.273 formulas (limited: Y' 16–235
  and C 16–240 times 2^(n-8), C centred on 128·2^(n-8); full: 0 … 2^n−1, C centred on 2^(n-1)),
  then the inverse of the tagged matrix gives R'G'B' (BT.709, BT.601 / SMPTE 170M / BT.470BG,
  BT.2020 — constant-luminance 2020 is treated as non-constant, as swscale does —, FCC and
  SMPTE 240M). An unspecified (or unsupported: RGB, YCgCo, ICtCp …) matrix is guessed from the
  picture size as FFmpeg-based players do: BT.709 when the frame is HD (height ≥ 720 or width
  ≥ 1280), BT.601 otherwise. Callers may override the frame's tags with ``matrix=`` /
  ``color_range=`` (the reader can pass a container's ``colr`` atom when the bitstream is silent).
* **Out-of-gamut values are kept.** Legal Y'CbCr (foot- and headroom codes, saturated chroma)
  decodes to R'G'B' a little outside [0, 1]; those values are *not* clipped, so a decode → encode
  reproduces the source codes. The encoder clips only in code space, to 0 … 2^n−1. Consumers that
  need [0, 1] (quantising to RGB files, display) clip as :func:`workbench.media.images.quantize`
  always has. Frames from 8–12-bit sources are snapped to the 16-bit grid (k / 65535, unclipped),
  so that a 16-bit RGB render stores in-gamut frames bit-exactly; the snap moves no Y'CbCr code.
* **Chroma.** Upsampling is linear interpolation that keeps every source sample at its sited
  position; downsampling on encode is that interpolator's biorthogonal dual, so decode → encode is
  exact up to float rounding (far below half a code) while edited content still gets a low-pass
  before decimation. Co-sited chroma (4:2:2 always; 4:2:0 horizontally with MPEG-2/H.264 "left"
  siting): up ``[1/2, 1, 1/2]``, down the LeGall 5/3 analysis filter
  ``[-1/8, 1/4, 3/4, 1/4, -1/8]``. Chroma centred between two luma samples (4:2:0 vertically,
  and JPEG's ``yuvj*`` horizontally too): up ``3/4·c[k] + 1/4·c[k∓1]`` on the two luma samples
  either side, down ``[1, -3, -5, 23, 23, -5, -3, 1] / 32``, which is the 8-tap member of the
  family of exact duals with the least aliasing (the 4-tap dual ``[-1, 3, 3, -1] / 4`` passes
  57 % at 7/8 of Nyquist, this one 24 %). Edges are extended symmetrically, which keeps the pair
  exact at the borders too, odd sizes included. The one-axis filters are in
  :mod:`workbench.media.chroma`.

Everything else — RGB / GBR / gray formats, float formats, semi-planar (``nv12``, ``p010``),
alpha (``yuva*``), big-endian and 4:1:1 / 4:4:0 layouts — goes through swscale as before: sources
above 8 bits via ``rgb48le`` scaled by 1/65535, 8-bit via ``rgb24`` and 1/255, float via
``gbrpf32le``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np

from workbench.media.chroma import _down_centred, _down_cosited, _split, _up_centred, _up_cosited

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Frame = NDArray[np.float32]

ChromaSiting = Literal["left", "center", "topleft", "top"]
"""Where 4:2:x chroma samples sit (FFmpeg's AVChromaLocation names). ``left``: co-sited with
even luma columns, vertically centred between two rows (MPEG-2, H.264, HEVC default; 4:2:2 is
always co-sited horizontally). ``center``: centred both ways (MPEG-1, JPEG). ``topleft``:
co-sited both ways (BT.2020 / some HEVC). ``top``: centred horizontally, co-sited vertically."""

_SWS_COLORSPACE = {
    1: "itu709",
    4: "fcc",
    5: "itu601",
    6: "smpte170m",
    7: "smpte240m",
    9: "bt2020",
    10: "bt2020",
}

# Kr, Kb of each matrix tag (FFmpeg's AVColorSpace numbers).
_LUMA_WEIGHTS: dict[int, tuple[float, float]] = {
    1: (0.2126, 0.0722),  # BT.709
    4: (0.30, 0.11),  # FCC
    5: (0.299, 0.114),  # BT.470BG (= BT.601 625)
    6: (0.299, 0.114),  # SMPTE 170M (= BT.601 525)
    7: (0.212, 0.087),  # SMPTE 240M
    9: (0.2627, 0.0593),  # BT.2020 non-constant luminance
    10: (0.2627, 0.0593),  # BT.2020 constant luminance, treated as NCL (as swscale does)
}

_YUV_FORMAT = re.compile(r"^yuv(j?)(420|422|444)p(?:(9|10|12|14|16)le)?$")


@dataclass(frozen=True)
class YuvLayout:
    """A planar Y'CbCr pixel format this module converts itself."""

    bits: int
    sub_x: int  # 1 or 2: luma samples per chroma sample horizontally
    sub_y: int
    jpeg: bool  # a yuvj* format: full range and centred chroma by definition

    @property
    def dtype(self) -> type[np.unsignedinteger[Any]]:
        return np.uint8 if self.bits <= 8 else np.uint16


def yuv_layout(pix_fmt: str) -> YuvLayout | None:
    """The layout of a planar Y'CbCr format converted in NumPy, or None for swscale's formats."""
    m = _YUV_FORMAT.match(pix_fmt)
    if m is None:
        return None
    jpeg, sub, bits = m.group(1) == "j", m.group(2), int(m.group(3) or 8)
    if jpeg and bits != 8:
        return None
    return YuvLayout(bits, 1 if sub == "444" else 2, 2 if sub == "420" else 1, jpeg)


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


def resolve_matrix(matrix: int, width: int, height: int) -> int:
    """The matrix tag actually used: ``matrix`` if supported, else BT.709 for HD, BT.601 for SD.

    "HD" is height ≥ 720 or width ≥ 1280, the rule FFmpeg-based players apply to untagged video.
    """
    if matrix in _LUMA_WEIGHTS:
        return matrix
    return 1 if height >= 720 or width >= 1280 else 6


def sws_colorspace(matrix: int) -> str | None:
    """PyAV's name for a matrix tag, or None to leave swscale's default (BT.601)."""
    return _SWS_COLORSPACE.get(matrix)


def _range_scales(bits: int, full_range: bool) -> tuple[float, float, float, float]:
    """(luma offset, luma span, chroma offset, chroma span) in codes of a ``bits``-deep format."""
    if full_range:
        top = float((1 << bits) - 1)
        return 0.0, top, float(1 << (bits - 1)), top
    s = float(1 << (bits - 8))
    return 16.0 * s, 219.0 * s, 128.0 * s, 224.0 * s


def _siting_axes(siting: str) -> tuple[bool, bool]:
    """(co-sited horizontally, co-sited vertically) for a chroma siting name."""
    if siting not in ("left", "center", "topleft", "top"):
        raise ValueError(f"unknown chroma siting {siting!r}")
    return siting in ("left", "topleft"), siting in ("topleft", "top")


def _upsample(
    c: NDArray[np.float32], height: int, width: int, layout: YuvLayout, siting: str
) -> NDArray[np.float32]:
    co_x, co_y = _siting_axes(siting)
    if layout.sub_y == 2:
        c = _up_cosited(c, 0, height) if co_y else _up_centred(c, 0, height)
    if layout.sub_x == 2:
        c = _up_cosited(c, 1, width) if co_x else _up_centred(c, 1, width)
    return c


def _downsample(x: NDArray[np.float32], layout: YuvLayout, siting: str) -> NDArray[np.float32]:
    co_x, co_y = _siting_axes(siting)
    if layout.sub_x == 2:
        x = _down_cosited(x, 1) if co_x else _down_centred(x, 1)
    if layout.sub_y == 2:
        x = _down_cosited(x, 0) if co_y else _down_centred(x, 0)
    return x


# --- the matrices ----------------------------------------------------------------------------


def ycbcr_to_rgb(
    y: NDArray[Any],
    cb: NDArray[Any],
    cr: NDArray[Any],
    layout: YuvLayout,
    *,
    matrix: int,
    full_range: bool,
    siting: str = "left",
) -> Frame:
    """Code-value planes → float32 R'G'B' H×W×3, not clipped (see the module docstring).

    ``matrix`` must be a supported tag (see :func:`resolve_matrix`).
    """
    import cv2

    kr, kb = _LUMA_WEIGHTS[matrix]
    kg = 1.0 - kr - kb
    height, width = y.shape
    y_off, y_span, c_off, c_span = _range_scales(layout.bits, full_range)

    def normalised(v: NDArray[Any], offset: float, span: float) -> NDArray[np.float32]:
        out: NDArray[np.float32] = np.multiply(v, np.float32(1.0 / span), dtype=np.float32)
        out -= np.float32(offset / span)
        return out

    yn = normalised(y, y_off, y_span)
    pb = normalised(cb, c_off, c_span)
    pr = normalised(cr, c_off, c_span)
    if layout.sub_x > 1 or layout.sub_y > 1:
        pb = _upsample(pb, height, width, layout, siting)
        pr = _upsample(pr, height, width, layout, siting)
    r = np.multiply(pr, np.float32(2.0 * (1.0 - kr)))
    r += yn
    b = np.multiply(pb, np.float32(2.0 * (1.0 - kb)))
    b += yn
    g = np.multiply(pb, np.float32(-2.0 * kb * (1.0 - kb) / kg), out=pb)  # no new allocation:
    g += np.multiply(pr, np.float32(-2.0 * kr * (1.0 - kr) / kg), out=pr)  # page faults on
    g += yn  # fresh arrays cost more than the arithmetic
    return cast("Frame", cv2.merge([r, g, b]))  # interleaving: OpenCV's copy is ~3× NumPy's


def rgb_to_ycbcr(
    rgb: NDArray[Any],
    layout: YuvLayout,
    *,
    matrix: int,
    full_range: bool,
    siting: str = "left",
    out: tuple[NDArray[Any], NDArray[Any], NDArray[Any]] | None = None,
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Float R'G'B' H×W×3 → rounded code-value planes (Y', Cb, Cr), clipped to 0 … 2^n−1.

    The inverse of :func:`ycbcr_to_rgb`: planes that came from it come back identical. With
    ``out`` the codes are written into those arrays (e.g. a frame's planes) and they returned.
    """

    kr, kb = _LUMA_WEIGHTS[matrix]
    kg = 1.0 - kr - kb
    r, g, b = _split(np.ascontiguousarray(rgb, dtype=np.float32))
    y_off, y_span, c_off, c_span = _range_scales(layout.bits, full_range)
    yp = np.multiply(r, np.float32(kr))
    yp += np.multiply(g, np.float32(kg), out=g)
    yp += np.multiply(b, np.float32(kb), out=g)
    db = np.subtract(b, yp, out=b)  # = 2(1 - Kb)·Pb
    dr = np.subtract(r, yp, out=r)  # = 2(1 - Kr)·Pr
    if layout.sub_x > 1 or layout.sub_y > 1:
        db = _downsample(db, layout, siting)
        dr = _downsample(dr, layout, siting)
    top = float((1 << layout.bits) - 1)

    def code(v: NDArray[np.float32], scale: float, offset: float, i: int) -> NDArray[Any]:
        v *= np.float32(scale)
        v += np.float32(offset)
        np.rint(v, out=v)
        np.clip(v, 0.0, top, out=v)
        if out is None:
            return v.astype(layout.dtype)
        np.copyto(out[i], v, casting="unsafe")
        return out[i]

    return (
        code(yp, y_span, y_off, 0),
        code(db, c_span / (2.0 * (1.0 - kb)), c_off, 1),
        code(dr, c_span / (2.0 * (1.0 - kr)), c_off, 2),
    )


# --- PyAV frames -----------------------------------------------------------------------------


def _plane_array(plane: Any, dtype: Any, width: int, height: int) -> NDArray[Any]:
    """A view of one plane's samples, honouring its (padded) line size."""
    itemsize = np.dtype(dtype).itemsize
    flat = np.frombuffer(plane, dtype=dtype)
    stride = int(plane.line_size) // itemsize
    return flat[: stride * height].reshape(height, stride)[:, :width]


def _chroma_size(layout: YuvLayout, width: int, height: int) -> tuple[int, int]:
    return -(-width // layout.sub_x), -(-height // layout.sub_y)


def _default_siting(layout: YuvLayout) -> str:
    return "center" if layout.jpeg else "left"


def _is_full_range(layout: YuvLayout, tag: int) -> bool:
    return layout.jpeg or tag == 2


def _reformat_kwargs(frame: Any, matrix: int | None, color_range: int | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"interpolation": "BILINEAR"}
    tag = matrix if matrix not in (None, 2) else int(frame.colorspace)
    space = sws_colorspace(resolve_matrix(int(tag), int(frame.width), int(frame.height)))
    if space is not None:
        kwargs["src_colorspace"] = space
    rng = color_range if color_range else int(frame.color_range)
    if rng == 2 or frame.format.name.startswith("yuvj"):
        kwargs["src_color_range"] = "JPEG"
    return kwargs


_SNAP_MAX_BITS = 12


def snap_to_16bit_grid(rgb: Frame) -> Frame:
    """Round float RGB in place to k / 65535 (no clipping), the values a 16-bit RGB file holds.

    Decoded Y'CbCr lands between those steps; snapped, a 16-bit RGB render (FFV1, DPX, TIFF)
    stores the app's in-gamut frames bit-exactly, and the snap (at most 1/131070) moves no code
    of an 8–12-bit Y'CbCr re-encode (≤ 0.03 codes). 16-bit Y'CbCr is left unsnapped: there the
    step would be most of a code.
    """
    rgb *= np.float32(65535.0)
    np.rint(rgb, out=rgb)
    rgb /= np.float32(65535.0)  # a division, as the 16-bit RGB decode path does, for equality
    return rgb


def video_frame_to_array(
    frame: Any,
    *,
    keep_integer: bool = False,
    matrix: int | None = None,
    color_range: int | None = None,
    chroma_siting: ChromaSiting | None = None,
) -> NDArray[Any]:
    """A decoded ``av.VideoFrame`` as float32 RGB (or, with ``keep_integer``, uint8/uint16).

    ``matrix`` / ``color_range`` (FFmpeg numbers; None, 2 / 0 mean "use the frame's tag")
    override the frame's own tags; ``chroma_siting`` overrides the default siting (``left``,
    or ``center`` for ``yuvj*``). An unspecified matrix is resolved by :func:`resolve_matrix`.
    Planar Y'CbCr results are not clipped to [0, 1]; from 8–12-bit sources they are snapped to
    the 16-bit grid (:func:`snap_to_16bit_grid`). ``keep_integer`` quantises them (clipped) to
    16 bits above 8-bit sources, 8 bits otherwise.
    """
    name = frame.format.name
    layout = yuv_layout(name)
    if layout is not None:
        width, height = int(frame.width), int(frame.height)
        cw, ch = _chroma_size(layout, width, height)
        planes = frame.planes
        y = _plane_array(planes[0], layout.dtype, width, height)
        cb = _plane_array(planes[1], layout.dtype, cw, ch)
        cr = _plane_array(planes[2], layout.dtype, cw, ch)
        tag = matrix if matrix not in (None, 2) else int(frame.colorspace)
        rng = color_range if color_range else int(frame.color_range)
        rgb = ycbcr_to_rgb(
            y,
            cb,
            cr,
            layout,
            matrix=resolve_matrix(int(tag), width, height),
            full_range=_is_full_range(layout, int(rng)),
            siting=chroma_siting or _default_siting(layout),
        )
        if keep_integer:
            from workbench.media.images import quantize

            return np.ascontiguousarray(quantize(rgb, 16 if layout.bits > 8 else 8))
        if layout.bits <= _SNAP_MAX_BITS:
            snap_to_16bit_grid(rgb)
        return rgb
    bits, is_float, _alpha = pixel_format_depth(name)
    kwargs = _reformat_kwargs(frame, matrix, color_range)
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
    frame: Frame,
    pix_fmt: str,
    *,
    bit_depth: int,
    matrix: int = 2,
    color_range: int = 0,
    chroma_siting: ChromaSiting | None = None,
) -> Any:
    """Float RGB → ``av.VideoFrame`` in ``pix_fmt``.

    Planar Y'CbCr formats are computed here from the unquantised floats (``bit_depth`` is then
    unused: the format says it), with the same matrix resolution, range and siting rules as
    :func:`video_frame_to_array`, so a decode → encode round trip returns the source codes.
    Other formats are quantised at 8 or 16 bits (``bit_depth``) and converted by swscale.
    """
    import av

    from workbench.media.images import quantize

    arr = np.asarray(frame)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"expected an H×W×3 frame, got shape {arr.shape}")
    layout = yuv_layout(pix_fmt)
    if layout is not None:
        height, width = arr.shape[:2]
        out = av.VideoFrame(width, height, pix_fmt)
        cw, ch = _chroma_size(layout, width, height)
        y, cb, cr = (
            _plane_array(plane, layout.dtype, w, h)
            for plane, (w, h) in zip(out.planes, [(width, height), (cw, ch), (cw, ch)], strict=True)
        )
        rgb_to_ycbcr(
            arr,
            layout,
            matrix=resolve_matrix(matrix, width, height),
            full_range=_is_full_range(layout, color_range),
            siting=chroma_siting or _default_siting(layout),
            out=(y, cb, cr),
        )
        out.colorspace = matrix
        out.color_range = 2 if _is_full_range(layout, color_range) else 1
        return out
    if bit_depth > 8:
        src = av.VideoFrame.from_ndarray(quantize(arr, 16), format="rgb48le")
    else:
        src = av.VideoFrame.from_ndarray(quantize(arr, 8), format="rgb24")
    if pix_fmt in ("rgb24", "rgb48le"):
        return src
    kwargs: dict[str, Any] = {"format": pix_fmt, "interpolation": "BILINEAR"}
    space = sws_colorspace(resolve_matrix(matrix, arr.shape[1], arr.shape[0]))
    if space is not None:
        kwargs["dst_colorspace"] = space
    if color_range == 2 or pix_fmt.startswith("yuvj"):
        kwargs["dst_color_range"] = "JPEG"
    return src.reformat(**kwargs)
