"""Writers: deliverable video (ProRes, DNxHR, FFV1, H.264) and image sequences / stills.

A writer given its source's :class:`MediaInfo` (``like``) keeps what invariant 6 protects; the
video side lives in :mod:`workbench.media.video_writer`, the codec and container tables in
:mod:`workbench.media.formats`. Image frames go to a hidden temp folder and appear at
``close()``; ``abort()`` (or an exception inside the ``with`` block) deletes them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np

from workbench.media.errors import (
    MediaError,
    MediaStorageError,
    UnsupportedMediaError,
)
from workbench.media.formats import (
    CODECS,
    CONTAINERS,
    DEFAULT_CODEC_BY_EXTENSION,
    CodecSpec,
    default_codec,
    resolve_codec,
    source_codec,
)
from workbench.media.info import ColorInfo, MediaInfo, MediaKind
from workbench.media.safety import check_dimensions, local_path
from workbench.media.storage import fsync_dir as _fsync_dir
from workbench.media.storage import fsync_file as _fsync_file
from workbench.media.storage import storage_error
from workbench.media.video_writer import VideoWriter

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Frame = NDArray[np.float32]


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
        transfer: int = 2,
    ) -> None:
        from workbench.media.sequence import split_pattern

        self.transfer = transfer
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
                target.write_bytes(_encode_dpx(arr, self.depth_mode, self.transfer))
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


def _encode_dpx(frame: Frame, pix_fmt: str, transfer: int = 2) -> bytes:
    """One DPX image; ``transfer`` (FFmpeg's number) becomes the header's transfer byte."""
    import av

    from workbench.media.convert import array_to_video_frame

    ctx = av.CodecContext.create("dpx", "w")
    ctx.width, ctx.height = frame.shape[1], frame.shape[0]
    ctx.pix_fmt = pix_fmt
    ctx.time_base = Fraction(1, 24)
    vf = array_to_video_frame(frame, pix_fmt, bit_depth=8 if pix_fmt == "rgb24" else 16)
    vf.pts = 0
    if transfer not in (0, 2):
        ctx.color_trc = transfer
        vf.color_trc = transfer
    data = b"".join(bytes(p) for p in ctx.encode(vf))
    return data + b"".join(bytes(p) for p in ctx.encode(None))


def video_pix_fmt(spec: CodecSpec, like: MediaInfo | None, depth: int, is_float: bool) -> str:
    """The source's own pixel format when it is re-encoded as the same codec (FFV1 stays
    yuv422p10le, ProRes 4444 keeps its alpha), else the codec's format for the depth."""
    if like is not None and like.pixel_format and source_codec(like) == spec.name:
        import av

        try:
            supported = {f.name for f in av.Codec(spec.encoder, "w").video_formats or ()}
        except Exception:
            supported = set()
        if like.pixel_format in supported:
            return like.pixel_format
    return spec.pixel_format(depth, is_float)


def _image_writer(
    text: str,
    target: Path,
    name: str,
    like: MediaInfo | None,
    depth: int,
    is_float: bool,
    start_number: int | None,
) -> ImageWriter:
    """A sequence writer for a frame pattern, else a writer of one still."""
    from workbench.media.sequence import is_pattern

    spec = CODECS[name]
    ext = target.suffix.lower()
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
            transfer=like.color.transfer if like is not None else 2,
        )
    if like is not None and like.frame_count > 1:
        raise UnsupportedMediaError(
            f"{target.name} is one image, but the source has {like.frame_count} frames",
            hint=f"write a sequence instead, e.g. {target.stem}_%04d{target.suffix}",
        )
    return ImageWriter(
        target,
        spec,
        bit_depth=depth,
        is_float=is_float,
        still=True,
        transfer=like.color.transfer if like is not None else 2,
    )


def _windowed(
    like: MediaInfo | None,
    window: tuple[int, int] | None,
    timecode: str | None,
    start_number: int | None,
) -> tuple[str | None, int | None]:
    """A window's timecode (the source's at its first frame) and first image number."""
    if window is None or like is None:
        return timecode, start_number
    if timecode is None and like.timecode:
        from workbench.media.timecode import offset

        timecode = offset(like.timecode, window[0], like.frame_rate)
    if like.frame_numbers and start_number is None:
        start_number = like.frame_numbers[window[0]]
    return timecode, start_number


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
    label: str | None = None,
    drop_streams: Sequence[int] = (),
    convert_audio: Sequence[int] = (),
    window: tuple[int, int] | None = None,
) -> VideoWriter | ImageWriter:
    """A writer for ``path``, keeping the fidelity of ``like`` (the source's probe) by default.

    ``codec`` is a key of :data:`CODECS` or a name people type (``prores_hq``); None keeps the
    source's codec where the container holds it, else the extension's default (.mov ProRes 422
    HQ, .mxf DNxHR HQX, .mkv FFV1, .mp4 H.264, .png/.tif/.exr/.dpx/.jpg images). An image path
    with a frame pattern (``out_%04d.exr``, ``out_####.exr``) writes a sequence, numbered like
    the source sequence (gaps included) or from ``start_number``; a plain image path writes one
    still. Explicit arguments override what ``like`` says. Size comes from the first frame.
    ``label`` is the name messages use (a render writes under a pending name). ``window``:
    only the source's frames first..last, timecode and audio with them (:mod:`.stream_window`).
    """
    text = os.fspath(path)
    target = local_path(text, must_exist=False)
    ext = target.suffix.lower()
    name = resolve_codec(codec) if codec else default_codec(ext, like)
    if name is None:
        known = ", ".join(sorted(CODECS))
        raise UnsupportedMediaError(
            f"cannot tell which codec to write for {label or target.name!r}",
            hint=f"use one of: {known}; or an extension such as .mov, .mkv, .mp4, .png, .exr",
        )
    spec = CODECS[name]
    if not target.parent.is_dir():
        raise MediaStorageError(
            f"the output folder {target.parent} does not exist", hint="create it first"
        )
    depth = bit_depth or (like.bit_depth if like else 8)
    is_float = bool(like and like.is_float) and bit_depth is None
    timecode, start_number = _windowed(like, window, timecode, start_number)
    if spec.kind == "image":
        return _image_writer(text, target, name, like, depth, is_float, start_number)
    if ext not in CONTAINERS:
        raise UnsupportedMediaError(
            f"{label or target.name}: {name} video needs a .mov, .mxf, .mkv or .mp4 file"
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
        pix_fmt=video_pix_fmt(spec, like if bit_depth is None else None, depth, is_float),
        label=label,
        drop_streams=drop_streams,
        convert_audio=convert_audio,
        keep_timeline=frame_rate is None or like is None or frame_rate == like.frame_rate,
        window=window,
    )
