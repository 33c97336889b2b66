"""QC of an output that holds only frames N..M of its source (a conformed shot with handles).

Against the whole source, such a file differs on purpose: fewer frames, shorter streams, a
timecode N frames later, audio cut to the same span, no chapters. :func:`windowed` turns the
source's report into what frames N..M of it must read as, and says so as expected differences,
so that everything else is compared exactly as for a whole render. The audio is compared sample
for sample: ffmpeg decodes the source's span (``atrim``, by sample number) and the output's
whole track to 32-bit PCM, and their SHA-256s must be equal (:func:`with_sample_digests`).
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from fractions import Fraction

from workbench.qc.difference import Collector
from workbench.qc.expectations import Expectations
from workbench.qc.reads import read_sample_hashes
from workbench.qc.report import AudioTrack, QcReport


def sample_spans(source: QcReport, frames: tuple[int, int]) -> list[tuple[int, int] | None]:
    """Each audio track's samples that play with source frames ``first``..``last``."""
    video = source.video
    rate = (video.r_frame_rate or video.avg_frame_rate) if video else None
    if video is None or not rate:
        return [None for _ in source.audio]
    start = video.start_time or Fraction(0)
    begin, end = start + Fraction(frames[0]) / rate, start + Fraction(frames[1] + 1) / rate
    spans: list[tuple[int, int] | None] = []
    for track in source.audio:
        if not track.sample_rate:
            spans.append(None)
            continue
        origin = track.start_time or Fraction(0)
        spans.append(
            (round((begin - origin) * track.sample_rate), round((end - origin) * track.sample_rate))
        )
    return spans


def with_sample_digests(
    output: QcReport, source: QcReport, expect: Expectations, *, timeout: float
) -> tuple[QcReport, QcReport]:
    """Both reports with their audio's sample digests: the output's whole tracks, the source's
    span of ``expect.source_frames``."""
    assert expect.source_frames is not None
    if not output.audio or not source.audio:
        return output, source
    spans = sample_spans(source, expect.source_frames)
    theirs = read_sample_hashes(["-i", source.path], source.path, spans, timeout)
    ours = read_sample_hashes(["-i", output.path], output.path, [None] * len(output.audio), timeout)
    source = replace(
        source,
        audio=tuple(
            replace(t, sample_sha256=theirs.get(n), samples=spans[n])
            for n, t in enumerate(source.audio)
        ),
    )
    output = replace(
        output,
        audio=tuple(replace(t, sample_sha256=ours.get(n)) for n, t in enumerate(output.audio)),
    )
    return output, source


def _track(
    name: str, s: AudioTrack, o: AudioTrack | None, e: Expectations, d: Collector
) -> AudioTrack:
    """The source's track as its span must read, and whether the output's samples are it."""
    if s.samples is None or not s.sample_rate:
        return s
    first, end = max(0, s.samples[0]), s.samples[1]
    duration = Fraction(max(0, end - first), s.sample_rate)
    if o is None or s.index in e.converted_audio:
        return replace(s, duration=duration)  # coded anew on purpose: its length is compared
    same = s.sample_sha256 is not None and s.sample_sha256 == o.sample_sha256
    d.add(
        f"{name}.samples",
        f"{first}-{end}",
        "all" if same else o.sample_sha256,
        same,
        f"cut to the shot: sample for sample the source's samples {first}-{end}"
        if same
        else f"the audio is not the source's samples {first}-{end} (or they could not be read)",
    )
    return replace(s, duration=duration, packet_sha256=o.packet_sha256 if same else s.packet_sha256)


def windowed(source: QcReport, output: QcReport, e: Expectations, d: Collector) -> QcReport:
    """``source`` as its frames ``e.source_frames`` must read (see the module docstring)."""
    from workbench.errors import UsageError
    from workbench.media.timecode import offset

    assert e.source_frames is not None
    first, last = e.source_frames
    sv = source.video
    rate = (sv.r_frame_rate or sv.avg_frame_rate) if sv else None
    if sv is None or not rate:
        return source
    count = last - first + 1
    seconds = Fraction(count) / rate
    d.add(
        "source_frames",
        f"0-{(sv.frame_count or 0) - 1}",
        f"{first}-{last}",
        True,
        f"the output is frames {first}-{last} of the source ({count} frames), as asked",
    )
    video = replace(
        sv,
        frame_count=count,
        header_frame_count=count if sv.header_frame_count is not None else None,
        mediainfo_frame_count=count if sv.mediainfo_frame_count is not None else None,
        stream_duration=seconds if sv.stream_duration is not None else None,
        mediainfo_duration=seconds if sv.mediainfo_duration is not None else None,
    )
    timecode = source.timecode
    if timecode.value:
        with contextlib.suppress(UsageError):  # a timecode QC cannot count: compared as it is
            timecode = replace(timecode, value=offset(timecode.value, first, rate))
    kept = [t for t in source.audio if t.index not in e.dropped_streams]
    tracks = {
        t.index: _track(f"audio[{n}]", t, output.audio[n] if n < len(output.audio) else None, e, d)
        for n, t in enumerate(kept)
    }
    if source.chapters:
        d.add("chapters", len(source.chapters), len(output.chapters), not output.chapters,
              "a shot holds part of its clip: the clip's chapter marks are left out")  # fmt: skip
    return replace(
        source,
        video=video,
        timecode=timecode,
        audio=tuple(tracks.get(t.index, t) for t in source.audio),
        chapters=() if not output.chapters else source.chapters,
        container_duration=seconds if source.container_duration is not None else None,
    )


__all__ = ["sample_spans", "windowed", "with_sample_digests"]
