"""Comparing a delivered file with its source: what changed, and whether the render meant it.

A render changes some things on purpose (an upscale changes the frame size; a ProRes master of an
H.264 source changes the codec) and must leave everything else alone: the frame count and exact
rate, timecode, audio bytes, colour description, HDR metadata, chapters (design invariant 6).
:class:`Expectations` names the deliberate changes; every other difference is *unexpected*, and
one unexpected difference fails QC. The frame count and rate can never be expected to change.

Besides source-versus-output, the output is checked against itself: its stream and container
durations must equal frames ÷ rate within one tick and its last packet must last one frame,
because players and conform tools trust those fields. A mismatch the source already had is
inherited, and reported as expected.
"""

from __future__ import annotations

import dataclasses

from workbench.qc.consistency import MILLISECOND, self_checks
from workbench.qc.difference import Collector, Difference
from workbench.qc.expectations import ANY, Expectations
from workbench.qc.report import AudioTrack, MediaInfoColour, QcReport, VideoStream
from workbench.qc.values import timecode_parts

__all__ = ["ANY", "Difference", "Expectations", "compare"]

#: MediaInfo's name for the limited range.
_TV = {"Limited": "tv"}
_RGB_PREFIXES = ("rgb", "bgr", "gbr", "argb", "abgr", "rgba", "bgra", "x2rgb", "x2bgr")


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
        _video(sv, ov, e, d, source.container_format)
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


# -- the picture ------------------------------------------------------------------------------
_TRANSPORTS = ("mpegts", "mpeg", "mpegvideo", "h264", "hevc")


def _transport(container_format: str | None) -> bool:
    return bool(container_format) and any(
        part in _TRANSPORTS for part in str(container_format).split(",")
    )


def _video(
    sv: VideoStream,
    ov: VideoStream,
    e: Expectations,
    d: Collector,
    source_format: str | None = None,
) -> None:
    deliberate = e.codec is not None
    if e.codec is None:
        d.same(
            "video.codec",
            sv.codec,
            ov.codec,
            reason="the codec changed (expect it with Expectations.codec if meant)",
        )
    elif e.codec not in (ANY, ov.codec):
        d.add("video.codec", sv.codec, ov.codec, False, f"Expectations.codec asks for {e.codec}")
    else:
        d.same("video.codec", sv.codec, ov.codec, expected=True, reason="re-encoded as expected")
    d.same(
        "video.profile",
        sv.profile,
        ov.profile,
        expected=deliberate,
        reason="comes with the expected encode" if deliberate else "the codec profile changed",
    )
    d.same(
        "video.codec_tag",
        sv.codec_tag,
        ov.codec_tag,
        expected=True,
        reason="the muxer writes its own tag for the codec (the codec itself is compared)",
    )

    for name, src, out in (("width", sv.width, ov.width), ("height", sv.height, ov.height)):
        if src is None or out is None:
            d.same(f"video.{name}", src, out, reason="the frame size is unknown")
            continue
        target = src * e.scale
        if out != target:
            d.add(
                f"video.{name}",
                src,
                out,
                False,
                f"expected {target} ({src} × {e.scale})"
                if e.scale != 1
                else "the frame size changed (expect it with Expectations.scale if meant)",
            )
        elif out != src:
            d.add(f"video.{name}", src, out, True, f"scaled ×{e.scale} as expected")
    same_shape = sv.display_aspect == ov.display_aspect
    if not same_shape:
        d.add(
            "video.display_aspect",
            sv.display_aspect,
            ov.display_aspect,
            False,
            "the picture's shape on screen changed (width × pixel aspect ÷ height)",
        )
    d.same(
        "video.sample_aspect_ratio",
        sv.sample_aspect_ratio,
        ov.sample_aspect_ratio,
        expected=same_shape,
        reason="compensates the new frame size; the display aspect is unchanged"
        if same_shape
        else "the pixel aspect changed",
    )

    pix_ok = e.pixel_format is not None and e.pixel_format in (ANY, ov.pix_fmt)
    if e.pixel_format is None:
        d.same(
            "video.pix_fmt",
            sv.pix_fmt,
            ov.pix_fmt,
            reason="the pixel format changed (expect it with Expectations.pixel_format if meant)",
        )
    elif not pix_ok:
        d.add(
            "video.pix_fmt",
            sv.pix_fmt,
            ov.pix_fmt,
            False,
            f"Expectations.pixel_format asks for {e.pixel_format}",
        )
    else:
        d.same(
            "video.pix_fmt", sv.pix_fmt, ov.pix_fmt, expected=True, reason="converted as expected"
        )
    d.same(
        "video.bit_depth",
        sv.bit_depth,
        ov.bit_depth,
        expected=pix_ok,
        reason="comes with the expected pixel format" if pix_ok else "the bit depth changed",
    )

    note = (
        f" ({e.edited_frames} edited frames change pixels, never the count)"
        if e.edited_frames
        else ""
    )
    d.same(
        "video.frame_count",
        sv.frame_count,
        ov.frame_count,
        reason=f"frames were lost or added{note}",
    )
    # MediaInfo counts a leading empty edit (an MP4 that starts at 3.5 s) as frames; where it
    # disagrees with the source's own packets, its figure for the source proves nothing.
    mi_off = sv.mediainfo_frame_count not in (None, sv.frame_count)
    d.same(
        "video.mediainfo_frame_count",
        sv.mediainfo_frame_count,
        ov.mediainfo_frame_count,
        expected=mi_off and ov.mediainfo_frame_count == ov.frame_count,
        reason="MediaInfo miscounts the source (its empty edit); the output's count is right"
        if mi_off
        else "MediaInfo counts a different number of frames",
    )
    d.same(
        "video.r_frame_rate",
        sv.r_frame_rate,
        ov.r_frame_rate,
        reason="the frame rate must survive a render exactly",
    )
    d.same(
        "video.avg_frame_rate",
        sv.avg_frame_rate,
        ov.avg_frame_rate,
        reason="the average frame rate changed",
    )
    tick = max(sv.time_base or MILLISECOND, ov.time_base or MILLISECOND)
    d.close(
        "video.stream_duration",
        sv.stream_duration,
        ov.stream_duration,
        tick,
        reason="the picture stream's duration changed by more than a tick",
    )
    rebased = _transport(source_format)
    d.close(
        "video.start_time",
        sv.start_time,
        ov.start_time,
        tick,
        expected=rebased,
        reason="a transport stream's clock starts anywhere; the output starts at zero"
        if rebased
        else "the first frame is presented at another time",
    )
    d.close(
        "video.mediainfo_duration",
        sv.mediainfo_duration,
        ov.mediainfo_duration,
        MILLISECOND,
        expected=sv.mediainfo_duration is None or mi_off,
        reason="MediaInfo gives no duration for the source (an image sequence)"
        if sv.mediainfo_duration is None
        else (
            "MediaInfo counts the source's empty edit in its duration"
            if mi_off
            else "MediaInfo reads another duration"
        ),
    )
    d.close(
        "video.mediainfo_duration_last_frame",
        sv.mediainfo_duration_last_frame,
        ov.mediainfo_duration_last_frame,
        MILLISECOND,
        reason="MediaInfo reads another last-frame duration",
    )
    d.same(
        "video.field_order",
        None if sv.field_order == "progressive" else sv.field_order,
        None if ov.field_order == "progressive" else ov.field_order,
        reason="interlaced footage must keep its field order",
    )
    d.same(
        "video.mediainfo_scan_type",
        sv.mediainfo_scan_type,
        ov.mediainfo_scan_type,
        reason="MediaInfo reads another scan type",
    )
    d.same("video.rotation", sv.rotation, ov.rotation, reason="the display rotation changed")
    d.same(
        "video.mediainfo_rotation",
        sv.mediainfo_rotation,
        ov.mediainfo_rotation,
        reason="MediaInfo reads another rotation",
    )
    _colour(sv, ov, e, pix_ok, d, recoded=e.codec is not None and sv.codec != ov.codec)
    _hdr(sv, ov, d)
    d.same(
        "video.default",
        sv.default,
        ov.default,
        expected=e.container_changed,
        reason="the default-track flag changed",
    )


def _colour(
    sv: VideoStream,
    ov: VideoStream,
    e: Expectations,
    pix_ok: bool,
    d: Collector,
    *,
    recoded: bool = False,
) -> None:
    # Going between YUV and RGB on purpose changes the matrix, and only the matrix.
    family_changed = pix_ok and _is_rgb(sv.pix_fmt) != _is_rgb(ov.pix_fmt)
    sc, oc = sv.colour, ov.colour
    for name, src, out in (
        ("range", sc.range, oc.range),
        ("primaries", sc.primaries, oc.primaries),
        ("transfer", sc.transfer, oc.transfer),
        ("space", sc.space, oc.space),
    ):
        if name == "range" and _implied_limited(src, sv.pix_fmt, out, ov.pix_fmt):
            d.add(f"video.colour.{name}", src, out, True, _IMPLIED_LIMITED)
            continue
        # An RGB source (images, RGB FFV1) has full-range samples; Y'CbCr made of it is
        # tagged limited, as the codec requires.
        ok = family_changed and name in ("space", "range")
        # A new codec that only codes video range (ProRes, DNxHR) takes full-range footage
        # into video range: the samples are scaled, and the tag says so.
        narrowed = recoded and name == "range" and out == "tv" and src == "pc"
        d.same(
            f"video.colour.{name}",
            src,
            out,
            expected=ok or narrowed,
            reason="follows the expected YUV/RGB conversion"
            if ok
            else (
                "the new codec codes video range; the samples were scaled into it"
                if narrowed
                else "the colour description changed (ffprobe)"
            ),
        )
    pairs: tuple[tuple[str, MediaInfoColour, MediaInfoColour], ...] = (
        ("range", sc.mediainfo_range, oc.mediainfo_range),
        ("primaries", sc.mediainfo_primaries, oc.mediainfo_primaries),
        ("transfer", sc.mediainfo_transfer, oc.mediainfo_transfer),
        ("matrix", sc.mediainfo_matrix, oc.mediainfo_matrix),
    )
    for name, s_mi, o_mi in pairs:
        ok = family_changed and name in ("matrix", "range")
        for place, src, out in (
            ("container", s_mi.container, o_mi.container),
            ("bitstream", s_mi.bitstream, o_mi.bitstream),
        ):
            if name == "range" and _implied_limited(
                _TV.get(src or "", src), sv.pix_fmt, _TV.get(out or "", out), ov.pix_fmt
            ):
                if src != out:
                    d.add(f"video.colour.{name} (MediaInfo, {place})", src, out, True,
                          _IMPLIED_LIMITED)  # fmt: skip
                continue
            # A new codec may have no colour fields in its bitstream (DNxHR, FFV1): the
            # container still says it. Nor does a limited-range codec say "Full".
            silent = recoded and (
                (place == "bitstream" and out is None)
                or (name == "range" and src == "Full" and out in (None, "Limited"))
            )
            d.same(
                f"video.colour.{name} (MediaInfo, {place})",
                src,
                out,
                expected=ok or silent,
                reason="follows the expected YUV/RGB conversion"
                if ok
                else (
                    f"the new codec's {place} does not carry it"
                    if silent
                    else f"the {place} describes the colour differently"
                ),
            )


_IMPLIED_LIMITED = "an unspecified range on YUV means limited (tv): the meaning is unchanged"


def _implied_limited(src: str | None, src_fmt: str | None, out: str | None,
                     out_fmt: str | None) -> bool:  # fmt: skip
    """Unspecified ↔ ``tv`` on YUV pictures: players and ffmpeg read an unflagged YUV stream as
    limited range, and some codecs (ProRes) cannot carry the flag at all."""
    if {src, out} != {None, "tv"}:
        return False
    return not _is_rgb(src_fmt) and not _is_rgb(out_fmt)


def _is_rgb(pix_fmt: str | None) -> bool:
    return bool(pix_fmt) and str(pix_fmt).startswith(_RGB_PREFIXES)


def _hdr(sv: VideoStream, ov: VideoStream, d: Collector) -> None:
    s, o = sv.hdr, ov.hdr
    d.same(
        "video.hdr.mastering_display",
        s.mastering_display,
        o.mastering_display,
        reason="the mastering display metadata (SMPTE ST 2086) changed or was lost",
    )
    d.same(
        "video.hdr.content_light",
        s.content_light,
        o.content_light,
        reason="MaxCLL/MaxFALL changed or were lost",
    )
    for name in (
        "mediainfo_format",
        "mediainfo_compatibility",
        "mediainfo_mastering_primaries",
        "mediainfo_mastering_luminance",
        "mediainfo_max_cll",
        "mediainfo_max_fall",
    ):
        d.same(
            f"video.hdr.{name}",
            getattr(s, name),
            getattr(o, name),
            reason="MediaInfo reads other HDR metadata",
        )


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
