"""A QC report as text a person reads down: one fact a line, in a delivery spec's order."""

from __future__ import annotations

from workbench.qc.report import MediaInfoColour, QcReport, VideoStream
from workbench.qc.values import seconds


def _v(value: object) -> str:
    return "?" if value is None else str(value)


def _ratio(value: object) -> str:
    """Aspect ratios as people write them: ``16:9``."""
    if value is None:
        return "?"
    n, _, d = str(value).partition("/")
    return f"{n}:{d or 1}"


def _row(label: str, text: str) -> str:
    return f"{label:<12}{text}".rstrip()


def report_lines(r: QcReport) -> list[str]:
    lines = [_row("file", f"{r.path}  ({r.container_long_name or r.container_format or '?'})")]
    if r.sequence_start is not None:
        lines.append(_row("sequence", f"starts at frame {r.sequence_start}"))
    if r.video is not None:
        lines.extend(_video_lines(r.video, r))
    tc = r.timecode
    if tc.value or tc.reel_name:
        drop = {True: "drop-frame", False: "non-drop", None: "?"}[tc.drop_frame]
        reel = f", reel {tc.reel_name} ({tc.reel_source})" if tc.reel_name else ""
        lines.append(_row("timecode", f"{_v(tc.value)} {drop} from {_v(tc.source)}{reel}"))
    for n, a in enumerate(r.audio):
        digest = (a.packet_sha256 or "?")[:16]
        lines.append(
            _row(
                f"audio {n}",
                f"#{a.index} {_v(a.codec)} {_v(a.sample_rate)} Hz {_v(a.channels)} ch "
                f"{_v(a.channel_layout)} {_v(a.bit_depth)}-bit [{a.language or 'und'}] "
                f"{seconds(a.duration)} sha256 {digest}… default={_v(a.default)}",
            )
        )
    for s in r.subtitles:
        lines.append(
            _row("subtitle", f"#{s.index} {_v(s.codec)} [{s.language or 'und'}] {s.title or ''}")
        )
    for t in r.data:
        lines.append(
            _row("data", f"#{t.index} {t.codec_tag or t.codec or '?'} {t.handler_name or ''}")
        )
    for c in r.chapters:
        lines.append(_row("chapter", f"{seconds(c.start)} – {seconds(c.end)} {c.title or ''}"))
    if r.title or r.creation_time:
        lines.append(_row("tags", f"title {_v(r.title)}, created {_v(r.creation_time)}"))
    if r.decode_errors is None:
        lines.append(_row("decode", "not checked"))
    else:
        first = f": {r.decode_error_lines[0]}" if r.decode_error_lines else ""
        lines.append(_row("decode", f"{r.decode_errors} error(s){first}"))
    for note in r.notes:
        lines.append(_row("note", note))
    readers = ", ".join(f"{k} {v}" for k, v in r.readers.items())
    lines.append(_row("read by", readers))
    return lines


def _video_lines(v: VideoStream, r: QcReport) -> list[str]:
    depth = f"{v.bit_depth}-bit" if v.bit_depth else "?-bit"
    lines = [
        _row(
            "video",
            f"#{v.index} {_v(v.codec)} {v.profile or ''} [{_v(v.codec_tag)}] "
            f"{_v(v.width)}x{_v(v.height)} {_v(v.pix_fmt)} {depth}",
        ),
        _row(
            "frames",
            f"{_v(v.frame_count)} (packets), {_v(v.mediainfo_frame_count)} (MediaInfo), "
            f"{_v(v.header_frame_count)} (header)",
        ),
        _row("rate", f"{_v(v.r_frame_rate)} (average {_v(v.avg_frame_rate)})"),
        _row(
            "duration",
            f"stream {seconds(v.stream_duration)}, container {seconds(r.container_duration)}, "
            f"last packet {seconds(v.last_packet_duration)}, "
            f"MediaInfo {seconds(v.mediainfo_duration)}"
            + (
                f" (last frame {seconds(v.mediainfo_duration_last_frame)})"
                if v.mediainfo_duration_last_frame is not None
                else ""
            ),
        ),
        _row("start", seconds(v.start_time)),
        _row(
            "aspect",
            f"SAR {_ratio(v.sample_aspect_ratio)}, DAR {_ratio(v.display_aspect_ratio)}, "
            f"field order {_v(v.field_order)}, rotation {_v(v.rotation)} "
            f"(MediaInfo {_v(v.mediainfo_rotation)})",
        ),
    ]
    c = v.colour
    lines.append(
        _row(
            "colour",
            f"range {_v(c.range)}, primaries {_v(c.primaries)}, transfer {_v(c.transfer)}, "
            f"matrix {_v(c.space)} (ffprobe)",
        )
    )
    mi = [
        ("range", c.mediainfo_range),
        ("primaries", c.mediainfo_primaries),
        ("transfer", c.mediainfo_transfer),
        ("matrix", c.mediainfo_matrix),
    ]
    lines.append(_row("", "MediaInfo " + "; ".join(_mi(n, m) for n, m in mi)))
    h = v.hdr
    if h.present:
        parts = []
        if h.mastering_display:
            m = h.mastering_display
            parts.append(
                f"mastering R({m.red_x},{m.red_y}) G({m.green_x},{m.green_y}) "
                f"B({m.blue_x},{m.blue_y}) WP({m.white_x},{m.white_y}) "
                f"L({float(m.min_luminance):g}–{float(m.max_luminance):g} cd/m²)"
            )
        if h.content_light:
            parts.append(f"MaxCLL {h.content_light.max_cll}, MaxFALL {h.content_light.max_fall}")
        if h.side_data_from:
            parts.append(f"from the {h.side_data_from}")
        if h.mediainfo_format:
            parts.append(f"MediaInfo {h.mediainfo_format} ({_v(h.mediainfo_compatibility)})")
        lines.append(_row("hdr", "; ".join(parts)))
    else:
        lines.append(_row("hdr", "none"))
    return lines


def _mi(name: str, m: MediaInfoColour) -> str:
    if m.value is None and m.original is None:
        return f"{name} ?"
    if m.container == m.bitstream:
        return f"{name} {_v(m.container or m.value)}"
    return f"{name} container {_v(m.container)} / bitstream {_v(m.bitstream)}"
