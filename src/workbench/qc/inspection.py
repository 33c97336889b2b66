"""Reading a delivered file with ffprobe, ffmpeg and MediaInfo: :func:`inspect`.

QC deliberately does not use Workbench's own PyAV probe: a reader built from other code (the
ffmpeg command-line tools, and MediaInfo, which parses containers with its own library) is what
a post house or a distributor will run on the delivery, and a bug shared by our writer and our
reader would be invisible to a check made with the same library.

Six reads, each time-limited: the headers (format, streams, chapters); the first decoded frame's
side data (HDR metadata often lives only there); every packet of the picture stream (the true
frame count and the last packet's duration, without decoding); MediaInfo's report; a SHA-256
of each audio track's coded bytes (copied, never decoded); and a full decode that counts errors.
The reads are in :mod:`workbench.qc.reads`, the parsing of their output in
:mod:`workbench.qc.records`.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

from workbench.media.sequence import detect_sequence, names_sequence
from workbench.qc.errors import QcUnreadableError
from workbench.qc.reads import (
    Json,
    hash_and_decode,
    read_first_frame,
    read_headers,
    read_mediainfo,
    read_packets,
)
from workbench.qc.records import (
    audio_track,
    chapter,
    data_tracks,
    mi_track,
    subtitle_tracks,
    tag,
    timecode,
    video_stream,
)
from workbench.qc.report import QcReport
from workbench.qc.values import decimal

#: Rate assumed for an image sequence when none is given (frames carry no reliable rate).
DEFAULT_SEQUENCE_RATE = Fraction(24)


class _Source(NamedTuple):
    """How the readers are pointed at the file (or the sequence) and what messages call it."""

    args: list[str]
    mediainfo_target: str
    label: str
    sequence_start: int | None


def _source(text: str, rate: Fraction | int | None, notes: list[str]) -> _Source:
    if names_sequence(text):
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
        sequence_start = None
    return _Source(source_args, mediainfo_target, label, sequence_start)


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
    source_args, mediainfo_target, label, sequence_start = _source(text, rate, notes)

    probe = read_headers(source_args, label)
    streams: list[Json] = [s for s in probe.get("streams", []) if isinstance(s, dict)]
    fmt: Json = probe.get("format") or {}
    mi_tracks = read_mediainfo(mediainfo_target, notes)
    readers = {"ffprobe": str((probe.get("program_version") or {}).get("version", "?"))}
    mi_version = mi_tracks.pop(-1).get("version") if mi_tracks else None
    readers["mediainfo"] = str(mi_version or "?")

    video_json = next((s for s in streams if s.get("codec_type") == "video"), None)
    video = None
    if video_json is not None:
        frame = read_first_frame(source_args, label)
        packets = read_packets(source_args, label, timeout)
        video = video_stream(video_json, frame, packets, mi_track(mi_tracks, "Video", video_json))

    audio_json = [s for s in streams if s.get("codec_type") == "audio"]
    hashes, errors, error_lines = hash_and_decode(
        source_args,
        label,
        audio_count=len(audio_json),
        has_video=video_json is not None,
        decode=decode,
        timeout=timeout,
        notes=notes,
    )
    audio = tuple(
        audio_track(s, hashes.get(n), mi_track(mi_tracks, "Audio", s))
        for n, s in enumerate(audio_json)
    )
    chapters = tuple(chapter(c) for c in probe.get("chapters", []) if isinstance(c, dict))

    return QcReport(
        path=label,
        container_format=fmt.get("format_name"),
        container_long_name=fmt.get("format_long_name"),
        container_duration=decimal(fmt.get("duration")),
        container_start_time=decimal(fmt.get("start_time")),
        sequence_start=sequence_start,
        title=tag(fmt, "title"),
        creation_time=tag(fmt, "creation_time"),
        video=video,
        audio=audio,
        subtitles=subtitle_tracks(streams),
        data=data_tracks(streams),
        chapters=chapters,
        timecode=timecode(streams, fmt, mi_tracks),
        decode_errors=errors,
        decode_error_lines=error_lines,
        readers=readers,
        notes=tuple(notes),
    )
