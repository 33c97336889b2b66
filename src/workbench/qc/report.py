"""What the independent readers said about one file, as plain frozen records.

Each field keeps the reader's own words (ffprobe's ``pix_fmt`` names, MediaInfo's colour names)
rather than Workbench's interpretation, so a report can be checked against the tools themselves
by anyone. Where the readers disagree, or where MediaInfo tells container from bitstream, both
values are kept side by side: the disagreement is often the finding. Exact rates and durations
are :class:`~fractions.Fraction` values and are written as ``"n/d"`` strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, cast

from workbench.qc.serial import JsonValue, from_jsonable, to_jsonable

SCHEMA = "workbench.qc.report/1"


@dataclass(frozen=True)
class MediaInfoColour:
    """One colour property as MediaInfo reports it, with where it found each value.

    MediaInfo writes ``colour_primaries`` with ``colour_primaries_Source`` ("Container",
    "Stream" or "Container / Stream"); when the container and the bitstream disagree it adds the
    other place's value as ``colour_primaries_Original`` (absent when that place leaves the
    property unspecified) with its own source.
    """

    value: str | None = None
    source: str | None = None
    original: str | None = None
    original_source: str | None = None

    def _at(self, place: str) -> str | None:
        if self.source and place in self.source:
            return self.value
        if self.original_source and place in self.original_source:
            return self.original
        return None

    @property
    def container(self) -> str | None:
        """What the container (``colr`` atom, MKV Colour element) says."""
        return self._at("Container")

    @property
    def bitstream(self) -> str | None:
        """What the coded stream (VUI, ProRes frame header) says."""
        return self._at("Stream")


@dataclass(frozen=True)
class ColourDescription:
    """ffprobe's view of the stream's colour (container merged with the decoder), and MediaInfo's
    per-place view of the same four properties."""

    range: str | None = None
    primaries: str | None = None
    transfer: str | None = None
    space: str | None = None
    mediainfo_range: MediaInfoColour = field(default_factory=MediaInfoColour)
    mediainfo_primaries: MediaInfoColour = field(default_factory=MediaInfoColour)
    mediainfo_transfer: MediaInfoColour = field(default_factory=MediaInfoColour)
    mediainfo_matrix: MediaInfoColour = field(default_factory=MediaInfoColour)


@dataclass(frozen=True)
class MasteringDisplay:
    """SMPTE ST 2086 mastering display colour volume: CIE 1931 xy and luminance in cd/m²."""

    red_x: Fraction
    red_y: Fraction
    green_x: Fraction
    green_y: Fraction
    blue_x: Fraction
    blue_y: Fraction
    white_x: Fraction
    white_y: Fraction
    min_luminance: Fraction
    max_luminance: Fraction


@dataclass(frozen=True)
class ContentLight:
    """CTA-861.3 content light level: MaxCLL and MaxFALL in cd/m²."""

    max_cll: int
    max_fall: int


@dataclass(frozen=True)
class HdrMetadata:
    """Static HDR metadata from ffprobe's side data and MediaInfo's HDR fields."""

    mastering_display: MasteringDisplay | None = None
    content_light: ContentLight | None = None
    side_data_from: str | None = None
    mediainfo_format: str | None = None
    mediainfo_compatibility: str | None = None
    mediainfo_mastering_primaries: str | None = None
    mediainfo_mastering_luminance: str | None = None
    mediainfo_max_cll: str | None = None
    mediainfo_max_fall: str | None = None

    @property
    def present(self) -> bool:
        return any(
            v is not None
            for v in (
                self.mastering_display,
                self.content_light,
                self.mediainfo_format,
                self.mediainfo_max_cll,
            )
        )


@dataclass(frozen=True)
class Timecode:
    """The start timecode, whether it is drop-frame, the reel, and which reader said so."""

    value: str | None = None
    source: str | None = None
    drop_frame: bool | None = None
    reel_name: str | None = None
    reel_source: str | None = None


@dataclass(frozen=True)
class VideoStream:
    """The first picture stream (``0:v:0``): what a delivery spec asks about."""

    index: int
    codec: str | None = None
    profile: str | None = None
    codec_tag: str | None = None
    width: int | None = None
    height: int | None = None
    pix_fmt: str | None = None
    bit_depth: int | None = None
    mediainfo_bit_depth: int | None = None
    frame_count: int | None = None
    discarded_packets: int = 0
    header_frame_count: int | None = None
    mediainfo_frame_count: int | None = None
    r_frame_rate: Fraction | None = None
    avg_frame_rate: Fraction | None = None
    time_base: Fraction | None = None
    stream_duration: Fraction | None = None
    start_time: Fraction | None = None
    last_packet_duration: Fraction | None = None
    mediainfo_duration: Fraction | None = None
    mediainfo_duration_last_frame: Fraction | None = None
    field_order: str | None = None
    mediainfo_scan_type: str | None = None
    sample_aspect_ratio: Fraction | None = None
    display_aspect_ratio: Fraction | None = None
    rotation: float | None = None
    mediainfo_rotation: str | None = None
    colour: ColourDescription = field(default_factory=ColourDescription)
    hdr: HdrMetadata = field(default_factory=HdrMetadata)
    default: bool | None = None

    @property
    def rate(self) -> Fraction | None:
        """The nominal rate (ffprobe's ``r_frame_rate``), falling back to the average."""
        return self.r_frame_rate or self.avg_frame_rate

    @property
    def display_aspect(self) -> Fraction | None:
        """Width × pixel aspect / height: the picture's shape on screen, computed, not quoted."""
        if not self.width or not self.height:
            return None
        return Fraction(self.width, self.height) * (self.sample_aspect_ratio or 1)


@dataclass(frozen=True)
class AudioTrack:
    """One audio stream; ``packet_sha256`` covers its coded bytes, so a copy is provably a copy."""

    index: int
    codec: str | None = None
    profile: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    channel_layout: str | None = None
    language: str | None = None
    handler_name: str | None = None
    bit_depth: int | None = None
    time_base: Fraction | None = None
    duration: Fraction | None = None
    packet_sha256: str | None = None
    default: bool | None = None
    start_time: Fraction | None = None
    sample_sha256: str | None = None
    """SHA-256 of the decoded samples (as 32-bit PCM) of ``samples`` — only read where QC
    compares a cut span of audio sample for sample (:mod:`workbench.qc.sub_range`)."""
    samples: tuple[int, int] | None = None
    """The samples ``sample_sha256`` covers (first, end exclusive); None: the whole track."""


@dataclass(frozen=True)
class SubtitleTrack:
    index: int
    codec: str | None = None
    language: str | None = None
    title: str | None = None
    default: bool | None = None


@dataclass(frozen=True)
class DataTrack:
    """A data stream, e.g. QuickTime's ``tmcd`` timecode track."""

    index: int
    codec: str | None = None
    codec_tag: str | None = None
    handler_name: str | None = None


@dataclass(frozen=True)
class Chapter:
    start: Fraction
    end: Fraction
    title: str | None = None


@dataclass(frozen=True)
class QcReport:
    """Everything QC read from one file (or one image sequence)."""

    path: str
    container_format: str | None = None
    container_long_name: str | None = None
    container_duration: Fraction | None = None
    container_start_time: Fraction | None = None
    sequence_start: int | None = None
    title: str | None = None
    creation_time: str | None = None
    video: VideoStream | None = None
    audio: tuple[AudioTrack, ...] = ()
    subtitles: tuple[SubtitleTrack, ...] = ()
    data: tuple[DataTrack, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    timecode: Timecode = field(default_factory=Timecode)
    decode_errors: int | None = None
    decode_error_lines: tuple[str, ...] = ()
    readers: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, JsonValue]:
        """JSON-ready, labelled with its schema so an archived report can be read back."""
        body = to_jsonable(self)
        assert isinstance(body, dict)
        return {"schema": SCHEMA, **body}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QcReport:
        """The report that :meth:`to_dict` wrote; a report of another schema is refused."""
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} record (schema {data.get('schema')!r})")
        body = {k: v for k, v in data.items() if k != "schema"}
        return cast(QcReport, from_jsonable(cls, body))
