"""What a media file is, as one frozen record.

:class:`MediaInfo` is the contract between probing, the readers and the writers: a writer given
the ``MediaInfo`` of its source keeps that source's frame rate, frame count, timecode, bit depth
and colour tags (DESIGN invariant 6). Everything in it is plain data, so it pickles across a
process boundary (``safe_probe``) and can be stored as JSON (:meth:`MediaInfo.to_dict`).
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

# FFmpeg's enum values (libavutil/pixfmt.h); kept as ints on the record, named for people.
_PRIMARIES = {
    1: "bt709",
    2: "unspecified",
    4: "bt470m",
    5: "bt470bg",
    6: "smpte170m",
    7: "smpte240m",
    8: "film",
    9: "bt2020",
    10: "smpte428",
    11: "smpte431",
    12: "smpte432",
    22: "ebu3213",
}
_TRANSFER = {
    1: "bt709",
    2: "unspecified",
    4: "gamma22",
    5: "gamma28",
    6: "smpte170m",
    7: "smpte240m",
    8: "linear",
    9: "log100",
    10: "log316",
    11: "iec61966-2-4",
    12: "bt1361e",
    13: "iec61966-2-1",
    14: "bt2020-10",
    15: "bt2020-12",
    16: "smpte2084",
    17: "smpte428",
    18: "arib-std-b67",
}
_MATRIX = {
    0: "gbr",
    1: "bt709",
    2: "unspecified",
    4: "fcc",
    5: "bt470bg",
    6: "smpte170m",
    7: "smpte240m",
    8: "ycgco",
    9: "bt2020nc",
    10: "bt2020c",
    11: "smpte2085",
    12: "chroma-derived-nc",
    13: "chroma-derived-c",
    14: "ictcp",
}
_RANGE = {0: "unspecified", 1: "tv", 2: "pc"}


class MediaKind(enum.StrEnum):
    VIDEO = "video"
    SEQUENCE = "image_sequence"
    STILL = "still"


@dataclass(frozen=True)
class ColorInfo:
    """Colour tags as FFmpeg numbers them (2 / 0 mean unspecified); names via properties."""

    primaries: int = 2
    transfer: int = 2
    matrix: int = 2
    range: int = 0

    @property
    def primaries_name(self) -> str:
        return _PRIMARIES.get(self.primaries, str(self.primaries))

    @property
    def transfer_name(self) -> str:
        return _TRANSFER.get(self.transfer, str(self.transfer))

    @property
    def matrix_name(self) -> str:
        return _MATRIX.get(self.matrix, str(self.matrix))

    @property
    def range_name(self) -> str:
        return _RANGE.get(self.range, str(self.range))

    @property
    def is_specified(self) -> bool:
        return (self.primaries, self.transfer, self.matrix, self.range) != (2, 2, 2, 0)


@dataclass(frozen=True)
class AudioStreamInfo:
    index: int
    codec: str
    sample_rate: int
    channels: int
    layout: str
    sample_format: str
    time_base: Fraction | None
    language: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    disposition: int = 0
    start: Fraction | None = None
    """The first packet's time in seconds, as the container gives it."""


@dataclass(frozen=True)
class OtherStreamInfo:
    """A data or subtitle stream (tmcd, captions, metadata) that a render carries through."""

    index: int
    type: str
    codec: str | None
    codec_tag: str | None
    time_base: Fraction | None
    tags: dict[str, str] = field(default_factory=dict)
    disposition: int = 0
    start: Fraction | None = None

    @property
    def is_timecode_track(self) -> bool:
        """A QuickTime tmcd track; writers regenerate it from ``MediaInfo.timecode``.

        PyAV reports no codec tag for data streams, and only FFmpeg names the track's handler
        "TimeCodeHandler" (Apple: "Core Media Time Code", Premiere and ``-c copy`` files keep
        whatever they were given), so a data stream that carries a ``timecode`` tag counts too.
        """
        return (
            self.codec_tag == "tmcd"
            or self.tags.get("handler_name") == "TimeCodeHandler"
            or (self.type == "data" and "timecode" in self.tags)
        )


@dataclass(frozen=True)
class ChapterInfo:
    """One chapter mark: start and end in ``time_base`` units, and its title."""

    start: int
    end: int
    time_base: Fraction
    title: str = ""

    @property
    def start_seconds(self) -> Fraction:
        return self.start * self.time_base


FIELD_ORDERS = {0: "unknown", 1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}
"""FFmpeg's ``AVFieldOrder``: tt/bb top/bottom field first (coded and displayed), tb/bt mixed."""


@dataclass(frozen=True)
class MediaInfo:
    """One probed media file: video, image sequence, or still.

    ``frame_rate`` is exact. For variable frame rate video ``vfr`` is true, ``frame_rate`` is the
    average rate, and ``frame_pts`` holds every frame's presentation time in ``time_base`` units
    (presentation order); for constant rate ``frame_pts`` is empty. ``fingerprint`` is the cheap
    content fingerprint of :func:`workbench.media.fingerprint.content_fingerprint`.
    For sequences ``path`` is the printf pattern, ``frame_numbers`` the numbers present and
    ``missing_frames`` the gaps between first and last.
    """

    path: str
    kind: MediaKind
    container: str
    codec: str
    width: int
    height: int
    frame_rate: Fraction
    frame_count: int
    duration: Fraction
    pixel_format: str
    bit_depth: int
    fingerprint: str
    vfr: bool = False
    time_base: Fraction | None = None
    frame_pts: tuple[int, ...] = ()
    start_pts: int = 0
    timecode: str | None = None
    color: ColorInfo = field(default_factory=ColorInfo)
    audio: tuple[AudioStreamInfo, ...] = ()
    other_streams: tuple[OtherStreamInfo, ...] = ()
    video_stream_index: int = 0
    frame_rate_is_nominal: bool = False
    frame_numbers: tuple[int, ...] = ()
    missing_frames: tuple[int, ...] = ()
    is_float: bool = False
    has_alpha: bool = False
    intra_only: bool = False
    """Every picture packet is a keyframe: each frame can be copied on its own."""
    profile: str | None = None
    field_order: int = 0
    sample_aspect_ratio: Fraction | None = None
    display_matrix: tuple[int, ...] = ()
    hdr_side_data: dict[str, str] = field(default_factory=dict)
    """Hex bytes of the first frame's static HDR side data (mastering display, light level)."""
    tags: dict[str, str] = field(default_factory=dict)
    """The picture stream's tags (handler name, language, reel name, timecode…)."""
    container_tags: dict[str, str] = field(default_factory=dict)
    chapters: tuple[ChapterInfo, ...] = ()
    disposition: int = 0

    @property
    def interlaced(self) -> bool:
        return self.field_order > 1

    @property
    def field_order_name(self) -> str:
        return FIELD_ORDERS.get(self.field_order, str(self.field_order))

    @property
    def rotation(self) -> float:
        """Display rotation in degrees (counter-clockwise, as FFmpeg reports it), 0 if none."""
        if len(self.display_matrix) != 9:
            return 0.0
        import math

        m = self.display_matrix
        scale0 = math.hypot(m[0], m[3]) or 1.0
        scale1 = math.hypot(m[1], m[4]) or 1.0
        return round(-math.degrees(math.atan2(m[1] / scale1, m[0] / scale0)), 6) + 0.0

    @property
    def first_frame(self) -> int | None:
        return self.frame_numbers[0] if self.frame_numbers else None

    @property
    def has_gaps(self) -> bool:
        return bool(self.missing_frames)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (fractions as ``"num/den"`` strings)."""

        def conv(value: Any) -> Any:
            if isinstance(value, Fraction):
                return f"{value.numerator}/{value.denominator}"
            if isinstance(value, enum.Enum):
                return value.value
            if isinstance(value, dict):
                return {k: conv(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [conv(v) for v in value]
            return value

        return {k: conv(v) for k, v in asdict(self).items()}
