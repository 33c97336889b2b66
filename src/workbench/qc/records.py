"""Turning what ffprobe and MediaInfo wrote (JSON) into the records of a :class:`QcReport`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from workbench.qc.reads import Json, Packets
from workbench.qc.report import (
    AudioTrack,
    Chapter,
    ColourDescription,
    ContentLight,
    DataTrack,
    HdrMetadata,
    MasteringDisplay,
    MediaInfoColour,
    SubtitleTrack,
    Timecode,
    VideoStream,
)
from workbench.qc.values import clock, decimal, integer, rational, timecode_parts


def video_stream(s: Json, frame: Json, packets: Packets, mi: Json) -> VideoStream:
    time_base = rational(s.get("time_base"))
    side = _side_data(s)
    frame_side = _side_data(frame)
    return VideoStream(
        index=int(s["index"]),
        codec=s.get("codec_name"),
        profile=_str(s.get("profile")),
        codec_tag=_fourcc(s),
        width=integer(s.get("width")),
        height=integer(s.get("height")),
        pix_fmt=s.get("pix_fmt"),
        bit_depth=integer(s.get("bits_per_raw_sample")) or integer(mi.get("BitDepth")),
        mediainfo_bit_depth=integer(mi.get("BitDepth")),
        frame_count=packets.count - packets.discarded,
        discarded_packets=packets.discarded,
        header_frame_count=integer(s.get("nb_frames")),
        mediainfo_frame_count=integer(mi.get("FrameCount")),
        r_frame_rate=rational(s.get("r_frame_rate")),
        avg_frame_rate=rational(s.get("avg_frame_rate")),
        time_base=time_base,
        stream_duration=_duration(s, time_base),
        start_time=_start(s, time_base),
        last_packet_duration=(
            packets.last_duration * time_base
            if packets.last_duration is not None and time_base
            else None
        ),
        mediainfo_duration=decimal(mi.get("Duration")),
        mediainfo_duration_last_frame=decimal(mi.get("Duration_LastFrame")),
        field_order=s.get("field_order"),
        mediainfo_scan_type=_str(mi.get("ScanType")),
        sample_aspect_ratio=rational(s.get("sample_aspect_ratio")),
        display_aspect_ratio=rational(s.get("display_aspect_ratio")),
        rotation=_rotation(s, side),
        mediainfo_rotation=_str(mi.get("Rotation")),
        colour=ColourDescription(
            range=_known(s.get("color_range")),
            primaries=_known(s.get("color_primaries")),
            transfer=_known(s.get("color_transfer")),
            space=_known(s.get("color_space")),
            mediainfo_range=_mi_colour(mi, "colour_range"),
            mediainfo_primaries=_mi_colour(mi, "colour_primaries"),
            mediainfo_transfer=_mi_colour(mi, "transfer_characteristics"),
            mediainfo_matrix=_mi_colour(mi, "matrix_coefficients"),
        ),
        hdr=_hdr(side, frame_side, mi),
        default=_default(s),
    )


def audio_track(s: Json, digest: str | None, mi: Json) -> AudioTrack:
    time_base = rational(s.get("time_base"))
    bits = integer(s.get("bits_per_raw_sample")) or integer(s.get("bits_per_sample"))
    return AudioTrack(
        index=int(s["index"]),
        codec=s.get("codec_name"),
        profile=_str(s.get("profile")),
        sample_rate=integer(s.get("sample_rate")),
        channels=integer(s.get("channels")),
        channel_layout=s.get("channel_layout"),
        language=tag(s, "language"),
        handler_name=tag(s, "handler_name"),
        bit_depth=bits or integer(mi.get("BitDepth")),
        time_base=time_base,
        duration=_duration(s, time_base),
        packet_sha256=digest,
        default=_default(s),
        start_time=_start(s, time_base),
    )


def subtitle_tracks(streams: Sequence[Json]) -> tuple[SubtitleTrack, ...]:
    return tuple(
        SubtitleTrack(
            index=int(s["index"]),
            codec=s.get("codec_name"),
            language=tag(s, "language"),
            title=tag(s, "title"),
            default=_default(s),
        )
        for s in streams
        if s.get("codec_type") == "subtitle"
    )


def data_tracks(streams: Sequence[Json]) -> tuple[DataTrack, ...]:
    return tuple(
        DataTrack(
            index=int(s["index"]),
            codec=s.get("codec_name"),
            codec_tag=_fourcc(s),
            handler_name=tag(s, "handler_name"),
        )
        for s in streams
        if s.get("codec_type") in ("data", "attachment")
    )


def chapter(c: Json) -> Chapter:
    tb = rational(c.get("time_base"))
    start = integer(c.get("start"))
    end = integer(c.get("end"))
    return Chapter(
        start=start * tb
        if tb and start is not None
        else decimal(c.get("start_time")) or Fraction(0),
        end=end * tb if tb and end is not None else decimal(c.get("end_time")) or Fraction(0),
        title=tag(c, "title"),
    )


def _duration(s: Json, time_base: Fraction | None) -> Fraction | None:
    """Exact when the stream counts in ticks; Matroska's DURATION tag next; a decimal last."""
    ticks = integer(s.get("duration_ts"))
    if ticks is not None and time_base:
        return ticks * time_base
    tagged = clock(tag(s, "DURATION"))
    if tagged is not None:
        # Matroska's DURATION tag is where the track ends on the segment's clock, not how
        # long it lasts: a track that starts later than zero lasts that much less.
        start = _start(s, time_base)
        return tagged - start if start and start > 0 else tagged
    return decimal(s.get("duration"))


def _start(s: Json, time_base: Fraction | None) -> Fraction | None:
    ticks = integer(s.get("start_pts"))
    if ticks is not None and time_base:
        return ticks * time_base
    return decimal(s.get("start_time"))


def _side_data(obj: Json) -> dict[str, Json]:
    items = obj.get("side_data_list") or []
    return {
        str(d.get("side_data_type")): d
        for d in items
        if isinstance(d, dict) and d.get("side_data_type")
    }


def _rotation(s: Json, side: Mapping[str, Json]) -> float | None:
    matrix = side.get("Display Matrix")
    if matrix is not None and matrix.get("rotation") is not None:
        return float(matrix["rotation"])
    tagged = tag(s, "rotate")
    return float(tagged) if tagged is not None and decimal(tagged) is not None else None


def _hdr(side: Mapping[str, Json], frame_side: Mapping[str, Json], mi: Json) -> HdrMetadata:
    where = None
    mastering: MasteringDisplay | None = None
    light: ContentLight | None = None
    for origin, data in (("stream", side), ("first frame", frame_side)):
        m = data.get("Mastering display metadata")
        if mastering is None and m is not None:
            mastering = _mastering(m)
            where = where or origin
        c = data.get("Content light level metadata")
        if light is None and c is not None:
            cll, fall = integer(c.get("max_content")), integer(c.get("max_average"))
            if cll is not None and fall is not None:
                light = ContentLight(cll, fall)
                where = where or origin
    return HdrMetadata(
        mastering_display=mastering,
        content_light=light,
        side_data_from=where,
        mediainfo_format=_str(mi.get("HDR_Format")),
        mediainfo_compatibility=_str(mi.get("HDR_Format_Compatibility")),
        mediainfo_mastering_primaries=_str(mi.get("MasteringDisplay_ColorPrimaries")),
        mediainfo_mastering_luminance=_str(mi.get("MasteringDisplay_Luminance")),
        mediainfo_max_cll=_str(mi.get("MaxCLL")),
        mediainfo_max_fall=_str(mi.get("MaxFALL")),
    )


def _mastering(m: Json) -> MasteringDisplay | None:
    keys = (
        "red_x",
        "red_y",
        "green_x",
        "green_y",
        "blue_x",
        "blue_y",
        "white_point_x",
        "white_point_y",
        "min_luminance",
        "max_luminance",
    )
    values = [rational(m.get(k)) for k in keys]
    # min_luminance may legitimately be 0, which rational() reads as "unknown"
    if values[8] is None and m.get("min_luminance") is not None:
        values[8] = Fraction(0)
    if any(v is None for v in values):
        return None
    v = [x if x is not None else Fraction(0) for x in values]
    return MasteringDisplay(*v)


def timecode(streams: Sequence[Json], fmt: Json, mi: Sequence[Json]) -> Timecode:
    """The start timecode from the first place that has one: a ``tmcd`` track, the picture
    stream's tag, the container's tag (MXF, Matroska), then MediaInfo."""
    candidates: list[tuple[str, str | None]] = []
    for s in streams:
        if s.get("codec_tag_string") == "tmcd" or s.get("codec_type") == "data":
            candidates.append(("tmcd track", tag(s, "timecode")))
    for s in streams:
        if s.get("codec_type") == "video":
            candidates.append(("video stream tag", tag(s, "timecode")))
    candidates.append(("container tag", tag(fmt, "timecode")))
    for t in mi:
        if t.get("@type") in ("Other", "Video", "General"):
            candidates.append(
                (f"MediaInfo {t.get('@type')} track", _str(t.get("TimeCode_FirstFrame")))
            )
    value, source = next(((v, src) for src, v in candidates if v), (None, None))
    drop = None
    if value is not None:
        parts = timecode_parts(value)
        drop = parts[1] if parts else None

    reel: str | None = None
    reel_source: str | None = None
    for s in [*streams, fmt]:
        tagged = tag(s, "reel_name")
        if tagged:
            reel, reel_source = tagged, "reel_name tag"
            break
    if reel is None:
        for t in mi:
            if t.get("@type") == "Other" and str(t.get("Type", "")).lower() == "time code":
                title = _str(t.get("Title"))
                if title:
                    reel, reel_source = title, "MediaInfo time code track title"
                    break
    if reel is None:
        for s in streams:
            handler = tag(s, "handler_name") if s.get("codec_tag_string") == "tmcd" else None
            if handler and not _generic_handler(handler):
                reel, reel_source = handler, "tmcd handler name"
                break
    return Timecode(value, source, drop, reel, reel_source)


def _generic_handler(name: str) -> bool:
    """Muxers name the timecode track's handler after the handler, not the reel."""
    low = name.lower().replace(" ", "")
    return "handler" in low or "timecode" in low


def mi_track(tracks: Sequence[Json], kind: str, stream: Json) -> Json:
    """MediaInfo's track for an ffprobe stream: same StreamOrder, else the same position."""
    same_kind = [t for t in tracks if t.get("@type") == kind]
    index = str(stream.get("index"))
    for t in same_kind:
        if str(t.get("StreamOrder")) == index:
            return t
    if kind == "Video" and same_kind:
        return same_kind[0]
    if kind == "Video":
        return next((t for t in tracks if t.get("@type") == "Image"), {})
    return {}


def _mi_colour(mi: Json, key: str) -> MediaInfoColour:
    return MediaInfoColour(
        value=_str(mi.get(key)),
        source=_str(mi.get(f"{key}_Source")),
        original=_str(mi.get(f"{key}_Original")),
        original_source=_str(mi.get(f"{key}_Original_Source")),
    )


def tag(obj: Json, name: str) -> str | None:
    """A tag by name, whatever its case (Matroska writes ``TITLE``, MOV ``title``)."""
    tags = obj.get("tags") or {}
    if not isinstance(tags, dict):
        return None
    low = name.lower()
    for key, value in tags.items():
        if str(key).lower() == low and value is not None and str(value) != "":
            return str(value)
    return None


def _default(s: Json) -> bool | None:
    disposition = s.get("disposition")
    if not isinstance(disposition, dict) or "default" not in disposition:
        return None
    return bool(disposition["default"])


def _fourcc(s: Json) -> str | None:
    """The codec tag; ffprobe writes ``[0][0][0][0]`` where the container has none (Matroska,
    image sequences)."""
    tag = s.get("codec_tag_string")
    return None if tag in (None, "", "[0][0][0][0]") else str(tag)


def _known(value: object) -> str | None:
    return None if value in (None, "", "unknown", "unspecified", "reserved") else str(value)


def _str(value: object) -> str | None:
    return None if value is None or value == "" else str(value)
