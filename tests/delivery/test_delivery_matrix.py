"""Deliverables a facility accepts (issue 11): no-op renders checked with ffprobe and MediaInfo.

Each source (``delivery_sources.SPECS``, made with the ffmpeg command line) is imported into a new
project and rendered with no edits to every deliverable that makes sense for it; the output is
then read *directly* with ``ffprobe -print_format json`` and ``mediainfo --Output=JSON`` and
compared with the source: frame count, exact rates, durations (container, stream, last packet,
MediaInfo), timecode and its tmcd track, audio and subtitles packet for packet, chapters,
languages, handler names, reel name, title, creation time, colour tags (container and ProRes
bitstream), HDR metadata, field order, SAR/DAR, rotation, start time, codec profile, bit depth,
and a clean decode. Every mismatch is collected, so one failing test lists all of them.

The default run keeps one no-op case of each family and one duration case per container; every
source, every deliverable and the full frame-count × rate matrix run with ``-m slow``.
"""

from __future__ import annotations

import importlib
import itertools
import threading
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from delivery import delivery_readers as rd
from delivery.delivery_sources import (
    DURATION_FRAMES,
    DURATION_RATES,
    SPECS,
    Source,
    SourceFactory,
    duration_spec,
)
from support import project_with
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.render import RenderRequest, run_render
from workbench.render.events import Advanced, RenderEvent

# -- rendering ------------------------------------------------------------------------------------


def output_name(source: Source, deliverable: str) -> str:
    stem = "out"
    return f"{stem}{deliverable}"  # ".mov" -> out.mov; "_%06d.dpx" -> out_%06d.dpx


def render(source: Source, tmp_path: Path, deliverable: str, *applies: list[str]) -> Path:
    out, error = render_keeping(source, tmp_path, deliverable, *applies)
    if error is not None:
        raise error
    return out


def render_keeping(
    source: Source, tmp_path: Path, deliverable: str, *applies: list[str]
) -> tuple[Path, WorkbenchError | None]:
    """Render; when the render refuses its own output (its QC failed) but keeps the file as
    ``.NAME.rendering.EXT``, hand that file back with the error so the direct checks still
    say what is wrong with it."""
    project = project_with(tmp_path, source.path, *applies)
    folder = tmp_path / "delivered"
    folder.mkdir()
    out = folder / output_name(source, deliverable)
    try:
        run_render(RenderRequest(project, 1, out))
    except WorkbenchError as exc:
        kept = sorted(p for p in folder.iterdir() if ".rendering" in p.name and p.is_file())
        if "%" in deliverable or not kept:
            raise
        return kept[0], exc
    return out, None


# -- comparing a deliverable with its source ----------------------------------------------------


def _f(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _time_base(stream: dict[str, Any]) -> Fraction:
    return Fraction(stream.get("time_base") or "1/1000")


def _lang(stream: dict[str, Any]) -> str:
    """One spelling per language: QuickTime stores German as ``ger`` where MP4 says ``deu``."""
    from workbench.media.languages import canonical

    return canonical(stream.get("tags", {}).get("language")) or "und"


def _close(a: float | None, b: float | None, tol: float) -> bool:
    return a is not None and b is not None and abs(a - b) <= tol


LIMITED_ONLY = {"prores", "dnxhd"}  # codecs that are video range by definition
SUB_NAMES = {"subrip": ("subrip", "srt"), "mov_text": ("mov_text", "tx3g", "timed text")}


class Findings:
    """Collects every mismatch so that a failing test reports all of them at once."""

    def __init__(self, source: Source, out: Path) -> None:
        self.source, self.out = source, out
        self.items: list[str] = []

    def expect(self, ok: bool, what: str, expected: Any, got: Any) -> None:
        if not ok:
            self.items.append(f"{what}: expected {expected!r}, got {got!r}")

    def equal(self, what: str, expected: Any, got: Any) -> None:
        self.expect(expected == got, what, expected, got)

    def report(self) -> str:
        head = f"{self.out.name} rendered from {self.source.name} ({self.source.path.name}):"
        return "\n  ".join([head, *self.items])


def effective_colour(tags: rd.ColourTags) -> tuple[str | None, ...]:
    return tuple(
        c if c is not None else s for c, s in zip(tags.container, tags.stream, strict=True)
    )


def _hms(text: str | None) -> float | None:
    if not text:
        return None
    h, m, sec = text.split(":")
    return int(h) * 3600 + int(m) * 60 + float(sec)


def _sar(stream: dict[str, Any]) -> str:
    value = stream.get("sample_aspect_ratio")
    return "1:1" if value in (None, "0:1", "N/A") else value  # absent: square pixels


def _dar(stream: dict[str, Any]) -> str:
    value = stream.get("display_aspect_ratio")
    if value in (None, "0:1", "N/A"):
        ratio = Fraction(stream["width"], stream["height"]) * Fraction(
            _sar(stream).replace(":", "/")
        )
        return f"{ratio.numerator}:{ratio.denominator}"
    return value


def _is_rgb(stream: dict[str, Any]) -> bool:
    return str(stream.get("pix_fmt", "")).startswith(("gbr", "bgr", "rgb"))


def check_video_deliverable(source: Source, out: Path, deliverable: str) -> Findings:
    spec = source.spec
    f = Findings(source, out)
    src, dst = source.path, out
    sv, dv = rd.video(src), rd.video(dst)
    ext = deliverable.lower()
    frames = spec.frames
    rate = spec.rate
    tick = float(_time_base(dv))
    frame_s = float(1 / rate)

    # frame count: packets (ffprobe -count_packets) and MediaInfo FrameCount
    f.equal("ffprobe nb_read_packets (video)", str(frames), dv.get("nb_read_packets"))
    mi_src, mi_dst = rd.mi_video(src), rd.mi_video(dst)
    expected_mi_count = str(frames)
    if source.has("start_offset") and ext in (".mov", ".mp4"):
        expected_mi_count = mi_src.get("FrameCount")  # MediaInfo counts the empty edit too
    f.equal("MediaInfo FrameCount (video)", expected_mi_count, mi_dst.get("FrameCount"))

    # rates, durations, the last packet
    vfr = source.has("vfr")
    if vfr:
        f.equal("r_frame_rate (VFR: the source's)", sv.get("r_frame_rate"), dv.get("r_frame_rate"))
        f.equal(
            "avg_frame_rate (VFR: the source's)", sv.get("avg_frame_rate"), dv.get("avg_frame_rate")
        )
        src_times = [_f(p.get("pts_time")) for p in rd.packets(src)]
        dst_times = [_f(p.get("pts_time")) for p in rd.packets(dst)]
        s0 = min(t for t in src_times if t is not None)
        d0 = min(t for t in dst_times if t is not None)
        rel_src = sorted(round(t - s0, 4) for t in src_times if t is not None)
        rel_dst = sorted(round(t - d0, 4) for t in dst_times if t is not None)
        f.equal("VFR frame times (s, from the first)", rel_src, rel_dst)
        expected_duration = _f(sv.get("duration"))
        last_expected = _f(
            max(rd.packets(src), key=lambda p: _f(p.get("pts_time")) or -1.0).get("duration_time")
        )
    else:
        wanted = f"{rate.numerator}/{rate.denominator}"
        f.equal("r_frame_rate", wanted, dv.get("r_frame_rate"))
        got_avg = dv.get("avg_frame_rate")
        if frames == 1 and sv.get("avg_frame_rate") == "0/0" == got_avg:
            got_avg = wanted  # ffprobe 5.1 gives no average for a one-frame MXF, source or not
        f.equal("avg_frame_rate", wanted, got_avg)
        expected_duration = float(Fraction(frames) / rate)
        last_expected = frame_s
    tol = max(tick, 1e-6) * 1.01
    if ext == ".mkv":
        tol = max(tol, 0.0011)  # Matroska counts in milliseconds
    duration = _f(dv.get("duration"))
    if ext == ".mkv":  # Matroska's per-track duration is the DURATION tag (h:mm:ss.nnnnnnnnn)
        # FFmpeg's convention: the end time (start + duration), as the sources' own tags say
        tag = dv.get("tags", {}).get("DURATION")
        end = (_f(dv.get("start_time")) or 0.0) + (expected_duration or 0.0)
        f.expect(
            _close(_hms(tag), end, tol),
            f"video DURATION tag (start + frames/rate, ±{tol:.6f} s)",
            round(end, 6),
            tag,
        )
    else:
        f.expect(
            _close(duration, expected_duration, tol),
            f"video stream duration (frames/rate, ±{tol:.6f} s)",
            expected_duration,
            dv.get("duration"),
        )
    if not source.has("start_offset"):
        # MOV/MP4 keep the movie's duration in the mvhd timescale, 1/1000 s as FFmpeg writes it
        ctol = max(tol, 0.0011) if ext in (".mov", ".mp4", ".mkv") else tol
        fmt_duration = _f(rd.ffprobe(dst)["format"].get("duration"))
        f.expect(
            _close(fmt_duration, expected_duration, ctol),
            f"container duration (frames/rate, ±{ctol:.6f} s)",
            expected_duration,
            rd.ffprobe(dst)["format"].get("duration"),
        )
    last = rd.packets(dst)
    last_duration = _f(last[-1].get("duration_time")) if last else None
    # the packet with the highest pts is the last frame shown
    if last:
        by_pts = max(last, key=lambda p: _f(p.get("pts_time")) or -1.0)
        last_duration = _f(by_pts.get("duration_time"))
    f.expect(
        _close(last_duration, last_expected, tol),
        "last video packet duration_time (= 1/rate)",
        last_expected,
        last_duration,
    )
    mi_duration = _f(mi_dst.get("Duration"))
    f.expect(
        source.has("start_offset") or _close(mi_duration, expected_duration, 0.0015),
        "MediaInfo Duration (video)",
        round(expected_duration or 0, 6),
        mi_dst.get("Duration"),
    )
    last_frame = _f(mi_dst.get("Duration_LastFrame"))
    f.expect(
        last_frame is None or last_frame <= frame_s + 0.0015,
        "MediaInfo Duration_LastFrame (at most one frame)",
        f"<= {frame_s:.6f}",
        mi_dst.get("Duration_LastFrame"),
    )

    # timecode and its track
    src_tc = rd.timecode_of(src)
    if spec.timecode:
        f.equal("source timecode (factory)", spec.timecode, src_tc)
    if src_tc and ext in (".mov", ".mxf", ".mp4"):
        f.equal("timecode", src_tc, rd.timecode_of(dst))
        if ext == ".mov":
            tracks = rd.tmcd_streams(dst)
            f.equal("number of tmcd tracks", 1, len(tracks))
            for t in tracks[:1]:
                f.expect(
                    _close(_f(t.get("duration")), expected_duration, tol),
                    "tmcd track duration (= the picture's)",
                    expected_duration,
                    t.get("duration"),
                )
            others = [t for t in rd.mi_tracks(dst, "Other") if "TimeCode_FirstFrame" in t]
            src_others = [t for t in rd.mi_tracks(src, "Other") if "TimeCode_FirstFrame" in t]
            for t in others[:1]:
                f.equal("MediaInfo TimeCode_FirstFrame", src_tc, t.get("TimeCode_FirstFrame"))
                # MediaInfo derives these from the tmcd duration in ms: compare with the source
                ref = src_others[0] if src_others else {"FrameCount": str(frames)}
                f.equal("MediaInfo tmcd FrameCount", ref.get("FrameCount"), t.get("FrameCount"))
                if "TimeCode_LastFrame" in ref:
                    f.equal("MediaInfo TimeCode_LastFrame", ref["TimeCode_LastFrame"],
                            t.get("TimeCode_LastFrame"))  # fmt: skip
    if source.has("apple_tmcd") or source.has("handlers"):
        handlers = [t.get("tags", {}).get("handler_name") for t in rd.tmcd_streams(dst)]
        src_handlers = [t.get("tags", {}).get("handler_name") for t in rd.tmcd_streams(src)]
        f.equal("tmcd handler names", src_handlers, handlers)

    # audio, packet for packet
    s_audio, d_audio = rd.streams(src, "audio"), rd.streams(dst, "audio")
    f.equal("number of audio streams", len(s_audio), len(d_audio))
    for n, (a, b) in enumerate(zip(s_audio, d_audio, strict=False)):
        f.equal(f"audio #{n} codec", a.get("codec_name"), b.get("codec_name"))
        f.equal(f"audio #{n} MD5 (-c copy -f md5)", rd.stream_md5(src, f"0:a:{n}"),
                rd.stream_md5(dst, f"0:a:{n}"))  # fmt: skip
        if source.has("short_audio"):
            f.expect(_close(_f(a.get("duration")), _f(b.get("duration")), 0.0011),
                     f"audio #{n} duration (shorter than the picture)",
                     a.get("duration"), b.get("duration"))  # fmt: skip
    if source.has("languages"):
        f.equal("audio languages", [_lang(a) for a in s_audio], [_lang(b) for b in d_audio])

    # subtitles
    s_subs, d_subs = rd.streams(src, "subtitle"), rd.streams(dst, "subtitle")
    f.equal("number of subtitle streams", len(s_subs), len(d_subs))
    for n, (a, b) in enumerate(zip(s_subs, d_subs, strict=False)):
        f.equal(f"subtitle #{n} codec", a.get("codec_name"), b.get("codec_name"))
        f.equal(f"subtitle #{n} language", _lang(a), _lang(b))
        if a.get("codec_name") == b.get("codec_name"):
            f.equal(f"subtitle #{n} MD5", rd.stream_md5(src, f"0:s:{n}"),
                    rd.stream_md5(dst, f"0:s:{n}"))  # fmt: skip

    # chapters (a QuickTime chapter track must come back as chapters, not as an extra stream)
    def chapters(path: Path) -> list[tuple[float, float, str | None]]:
        return [
            (round(float(c["start_time"]), 3), round(float(c["end_time"]), 3),
             c.get("tags", {}).get("title"))
            for c in rd.ffprobe(path).get("chapters", [])
        ]  # fmt: skip

    f.equal("chapters (start, end, title)", chapters(src), chapters(dst))
    if ext == src.suffix.lower():
        kinds = lambda p: sorted(  # noqa: E731
            (s.get("codec_type"), s.get("codec_tag_string"))
            for s in rd.ffprobe(p)["streams"]
            if s.get("codec_type") in ("data", "subtitle")
        )
        f.equal("data and subtitle streams (type, tag)", kinds(src), kinds(dst))

    # title, creation time, reel name, handler names
    s_tags = rd.ffprobe(src)["format"].get("tags", {})
    d_tags = rd.ffprobe(dst)["format"].get("tags", {})
    for key in ("title", "creation_time"):
        if key in s_tags:
            f.equal(f"format tag {key}", s_tags[key], d_tags.get(key))
    if source.has("reel"):
        reels = [t.get("tags", {}).get("reel_name") for t in rd.tmcd_streams(dst)]
        f.equal("tmcd reel_name", ["A001"], reels)
    if source.has("handlers") and ext == ".mov":
        for kind in ("video", "audio"):
            f.equal(
                f"{kind} handler names",
                [s.get("tags", {}).get("handler_name") for s in rd.streams(src, kind)],
                [s.get("tags", {}).get("handler_name") for s in rd.streams(dst, kind)],
            )

    # colour: container tags, and the ProRes bitstream's as MediaInfo reports them
    src_colour, dst_colour = rd.mi_colour(src), rd.mi_colour(dst)
    wanted_colour = effective_colour(src_colour)
    if _is_rgb(sv) != _is_rgb(dv):
        # RGB <-> Y'CbCr needs a new matrix: only primaries and transfer must survive
        wanted_colour = (*wanted_colour[:2], "*")
        dst_colour = rd.ColourTags(
            (*dst_colour.container[:2], "*" if any(dst_colour.container) else None),
            (*dst_colour.stream[:2], "*" if any(dst_colour.stream) else None),
        )
        src_colour = rd.ColourTags(
            (*src_colour.container[:2], "*" if any(src_colour.container) else None),
            (*src_colour.stream[:2], "*" if any(src_colour.stream) else None),
        )
    out_codec = dv.get("codec_name")
    if out_codec in ("prores", "dnxhd", "h264", "ffv1", "hevc") and ext != ".mkv":
        f.equal("colour tags in the container (MediaInfo)", wanted_colour, dst_colour.container)
    else:
        f.equal("colour tags (MediaInfo)", wanted_colour, effective_colour(dst_colour))
    if out_codec == "prores":
        allowed = {wanted_colour}
        if sv.get("codec_name") == "prores":
            allowed.add(src_colour.stream)
        f.expect(
            dst_colour.stream in allowed,
            "ProRes bitstream colour tags (MediaInfo *_Original / Container / Stream)",
            sorted(allowed, key=str),
            dst_colour.stream,
        )
    src_range = sv.get("color_range")
    if _is_rgb(dv) and not _is_rgb(sv):
        wanted_range = dv.get("color_range")  # an RGB deliverable is full range by nature
    elif out_codec in LIMITED_ONLY:  # video range by definition: a full-range source is scaled
        wanted_range = "tv"
    else:
        wanted_range = src_range
    got_range = dv.get("color_range")
    if out_codec in LIMITED_ONLY and src_range in (None, "unknown") and got_range is None:
        got_range = "tv"  # untagged in, untagged out: also fine
    f.equal("color_range (ffprobe)", wanted_range, got_range)
    if source.has("hdr"):
        f.equal("HDR10 metadata (MediaInfo)", rd.mediainfo_hdr(src), rd.mediainfo_hdr(dst))

    # geometry and scanning
    if source.has("interlaced"):
        f.equal("field_order", sv.get("field_order"), dv.get("field_order"))
    else:  # no 'fiel' atom reads as "unknown", which players and QC treat as progressive
        f.equal("field_order", "progressive", dv.get("field_order") or "progressive")
    f.equal("MediaInfo ScanType/ScanOrder", (mi_src.get("ScanType"), mi_src.get("ScanOrder")),
            (mi_dst.get("ScanType"), mi_dst.get("ScanOrder")))  # fmt: skip
    f.equal("sample_aspect_ratio", _sar(sv), _sar(dv))
    f.equal("display_aspect_ratio", _dar(sv), _dar(dv))
    f.equal("size", (sv.get("width"), sv.get("height")), (dv.get("width"), dv.get("height")))
    f.equal("rotation (display matrix)", rd.rotation_of(sv), rd.rotation_of(dv))
    f.equal("MediaInfo Rotation", mi_src.get("Rotation", "0.000") or "0.000",
            mi_dst.get("Rotation", "0.000") or "0.000")  # fmt: skip

    # start time (and, for Matroska, monotonic dts)
    if source.has("start_offset") or ext == ".mkv":
        f.expect(
            _close(_f(dv.get("start_time")), _f(sv.get("start_time")), 0.0011),
            "video start_time",
            sv.get("start_time"),
            dv.get("start_time"),
        )
    if ext == ".mkv":
        f.expect(
            _close(
                _f(rd.ffprobe(dst)["format"].get("start_time")),
                _f(rd.ffprobe(src)["format"].get("start_time")),
                0.0011,
            ),
            "container start_time",
            rd.ffprobe(src)["format"].get("start_time"),
            rd.ffprobe(dst)["format"].get("start_time"),
        )
        dts = [_f(p.get("dts_time")) for p in rd.packets(dst)]
        f.expect(
            all(a is not None and b is not None and b > a for a, b in itertools.pairwise(dts)),
            "video dts strictly increasing",
            "monotonic",
            dts[:6],
        )

    # codec profile and bit depth kept where the deliverable's codec is the source's
    if out_codec == sv.get("codec_name"):
        if out_codec in ("prores", "dnxhd"):
            f.equal(f"{out_codec} profile", sv.get("profile"), dv.get("profile"))
            f.equal("MediaInfo Format_Profile", mi_src.get("Format_Profile"),
                    mi_dst.get("Format_Profile"))  # fmt: skip
        if out_codec in ("prores", "ffv1", "dnxhd"):
            f.equal("pix_fmt", sv.get("pix_fmt"), dv.get("pix_fmt"))
        if out_codec == "ffv1":
            f.equal("ffv1 color_range", sv.get("color_range"), dv.get("color_range"))
    elif ext == ".mxf" and sv.get("codec_name") != "dnxhd":
        pass  # DNxHR HQX is the MXF default for other codecs
    if out_codec == "prores" and sv.get("pix_fmt", "").endswith(("10le", "12le")):
        f.expect(
            dv.get("pix_fmt", "").endswith(("10le", "12le")),
            "ProRes keeps ≥ 10 bits",
            "10/12-bit",
            dv.get("pix_fmt"),
        )

    # decodes cleanly
    f.equal("ffmpeg -v error -i OUT -f null - (output)", "", rd.decode_errors(dst))
    return f


def check_sequence_deliverable(source: Source, out: Path, deliverable: str) -> Findings:
    f = Findings(source, out)
    folder = out.parent
    prefix = out.name.split("%06d")[0]
    files = sorted(p for p in folder.iterdir() if p.name.startswith(prefix))
    f.equal("number of frames written", source.spec.frames, len(files))
    src_files = sorted(source.path.parent.glob(f"*{source.path.suffix}"))
    f.equal("frame numbers (the source's, from 86400)",
            [p.name.rsplit("_", 1)[-1] for p in src_files],
            [p.name[len(prefix):] for p in files])  # fmt: skip
    stray = [
        p.name
        for p in folder.iterdir()
        if not p.name.startswith(prefix) and p.suffix != ".c2pa"  # the credentials sidecar
    ]
    f.equal("other files left in the output folder", [], stray)
    if files:
        sv, dv = rd.video(source.path), rd.video(files[0])
        f.equal("codec", sv.get("codec_name"), dv.get("codec_name"))
        f.equal("pix_fmt", sv.get("pix_fmt"), dv.get("pix_fmt"))
        f.equal("bits_per_raw_sample", sv.get("bits_per_raw_sample"), dv.get("bits_per_raw_sample"))
        f.equal("MediaInfo BitDepth", rd.mi_video(source.path).get("BitDepth"),
                rd.mi_video(files[0]).get("BitDepth"))  # fmt: skip
        f.equal("size", (sv.get("width"), sv.get("height")), (dv.get("width"), dv.get("height")))
        pattern = str(folder / out.name)
        f.equal("ffmpeg -v error decode of the sequence", "",
                rd.decode_errors(pattern, ("-start_number", "86400")))  # fmt: skip
        src_pattern = source.path.parent / source.path.name.replace("086400", "%06d")
        qc_findings(out, source, f, against=src_pattern)
    return f


def qc_findings(out: Path, source: Source, findings: Findings, against: Path | None = None) -> None:
    """Also ask ``workbench.qc.check`` (where that package exists) and record what it did not
    expect. Only this part is skipped without it; the direct checks above always run."""
    try:
        qc = importlib.import_module("workbench.qc")
        check = qc.check
        expectations = qc.Expectations
    except (ImportError, AttributeError):
        return
    src = against or source.path
    sequence = "%" in out.name
    same_container = sequence or out.suffix.lower() == Path(src).suffix.lower()
    kwargs: dict[str, Any] = {"container_changed": not same_container}
    if not sequence:
        out_codec, src_codec = rd.video(out).get("codec_name"), rd.video(src).get("codec_name")
        if out_codec != src_codec:  # a deliberate re-encode into the deliverable's codec
            kwargs.update(codec=out_codec, pixel_format="*")
    result = check(
        out,
        against=src,
        expect=expectations(**kwargs),
        rate=source.spec.rate if sequence else None,
        decode=False,  # the direct checks decode the file already
    )
    for difference in result.differences:
        if not difference.expected:
            findings.items.append(f"workbench.qc: {difference}")


# -- the matrix ---------------------------------------------------------------------------------

# The default run keeps one case per container family (ProRes with timecode and PCM in MOV, long-GOP
# H.264 with B-frames in MP4, languages/subtitles/chapters in MKV, MXF, HDR10, an image sequence);
# every other source and deliverable runs with -m slow.
DEFAULT_CASES = {
    ("prores_hq_2398_pcm24_tc", ".mov"),
    ("h264_bframes_aac_25", ".mp4"),
    ("hevc_hdr10", ".mov"),
    ("ffv1_mkv_langs_srt_chapters", ".mkv"),
    ("dnxhr_hq_mxf_pcm", ".mxf"),
    ("png16_sequence_86400", "_%06d.png"),
}
DEFAULT_SOURCES = {name for name, _ in DEFAULT_CASES}
CASES = [
    pytest.param(
        spec.name,
        deliverable,
        id=f"{spec.name}->{deliverable.lstrip('_')}",
        marks=() if (spec.name, deliverable) in DEFAULT_CASES else (pytest.mark.slow,),
    )
    for spec in SPECS
    for deliverable in spec.deliverables
]


@pytest.mark.parametrize(("name", "deliverable"), CASES)
def test_no_op_render_delivers_what_the_source_has(
    name: str, deliverable: str, delivery_sources: SourceFactory, tmp_path: Path
) -> None:
    source = delivery_sources.get(name)
    out, error = render_keeping(source, tmp_path, deliverable)
    if "%" in deliverable:
        findings = check_sequence_deliverable(source, out, deliverable)
    else:
        assert out.exists(), f"{out} was not written"
        findings = check_video_deliverable(source, out, deliverable)
        if error is None:
            leftovers = sorted(
                p.name for p in out.parent.iterdir() if p != out and p.suffix != ".c2pa"
            )
            findings.equal("other files left beside the output", [], leftovers)
        else:
            findings.items.insert(0, f"the render refused its output: {error}")
        qc_findings(out, source, findings)
    assert not findings.items, findings.report()


def _claims(source: Source) -> dict[str, bool]:
    """Whether the source has each property its spec promises (computed only when promised)."""
    spec, path = source.spec, source.path
    if "sequence" in spec.features:
        count = len(list(path.parent.glob(f"*{path.suffix}")))
        return {"frames": count == spec.frames, "sequence": "086400" in path.name}
    v = rd.video(path)
    by_pts = sorted(rd.packets(path), key=lambda p: float(p["pts_time"]))
    steps = {
        round(float(b["pts_time"]) - float(a["pts_time"]), 4) for a, b in itertools.pairwise(by_pts)
    }
    wanted = spec.features | {"frames"} | ({"timecode"} if spec.timecode else set())
    tests = {
        "frames": lambda: v.get("nb_read_packets") == str(spec.frames),
        "timecode": lambda: rd.timecode_of(path) == spec.timecode,
        "start_offset": lambda: float(v["start_time"]) in (3.5, 10.0),
        "interlaced": lambda: v.get("field_order") in ("tt", "bb"),
        "anamorphic": lambda: v.get("sample_aspect_ratio") != "1:1",
        "rotation": lambda: rd.rotation_of(v) != 0,
        "vfr": lambda: len(steps) > 1,
        "chapters": lambda: len(rd.ffprobe(path)["chapters"]) == 2,
        "subtitles": lambda: bool(rd.streams(path, "subtitle")),
        "multi_audio": lambda: len(rd.streams(path, "audio")) == 2,
        "hdr": lambda: "MaxCLL" in rd.mediainfo_hdr(path),
        "apple_tmcd": lambda: (
            [t["tags"]["handler_name"] for t in rd.tmcd_streams(path)] == ["Core Media Time Code"]
        ),
        "reel": lambda: rd.tmcd_streams(path)[0]["tags"].get("reel_name") == "A001",
        "full_range": lambda: v.get("color_range") == "pc",
        "qt_chapter_track": lambda: any(
            s.get("codec_tag_string") == "text" for s in rd.data_streams(path)
        ),
        "container_only_colour": lambda: (
            rd.mi_colour(path).stream == (None,) * 3
            and rd.mi_colour(path).container == ("BT.709",) * 3
        ),
        "short_audio": lambda: (
            float(rd.streams(path, "audio")[0]["duration"]) < float(v["duration"]) - 0.1
        ),
    }
    return {name: test() for name, test in tests.items() if name in wanted}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(s.name, marks=() if s.name in DEFAULT_SOURCES else (pytest.mark.slow,))
        for s in SPECS
    ],
)
def test_source_is_what_it_claims(name: str, delivery_sources: SourceFactory) -> None:
    """The factory's own check: each source has the properties its spec promises."""
    source = delivery_sources.get(name)
    claims = _claims(source)
    assert all(claims.values()), {k: v for k, v in claims.items() if not v}


def test_there_are_at_least_30_sources() -> None:
    assert len(SPECS) >= 30


# -- the duration matrix --------------------------------------------------------------------------


def _rate_id(rate: Fraction) -> str:
    return f"{rate.numerator}/{rate.denominator}" if rate.denominator != 1 else str(rate)


def _duration_cases() -> list[Any]:
    # by default a 1001 rate in MOV and in MXF (the rest: -m slow)
    default = {(13, Fraction(30000, 1001), ".mov"), (24, Fraction(60000, 1001), ".mxf")}
    cases = []
    for container, rates in (
        (".mov", DURATION_RATES),
        (".mkv", (Fraction(25), Fraction(30000, 1001))),
        (".mp4", (Fraction(24000, 1001), Fraction(50))),
        (".mxf", (Fraction(25), Fraction(60000, 1001))),
    ):
        for rate in rates:
            for frames in DURATION_FRAMES:
                key = (frames, rate, container)
                marks = () if key in default else (pytest.mark.slow,)
                cases.append(
                    pytest.param(
                        frames, rate, container, marks=marks,
                        id=f"{container[1:]}-{frames}f-{_rate_id(rate)}",
                    )
                )  # fmt: skip
    return cases


_DURATION_SOURCES: dict[str, Source] = {}


@pytest.mark.parametrize(("frames", "rate", "container"), _duration_cases())
def test_duration_matrix(
    frames: int, rate: Fraction, container: str, delivery_sources: SourceFactory, tmp_path: Path
) -> None:
    spec = duration_spec(frames, rate, container)
    source = delivery_sources.get(spec)
    out, error = render_keeping(source, tmp_path, container)
    findings = check_video_deliverable(source, out, container)
    if error is not None:
        findings.items.insert(0, f"the render refused its output: {error}")
    qc_findings(out, source, findings)
    assert not findings.items, findings.report()


# -- transparency and regions ---------------------------------------------------------------------


def _plane_stats(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    return float(np.mean(b.astype(np.float64) - a.astype(np.float64))), rd.psnr(a, b)


def test_no_op_prores_hq_render_is_transparent(
    delivery_sources: SourceFactory, tmp_path: Path
) -> None:
    """ProRes 422 HQ 10-bit in, no edits, ProRes 422 HQ out: mean offset ≤ 0.1 code, ≥ 50 dB."""
    source = delivery_sources.get("prores_hq_2398_pcm24_tc")
    out = render(source, tmp_path, ".mov")
    if rd.packet_payload_md5(source.path, "v:0") == rd.packet_payload_md5(out, "v:0"):
        return  # smart rendering: the very packets
    w, h = source.spec.size
    src_frames = rd.decode_planes(source.path, "yuv422p10le", w, h)
    out_frames = rd.decode_planes(out, "yuv422p10le", w, h)
    assert len(out_frames) == len(src_frames) == source.spec.frames
    problems = []
    for n, (a, b) in enumerate(zip(src_frames, out_frames, strict=True)):
        for name, pa, pb in zip(("Y'", "Cb", "Cr"), a, b, strict=True):
            offset, quality = _plane_stats(pa, pb)
            if abs(offset) > 0.1 or quality < 50:
                problems.append(
                    f"frame {n} {name}: mean offset {offset:+.3f} code, {quality:.1f} dB"
                )
    assert not problems, "\n".join(problems[:20])


REGION = (0, 0, 64, 64)
EDITED = 4  # frames 0-3 carry the edit (the rest must be the source's too)


@pytest.mark.parametrize(
    ("name", "deliverable", "pix_fmt", "exact"),
    [
        pytest.param("ffv1_yuv422p10", ".mkv", "yuv422p10le", True, id="ffv1-lossless"),
        pytest.param("prores_hq_2398_pcm24_tc", ".mov", "yuv422p10le", False, id="prores"),
    ],
)
def test_pixels_outside_the_region_are_the_sources(
    name: str,
    deliverable: str,
    pix_fmt: str,
    exact: bool,
    delivery_sources: SourceFactory,
    tmp_path: Path,
) -> None:
    source = delivery_sources.get(name)
    x, y, rw, rh = REGION
    out = render(
        source,
        tmp_path,
        deliverable,
        ["--tool", "denoise", "--region", f"{x},{y},{rw},{rh}", "--param", "strength=1",
         "--frames", f"0-{EDITED - 1}"],
    )  # fmt: skip
    w, h = source.spec.size
    src_frames = rd.decode_planes(source.path, pix_fmt, w, h)
    out_frames = rd.decode_planes(out, pix_fmt, w, h)
    assert len(out_frames) == len(src_frames)
    margin = 2  # chroma samples next to the region may mix edited luma (4:2:2 siting)
    problems = []
    inside = [
        float(
            np.abs(
                a[0][y : y + rh, x : x + rw].astype(np.int32) - b[0][y : y + rh, x : x + rw]
            ).max()
        )
        for a, b in zip(src_frames[:EDITED], out_frames[:EDITED], strict=True)
    ]
    assert max(inside) > 0, "the edit changed nothing inside its region: the test proves nothing"
    for n, (a, b) in enumerate(zip(src_frames, out_frames, strict=True)):
        for index, (pa, pb) in enumerate(zip(a, b, strict=True)):
            sx = w // pa.shape[1]
            sy = h // pa.shape[0]
            keep = np.ones(pa.shape, bool)
            extra = margin if index else 0
            keep[
                : -(-(y + rh) // sy) + extra,
                : -(-(x + rw) // sx) + extra,
            ] = False
            diff = np.abs(pa.astype(np.int32) - pb.astype(np.int32))[keep]
            if exact:
                if diff.max(initial=0):
                    problems.append(
                        f"frame {n} plane {index}: {int((diff > 0).sum())} samples outside the "
                        f"region differ (max {int(diff.max())} codes)"
                    )
            else:
                offset = float(np.mean(pb[keep].astype(np.float64) - pa[keep]))
                quality = rd.psnr(pa[keep], pb[keep])
                if abs(offset) > 0.1 or quality < 50:
                    problems.append(
                        f"frame {n} plane {index} outside the region: offset {offset:+.3f}, "
                        f"{quality:.1f} dB"
                    )
    assert not problems, "\n".join(problems[:20])


# -- refusals before anything is written ----------------------------------------------------------

REFUSALS = [
    pytest.param("h264_bframes_aac_25", ".mxf", ("aac",), True, id="aac-into-mxf"),
    pytest.param("h264_mp4_movtext_chapters", ".mkv", ("mov_text", "tx3g", "timed text"), False,
                 id="mov_text-into-mkv"),
    pytest.param("ffv1_mkv_langs_srt_chapters", ".mov", ("subrip", "srt"), False,
                 id="srt-into-mov"),
    pytest.param("prores_hq_2398_pcm24_tc", ".mp4", ("pcm_s24le", "24-bit pcm", "pcm"), False,
                 id="pcm24-into-mp4"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "deliverable", "stream_names", "convert"), REFUSALS)
def test_render_refuses_a_stream_the_container_cannot_hold_before_writing(
    name: str,
    deliverable: str,
    stream_names: tuple[str, ...],
    convert: bool,
    delivery_sources: SourceFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = delivery_sources.get(name)
    project = project_with(tmp_path, source.path)
    folder = tmp_path / "delivered"
    folder.mkdir()
    out = folder / f"out{deliverable}"
    seen: set[str] = set()
    done = threading.Event()

    def watch() -> None:  # anything that appears in the output folder, however briefly
        while not done.is_set():
            seen.update(p.name for p in folder.iterdir())
            time.sleep(0.002)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    events: list[RenderEvent] = []
    try:
        with pytest.raises(WorkbenchError) as caught:
            run_render(RenderRequest(project, 1, out), on_event=events.append)
    finally:
        done.set()
        watcher.join(5)
    error = caught.value
    text = str(error).lower()
    assert error.exit_code == 2, f"{type(error).__name__} (exit {error.exit_code}): {error}"
    assert any(s in text for s in stream_names), f"the message does not name the stream: {error}"
    assert "stream" in text or "track" in text, error
    assert "--drop-stream" in text, f"no --drop-stream offered: {error}"
    if convert:
        assert "--convert-audio pcm" in text, f"no --convert-audio pcm offered: {error}"
    others = {".mov", ".mkv", ".mxf", ".mp4"} - {deliverable}
    assert any(o in text for o in others), f"no other container offered: {error}"
    assert not seen and not list(folder.iterdir()), f"written before refusing: {sorted(seen)}"
    frames_done = [e for e in events if isinstance(e, Advanced) and e.done]
    assert not frames_done, f"frames were rendered before the refusal: {frames_done[-1]}"
    capsys.readouterr()
    assert main(["render", str(project), "1", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "--drop-stream" in err, err
    assert not list(folder.iterdir())
