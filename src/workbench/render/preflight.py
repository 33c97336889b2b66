"""Everything that would make a render fail late, found before its first frame is decoded.

A container that cannot hold one of the source's streams, a codec that refuses the frame size,
a stream the user asked to drop or convert that is not there: each is found here, and the
message names the stream and the choices (``--drop-stream``, ``--convert-audio pcm``, another
container). The encoder is tried on one black picture of the deliverable's size and pixel
format, so its own limits (DNxHR's minimum sizes, 4:2:0's even dimensions) speak before any
work is spent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from workbench.errors import UsageError
from workbench.media.formats import CODECS, CONTAINERS
from workbench.media.info import MediaInfo, MediaKind


@dataclass(frozen=True)
class StreamChoices:
    """What the user said about the source's other streams."""

    drop: tuple[int, ...] = ()
    convert_audio: tuple[int, ...] = ()


def _holders(kind: str, codec: str) -> list[str]:
    return [
        ext
        for ext, c in CONTAINERS.items()
        if ext != ".m4v" and codec in (c.audio if kind == "audio" else c.subtitles | c.data)
    ]


def stream_problems(info: MediaInfo, output: Path, choices: StreamChoices) -> list[str]:
    """One sentence per stream the output's container cannot carry as the user asked."""
    container = CONTAINERS.get(output.suffix.lower())
    if container is None or info.kind is not MediaKind.VIDEO:
        return []
    problems: list[str] = []
    known = {a.index for a in info.audio} | {o.index for o in info.other_streams}
    for index in (*choices.drop, *choices.convert_audio):
        if index not in known:
            problems.append(
                f"{Path(info.path).name} has no stream #{index} to drop or convert "
                f"(its streams: {', '.join(f'#{i}' for i in sorted(known)) or 'picture only'})"
            )
    audio_indices = {a.index for a in info.audio}
    for index in choices.convert_audio:
        if index in known and index not in audio_indices:
            problems.append(f"stream #{index} is not audio; only audio converts to PCM")
    for audio in info.audio:
        if audio.index in choices.drop:
            continue
        if audio.index in choices.convert_audio:
            if not {"pcm_s16le", "pcm_s24le"} & container.audio:
                problems.append(
                    f"a {output.suffix} file cannot hold PCM audio (stream #{audio.index})"
                )
            continue
        if audio.codec not in container.audio:
            others = [e for e in _holders("audio", audio.codec) if e != output.suffix.lower()]
            options = [f"--drop-stream {audio.index}"]
            if {"pcm_s16le", "pcm_s24le"} & container.audio and not audio.codec.startswith("pcm"):
                options.insert(0, f"--convert-audio pcm (or --convert-audio {audio.index})")
            if others:
                options.append(f"render to {' or '.join(others)}")
            what = audio.codec
            if audio.codec.startswith("pcm") and output.suffix.lower() in (".mp4", ".m4v"):
                what = f"{audio.codec} (PCM in MP4 is read by few players)"
            problems.append(
                f"the audio stream #{audio.index} ({what}) of {Path(info.path).name} cannot go "
                f"into a {output.suffix} file unchanged; choose {', '.join(options)}"
            )
    for other in info.other_streams:
        if other.index in choices.drop or other.is_timecode_track:
            continue
        if other.type == "data" and info.chapters and other.codec in (None, "bin_data"):
            continue  # a QuickTime chapter track; the chapters themselves are written again
        if other.type not in ("subtitle", "data"):
            continue
        codec = other.codec or "unknown"
        holds = container.subtitles if other.type == "subtitle" else container.data
        if codec not in holds:
            others = [e for e in _holders(other.type, codec) if e != output.suffix.lower()]
            where = f", or render to {' or '.join(others)}" if others else ""
            problems.append(
                f"the {other.type} stream #{other.index} ({codec}) of {Path(info.path).name} "
                f"cannot go into a {output.suffix} file; leave it out with "
                f"--drop-stream {other.index}{where}"
            )
    return problems


def encoder_problem(codec: str, width: int, height: int, pix_fmt: str) -> str | None:
    """Why the encoder refuses a ``width``×``height`` ``pix_fmt`` picture, or None."""
    import av

    spec = CODECS[codec]
    if spec.kind != "video":
        return None
    if spec.even_dimensions and (width % 2 or height % 2):
        return (
            f"{spec.description or codec} needs even dimensions and the picture is "
            f"{width}×{height}"
        )
    try:
        ctx: Any = av.CodecContext.create(spec.encoder, "w")
        ctx.width, ctx.height, ctx.pix_fmt = width, height, pix_fmt
        ctx.time_base = Fraction(1, 24)
        ctx.framerate = Fraction(24)
        ctx.options = dict(spec.options)
        ctx.open()
        frame = av.VideoFrame(width, height, pix_fmt)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.pts = 0
        ctx.encode(frame)
        ctx.encode(None)
    except (av.error.FFmpegError, ValueError) as exc:
        return f"the {codec} encoder refuses a {width}×{height} {pix_fmt} picture ({exc})"
    return None


def preflight(
    info: MediaInfo,
    output: Path,
    codec: str,
    pix_fmt: str | None,
    size: tuple[int, int],
    choices: StreamChoices,
) -> None:
    """Raise one :class:`UsageError` listing every problem, or return when the render can run."""
    problems = stream_problems(info, output, choices)
    if pix_fmt is not None:
        trouble = encoder_problem(codec, size[0], size[1], pix_fmt)
        if trouble:
            problems.append(trouble)
    if problems:
        raise UsageError(
            "the render cannot start: " + "; ".join(problems),
            hint=_hint(problems),
        )


def _hint(problems: Iterable[str]) -> str:
    text = " ".join(problems)
    if "encoder" in text or "dimensions" in text:
        return "pick another codec (workbench render --list-codecs) or another output extension"
    return "add the option the message names, or render to a container that holds the stream"
