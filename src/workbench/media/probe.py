"""Probing: what a media file is, without decoding it.

Video is probed by demuxing every packet of its picture stream (no decoding), which gives the
exact frame count and each frame's presentation time whatever the container claims; the
frame rate is then derived from those times and checked against the stream's nominal rate, so
23.976 comes back as ``Fraction(24000, 1001)`` and variable frame rate is recognised as such.

:func:`safe_probe` runs the same probe (optionally decoding the first and last frame) in a child
process with a time limit: a hostile or badly damaged file cannot hang or crash the app.
The packet scan and the rate derived from it are in :mod:`workbench.media.packets`.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import struct
from fractions import Fraction
from pathlib import Path
from typing import Any

from workbench.media.convert import pixel_format_depth
from workbench.media.errors import (
    BrokenMediaError,
    MediaError,
    MediaTimeoutError,
    UnsupportedMediaError,
)
from workbench.media.fingerprint import content_fingerprint, sequence_fingerprint
from workbench.media.info import (
    AudioStreamInfo,
    ChapterInfo,
    ColorInfo,
    MediaInfo,
    MediaKind,
    OtherStreamInfo,
)
from workbench.media.packets import DEFAULT_SEQUENCE_RATE, derive_rate, scan_packets
from workbench.media.packets import PacketIndex as PacketIndex  # re-exported for the reader
from workbench.media.safety import av_open_input, check_dimensions, local_path
from workbench.media.sequence import IMAGE_EXTENSIONS, detect_sequence, names_sequence


def _timecode(container: Any, stream: Any) -> str | None:
    sources = [stream, *[s for s in container.streams if s.type == "data"], container]
    for src in sources:
        for key, value in dict(src.metadata).items():
            if key.lower() == "timecode" and value:
                return str(value)
    return None


def _fraction(value: Any) -> Fraction | None:
    return Fraction(value) if value else None


def _streams(
    container: Any, video_index: int
) -> tuple[tuple[AudioStreamInfo, ...], tuple[OtherStreamInfo, ...]]:
    audio: list[AudioStreamInfo] = []
    other: list[OtherStreamInfo] = []
    for s in container.streams:
        if s.index == video_index:
            continue
        tags = {str(k): str(v) for k, v in dict(s.metadata).items()}
        if s.type == "audio":
            cc = s.codec_context
            layout = getattr(getattr(cc, "layout", None), "name", "") or ""
            audio.append(
                AudioStreamInfo(
                    index=s.index,
                    codec=cc.name,
                    sample_rate=int(cc.sample_rate or 0),
                    channels=int(cc.channels or 0),
                    layout=layout,
                    sample_format=getattr(cc.format, "name", "") or "",
                    time_base=_fraction(s.time_base),
                    language=s.language if getattr(s, "language", None) else None,
                    tags=tags,
                    disposition=int(s.disposition),
                    start=_start_of(s),
                )
            )
        else:
            cc = s.codec_context
            tag = getattr(s, "codec_tag", None)
            other.append(
                OtherStreamInfo(
                    index=s.index,
                    type=str(s.type),
                    codec=cc.name if cc is not None else None,
                    codec_tag=str(tag) if tag else None,
                    time_base=_fraction(s.time_base),
                    tags=tags,
                    disposition=int(s.disposition),
                    start=_start_of(s),
                )
            )
    return tuple(audio), tuple(other)


def _start_of(stream: Any) -> Fraction | None:
    if stream.start_time is None or not stream.time_base:
        return None
    return Fraction(int(stream.start_time)) * Fraction(stream.time_base)


_STATIC_SIDE_DATA = {
    "DISPLAYMATRIX": "display_matrix",
    "MASTERING_DISPLAY_METADATA": "mastering_display_metadata",
    "CONTENT_LIGHT_LEVEL": "content_light_level",
}


def first_frame_side_data(container: Any, stream: Any) -> dict[str, bytes]:
    """The static side data FFmpeg attaches to decoded frames (rotation, HDR10 metadata).

    MOV/MP4 keep the display matrix and MKV/MOV the mastering display and light level in the
    stream's coded side data, which PyAV only shows on decoded frames; HEVC/AV1 carry them in
    the bitstream, which the decoder exports the same way. One frame is decoded; any failure
    means "none" (decoding errors are the reader's to report).
    """
    import av

    found: dict[str, bytes] = {}
    try:
        container.seek(0, stream=stream)
        for frame in container.decode(stream):
            for item in frame.side_data:
                name = str(item.type).rsplit(".", 1)[-1]
                if name in _STATIC_SIDE_DATA:
                    found[_STATIC_SIDE_DATA[name]] = bytes(item)
            break
    except (av.error.FFmpegError, ValueError, StopIteration):
        return found
    return found


def _chapters(container: Any) -> tuple[ChapterInfo, ...]:
    out = []
    for chapter in container.chapters():
        meta = chapter.get("metadata") or {}
        out.append(
            ChapterInfo(
                int(chapter["start"]),
                int(chapter["end"]),
                Fraction(chapter["time_base"]),
                str(meta.get("title", "")),
            )
        )
    return tuple(out)


def pick_video_stream(container: Any, path: Path) -> Any:
    streams = [s for s in container.streams.video if not s.disposition & 0x400]  # attached_pic
    if not streams:
        raise UnsupportedMediaError(
            f"{path.name} has no picture stream",
            hint="Workbench works on video, image sequences and stills; audio-only is not media "
            "it can edit",
        )
    return streams[0]


def probe_open_video(container: Any, path: Path, fingerprint: str) -> tuple[MediaInfo, PacketIndex]:
    """Probe an already opened container (used by :class:`VideoReader` to scan only once)."""
    stream = pick_video_stream(container, path)
    cc = stream.codec_context
    width, height = int(cc.width or 0), int(cc.height or 0)
    check_dimensions(width, height, path)
    index = scan_packets(container, stream, path)
    if index.count == 0:
        raise BrokenMediaError(f"{path.name} holds no video frames", hint="the file may be empty")
    rate, vfr = derive_rate(index, stream)
    pix_fmt = cc.pix_fmt or ""
    if not pix_fmt:
        raise BrokenMediaError(f"{path.name}: the pixel format of its video is unknown")
    bits, is_float, alpha = pixel_format_depth(pix_fmt)
    tb = index.time_base
    if vfr:
        span = index.pts[-1] - index.pts[0]
        step = index.last_duration or (index.pts[-1] - index.pts[-2])
        duration = Fraction(span + step) * tb
    else:
        duration = Fraction(index.count) / rate
    audio, other = _streams(container, stream.index)
    sar = stream.sample_aspect_ratio
    color = ColorInfo(
        primaries=int(cc.color_primaries or 2),
        transfer=int(cc.color_trc or 2),
        matrix=int(cc.colorspace if cc.colorspace is not None else 2),
        range=int(cc.color_range or 0),
    )
    info = MediaInfo(
        path=str(path),
        kind=MediaKind.VIDEO,
        container=container.format.name,
        codec=cc.name,
        width=width,
        height=height,
        frame_rate=rate,
        frame_count=index.count,
        duration=duration,
        pixel_format=pix_fmt,
        bit_depth=bits,
        fingerprint=fingerprint,
        vfr=vfr,
        time_base=tb,
        frame_pts=index.pts if vfr else (),
        start_pts=index.pts[0] if index.pts else 0,
        timecode=_timecode(container, stream),
        color=color,
        audio=audio,
        other_streams=other,
        video_stream_index=stream.index,
        is_float=is_float,
        has_alpha=alpha,
        intra_only=index.count > 0 and len(index.keyframes) == index.count,
        profile=str(stream.profile) if stream.profile else None,
        field_order=int(cc.field_order or 0),
        sample_aspect_ratio=Fraction(sar) if sar and sar > 0 else None,
        tags={str(k): str(v) for k, v in dict(stream.metadata).items()},
        container_tags={str(k): str(v) for k, v in dict(container.metadata).items()},
        chapters=_chapters(container),
        disposition=int(stream.disposition),
    )
    return info, index


def probe(
    path: str | os.PathLike[str], *, sequence_rate: Fraction = DEFAULT_SEQUENCE_RATE
) -> MediaInfo:
    """What ``path`` is: a video file, an image sequence (a frame of it or a pattern), or a still.

    Raises a :class:`~workbench.media.errors.MediaError` subclass for anything unusable. Runs in
    this process; use :func:`safe_probe` for files not yet known to be sound.
    """
    text = os.fspath(path)
    sequence = names_sequence(text)
    p = local_path(text, must_exist=False) if sequence else local_path(text)
    if sequence or p.suffix.lower() in IMAGE_EXTENSIONS:
        spec = detect_sequence(p)
        if spec is None:
            return _probe_images(p, (p,), (), sequence_rate, MediaKind.STILL)
        return _probe_images(
            Path(spec.pattern),
            spec.paths,
            spec.frames,
            sequence_rate,
            MediaKind.SEQUENCE,
            missing=spec.missing,
        )
    fingerprint = content_fingerprint(p)
    with av_open_input(p) as container:
        info, _index = probe_open_video(container, p, fingerprint)
        # This container is ours alone, so decoding its first frame here costs no second open
        # (a VideoReader probes through probe_open_video and sets up its own decoder after).
        side = first_frame_side_data(container, pick_video_stream(container, p))
    matrix_bytes = side.pop("display_matrix", b"")
    return dataclasses.replace(
        info,
        display_matrix=(
            tuple(int(v) for v in struct.unpack("<9i", matrix_bytes))
            if len(matrix_bytes) == 36
            else ()
        ),
        hdr_side_data={k: v.hex() for k, v in side.items()},
    )


def _probe_images(
    display: Path,
    paths: tuple[Path, ...],
    numbers: tuple[int, ...],
    rate: Fraction,
    kind: MediaKind,
    *,
    missing: tuple[int, ...] = (),
) -> MediaInfo:
    from workbench.media.images import image_facts

    facts = image_facts(paths[0])
    if kind is MediaKind.SEQUENCE:
        fingerprint = sequence_fingerprint(paths)
    else:
        fingerprint = content_fingerprint(paths[0])
    count = len(paths)
    return MediaInfo(
        path=str(display),
        kind=kind,
        container="image2" if kind is MediaKind.SEQUENCE else facts.codec,
        codec=facts.codec,
        width=facts.width,
        height=facts.height,
        frame_rate=rate,
        frame_count=count,
        duration=Fraction(count) / rate if kind is MediaKind.SEQUENCE else Fraction(0),
        pixel_format=facts.pixel_format,
        bit_depth=facts.bit_depth,
        fingerprint=fingerprint,
        time_base=1 / rate,
        frame_rate_is_nominal=True,
        frame_numbers=numbers,
        missing_frames=missing,
        is_float=facts.is_float,
        has_alpha=facts.has_alpha,
        color=ColorInfo(primaries=1, transfer=facts.transfer or 13, matrix=0, range=2)
        if not facts.is_float
        else ColorInfo(primaries=1, transfer=8, matrix=0, range=2),
    )


# -- in a child process, with a time limit ---------------------------------------------------


def _child(conn: Any, path: str, decode_check: bool) -> None:
    try:
        info = probe(path)
        if decode_check:
            from workbench.media.reader import open_reader

            with open_reader(path, info=info) as reader:
                reader.read(0)
                if len(reader) > 1:
                    reader.read(len(reader) - 1)
        conn.send(("ok", info))
    except MediaError as exc:
        conn.send(("error", type(exc).__name__, exc.message, exc.hint))
    except Exception as exc:  # a bug or an unexpected decoder failure: report, don't hang
        conn.send(("error", "BrokenMediaError", f"reading {Path(path).name} failed: {exc}", None))
    finally:
        conn.close()


def safe_probe(
    path: str | os.PathLike[str], *, timeout: float = 30.0, decode_check: bool = True
) -> MediaInfo:
    """:func:`probe` in a child process that is killed after ``timeout`` seconds.

    With ``decode_check`` the child also decodes the first and last frame, so a file whose
    header is fine but whose pictures are not is caught here rather than mid-render. A crash
    of the decoder in the child becomes :class:`BrokenMediaError`, a time-out
    :class:`MediaTimeoutError`.
    """
    from workbench.media import errors as media_errors

    text = os.fspath(path)
    local_path(text, must_exist=not names_sequence(text))
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, text, decode_check), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise MediaTimeoutError(
                f"reading {Path(text).name} took longer than {timeout:g} s and was stopped",
                hint="the file is probably damaged; re-export it from its source",
            )
        try:
            message = parent.recv()
        except EOFError:
            raise BrokenMediaError(
                f"the decoder crashed while reading {Path(text).name}",
                hint="the file is damaged or uses a feature the decoder cannot handle",
            ) from None
    finally:
        parent.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if message[0] == "ok":
        info: MediaInfo = message[1]
        return info
    _tag, cls_name, text_msg, hint = message
    cls = getattr(media_errors, cls_name, BrokenMediaError)
    if not (isinstance(cls, type) and issubclass(cls, MediaError)):
        cls = BrokenMediaError
    raise cls(text_msg, hint=hint)
