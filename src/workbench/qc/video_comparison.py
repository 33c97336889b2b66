"""Comparing a delivered picture stream with its source's (see :mod:`workbench.qc.comparison`).

Codec and profile, frame size and aspect, pixel format, frame count, rates and durations, field
order and rotation, colour description (ffprobe's and MediaInfo's, container and bitstream) and
HDR metadata: each a :class:`~workbench.qc.difference.Difference`, expected or not.
"""

from __future__ import annotations

from workbench.qc.consistency import MILLISECOND
from workbench.qc.difference import Collector
from workbench.qc.expectations import ANY, Expectations
from workbench.qc.report import MediaInfoColour, VideoStream

#: MediaInfo's name for the limited range.
_TV = {"Limited": "tv"}
_RGB_PREFIXES = ("rgb", "bgr", "gbr", "argb", "abgr", "rgba", "bgra", "x2rgb", "x2bgr")
_TRANSPORTS = ("mpegts", "mpeg", "mpegvideo", "h264", "hevc")


def _transport(container_format: str | None) -> bool:
    return bool(container_format) and any(
        part in _TRANSPORTS for part in str(container_format).split(",")
    )


def compare_video(
    sv: VideoStream,
    ov: VideoStream,
    e: Expectations,
    d: Collector,
    source_format: str | None = None,
) -> None:
    """Collect every difference of the output's picture stream ``ov`` from the source's ``sv``."""
    _codec(sv, ov, e, d)
    _frame_size(sv, ov, e, d)
    pix_ok = _pixel_format(sv, ov, e, d)
    mi_off = _frame_count(sv, ov, e, d)
    _durations(sv, ov, d, mi_off, source_format)
    _scan_and_rotation(sv, ov, d)
    _colour(sv, ov, e, pix_ok, d, recoded=e.codec is not None and sv.codec != ov.codec)
    _hdr(sv, ov, d)
    d.same(
        "video.default",
        sv.default,
        ov.default,
        expected=e.container_changed,
        reason="the default-track flag changed",
    )


def _codec(sv: VideoStream, ov: VideoStream, e: Expectations, d: Collector) -> None:
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


def _frame_size(sv: VideoStream, ov: VideoStream, e: Expectations, d: Collector) -> None:
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


def _pixel_format(sv: VideoStream, ov: VideoStream, e: Expectations, d: Collector) -> bool:
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
    return pix_ok


def _frame_count(sv: VideoStream, ov: VideoStream, e: Expectations, d: Collector) -> bool:
    """Frames and rates; True when MediaInfo miscounts the source's frames."""
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
    return mi_off


def _durations(
    sv: VideoStream, ov: VideoStream, d: Collector, mi_off: bool, source_format: str | None
) -> None:
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


def _scan_and_rotation(sv: VideoStream, ov: VideoStream, d: Collector) -> None:
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
