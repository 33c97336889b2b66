"""The video deliverable: encoded (or copied) pictures plus the source's other streams, unchanged.

What a QC house reads in a file is kept from the source (DESIGN invariant 6): the exact rate and
the source's own timeline (the first frame starts where the source's did, every packet lasts one
frame), timecode with its reel name, colour description in the container *and* in the ProRes
frame header, pixel aspect, display matrix, field order, chapters, title and creation time,
per-track language, handler name and default flags. Audio, subtitle and data streams are
remuxed packet for packet; only MXF, whose muxer stops the picture where the audio stops, gets
silence appended to audio that ends early, and ``convert_audio`` re-encodes a track as PCM for
a container that cannot hold it.

Nothing half-written ever carries the final name: video goes to a hidden temp file beside the
target; ``close()`` fsyncs and renames it into place, ``abort()`` deletes it. Messages name the
file the user asked for (``label``), never the temporary one.

The picture's facts are carried by :mod:`.picture_facts`, the other streams by
:mod:`.source_streams`; this module keeps the timeline, the encoder and the file's life.
"""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from workbench.media.errors import MediaError, UnsupportedMediaError
from workbench.media.formats import CONTAINERS, CodecSpec
from workbench.media.info import ColorInfo, MediaInfo, MediaKind
from workbench.media.picture_facts import (
    carry_picture_facts,
    name_timecode_handler,
    output_color,
    patch_prores_header,
    write_hdr_boxes,
)
from workbench.media.safety import check_dimensions
from workbench.media.source_streams import SourceStreams
from workbench.media.storage import fsync_dir, fsync_file, storage_error
from workbench.media.stream_window import window_of

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Frame = NDArray[np.float32]

_REBASED = frozenset({"mpegts", "mpeg", "mpegvideo", "h264", "hevc", "m2ts"})


class _Timeline(NamedTuple):
    """The output's time base, first frame's time in it, and the shift applied to the source."""

    tb: Fraction
    start: int
    shift: Fraction
    vfr_last: int


def _timeline(
    source: MediaInfo | None,
    rate: Fraction,
    vfr_pts: tuple[int, ...],
    time_base: Fraction | None,
    keep_timeline: bool,
) -> _Timeline:
    """The source's own start, one frame per 1/rate, in a time base where both are whole numbers
    (the source's, when it starts later than zero)."""
    video_src = source is not None and source.kind is MediaKind.VIDEO
    start = source.start_pts if (video_src and keep_timeline and source) else 0
    src_tb = source.time_base if (video_src and source) else None
    # Transport streams count from an arbitrary clock: like every tool, start at zero
    # (the earliest stream), keeping the streams' offsets to each other.
    shift = Fraction(0)
    if video_src and source is not None and source.container in _REBASED and src_tb:
        starts = [Fraction(source.start_pts) * src_tb]
        starts += [a.start for a in source.audio if a.start is not None]
        starts += [o.start for o in source.other_streams if o.start is not None]
        shift = min(starts)
        start = start - round(shift / src_tb)
    if vfr_pts and time_base:
        tb, start = Fraction(time_base), 0
    elif start and src_tb:  # the source's own start (an MP4 edit list, an MKV offset)
        tb = Fraction(src_tb)
    else:
        tb, start = 1 / rate, 0
    vfr_last = 1
    if vfr_pts and time_base and source is not None:
        span = round(source.duration / Fraction(time_base))
        last = span - (vfr_pts[-1] - vfr_pts[0])
        fallback = vfr_pts[-1] - vfr_pts[-2] if len(vfr_pts) > 1 else 1
        vfr_last = last if last > 0 else fallback
    return _Timeline(tb, start, shift, vfr_last)


class VideoWriter:
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
        pix_fmt: str | None = None,
        label: str | None = None,
        drop_streams: Sequence[int] = (),
        convert_audio: Sequence[int] = (),
        keep_timeline: bool = True,
        window: tuple[int, int] | None = None,
    ) -> None:
        self.path = path
        self.label = label or path.name
        self.codec = codec
        self.rate = Fraction(rate)
        self.bit_depth = bit_depth
        self.pix_fmt = pix_fmt or codec.pixel_format(bit_depth, is_float)
        self.timecode = timecode
        self.color = color or ColorInfo()
        self.source = source
        self.copy_streams = copy_streams
        self.vfr_pts = tuple(vfr_pts)
        self.options = {**codec.options, **(options or {})}
        if vfr_pts and codec.encoder == "libx264":
            # Reordered frames of irregular length leave MP4's last sample short: no B-frames.
            self.options.setdefault("bf", "0")
        self.drop_streams = frozenset(drop_streams)
        self.convert_audio = frozenset(convert_audio)
        self.frames_written = 0
        container = CONTAINERS.get(path.suffix.lower())
        self._container = container
        timeline = _timeline(source, self.rate, self.vfr_pts, time_base, keep_timeline)
        self._tb, self._start, self._vfr_last = timeline.tb, timeline.start, timeline.vfr_last
        self._vfr_index = {pts: n for n, pts in enumerate(self.vfr_pts)}
        self._tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.partial{path.suffix}")
        self._out: Any = None
        self._stream: Any = None
        self._streams = SourceStreams(
            source,
            suffix=path.suffix,
            container=container,
            drop=self.drop_streams,
            convert=self.convert_audio,
            shift=timeline.shift,
            mux=self._mux,
            window=window_of(source, window, self.rate, timeline.shift),
        )
        if window is not None and source is not None and source.chapters:
            # A shot holds part of its clip: the clip's chapter marks do not apply to it.
            import dataclasses

            self.source = dataclasses.replace(source, chapters=())
        self._closed = False
        self._remuxing = False
        self._out_color = self.color
        self._fields: str | None = None
        self._field_graph: Any = None

    # -- the timeline -----------------------------------------------------------------------------

    def frame_pts(self, n: int) -> int:
        """Presentation time of frame ``n`` in the output stream's time base."""
        if self.vfr_pts and n < len(self.vfr_pts):
            return self.vfr_pts[n]
        if self.vfr_pts:
            return self.vfr_pts[-1] + (n - len(self.vfr_pts) + 1) * self._vfr_last
        return self._start + round(Fraction(n) / (self.rate * self._tb))

    def frame_seconds(self, n: int) -> Fraction:
        return Fraction(self.frame_pts(n)) * self._tb

    # -- setup ----------------------------------------------------------------------------------

    def _start_output(self, width: int, height: int) -> None:
        import av

        fmt = self._container.name if self._container else None
        try:
            options = {}
            if fmt in ("mov", "mp4"):
                # Reordered (B-)frames get negative composition offsets instead of an edit
                # list: an edit list counts in the movie's 1/1000 s and cut 13 frames at
                # 23.976 to 0.542 s instead of 0.542208.
                options["movflags"] = "+negative_cts_offsets"
            self._out = av.open(str(self._tmp), "w", format=fmt, options=options)
        except (av.error.FFmpegError, OSError) as exc:
            raise storage_error(exc, self.path, self.label, self._tmp) from exc
        out = self._out
        try:
            stream = out.add_stream(self.codec.encoder, rate=self.rate, options=self.options)
        except (av.error.FFmpegError, ValueError) as exc:
            raise UnsupportedMediaError(
                f"cannot write {self.codec.name} into {self.path.suffix} ({exc})",
                hint="pick another codec or output extension",
            ) from exc
        stream.width, stream.height, stream.pix_fmt = width, height, self.pix_fmt
        stream.time_base = self._tb
        stream.codec_context.time_base = self._tb if self.vfr_pts else 1 / self.rate
        cc = stream.codec_context
        yuv = self.pix_fmt.startswith("yuv")
        color = output_color(self.color, yuv, height)
        if yuv and not self.codec.limited_range and self.color.range == 2:
            color = ColorInfo(color.primaries, color.transfer, color.matrix, 2)
        self._out_color = color
        cc.color_primaries = color.primaries
        cc.color_trc = color.transfer
        cc.colorspace = color.matrix
        cc.color_range = color.range
        self._stream = stream
        self._fields = carry_picture_facts(out, stream, self.source, self.codec, self.timecode)
        if self.copy_streams and self.source is not None and self.source.kind is MediaKind.VIDEO:
            self._streams.open(out)

    # -- writing --------------------------------------------------------------------------------

    def _mux(self, packet: Any) -> None:
        import av

        try:
            self._out.mux(packet)
        except av.error.FFmpegError as exc:
            if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
                raise storage_error(exc, self.path, self.label, self._tmp) from exc
            raise UnsupportedMediaError(
                f"writing {self.label} failed ({self._scrub(exc)})",
                hint="the chosen container may not accept one of the source's streams; try .mov",
            ) from exc
        except OSError as exc:
            raise storage_error(exc, self.path, self.label, self._tmp) from exc

    def _scrub(self, exc: BaseException) -> str:
        """FFmpeg's message with our temporary file's name replaced by the one the user gave."""
        return str(exc).replace(str(self._tmp), self.label).replace(self._tmp.name, self.label)

    def _mux_picture(self, packet: Any, n: int) -> None:
        """Put frame ``n``'s packet on the output's timeline and mux it."""
        packet.stream = self._stream
        if self.vfr_pts:
            # Each frame lasts until the next one starts; the last as long as the source's.
            at = self._vfr_index.get(int(packet.pts)) if packet.pts is not None else None
            if at is not None:
                packet.duration = self.frame_pts(at + 1) - self.frame_pts(at)
            self._mux(packet)
            return
        src_tb = Fraction(packet.time_base) if packet.time_base else 1 / self.rate
        pts = packet.pts if packet.pts is not None else n
        dts = packet.dts if packet.dts is not None else pts
        if src_tb == 1 / self.rate:
            pts_out, dts_out = self.frame_pts(pts), self.frame_pts(dts)
        else:
            pts_out, dts_out = self.frame_pts(n), self.frame_pts(n)
        packet.time_base = self._tb
        packet.pts, packet.dts = pts_out, dts_out
        # Every field in the output's own units: a duration left in a segment's time base
        # held the last frame for seconds (ProRes at 24 fps read 23.3 s for 2).
        packet.duration = self.frame_pts(n + 1) - self.frame_pts(n)
        self._mux(packet)

    def write_packet(self, data: bytes) -> None:
        """Append one intra-only frame as it was coded (smart rendering of untouched frames)."""
        import av

        if self._out is None:
            raise UnsupportedMediaError("write_packet needs the stream set up by a first frame")
        n = self.frames_written
        packet = av.Packet(patch_prores_header(data, self.codec, self._out_color))
        packet.time_base = 1 / self.rate
        packet.pts = packet.dts = n
        packet.is_keyframe = True
        self._streams.pump(self.frame_seconds(n))
        self._mux_picture(packet, n)
        self.frames_written += 1

    def start(self, width: int, height: int) -> None:
        """Open the output for ``width``×``height`` pictures before the first one is written."""
        if self._out is None:
            check_dimensions(width, height, self.path)
            self._start_output(width, height)

    def remux_segments(self, segments: Sequence[Path]) -> None:
        """Append the video of ``segments`` packet for packet instead of encoding frames.

        Each segment must hold one intra-only video stream (ProRes, DNxHR, FFV1) encoded with
        this writer's settings — the render writes them so — and nothing else. Frame ``n`` of
        the result lands at the source's time of frame ``n``; the source's other streams are
        interleaved as when encoding.
        """
        import av

        if self._closed:
            raise UnsupportedMediaError(f"{self.label}: the writer is already closed")
        try:
            for segment in segments:
                with av.open(str(segment)) as src:
                    video_in = src.streams.video[0]
                    if self._out is None:
                        self._remuxing = True
                        self._start_output(
                            video_in.codec_context.width, video_in.codec_context.height
                        )
                    for packet in src.demux(video_in):
                        if packet.dts is None and packet.pts is None:
                            continue  # flush packet
                        n = self.frames_written
                        self._streams.pump(self.frame_seconds(n))
                        packet.time_base = 1 / self.rate
                        packet.pts = packet.dts = n
                        self._mux_picture(packet, n)
                        self.frames_written += 1
        except av.error.FFmpegError as exc:
            self.abort()
            raise UnsupportedMediaError(
                f"cannot join the render's segments into {self.label} ({self._scrub(exc)})"
            ) from exc
        except MediaError:
            self.abort()
            raise
        except OSError as exc:
            raise self._failed(exc) from exc

    def _failed(self, exc: OSError) -> MediaError:
        """Abandon the output after a disk error; the error to raise, named as the user knows."""
        self.abort()
        return storage_error(exc, self.path, self.label, self._tmp)

    def write(self, frame: Frame) -> None:
        """Encode the next frame (float32 RGB, H×W×3)."""
        import av

        if self._closed:
            raise UnsupportedMediaError(f"{self.label}: the writer is already closed")
        arr = np.asarray(frame, dtype=np.float32)
        if arr.ndim != 3 or arr.shape[2] != 3:
            self.abort()
            raise UnsupportedMediaError(f"expected an H×W×3 frame, got shape {arr.shape}")
        if self.codec.even_dimensions and (arr.shape[0] % 2 or arr.shape[1] % 2):
            arr = np.pad(arr, ((0, arr.shape[0] % 2), (0, arr.shape[1] % 2), (0, 0)), "edge")
        height, width = arr.shape[:2]
        try:
            if self._out is None:
                self.start(width, height)
            elif (width, height) != (self._stream.width, self._stream.height):
                raise UnsupportedMediaError(
                    f"frame {self.frames_written} is {width}×{height}, but {self.label} "
                    f"was started at {self._stream.width}×{self._stream.height}"
                )
            vf = self._to_video_frame(arr)
            n = self.frames_written
            if self.vfr_pts:
                vf.pts = self.frame_pts(n)
                vf.time_base = self._tb
            else:
                vf.pts = n
                vf.time_base = 1 / self.rate
            self._streams.pump(self.frame_seconds(n))
            try:
                packets = self._stream.encode(vf)
            except av.error.FFmpegError as exc:
                raise UnsupportedMediaError(
                    f"the {self.codec.name} encoder refused this {width}×{height} "
                    f"{self.pix_fmt} picture ({self._scrub(exc)})",
                    hint="DNxHR needs at least 256 pixels of width; try another codec",
                ) from exc
            for packet in packets:
                self._mux_picture(packet, n)
            self.frames_written += 1
        except MediaError:
            self.abort()
            raise
        except OSError as exc:
            raise self._failed(exc) from exc

    def _to_video_frame(self, arr: Frame) -> Any:
        import av

        from workbench.media.convert import array_to_video_frame

        if self.pix_fmt == "gbrpf32le":
            vf = av.VideoFrame.from_ndarray(
                np.ascontiguousarray(arr),  # PyAV maps RGB channels onto the G, B, R planes
                format="gbrpf32le",
            )
        else:
            c = self._out_color
            vf = array_to_video_frame(
                arr,
                self.pix_fmt,
                bit_depth=16 if self.bit_depth > 8 else 8,
                matrix=c.matrix,
                color_range=2 if c.range == 2 else 1,
            )
        c = self._out_color
        # The ProRes encoder writes the frame's own tags into every frame header.
        vf.color_primaries, vf.color_trc = c.primaries, c.transfer
        vf.colorspace, vf.color_range = c.matrix, c.range
        if self._fields is not None:
            vf = self._mark_fields(vf)
        return vf

    def _mark_fields(self, vf: Any) -> Any:
        """The frame flagged interlaced with the source's field order (PyAV cannot set it)."""
        import av.filter

        if self._field_graph is None:
            graph = av.filter.Graph()
            src = graph.add_buffer(
                width=vf.width, height=vf.height, format=vf.format.name, time_base=1 / self.rate
            )
            mark = graph.add("setfield", f"mode={self._fields}")
            sink = graph.add("buffersink")
            src.link_to(mark)
            mark.link_to(sink)
            graph.configure()
            self._field_graph = graph
        colours = (vf.color_primaries, vf.color_trc, vf.colorspace, vf.color_range)
        self._field_graph.push(vf)
        out = self._field_graph.pull()
        out.color_primaries, out.color_trc, out.colorspace, out.color_range = colours
        return out

    def close(self) -> Path:
        """Finish the file: flush, remux the rest of the source streams, fsync, rename."""
        import av

        if self._closed:
            return self.path
        if self._out is None:
            self.abort()
            raise UnsupportedMediaError(f"no frames were written to {self.label}")
        try:
            if not self._remuxing:
                n = self.frames_written
                for packet in self._stream.encode(None):
                    n_packet = packet.pts if packet.pts is not None else n
                    self._mux_picture(packet, int(n_packet))
            self._streams.pump(None)
            self._streams.flush_converted()
            self._streams.pad_audio(self.frame_seconds(self.frames_written), self.rate)
            try:
                self._out.close()
            except av.error.FFmpegError as exc:
                raise storage_error(exc, self.path, self.label, self._tmp) from exc
            self._out = None
            write_hdr_boxes(self._tmp, self.source, self._container)
            name_timecode_handler(self._tmp, self.source, self._container, self.timecode)
            fsync_file(self._tmp)
            os.replace(self._tmp, self.path)
            fsync_dir(self.path.parent)
        except MediaError:
            self.abort()
            raise
        except OSError as exc:
            self.abort()
            raise storage_error(exc, self.path, self.label, self._tmp) from exc
        finally:
            self._streams.close()
        self._closed = True
        return self.path

    def abort(self) -> None:
        """Stop and delete everything written; the final name is left untouched."""
        self._closed = True
        self._streams.close()
        if self._out is not None:
            # The file is being thrown away; its trailer does not matter.
            with contextlib.suppress(Exception):
                self._out.close()
            self._out = None
        with contextlib.suppress(OSError):
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
