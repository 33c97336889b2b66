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
"""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from workbench.media.errors import MediaError, UnsupportedMediaError
from workbench.media.formats import CONTAINERS, CodecSpec
from workbench.media.info import ColorInfo, MediaInfo, MediaKind
from workbench.media.languages import mov_spelling
from workbench.media.safety import check_dimensions
from workbench.media.storage import fsync_dir, fsync_file, storage_error

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Frame = NDArray[np.float32]

_SKIP_CONTAINER_TAGS = frozenset(
    {"major_brand", "minor_version", "compatible_brands", "encoder", "duration", "timecode"}
)
_SKIP_STREAM_TAGS = frozenset({"encoder", "vendor_id", "duration", "timecode", "number_of_frames",
                               "number_of_bytes", "_statistics_tags", "_statistics_writing_app",
                               "_statistics_writing_date_utc", "bps"})
_REBASED = frozenset({"mpegts", "mpeg", "mpegvideo", "h264", "hevc", "m2ts"})
_PRORES_HEADER_COLOUR = 22  # offset of primaries, transfer, matrix in a ProRes frame


def output_color(color: ColorInfo, yuv: bool, height: int) -> ColorInfo:
    """The colour description a deliverable carries.

    Y'CbCr output of an RGB source (image sequences, RGB FFV1) is tagged BT.709 Y'CbCr — a
    matrix of "identity" on a yuv stream is wrong — and RGB output has the identity matrix.
    """
    if not yuv:
        return ColorInfo(color.primaries, color.transfer, 0, 2)
    matrix, primaries, transfer = color.matrix, color.primaries, color.transfer
    if matrix in (0, 2):
        matrix = 1 if height >= 720 or color.matrix == 0 else 2
        if color.matrix == 0:
            primaries = 1 if primaries in (1, 2) else primaries
            transfer = 1 if transfer in (2, 13) else transfer
    return ColorInfo(primaries, transfer, matrix, 1)


def _clean_tags(tags: dict[str, str], skip: frozenset[str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if k.lower() not in skip and v != ""}


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
        # The output's timeline: the source's own start, one frame per 1/rate, in a time base
        # where both are whole numbers (the source's, when it starts later than zero).
        video_src = source is not None and source.kind is MediaKind.VIDEO
        start = source.start_pts if (video_src and keep_timeline and source) else 0
        src_tb = source.time_base if (video_src and source) else None
        # Transport streams count from an arbitrary clock: like every tool, start at zero
        # (the earliest stream), keeping the streams' offsets to each other.
        self._shift = Fraction(0)
        if video_src and source is not None and source.container in _REBASED and src_tb:
            starts = [Fraction(source.start_pts) * src_tb]
            starts += [a.start for a in source.audio if a.start is not None]
            starts += [o.start for o in source.other_streams if o.start is not None]
            self._shift = min(starts)
            start = start - round(self._shift / src_tb)
        if self.vfr_pts and time_base:
            self._tb = Fraction(time_base)
            self._start = 0
        elif start and src_tb:  # the source's own start (an MP4 edit list, an MKV offset)
            self._tb = Fraction(src_tb)
            self._start = start
        else:
            self._tb = 1 / self.rate
            self._start = 0
        self._vfr_index = {pts: n for n, pts in enumerate(self.vfr_pts)}
        self._vfr_last = 1
        if self.vfr_pts and time_base and source is not None:
            span = round(source.duration / Fraction(time_base))
            last = span - (self.vfr_pts[-1] - self.vfr_pts[0])
            fallback = self.vfr_pts[-1] - self.vfr_pts[-2] if len(self.vfr_pts) > 1 else 1
            self._vfr_last = last if last > 0 else fallback
        self._tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.partial{path.suffix}")
        self._out: Any = None
        self._stream: Any = None
        self._src: Any = None
        self._src_packets: Iterator[Any] | None = None
        self._src_map: dict[int, Any] = {}
        self._decoders: dict[int, Any] = {}
        self._resamplers: dict[int, Any] = {}
        self._audio_end: dict[int, int] = {}
        self._pending: Any = None
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
        self._carry_picture_facts(out, stream)
        if self.copy_streams and self.source is not None and self.source.kind is MediaKind.VIDEO:
            self._open_source(out)

    def _carry_picture_facts(self, out: Any, stream: Any) -> None:
        """Tags, timecode and reel name, aspect, rotation, field order and chapters."""
        src = self.source
        if self.timecode:
            stream.metadata["timecode"] = self.timecode
            out.metadata["timecode"] = self.timecode
        if src is None or src.kind is not MediaKind.VIDEO:
            return
        for key, value in _clean_tags(src.container_tags, _SKIP_CONTAINER_TAGS).items():
            out.metadata[key] = value
        tags = _clean_tags(src.tags, _SKIP_STREAM_TAGS)
        # MOV writes the tmcd track from the picture stream's tags: its reel name goes there.
        for other in src.other_streams:
            if other.is_timecode_track:
                reel = other.tags.get("reel_name")
                if reel:
                    tags.setdefault("reel_name", reel)
        if "reel_name" not in tags and src.container_tags.get("reel_name"):
            tags["reel_name"] = src.container_tags["reel_name"]
        for key, value in tags.items():
            stream.metadata[key] = value
        if src.sample_aspect_ratio:
            stream.codec_context.sample_aspect_ratio = src.sample_aspect_ratio
        if len(src.display_matrix) == 9:
            stream.set_display_matrix(list(src.display_matrix))
        if src.field_order:
            stream.codec_context.field_order = src.field_order
        if src.interlaced and self.codec.codec in ("prores", "dnxhd"):
            # Code the two fields as fields, in the source's order: the bitstream says
            # interlaced as the container does (setfield marks each frame for the encoder).
            import av.codec.context

            stream.codec_context.flags |= int(av.codec.context.Flags.interlaced_dct)
            self._fields = "tff" if src.field_order in (2, 4) else "bff"
        if src.disposition:
            stream.disposition = src.disposition
        if src.chapters:
            out.set_chapters(
                [
                    {
                        "id": n + 1,
                        "start": c.start,
                        "end": c.end,
                        "time_base": c.time_base,
                        "metadata": {"title": c.title} if c.title else {},
                    }
                    for n, c in enumerate(src.chapters)
                ]
            )

    def _carried_streams(self) -> list[int]:
        assert self.source is not None
        src = self.source
        chapter_track = bool(src.chapters) and src.container in ("mov,mp4,m4a,3gp,3g2,mj2",)
        wanted = [a.index for a in src.audio]
        for other in src.other_streams:
            if other.is_timecode_track or other.type not in ("subtitle", "data"):
                continue
            if chapter_track and other.type == "data" and other.codec in (None, "bin_data"):
                continue  # the QuickTime chapter track: set_chapters writes it again
            wanted.append(other.index)
        return [i for i in wanted if i not in self.drop_streams]

    def _open_source(self, out: Any) -> None:
        from workbench.media.safety import av_open_input

        assert self.source is not None
        wanted = self._carried_streams()
        if not wanted:
            return
        src = av_open_input(Path(self.source.path))
        self._src = src
        tags = {s.index: s.tags for s in self.source.audio}
        tags.update({s.index: s.tags for s in self.source.other_streams})
        dispositions = {s.index: s.disposition for s in self.source.audio}
        dispositions.update({s.index: s.disposition for s in self.source.other_streams})
        for idx in wanted:
            in_stream = src.streams[idx]
            try:
                if idx in self.convert_audio:
                    out_stream = self._pcm_stream(out, in_stream)
                else:
                    out_stream = out.add_stream_from_template(in_stream)
            except Exception as exc:
                raise UnsupportedMediaError(
                    f"the {in_stream.type} stream #{idx} of {Path(self.source.path).name} "
                    f"cannot be carried into a {self.path.suffix} file ({exc})",
                    hint=f"write a .mov or .mkv file, or leave it out with --drop-stream {idx}",
                ) from exc
            for key, value in _clean_tags(tags.get(idx, {}), _SKIP_STREAM_TAGS).items():
                if key == "language" and self._container is CONTAINERS.get(".mov"):
                    value = mov_spelling(value)  # QuickTime knows German as ger, not deu
                out_stream.metadata[key] = value
            if dispositions.get(idx):
                out_stream.disposition = dispositions[idx]
            self._src_map[idx] = out_stream
        self._src_packets = iter(src.demux([src.streams[i] for i in wanted]))

    def _pcm_stream(self, out: Any, in_stream: Any) -> Any:
        import av

        cc = in_stream.codec_context
        bits = 24 if (cc.format.bits if cc.format else 16) > 16 else 16
        stream = out.add_stream(f"pcm_s{bits}le", rate=cc.sample_rate, layout=cc.layout.name)
        self._decoders[in_stream.index] = in_stream
        self._resamplers[in_stream.index] = av.AudioResampler(
            format="s32" if bits == 24 else "s16", layout=cc.layout.name, rate=cc.sample_rate
        )
        return stream

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
                if self._shift:  # once, as the packet is read (it may wait in _pending)
                    offset = round(self._shift / Fraction(packet.time_base))
                    if packet.pts is not None:
                        packet.pts -= offset
                    if packet.dts is not None:
                        packet.dts -= offset
            idx = packet.stream.index
            ts = packet.dts if packet.dts is not None else packet.pts
            seconds = Fraction(ts) * Fraction(packet.time_base)
            if until is not None and seconds > until:
                self._pending = packet
                return
            self._pending = None
            end = (packet.pts if packet.pts is not None else ts) + (packet.duration or 0)
            self._audio_end[idx] = max(self._audio_end.get(idx, end), end)
            if idx in self._decoders:
                self._convert(idx, packet)
                continue
            packet.stream = self._src_map[idx]
            self._mux(packet)

    def _convert(self, idx: int, packet: Any) -> None:
        out_stream = self._src_map[idx]
        for frame in self._decoders[idx].decode(packet) if packet is not None else []:
            for converted in self._resamplers[idx].resample(frame):
                for out_packet in out_stream.encode(converted):
                    self._mux(out_packet)

    def _flush_converted(self) -> None:
        for idx, out_stream in self._src_map.items():
            if idx in self._decoders:
                for frame in self._decoders[idx].decode(None):
                    for converted in self._resamplers[idx].resample(frame):
                        for out_packet in out_stream.encode(converted):
                            self._mux(out_packet)
                for out_packet in out_stream.encode(None):
                    self._mux(out_packet)

    def _pad_audio(self) -> None:
        """MXF only: silence after audio that stops before the picture does."""
        import av

        if self._container is None or not self._container.pads_audio:
            return
        video_end = self.frame_seconds(self.frames_written)
        for idx, out_stream in self._src_map.items():
            if out_stream.type != "audio":
                continue
            cc = out_stream.codec_context
            in_tb = Fraction(self._src.streams[idx].time_base) if self._src else Fraction(1)
            end = Fraction(self._audio_end.get(idx, 0)) * in_tb
            rate = int(cc.sample_rate)
            missing = int((video_end - end) * rate)
            if missing <= 0:
                continue
            bytes_per = (cc.format.bytes if cc.format else 2) * int(cc.channels or 1)
            if cc.name == "pcm_s24le":
                bytes_per = 3 * int(cc.channels or 1)
            step = max(1, rate // int(self.rate))
            at = int(end * rate)
            while missing > 0:
                n = min(step, missing)
                packet = av.Packet(bytes(n * bytes_per))
                packet.stream = out_stream
                packet.time_base = Fraction(1, rate)
                packet.pts = packet.dts = at
                packet.duration = n
                self._mux(packet)
                at += n
                missing -= n

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
        packet = av.Packet(self._patch_header(data))
        packet.time_base = 1 / self.rate
        packet.pts = packet.dts = n
        packet.is_keyframe = True
        self._pump_source(self.frame_seconds(n))
        self._mux_picture(packet, n)
        self.frames_written += 1

    def start(self, width: int, height: int) -> None:
        """Open the output for ``width``×``height`` pictures before the first one is written."""
        if self._out is None:
            check_dimensions(width, height, self.path)
            self._start_output(width, height)

    def _patch_header(self, data: bytes) -> bytes:
        """A copied ProRes frame says the same colour as the container and the encoded ones."""
        if self.codec.codec != "prores" or len(data) < 28 or data[4:8] != b"icpf":
            return data
        c = self._out_color
        head = data[_PRORES_HEADER_COLOUR : _PRORES_HEADER_COLOUR + 3]
        want = bytes((c.primaries, c.transfer, c.matrix))
        if head == want or not all(v == 2 for v in head):
            return data
        return data[:_PRORES_HEADER_COLOUR] + want + data[_PRORES_HEADER_COLOUR + 3 :]

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
                        self._pump_source(self.frame_seconds(n))
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
            self._pump_source(self.frame_seconds(n))
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
            self._pump_source(None)
            self._flush_converted()
            self._pad_audio()
            try:
                self._out.close()
            except av.error.FFmpegError as exc:
                raise storage_error(exc, self.path, self.label, self._tmp) from exc
            self._out = None
            self._write_hdr_boxes()
            self._name_timecode_handler()
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
            self._close_source()
        self._closed = True
        return self.path

    def _write_hdr_boxes(self) -> None:
        """HDR10 mastering display and light level into a MOV/MP4 (see :mod:`.mov_hdr`)."""
        from workbench.media.mov_hdr import add_hdr_boxes

        side = self.source.hdr_side_data if self.source is not None else {}
        if not side or self._container is None or not self._container.timecode_track:
            return  # MKV and MXF carry none through PyAV yet
        mastering = side.get("mastering_display_metadata")
        light = side.get("content_light_level")
        add_hdr_boxes(
            self._tmp,
            bytes.fromhex(mastering) if mastering else None,
            bytes.fromhex(light) if light else None,
        )

    def _name_timecode_handler(self) -> None:
        """The tmcd track keeps the source's handler name (FFmpeg gives it the picture's)."""
        from workbench.media.mov_hdr import set_timecode_handler

        if self.source is None or not self.timecode or self._container is None:
            return
        if not self._container.timecode_track:
            return
        names = [o.tags.get("handler_name") for o in self.source.other_streams
                 if o.is_timecode_track and o.tags.get("handler_name")]  # fmt: skip
        picture = self.source.tags.get("handler_name")
        if names and names[0] != picture:
            set_timecode_handler(self._tmp, str(names[0]))

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

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
