"""Writers: deliverable video (ProRes, DNxHR, FFV1, H.264) and image sequences / stills.

A writer given its source's :class:`MediaInfo` (``like``) keeps what invariant 6 protects: the
exact frame rate (the stream's time base is derived from it, or for variable frame rate the
source's own frame times are reused), the timecode (``timecode`` tag on the stream and the
container; MOV/MP4 get a tmcd track from it), the colour tags, and the bit depth wherever the
codec has it. Audio, subtitle and data streams of the source are *remuxed*, packet for packet —
the output's audio packets are byte-identical to the source's.

Nothing half-written ever carries the final name: video goes to a hidden temp file beside the
target, image frames to a hidden temp folder; ``close()`` fsyncs and renames them into place,
``abort()`` (or an exception inside the ``with`` block) deletes them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.media.errors import (
    MediaError,
    MediaStorageError,
    UnsupportedMediaError,
)
from workbench.media.info import ColorInfo, MediaInfo, MediaKind
from workbench.media.safety import check_dimensions, local_path

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Frame = NDArray[np.float32]


@dataclass(frozen=True)
class CodecSpec:
    """One output codec choice: FFmpeg encoder, options and the pixel format per bit depth."""

    name: str
    encoder: str
    kind: str  # "video" or "image"
    options: dict[str, str] = field(default_factory=dict)
    formats: dict[int, str] = field(default_factory=dict)  # source bit depth -> pix_fmt
    limited_range: bool = False
    even_dimensions: bool = False

    def pixel_format(self, bit_depth: int, is_float: bool = False) -> str:
        if is_float and 32 in self.formats:
            return self.formats[32]
        for depth in sorted(self.formats):
            if depth >= bit_depth and depth != 32:
                return self.formats[depth]
        return self.formats[max(d for d in self.formats if d != 32)]


CODECS: dict[str, CodecSpec] = {
    "prores": CodecSpec(
        "prores",
        "prores_ks",
        "video",
        {"profile": "3", "vendor": "apl0"},
        {16: "yuv422p10le"},
        limited_range=True,
    ),
    "prores_4444": CodecSpec(
        "prores_4444",
        "prores_ks",
        "video",
        {"profile": "4", "vendor": "apl0"},
        {16: "yuv444p10le"},
        limited_range=True,
    ),
    "dnxhr_hqx": CodecSpec(
        "dnxhr_hqx",
        "dnxhd",
        "video",
        {"profile": "dnxhr_hqx"},
        {16: "yuv422p10le"},
        limited_range=True,
    ),
    "ffv1": CodecSpec(
        "ffv1",
        "ffv1",
        "video",
        {"level": "3", "g": "1", "slicecrc": "1"},
        {8: "bgr0", 10: "gbrp10le", 12: "gbrp12le", 16: "gbrp16le", 32: "gbrpf32le"},
    ),
    "h264": CodecSpec(
        "h264",
        "libx264",
        "video",
        {"crf": "18", "preset": "medium"},
        {16: "yuv420p"},
        limited_range=True,
        even_dimensions=True,
    ),
    "png": CodecSpec("png", "png", "image", {}, {8: "8", 16: "16"}),
    "tiff": CodecSpec("tiff", "tiff", "image", {}, {8: "8", 16: "16"}),
    "jpeg": CodecSpec("jpeg", "mjpeg", "image", {}, {16: "8"}),
    "exr": CodecSpec("exr", "exr", "image", {}, {16: "half", 32: "float"}),
    "dpx": CodecSpec(
        "dpx", "dpx", "image", {}, {8: "rgb24", 10: "gbrp10le", 12: "gbrp12le", 16: "rgb48le"}
    ),
}
"""Codec names accepted by :func:`open_writer` (and ``workbench render --codec``)."""

DEFAULT_CODEC_BY_EXTENSION = {
    ".mov": "prores",
    ".mxf": "dnxhr_hqx",
    ".mkv": "ffv1",
    ".mp4": "h264",
    ".m4v": "h264",
    ".png": "png",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".exr": "exr",
    ".dpx": "dpx",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
}
_CONTAINER_BY_EXTENSION = {
    ".mov": "mov",
    ".mp4": "mp4",
    ".m4v": "mp4",
    ".mkv": "matroska",
    ".mxf": "mxf",
}


def storage_error(exc: BaseException, path: Path) -> MediaError:
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT):
        return MediaStorageError(
            f"the disk is full while writing {path.name}",
            hint=f"free space on the drive holding {path.parent} and run the render again",
        )
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return MediaStorageError(
            f"no permission to write {path}", hint="choose a folder you can write to"
        )
    reason = getattr(exc, "strerror", None) or str(exc)
    return MediaStorageError(f"writing {path.name} failed: {reason}")


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _WriterBase:
    path: Path
    codec: CodecSpec
    frames_written: int

    def write(self, frame: Frame) -> None:
        raise NotImplementedError

    def close(self) -> Path:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> _WriterBase:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class VideoWriter(_WriterBase):
    """Encodes frames into one video file and remuxes the source's other streams beside them."""

    def __init__(
        self,
        path: Path,
        codec: CodecSpec,
        *,
        rate: Fraction,
        bit_depth: int,
        is_float: bool = False,
        timecode: str | None = None,
        color: ColorInfo | None = None,
        source: MediaInfo | None = None,
        copy_streams: bool = True,
        vfr_pts: Sequence[int] = (),
        time_base: Fraction | None = None,
        options: dict[str, str] | None = None,
    ) -> None:
        self.path = path
        self.codec = codec
        self.rate = Fraction(rate)
        self.bit_depth = bit_depth
        self.pix_fmt = codec.pixel_format(bit_depth, is_float)
        self.timecode = timecode
        self.color = color or ColorInfo()
        self.source = source
        self.copy_streams = copy_streams
        self.vfr_pts = tuple(vfr_pts)
        self.time_base = time_base
        self.options = {**codec.options, **(options or {})}
        self.frames_written = 0
        self._tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.partial{path.suffix}")
        self._out: Any = None
        self._stream: Any = None
        self._src: Any = None
        self._src_packets: Iterator[Any] | None = None
        self._src_map: dict[int, Any] = {}
        self._src_offset: dict[int, int] = {}
        self._pending: Any = None
        self._closed = False
        self._remuxing = False

    # -- setup ----------------------------------------------------------------------------------

    def _start(self, width: int, height: int) -> None:
        import av

        fmt = _CONTAINER_BY_EXTENSION.get(self.path.suffix.lower())
        try:
            self._out = av.open(str(self._tmp), "w", format=fmt)
        except av.error.FFmpegError as exc:
            raise storage_error(exc, self.path) from exc
        except OSError as exc:
            raise storage_error(exc, self.path) from exc
        out = self._out
        try:
            stream = out.add_stream(self.codec.encoder, rate=self.rate, options=self.options)
        except (av.error.FFmpegError, ValueError) as exc:
            raise UnsupportedMediaError(
                f"cannot write {self.codec.name} into {self.path.suffix} ({exc})",
                hint="pick another codec or output extension",
            ) from exc
        stream.width, stream.height, stream.pix_fmt = width, height, self.pix_fmt
        if self.vfr_pts and self.time_base:
            # Frame times are the source's own; the encoder must count in the same units.
            stream.time_base = self.time_base
            stream.codec_context.time_base = self.time_base
        else:
            stream.time_base = 1 / self.rate
        cc = stream.codec_context
        color = self.color
        yuv = self.pix_fmt.startswith("yuv")
        cc.color_primaries = color.primaries
        cc.color_trc = color.transfer
        cc.colorspace = color.matrix if yuv else 0
        if self.codec.limited_range or (yuv and color.range != 2):
            cc.color_range = 1 if yuv else 0
        else:
            cc.color_range = 2 if yuv and color.range == 2 else (2 if not yuv else 0)
        if self.timecode:
            stream.metadata["timecode"] = self.timecode
            out.metadata["timecode"] = self.timecode
        self._stream = stream
        if self.copy_streams and self.source is not None and self.source.kind is MediaKind.VIDEO:
            self._open_source(out)

    def remux_segments(self, segments: Sequence[Path]) -> None:
        """Append the video of ``segments`` packet for packet instead of encoding frames.

        Each segment must hold one intra-only video stream (ProRes, DNxHR, FFV1) encoded with
        this writer's settings — the render writes them so — and nothing else: frame ``n`` of
        the result gets ``pts = dts = n``, and the source's other streams are interleaved as
        when encoding. A resumable render encodes once, in segments, and joins them here.
        """
        import av

        if self._closed:
            raise UnsupportedMediaError(f"{self.path.name}: the writer is already closed")
        try:
            for segment in segments:
                with av.open(str(segment)) as src:
                    video_in = src.streams.video[0]
                    if self._out is None:
                        self._start_from_template(video_in)
                    for packet in src.demux(video_in):
                        if packet.dts is None and packet.pts is None:
                            continue  # flush packet
                        n = self.frames_written
                        self._pump_source(Fraction(n) / self.rate)
                        packet.stream = self._stream
                        packet.time_base = 1 / self.rate
                        packet.pts = packet.dts = n
                        self._mux(packet)
                        self.frames_written += 1
        except av.error.FFmpegError as exc:
            self.abort()
            raise UnsupportedMediaError(f"cannot join render segments ({exc})") from exc
        except MediaError:
            self.abort()
            raise
        except OSError as exc:
            self.abort()
            raise storage_error(exc, self.path) from exc

    def _start_from_template(self, template: Any) -> None:
        # The stream is set up exactly as for encoding (same encoder options, rate, colour tags
        # and timecode, so MOV gets its tmcd track); only the packets come from the segments.
        self._remuxing = True
        self._start(template.codec_context.width, template.codec_context.height)

    def _open_source(self, out: Any) -> None:
        from workbench.media.safety import av_open_input

        assert self.source is not None
        wanted = [a.index for a in self.source.audio] + [
            o.index
            for o in self.source.other_streams
            if not o.is_timecode_track and o.type in ("subtitle", "data")
        ]
        if not wanted:
            return
        src = av_open_input(Path(self.source.path))
        self._src = src
        video_in = src.streams[self.source.video_stream_index]
        start_seconds = Fraction(self.source.start_pts) * Fraction(video_in.time_base)
        for idx in wanted:
            in_stream = src.streams[idx]
            try:
                out_stream = out.add_stream_from_template(in_stream)
            except Exception as exc:
                raise UnsupportedMediaError(
                    f"the {in_stream.type} stream #{idx} of {Path(self.source.path).name} "
                    f"cannot be carried into a {self.path.suffix} file ({exc})",
                    hint="write a .mov or .mkv file, which can hold it unchanged",
                ) from exc
            self._src_map[idx] = out_stream
            self._src_offset[idx] = round(start_seconds / Fraction(in_stream.time_base))
        self._src_packets = iter(src.demux([src.streams[i] for i in wanted]))

    # -- writing --------------------------------------------------------------------------------

    def _pump_source(self, until: Fraction | None) -> None:
        """Remux source packets up to ``until`` seconds (all of them when None)."""
        if self._src_packets is None:
            return
        while True:
            packet = self._pending
            if packet is None:
                try:
                    packet = next(self._src_packets)
                except StopIteration:
                    self._src_packets = None
                    return
            if packet.dts is None and packet.pts is None:
                continue  # flush packet
            idx = packet.stream.index
            ts = packet.dts if packet.dts is not None else packet.pts
            offset = self._src_offset[idx]
            seconds = Fraction(ts - offset) * Fraction(packet.time_base)
            if until is not None and seconds > until:
                self._pending = packet
                return
            self._pending = None
            if packet.pts is not None:
                packet.pts -= offset
            if packet.dts is not None:
                packet.dts -= offset
            packet.stream = self._src_map[idx]
            self._mux(packet)

    def _mux(self, packet: Any) -> None:
        import av

        try:
            self._out.mux(packet)
        except av.error.FFmpegError as exc:
            if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
                raise storage_error(exc, self.path) from exc
            raise UnsupportedMediaError(
                f"writing {self.path.name} failed ({exc})",
                hint="the chosen container may not accept one of the source's streams; try .mov",
            ) from exc
        except OSError as exc:
            raise storage_error(exc, self.path) from exc

    def write(self, frame: Frame) -> None:
        """Encode the next frame (float32 RGB, H×W×3)."""
        import av

        from workbench.media.convert import array_to_video_frame

        if self._closed:
            raise UnsupportedMediaError(f"{self.path.name}: the writer is already closed")
        arr = np.asarray(frame, dtype=np.float32)
        if arr.ndim != 3 or arr.shape[2] != 3:
            self.abort()
            raise UnsupportedMediaError(f"expected an H×W×3 frame, got shape {arr.shape}")
        if self.codec.even_dimensions and (arr.shape[0] % 2 or arr.shape[1] % 2):
            arr = np.pad(arr, ((0, arr.shape[0] % 2), (0, arr.shape[1] % 2), (0, 0)), "edge")
        height, width = arr.shape[:2]
        try:
            if self._out is None:
                check_dimensions(width, height, self.path)
                self._start(width, height)
            elif (width, height) != (self._stream.width, self._stream.height):
                raise UnsupportedMediaError(
                    f"frame {self.frames_written} is {width}×{height}, but {self.path.name} "
                    f"was started at {self._stream.width}×{self._stream.height}"
                )
            if self.pix_fmt == "gbrpf32le":
                vf = av.VideoFrame.from_ndarray(
                    np.ascontiguousarray(arr),  # PyAV maps RGB channels onto the G, B, R planes
                    format="gbrpf32le",
                )
            else:
                vf = array_to_video_frame(
                    arr,
                    self.pix_fmt,
                    bit_depth=16 if self.bit_depth > 8 else 8,
                    matrix=self.color.matrix,
                    color_range=2 if self._stream.codec_context.color_range == 2 else 1,
                )
            n = self.frames_written
            if self.vfr_pts and self.time_base and n < len(self.vfr_pts):
                vf.pts = self.vfr_pts[n] - self.vfr_pts[0]
                vf.time_base = self.time_base
                seconds = Fraction(vf.pts) * self.time_base
            else:
                vf.pts = n
                vf.time_base = 1 / self.rate
                seconds = Fraction(n) / self.rate
            self._pump_source(seconds)
            try:
                packets = self._stream.encode(vf)
            except av.error.FFmpegError as exc:
                raise UnsupportedMediaError(
                    f"the {self.codec.name} encoder refused this {width}×{height} "
                    f"{self.pix_fmt} picture ({exc})",
                    hint="DNxHR needs at least 256 pixels of width; try another codec",
                ) from exc
            for packet in packets:
                self._mux(packet)
            self.frames_written += 1
        except MediaError:
            self.abort()
            raise
        except OSError as exc:
            self.abort()
            raise storage_error(exc, self.path) from exc

    def close(self) -> Path:
        """Finish the file: flush, remux the rest of the source streams, fsync, rename."""
        import av

        if self._closed:
            return self.path
        if self._out is None:
            self.abort()
            raise UnsupportedMediaError(f"no frames were written to {self.path.name}")
        try:
            if not self._remuxing:
                for packet in self._stream.encode(None):
                    self._mux(packet)
            self._pump_source(None)
            try:
                self._out.close()
            except av.error.FFmpegError as exc:
                raise storage_error(exc, self.path) from exc
            self._out = None
            _fsync_file(self._tmp)
            os.replace(self._tmp, self.path)
            _fsync_dir(self.path.parent)
        except MediaError:
            self.abort()
            raise
        except OSError as exc:
            self.abort()
            raise storage_error(exc, self.path) from exc
        finally:
            self._close_source()
        self._closed = True
        return self.path

    def _close_source(self) -> None:
        if self._src is not None:
            self._src.close()
            self._src = None
            self._src_packets = None

    def abort(self) -> None:
        """Stop and delete everything written; the final name is left untouched."""
        self._closed = True
        self._close_source()
        if self._out is not None:
            # The file is being thrown away; its trailer does not matter.
            with contextlib.suppress(Exception):
                self._out.close()
            self._out = None
        with contextlib.suppress(OSError):
            self._tmp.unlink(missing_ok=True)


class ImageWriter(_WriterBase):
    """Writes frames as numbered image files (or one still); all appear at ``close()``."""

    def __init__(
        self,
        path: Path,
        codec: CodecSpec,
        *,
        bit_depth: int,
        is_float: bool = False,
        numbers: Sequence[int] | None = None,
        start_number: int = 1,
        still: bool = False,
    ) -> None:
        from workbench.media.sequence import split_pattern

        self.path = path
        self.codec = codec
        self.still = still
        self.numbers = tuple(numbers) if numbers else ()
        self.start_number = start_number
        if codec.name == "exr":
            self.depth_mode = (
                "float"
                if (is_float and bit_depth >= 32) or bit_depth > 16
                else ("half" if is_float else "float")
            )
        else:
            self.depth_mode = codec.pixel_format(bit_depth, is_float)
        if still:
            self._folder, self._prefix, self._suffix, self._padding = path.parent, "", "", 0
        else:
            self._folder, self._prefix, self._suffix, self._padding = split_pattern(path)
        self._tmpdir = (
            self._folder / f".{path.stem.replace('%', '')}.{uuid.uuid4().hex[:8]}.partial"
        )
        self._written: list[str] = []
        self.frames_written = 0
        self._closed = False

    def name_of(self, index: int) -> str:
        if self.still:
            return self.path.name
        number = (
            self.numbers[index]
            if index < len(self.numbers)
            else (
                (self.numbers[-1] + 1 + index - len(self.numbers))
                if self.numbers
                else self.start_number + index
            )
        )
        return f"{self._prefix}{number:0{self._padding}d}{self._suffix}"

    def write(self, frame: Frame) -> None:
        from workbench.media.images import encode_image, write_exr

        if self._closed:
            raise UnsupportedMediaError(f"{self.path.name}: the writer is already closed")
        if self.still and self.frames_written:
            self.abort()  # like every failed write: the output is abandoned, nothing left over
            raise UnsupportedMediaError(
                f"{self.path.name} is a single image but a second frame was written",
                hint="use a frame pattern such as name_%04d.png for more than one frame",
            )
        arr = np.asarray(frame, dtype=np.float32)
        if arr.ndim != 3 or arr.shape[2] != 3:
            self.abort()
            raise UnsupportedMediaError(f"expected an H×W×3 frame, got shape {arr.shape}")
        name = self.name_of(self.frames_written)
        target = self._tmpdir / name
        try:
            check_dimensions(arr.shape[1], arr.shape[0], self.path)
            self._tmpdir.mkdir(exist_ok=True)
            if self.codec.name == "exr":
                write_exr(target, arr, half=self.depth_mode == "half")
            elif self.codec.name == "dpx":
                target.write_bytes(_encode_dpx(arr, self.depth_mode))
            else:
                depth = int(self.depth_mode)
                target.write_bytes(
                    encode_image(
                        arr, self.codec.encoder if self.codec.name != "jpeg" else "mjpeg", depth
                    )
                )
        except MediaError:
            self.abort()
            raise
        except OSError as exc:
            self.abort()
            raise storage_error(exc, target) from exc
        self._written.append(name)
        self.frames_written += 1

    def close(self) -> Path:
        if self._closed:
            return self.path
        if not self._written:
            self.abort()
            raise UnsupportedMediaError(f"no frames were written to {self.path.name}")
        try:
            for name in self._written:
                _fsync_file(self._tmpdir / name)
            for name in self._written:
                os.replace(self._tmpdir / name, self._folder / name)
            _fsync_dir(self._folder)
        except OSError as exc:
            self.abort()
            raise storage_error(exc, self.path) from exc
        shutil.rmtree(self._tmpdir, ignore_errors=True)
        self._closed = True
        return self.path

    def abort(self) -> None:
        self._closed = True
        shutil.rmtree(self._tmpdir, ignore_errors=True)


def _encode_dpx(frame: Frame, pix_fmt: str) -> bytes:
    import av

    from workbench.media.convert import array_to_video_frame

    ctx = av.CodecContext.create("dpx", "w")
    ctx.width, ctx.height = frame.shape[1], frame.shape[0]
    ctx.pix_fmt = pix_fmt
    ctx.time_base = Fraction(1, 24)
    vf = array_to_video_frame(frame, pix_fmt, bit_depth=8 if pix_fmt == "rgb24" else 16)
    vf.pts = 0
    data = b"".join(bytes(p) for p in ctx.encode(vf))
    return data + b"".join(bytes(p) for p in ctx.encode(None))


def open_writer(
    path: str | os.PathLike[str],
    like: MediaInfo | None = None,
    codec: str | None = None,
    *,
    frame_rate: Fraction | None = None,
    bit_depth: int | None = None,
    timecode: str | None = None,
    color: ColorInfo | None = None,
    copy_streams: bool = True,
    start_number: int | None = None,
    options: dict[str, str] | None = None,
) -> VideoWriter | ImageWriter:
    """A writer for ``path``, keeping the fidelity of ``like`` (the source's probe) by default.

    ``codec`` is a key of :data:`CODECS`; None picks it from the extension (.mov ProRes 422 HQ,
    .mxf DNxHR HQX, .mkv FFV1, .mp4 H.264, .png/.tif/.exr/.dpx/.jpg images). An image path with
    a frame pattern (``out_%04d.exr``, ``out_####.exr``) writes a sequence, numbered like the
    source sequence (gaps included) or from ``start_number``; a plain image path writes one
    still. Explicit arguments override what ``like`` says. Size comes from the first frame.
    """
    from workbench.media.sequence import is_pattern

    text = os.fspath(path)
    target = local_path(text, must_exist=False)
    ext = target.suffix.lower()
    name = codec or DEFAULT_CODEC_BY_EXTENSION.get(ext)
    if name is None or name not in CODECS:
        known = ", ".join(sorted(CODECS))
        raise UnsupportedMediaError(
            f"cannot tell which codec to write for {target.name!r}"
            if codec is None
            else f"unknown codec {codec!r}",
            hint=f"use one of: {known}; or an extension such as .mov, .mkv, .mp4, .png, .exr",
        )
    spec = CODECS[name]
    if not target.parent.is_dir():
        raise MediaStorageError(
            f"the output folder {target.parent} does not exist", hint="create it first"
        )
    depth = bit_depth or (like.bit_depth if like else 8)
    is_float = bool(like and like.is_float) and bit_depth is None
    if spec.kind == "image":
        if DEFAULT_CODEC_BY_EXTENSION.get(ext) not in (name, None) and name != "jpeg":
            raise UnsupportedMediaError(f"{name} images cannot be written as {ext} files")
        if is_pattern(text):
            numbers: tuple[int, ...] = ()
            if like is not None and like.kind is MediaKind.SEQUENCE and start_number is None:
                numbers = like.frame_numbers
            return ImageWriter(
                target,
                spec,
                bit_depth=depth,
                is_float=is_float,
                numbers=numbers,
                start_number=1 if start_number is None else start_number,
            )
        if like is not None and like.frame_count > 1:
            raise UnsupportedMediaError(
                f"{target.name} is one image, but the source has {like.frame_count} frames",
                hint=f"write a sequence instead, e.g. {target.stem}_%04d{target.suffix}",
            )
        return ImageWriter(target, spec, bit_depth=depth, is_float=is_float, still=True)
    if ext not in _CONTAINER_BY_EXTENSION:
        raise UnsupportedMediaError(
            f"{target.name}: {name} video needs a .mov, .mxf, .mkv or .mp4 file"
        )
    rate = frame_rate or (like.frame_rate if like else None)
    if rate is None:
        raise UnsupportedMediaError("a video writer needs a frame rate (none given, no source)")
    vfr_pts: tuple[int, ...] = ()
    time_base: Fraction | None = None
    if like is not None and like.vfr and frame_rate is None and like.frame_pts:
        vfr_pts, time_base = like.frame_pts, like.time_base
    return VideoWriter(
        target,
        spec,
        rate=Fraction(rate),
        bit_depth=depth,
        is_float=is_float,
        timecode=timecode if timecode is not None else (like.timecode if like else None),
        color=color or (like.color if like else None),
        source=like,
        copy_streams=copy_streams,
        vfr_pts=vfr_pts,
        time_base=time_base,
        options=options,
    )
