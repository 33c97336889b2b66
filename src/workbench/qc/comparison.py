"""Comparing a delivered file with its source: what changed, and whether the render meant it.

A render changes some things on purpose (an upscale changes the frame size; a ProRes master of an
H.264 source changes the codec) and must leave everything else alone: the frame count and exact
rate, timecode, audio bytes, colour description, HDR metadata, chapters (design invariant 6).
:class:`Expectations` names the deliberate changes; every other difference is *unexpected*, and
one unexpected difference fails QC. The frame count and rate can never be expected to change.

Besides source-versus-output, the output is checked against itself: its stream and container
durations must equal frames ÷ rate within one tick and its last packet must last one frame,
because players and conform tools trust those fields. A mismatch the source already had is
inherited, and reported as expected. The picture stream is compared in
:mod:`workbench.qc.video_comparison`.
"""

from __future__ import annotations

import dataclasses

from workbench.qc.consistency import MILLISECOND, self_checks
from workbench.qc.difference import Collector, Difference
from workbench.qc.expectations import ANY, Expectations
from workbench.qc.report import AudioTrack, QcReport
from workbench.qc.values import timecode_parts
from workbench.qc.video_comparison import compare_video

__all__ = ["ANY", "Difference", "Expectations", "compare"]


def compare(
    output: QcReport, source: QcReport | None, expect: Expectations | None = None
) -> list[Difference]:
    """Every difference between ``output`` and ``source`` (None: the output's own checks only),
    each marked expected or not under ``expect`` (None: nothing was meant to change)."""
    e = expect or Expectations()
    d = Collector()
    self_checks(output, source, d)
    if source is None:
        return d.items
    if e.source_frames is not None:
        from workbench.qc.sub_range import windowed

        source = windowed(source, output, e, d)  # frames N..M of it: a conformed shot

    d.same(
        "container_format",
        source.container_format,
        output.container_format,
        expected=e.container_changed,
        reason="container changed as expected"
        if e.container_changed
        else "a different container (expect it with Expectations.container_changed if meant)",
    )
    sv, ov = source.video, output.video
    if sv is not None and sv.index in e.dropped_streams:
        sv = None
    if (sv is None) != (ov is None):
        d.add(
            "video",
            sv and sv.codec,
            ov and ov.codec,
            False,
            "the picture stream is missing" if ov is None else "a picture stream appeared",
        )
    elif sv is not None and ov is not None:
        compare_video(sv, ov, e, d, source.container_format)
    _timecode(source, output, d)
    _audio(source, output, e, d)
    _other_tracks(source, output, e, d)
    d.same("title", source.title, output.title, reason="the title tag changed")
    d.same(
        "creation_time",
        source.creation_time,
        output.creation_time,
        reason="the creation time tag changed",
    )
    return d.items


# -- timecode, audio, the rest ----------------------------------------------------------------
def _timecode(source: QcReport, output: QcReport, d: Collector) -> None:
    s, o = source.timecode, output.timecode
    if _frames_of(s.value) != _frames_of(o.value):
        d.add(
            "timecode",
            s.value,
            o.value,
            s.value is None and _frames_of(o.value) in ("00:00:00:00", "000000"),
            "the start timecode was lost"
            if o.value is None
            else (
                "the container always writes one; the source had none"
                if s.value is None
                else "the start timecode changed"
            ),
        )
    d.same(
        "timecode.drop_frame",
        s.drop_frame,
        o.drop_frame,
        reason="drop-frame and non-drop-frame count frames differently",
    )
    d.same("timecode.reel_name", s.reel_name, o.reel_name, reason="the reel name changed")


def _frames_of(timecode: str | None) -> str | None:
    """The timecode's digits, whatever separators it was written with."""
    if timecode is None:
        return None
    parts = timecode_parts(timecode)
    return parts[0] if parts else timecode


def _audio(source: QcReport, output: QcReport, e: Expectations, d: Collector) -> None:
    kept = [t for t in source.audio if t.index not in e.dropped_streams]
    if len(kept) != len(output.audio):
        d.add(
            "audio",
            [t.index for t in kept],
            [t.index for t in output.audio],
            False,
            f"{len(kept)} audio track(s) expected, {len(output.audio)} found",
        )
    for n, (s, o) in enumerate(zip(kept, output.audio, strict=False)):
        _audio_track(f"audio[{n}]", s, o, e, d)


def _audio_track(name: str, s: AudioTrack, o: AudioTrack, e: Expectations, d: Collector) -> None:
    converted = s.index in e.converted_audio
    why = (
        "re-encoded as expected"
        if converted
        else "the audio was re-encoded (expect it with Expectations.converted_audio if meant)"
    )
    d.same(f"{name}.codec", s.codec, o.codec, expected=converted, reason=why)
    d.same(f"{name}.profile", s.profile, o.profile, expected=converted, reason=why)
    d.same(f"{name}.bit_depth", s.bit_depth, o.bit_depth, expected=converted, reason=why)
    d.same(f"{name}.sample_rate", s.sample_rate, o.sample_rate, reason="the sample rate changed")
    d.same(f"{name}.channels", s.channels, o.channels, reason="the channel count changed")
    d.same(
        f"{name}.channel_layout",
        s.channel_layout,
        o.channel_layout,
        expected=e.container_changed and o.channel_layout is None,
        reason="the channel layout changed",
    )
    d.same(f"{name}.language", _language(s.language), _language(o.language),
           reason="the language tag changed")  # fmt: skip
    d.same(
        f"{name}.handler_name",
        s.handler_name,
        o.handler_name,
        expected=e.container_changed,
        reason="the track's handler name changed",
    )
    d.same(
        f"{name}.default",
        s.default,
        o.default,
        expected=e.container_changed,
        reason="the default-track flag changed",
    )
    tick = max(s.time_base or MILLISECOND, o.time_base or MILLISECOND)
    d.close(
        f"{name}.duration",
        s.duration,
        o.duration,
        tick,
        expected=converted or (s.packet_sha256 is not None and s.packet_sha256 == o.packet_sha256),
        reason=why
        if converted
        else (
            "the same packets; the container rounds the track's length its own way"
            if s.packet_sha256 == o.packet_sha256
            else "the track's duration changed by more than a tick"
        ),
    )
    if s.packet_sha256 != o.packet_sha256:
        d.add(
            f"{name}.packet_sha256",
            s.packet_sha256,
            o.packet_sha256,
            converted,
            why if converted else "the audio's coded bytes differ: it was re-encoded or altered",
        )


def _language(tag: str | None) -> str | None:
    """``und`` (ISO 639-2 "undetermined") says no more than no tag; MP4 writes it by default.
    ``ger`` and ``deu`` are one language (QuickTime can only store the first spelling)."""
    from workbench.media.languages import canonical

    return canonical(tag)


def _other_tracks(source: QcReport, output: QcReport, e: Expectations, d: Collector) -> None:
    subs = [t for t in source.subtitles if t.index not in e.dropped_streams]
    d.same(
        "subtitles",
        [(t.codec, _language(t.language)) for t in subs],
        [(t.codec, _language(t.language)) for t in output.subtitles],
        expected=e.container_changed
        and [_language(t.language) for t in subs]
        == [_language(t.language) for t in output.subtitles],
        reason="subtitle tracks were lost, added or changed",
    )
    data = [t for t in source.data if t.index not in e.dropped_streams]
    d.same(
        "data",
        sorted(str(t.codec_tag or t.codec) for t in data),  # the muxer orders its own tracks
        sorted(str(t.codec_tag or t.codec) for t in output.data),
        expected=e.container_changed,
        reason="data tracks differ",
    )
    if len(source.chapters) != len(output.chapters) or any(
        abs(a.start - b.start) > MILLISECOND
        or abs(a.end - b.end) > MILLISECOND
        or a.title != b.title
        for a, b in zip(source.chapters, output.chapters, strict=False)
    ):
        d.add(
            "chapters",
            [dataclasses.asdict(c) for c in source.chapters],
            [dataclasses.asdict(c) for c in output.chapters],
            False,
            "the chapter list changed",
        )
