"""What Workbench writes: one table of codecs and containers, read by every part that asks.

The writer, the render pipeline's preflight, the CLI's ``--codec`` / ``--list-codecs`` and the
render queue all read these tables, so a codec name, an extension or a container's limits are
written down once. A deliverable keeps its source's format unless the user asks otherwise:
:func:`default_codec` picks the source's own codec and profile when the container can hold it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.media.errors import UnsupportedMediaError

if TYPE_CHECKING:
    from workbench.media.info import MediaInfo


@dataclass(frozen=True)
class CodecSpec:
    """One output codec choice: FFmpeg encoder, options and the pixel format per bit depth."""

    name: str
    encoder: str
    kind: str  # "video" or "image"
    options: dict[str, str] = field(default_factory=dict)
    formats: dict[int, str] = field(default_factory=dict)  # source bit depth -> pix_fmt
    limited_range: bool = False
    even_dimensions: bool = False
    intra_only: bool = False
    description: str = ""
    codec: str = ""
    """FFmpeg's decoder name for what this writes (``prores``, ``dnxhd``…), to match a source."""
    profile: str | None = None
    """The profile name FFmpeg reports when reading it back (``HQ``, ``DNXHR HQ``…)."""
    extensions: tuple[str, ...] = ()

    def pixel_format(self, bit_depth: int, is_float: bool = False) -> str:
        if is_float and 32 in self.formats:
            return self.formats[32]
        for depth in sorted(self.formats):
            if depth >= bit_depth and depth != 32:
                return self.formats[depth]
        return self.formats[max(d for d in self.formats if d != 32)]


def _prores(name: str, profile: int, label: str, fmt: str, what: str) -> CodecSpec:
    return CodecSpec(
        name,
        "prores_ks",
        "video",
        {"profile": str(profile), "vendor": "apl0"},
        {16: fmt},
        limited_range=True,
        intra_only=True,
        description=what,
        codec="prores",
        profile=label,
        extensions=(".mov",),
    )


def _dnxhr(name: str, profile: str, label: str, fmt: str, what: str) -> CodecSpec:
    return CodecSpec(
        name,
        "dnxhd",
        "video",
        {"profile": profile},
        {16: fmt},
        limited_range=True,
        intra_only=True,
        description=what,
        codec="dnxhd",
        profile=label,
        extensions=(".mxf", ".mov"),
    )


CODECS: dict[str, CodecSpec] = {
    "prores_proxy": _prores("prores_proxy", 0, "Proxy", "yuv422p10le", "ProRes 422 Proxy, 10-bit"),
    "prores_lt": _prores("prores_lt", 1, "LT", "yuv422p10le", "ProRes 422 LT, 10-bit"),
    "prores_422": _prores("prores_422", 2, "Standard", "yuv422p10le", "ProRes 422, 10-bit"),
    "prores": _prores("prores", 3, "HQ", "yuv422p10le", "ProRes 422 HQ, 10-bit 4:2:2"),
    "prores_4444": _prores("prores_4444", 4, "4444", "yuv444p10le", "ProRes 4444, 10-bit 4:4:4"),
    "prores_4444xq": _prores(
        "prores_4444xq", 5, "XQ", "yuv444p10le", "ProRes 4444 XQ, 10-bit 4:4:4"
    ),
    "dnxhr_lb": _dnxhr("dnxhr_lb", "dnxhr_lb", "DNXHR LB", "yuv422p", "DNxHR LB, 8-bit 4:2:2"),
    "dnxhr_sq": _dnxhr("dnxhr_sq", "dnxhr_sq", "DNXHR SQ", "yuv422p", "DNxHR SQ, 8-bit 4:2:2"),
    "dnxhr_hq": _dnxhr("dnxhr_hq", "dnxhr_hq", "DNXHR HQ", "yuv422p", "DNxHR HQ, 8-bit 4:2:2"),
    "dnxhr_hqx": _dnxhr(
        "dnxhr_hqx", "dnxhr_hqx", "DNXHR HQX", "yuv422p10le", "DNxHR HQX, 10-bit 4:2:2"
    ),
    "dnxhr_444": _dnxhr(
        "dnxhr_444", "dnxhr_444", "DNXHR 444", "yuv444p10le", "DNxHR 444, 10-bit 4:4:4"
    ),
    "ffv1": CodecSpec(
        "ffv1",
        "ffv1",
        "video",
        {"level": "3", "g": "1", "slicecrc": "1"},
        {8: "bgr0", 10: "gbrp10le", 12: "gbrp12le", 16: "gbrp16le", 32: "gbrpf32le"},
        intra_only=True,
        description="FFV1 lossless (keeps a FFV1 source's pixel format; else RGB at its depth)",
        codec="ffv1",
        extensions=(".mkv",),
    ),
    "h264": CodecSpec(
        "h264",
        "libx264",
        "video",
        {"crf": "18", "preset": "medium"},
        {16: "yuv420p"},
        limited_range=True,
        even_dimensions=True,
        description="H.264 8-bit 4:2:0, CRF 18 (review copies)",
        codec="h264",
        extensions=(".mp4", ".m4v", ".mov", ".mkv"),
    ),
    "png": CodecSpec(
        "png", "png", "image", {}, {8: "8", 16: "16"}, description="PNG, 8 or 16-bit",
        codec="png", extensions=(".png",),
    ),
    "tiff": CodecSpec(
        "tiff", "tiff", "image", {}, {8: "8", 16: "16"}, description="TIFF, 8 or 16-bit",
        codec="tiff", extensions=(".tif", ".tiff"),
    ),
    "jpeg": CodecSpec(
        "jpeg", "mjpeg", "image", {}, {16: "8"}, description="JPEG, 8-bit",
        codec="mjpeg", extensions=(".jpg", ".jpeg"),
    ),
    "exr": CodecSpec(
        "exr", "exr", "image", {}, {16: "half", 32: "float"},
        description="OpenEXR, half or float", codec="exr", extensions=(".exr",),
    ),
    "dpx": CodecSpec(
        "dpx",
        "dpx",
        "image",
        {},
        {8: "rgb24", 10: "gbrp10le", 12: "gbrp12le", 16: "rgb48le"},
        description="DPX, 8/10/12/16-bit at the source's depth",
        codec="dpx",
        extensions=(".dpx",),
    ),
}
"""Codec names accepted by the writer and ``workbench render --codec``."""

ALIASES: dict[str, str] = {
    "prores_hq": "prores",
    "prores422hq": "prores",
    "prores_422_hq": "prores",
    "prores422": "prores_422",
    "prores_standard": "prores_422",
    "prores422lt": "prores_lt",
    "prores422proxy": "prores_proxy",
    "prores4444": "prores_4444",
    "prores4444xq": "prores_4444xq",
    "prores_xq": "prores_4444xq",
    "dnxhr": "dnxhr_hqx",
    "dnxhd": "dnxhr_hqx",
    "dnxhrhq": "dnxhr_hq",
    "dnxhrhqx": "dnxhr_hqx",
    "dnxhrsq": "dnxhr_sq",
    "dnxhrlb": "dnxhr_lb",
    "dnxhr444": "dnxhr_444",
    "x264": "h264",
    "avc": "h264",
    "libx264": "h264",
    "tif": "tiff",
    "jpg": "jpeg",
    "openexr": "exr",
}
"""The names people type for a codec, mapped onto :data:`CODECS`."""


@dataclass(frozen=True)
class Container:
    """A video container and the streams it can hold unchanged."""

    name: str  # FFmpeg muxer
    extensions: tuple[str, ...]
    audio: frozenset[str]
    subtitles: frozenset[str]
    data: frozenset[str] = frozenset()
    default_codec: str = "prores"
    timecode_track: bool = False
    mime: str = "video/quicktime"
    pads_audio: bool = False
    """MXF interleaves by edit unit: audio shorter than the picture is padded with silence, or
    FFmpeg's muxer stops the picture where the audio ends."""


_PCM = frozenset(
    {"pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s24be", "pcm_s32le", "pcm_s32be", "pcm_f32le",
     "pcm_f32be", "pcm_u8"}
)
CONTAINERS: dict[str, Container] = {
    ".mov": Container(
        "mov",
        (".mov",),
        _PCM | {"aac", "alac", "mp2", "mp3", "ac3", "eac3"},
        frozenset({"mov_text"}),
        frozenset({"bin_data"}),
        "prores",
        timecode_track=True,
        mime="video/quicktime",
    ),
    ".mp4": Container(
        "mp4",
        (".mp4", ".m4v"),
        frozenset({"aac", "mp2", "mp3", "ac3", "eac3", "alac", "opus", "flac"}),
        frozenset({"mov_text"}),
        frozenset(),
        "h264",
        timecode_track=True,
        mime="video/mp4",
    ),
    ".mkv": Container(
        "matroska",
        (".mkv",),
        _PCM - {"pcm_s16be", "pcm_s24be", "pcm_s32be", "pcm_f32be", "pcm_u8"}
        | {"aac", "ac3", "eac3", "flac", "opus", "vorbis", "mp2", "mp3", "alac", "dts", "truehd"},
        frozenset({"subrip", "srt", "ass", "ssa", "webvtt", "hdmv_pgs_subtitle", "dvd_subtitle"}),
        frozenset(),
        "ffv1",
        mime="video/x-matroska",
    ),
    ".mxf": Container(
        "mxf",
        (".mxf",),
        frozenset({"pcm_s16le", "pcm_s24le"}),
        frozenset(),
        frozenset(),
        "dnxhr_hqx",
        mime="application/mxf",
        pads_audio=True,
    ),
}
CONTAINERS[".m4v"] = CONTAINERS[".mp4"]

IMAGE_DEFAULTS = {
    ".png": "png",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".exr": "exr",
    ".dpx": "dpx",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
}
DEFAULT_CODEC_BY_EXTENSION: dict[str, str] = {
    **{ext: c.default_codec for ext, c in CONTAINERS.items()},
    **IMAGE_DEFAULTS,
}
MIME_BY_EXTENSION: dict[str, str] = {
    **{ext: c.mime for ext, c in CONTAINERS.items()},
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".exr": "image/x-exr",
    ".dpx": "image/x-dpx",
}


def resolve_codec(name: str) -> str:
    """The :data:`CODECS` key for a name a person typed (``prores_hq``, ``DNxHR``, ``x264``)."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in CODECS:
        return key
    squeezed = key.replace("_", "")
    for candidate in (key, squeezed):
        if candidate in ALIASES:
            return ALIASES[candidate]
    for codec in CODECS:
        if codec.replace("_", "") == squeezed:
            return codec
    raise UnsupportedMediaError(
        f"unknown codec {name!r}",
        hint=f"use one of: {', '.join(CODECS)} (workbench render --list-codecs says what each "
        "writes)",
    )


def source_codec(like: MediaInfo) -> str | None:
    """The :data:`CODECS` entry that writes what ``like`` already is, if there is one."""
    for spec in CODECS.values():
        if spec.kind != "video" or spec.codec != like.codec:
            continue
        if spec.profile is None or spec.profile == like.profile:
            return spec.name
    return None


def default_codec(extension: str, like: MediaInfo | None) -> str | None:
    """The codec a render into ``extension`` writes when the user names none.

    The source's own codec and profile where that container holds it (ProRes 422 stays 422,
    DNxHR HQ stays HQ, FFV1 stays FFV1), else the extension's default. Long-GOP sources
    (H.264 from a camera) get the extension's mastering codec: a deliverable is re-encoded
    anyway, and a .mov of H.264 is rarely what a facility asks for.
    """
    ext = extension.lower()
    if like is not None and ext in CONTAINERS:
        same = source_codec(like)
        if same is not None and CODECS[same].intra_only and ext in CODECS[same].extensions:
            return same
    return DEFAULT_CODEC_BY_EXTENSION.get(ext)


def codec_table() -> list[tuple[str, str, str]]:
    """(name, extensions, what it writes) for every codec, for ``--list-codecs`` and menus."""
    return [(s.name, " ".join(s.extensions), s.description) for s in CODECS.values()]
