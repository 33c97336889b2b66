"""Reading a delivered file with ffprobe, ffmpeg and MediaInfo: :func:`inspect`.

QC deliberately does not use Workbench's own PyAV probe: a reader built from other code (the
ffmpeg command-line tools, and MediaInfo, which parses containers with its own library) is what
a post house or a distributor will run on the delivery, and a bug shared by our writer and our
reader would be invisible to a check made with the same library.

Six reads, each time-limited: the headers (format, streams, chapters); the first decoded frame's
side data (HDR metadata often lives only there); every packet of the picture stream (the true
frame count and the last packet's duration, without decoding); MediaInfo's report; a SHA-256
of each audio track's coded bytes (copied, never decoded); and a full decode that counts errors.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from workbench.media.sequence import detect_sequence, is_pattern
from workbench.qc import runner
from workbench.qc.errors import QcUnreadableError
from workbench.qc.report import (
    AudioTrack,
    Chapter,
    ColourDescription,
    ContentLight,
    DataTrack,
    HdrMetadata,
    MasteringDisplay,
    MediaInfoColour,
    QcReport,
    SubtitleTrack,
    Timecode,
    VideoStream,
)
from workbench.qc.values import clock, decimal, integer, rational, timecode_parts

#: Rate assumed for an image sequence when none is given (frames carry no reliable rate).
DEFAULT_SEQUENCE_RATE = Fraction(24)
#: How many decode error lines a report keeps (the count covers all of them).
KEPT_ERROR_LINES = 10

Json = dict[str, Any]

# The fixed part of each read's command line (the input options follow).
_HEADERS = (
    "ffprobe -v error -print_format json -show_program_version"
    " -show_format -show_streams -show_chapters"
)
_FIRST_FRAME = (
    "ffprobe -v error -print_format json -select_streams v:0"
    " -read_intervals %+#1 -show_frames -show_entries frame=side_data_list"
)
_PACKETS = (
    "ffprobe -v error -select_streams v:0 -show_entries packet=pts,dts,duration,flags -of compact"
)


def inspect(
    path: str | os.PathLike[str],
    *,
    rate: Fraction | int | None = None,
    decode: bool = True,
    timeout: float = 3600.0,
) -> QcReport:
    """What ffprobe, ffmpeg and MediaInfo say about ``path``.

    ``path`` is a media file, or an image sequence as a printf or ``####`` pattern
    (``shot_%04d.dpx``), read from its first number at ``rate`` (24 fps when not given).
    ``decode=False`` skips the full decode (``decode_errors`` is then None). ``timeout`` limits
    each long pass (packets, audio hashes, decode); header reads have a shorter fixed limit.
    """
    text = os.fspath(path)
    notes: list[str] = []
    sequence_start: int | None = None
    if is_pattern(text):
        spec = detect_sequence(text)
        assert spec is not None
        sequence_start = spec.frames[0]
        seq_rate = Fraction(rate) if rate is not None else DEFAULT_SEQUENCE_RATE
        if rate is None:
            notes.append(f"image sequence read at an assumed {seq_rate} fps")
        if spec.missing:
            notes.append(f"the sequence has {len(spec.missing)} missing frame(s)")
        source_args = [
            "-f",
            "image2",
            "-start_number",
            str(sequence_start),
            "-framerate",
            str(seq_rate),
            "-i",
            spec.pattern,
        ]
        mediainfo_target = str(spec.path_of(sequence_start))
        notes.append("MediaInfo read the first image of the sequence only")
        label = spec.pattern
    else:
        if not Path(text).is_file():
            raise QcUnreadableError(f"no file at {text}", hint="check the path")
        source_args = ["-i", text]
        mediainfo_target = text
        label = text

    probe = _probe(source_args, label)
    streams: list[Json] = [s for s in probe.get("streams", []) if isinstance(s, dict)]
    fmt: Json = probe.get("format") or {}
    mi_tracks = _mediainfo(mediainfo_target, notes)
    readers = {"ffprobe": str((probe.get("program_version") or {}).get("version", "?"))}
    mi_version = mi_tracks.pop(-1).get("version") if mi_tracks else None
    readers["mediainfo"] = str(mi_version or "?")

    video_json = next((s for s in streams if s.get("codec_type") == "video"), None)
    video = None
    if video_json is not None:
        frame = _first_frame(source_args, label)
        packets = _packets(source_args, label, timeout)
        video = _video(video_json, frame, packets, _mi_track(mi_tracks, "Video", video_json))

    audio_json = [s for s in streams if s.get("codec_type") == "audio"]
    hashes, errors, error_lines = _hash_and_decode(
        source_args,
        label,
        audio_count=len(audio_json),
        has_video=video_json is not None,
        decode=decode,
        timeout=timeout,
        notes=notes,
    )
    audio = tuple(
        _audio(s, hashes.get(n), _mi_track(mi_tracks, "Audio", s)) for n, s in enumerate(audio_json)
    )
    subtitles = tuple(
        SubtitleTrack(
            index=int(s["index"]),
            codec=s.get("codec_name"),
            language=_tag(s, "language"),
            title=_tag(s, "title"),
            default=_default(s),
        )
        for s in streams
        if s.get("codec_type") == "subtitle"
    )
    data = tuple(
        DataTrack(
            index=int(s["index"]),
            codec=s.get("codec_name"),
            codec_tag=_fourcc(s),
            handler_name=_tag(s, "handler_name"),
        )
        for s in streams
        if s.get("codec_type") in ("data", "attachment")
    )
    chapters = tuple(_chapter(c) for c in probe.get("chapters", []) if isinstance(c, dict))

    return QcReport(
        path=label,
        container_format=fmt.get("format_name"),
        container_long_name=fmt.get("format_long_name"),
        container_duration=decimal(fmt.get("duration")),
        container_start_time=decimal(fmt.get("start_time")),
        sequence_start=sequence_start,
        title=_tag(fmt, "title"),
        creation_time=_tag(fmt, "creation_time"),
        video=video,
        audio=audio,
        subtitles=subtitles,
        data=data,
        chapters=chapters,
        timecode=_timecode(streams, fmt, mi_tracks),
        decode_errors=errors,
        decode_error_lines=error_lines,
        readers=readers,
        notes=tuple(notes),
    )


# -- the reads ------------------------------------------------------------------------------
def _probe(source_args: Sequence[str], label: str) -> Json:
    done = runner.run(
        [*_words(_HEADERS), *source_args],
        timeout=runner.PROBE_TIMEOUT,
        what=f"ffprobe reading {label}",
    )
    try:
        result = json.loads(done.stdout) if done.stdout.strip() else {}
    except json.JSONDecodeError:
        result = {}
    if done.returncode != 0 or not isinstance(result, dict) or not result.get("streams"):
        reason = _first_line(done.stderr) or "no audio, video or other streams found"
        raise QcUnreadableError(
            f"ffprobe cannot read {label}: {reason}",
            hint="the file is damaged, incomplete or not media; check it was copied completely",
        )
    return result


def _first_frame(source_args: Sequence[str], label: str) -> Json:
    """The first decoded picture's side data: x265 and many cameras put HDR metadata in SEI
    messages that only a decoded frame shows, not the stream headers."""
    done = runner.run(
        [*_words(_FIRST_FRAME), *source_args],
        timeout=runner.PROBE_TIMEOUT,
        what=f"ffprobe reading the first frame of {label}",
    )
    try:
        frames = json.loads(done.stdout).get("frames") or []
    except (json.JSONDecodeError, AttributeError):
        return {}
    return frames[0] if frames and isinstance(frames[0], dict) else {}


class _Packets:
    """Running totals over the picture stream's packets (constant memory for any length)."""

    def __init__(self) -> None:
        self.count = 0
        self.discarded = 0
        self.last_pts: int | None = None
        self.last_duration: int | None = None

    def add(self, line: str) -> None:
        if not line.startswith("packet|"):
            return
        fields = dict(part.partition("=")[::2] for part in line.split("|")[1:])
        self.count += 1
        if "D" in fields.get("flags", ""):
            self.discarded += 1
            return
        pts = integer(fields.get("pts"))
        if pts is None:
            pts = integer(fields.get("dts"))
        if pts is not None and (self.last_pts is None or pts >= self.last_pts):
            self.last_pts = pts
            self.last_duration = integer(fields.get("duration"))


def _packets(source_args: Sequence[str], label: str, timeout: float) -> _Packets:
    """Every packet of ``v:0``, demuxed but not decoded: the frame count whatever the header
    claims, and the duration of the packet presented last."""
    totals = _Packets()
    done = runner.stream(
        [*_words(_PACKETS), *source_args],
        totals.add,
        timeout=timeout,
        what=f"ffprobe reading the packets of {label}",
    )
    if done.returncode != 0 and totals.count == 0:
        raise QcUnreadableError(
            f"ffprobe cannot read the packets of {label}: {_first_line(done.stderr)}",
            hint="the file is damaged or incomplete",
        )
    return totals


def _mediainfo(target: str, notes: list[str]) -> list[Json]:
    """MediaInfo's tracks, with ``{"version": …}`` appended last; [] when it cannot say."""
    done = runner.run(
        ["mediainfo", "--Output=JSON", target],
        timeout=runner.PROBE_TIMEOUT,
        what=f"MediaInfo reading {target}",
    )
    try:
        doc = json.loads(done.stdout)
    except json.JSONDecodeError:
        notes.append(f"MediaInfo gave no report: {_first_line(done.stderr) or 'empty output'}")
        return []
    media = doc.get("media") if isinstance(doc, dict) else None
    tracks = media.get("track") if isinstance(media, dict) else None
    if not isinstance(tracks, list):
        notes.append("MediaInfo did not recognise the file")
        tracks = []
    library = doc.get("creatingLibrary") if isinstance(doc, dict) else None
    version = library.get("version") if isinstance(library, dict) else None
    return [t for t in tracks if isinstance(t, dict)] + [{"version": version}]


class _Errors:
    """ffmpeg's ``-v error`` lines: all counted, the first few kept."""

    def __init__(self) -> None:
        self.count = 0
        self.kept: list[str] = []

    def add(self, line: str) -> None:
        if not line.strip():
            return
        self.count += 1
        if len(self.kept) < KEPT_ERROR_LINES:
            self.kept.append(line.strip())


def _hash_and_decode(
    source_args: Sequence[str],
    label: str,
    *,
    audio_count: int,
    has_video: bool,
    decode: bool,
    timeout: float,
    notes: list[str],
) -> tuple[dict[int, str], int | None, tuple[str, ...]]:
    """One ffmpeg pass with two outputs: the audio tracks stream-copied into a SHA-256 per track
    (their coded bytes, never decoded, so equal hashes mean the same audio whatever the
    container), and the picture and audio decoded to nowhere, each ``-v error`` line one error.
    Returns (hash per audio order, error count or None when not decoded, first error lines)."""
    outputs: list[str] = []
    with tempfile.TemporaryDirectory(prefix="workbench-qc-") as tmp:
        hash_file = Path(tmp) / "audio.sha256"
        if audio_count:
            outputs += [*_words("-map 0:a -c copy -f streamhash -hash sha256"), str(hash_file)]
        if decode and (has_video or audio_count):
            maps = ["-map", "0:v:0"] if has_video else []
            outputs += [*maps, "-map", "0:a?", "-f", "null", "-"]
        if not outputs:
            return {}, None, ()
        errors = _Errors()
        done = runner.stream(
            ["ffmpeg", "-nostdin", "-v", "error", "-threads", "1", *source_args, *outputs],
            errors.add,
            timeout=timeout,
            what=f"ffmpeg reading {label}",
            lines_from="stderr",
        )
        written = hash_file.read_text("utf-8", "replace") if hash_file.exists() else ""
    hashes: dict[int, str] = {}
    for line in written.splitlines():
        n, _, rest = line.partition(",")
        kind, _, digest = rest.partition(",")
        if kind == "a" and digest.upper().startswith("SHA256=") and n.isdigit():
            hashes[int(n)] = digest.split("=", 1)[1].lower()
    if len(hashes) != audio_count:
        first = errors.kept[0] if errors.kept else f"exit status {done.returncode}"
        notes.append(f"ffmpeg could not hash every audio track: {first}")
    if not decode:
        return hashes, None, ()
    if done.returncode != 0 and errors.count == 0:
        errors.add(f"ffmpeg stopped with exit status {done.returncode}")
    return hashes, errors.count, tuple(errors.kept)


# -- turning JSON into records ----------------------------------------------------------------
def _video(s: Json, frame: Json, packets: _Packets, mi: Json) -> VideoStream:
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


def _audio(s: Json, digest: str | None, mi: Json) -> AudioTrack:
    time_base = rational(s.get("time_base"))
    bits = integer(s.get("bits_per_raw_sample")) or integer(s.get("bits_per_sample"))
    return AudioTrack(
        index=int(s["index"]),
        codec=s.get("codec_name"),
        profile=_str(s.get("profile")),
        sample_rate=integer(s.get("sample_rate")),
        channels=integer(s.get("channels")),
        channel_layout=s.get("channel_layout"),
        language=_tag(s, "language"),
        handler_name=_tag(s, "handler_name"),
        bit_depth=bits or integer(mi.get("BitDepth")),
        time_base=time_base,
        duration=_duration(s, time_base),
        packet_sha256=digest,
        default=_default(s),
    )


def _chapter(c: Json) -> Chapter:
    tb = rational(c.get("time_base"))
    start = integer(c.get("start"))
    end = integer(c.get("end"))
    return Chapter(
        start=start * tb
        if tb and start is not None
        else decimal(c.get("start_time")) or Fraction(0),
        end=end * tb if tb and end is not None else decimal(c.get("end_time")) or Fraction(0),
        title=_tag(c, "title"),
    )


def _duration(s: Json, time_base: Fraction | None) -> Fraction | None:
    """Exact when the stream counts in ticks; Matroska's DURATION tag next; a decimal last."""
    ticks = integer(s.get("duration_ts"))
    if ticks is not None and time_base:
        return ticks * time_base
    tagged = clock(_tag(s, "DURATION"))
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
    tagged = _tag(s, "rotate")
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


def _timecode(streams: Sequence[Json], fmt: Json, mi: Sequence[Json]) -> Timecode:
    """The start timecode from the first place that has one: a ``tmcd`` track, the picture
    stream's tag, the container's tag (MXF, Matroska), then MediaInfo."""
    candidates: list[tuple[str, str | None]] = []
    for s in streams:
        if s.get("codec_tag_string") == "tmcd" or s.get("codec_type") == "data":
            candidates.append(("tmcd track", _tag(s, "timecode")))
    for s in streams:
        if s.get("codec_type") == "video":
            candidates.append(("video stream tag", _tag(s, "timecode")))
    candidates.append(("container tag", _tag(fmt, "timecode")))
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
        tagged = _tag(s, "reel_name")
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
            handler = _tag(s, "handler_name") if s.get("codec_tag_string") == "tmcd" else None
            if handler and not _generic_handler(handler):
                reel, reel_source = handler, "tmcd handler name"
                break
    return Timecode(value, source, drop, reel, reel_source)


def _generic_handler(name: str) -> bool:
    """Muxers name the timecode track's handler after the handler, not the reel."""
    low = name.lower().replace(" ", "")
    return "handler" in low or "timecode" in low


def _mi_track(tracks: Sequence[Json], kind: str, stream: Json) -> Json:
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


def _tag(obj: Json, name: str) -> str | None:
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


def _words(command: str) -> list[str]:
    """A fixed part of a command line, written as one readable string."""
    return command.split()


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
