"""The source's audio, subtitle and data streams, carried into a deliverable beside its picture.

Packets are remuxed unchanged and interleaved with the picture by time; a track the container
cannot hold is re-encoded as PCM (``convert``), and MXF, whose muxer stops the picture where
the audio stops, gets silence after audio that ends early.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

from workbench.media.errors import UnsupportedMediaError
from workbench.media.formats import CONTAINERS, Container
from workbench.media.info import MediaInfo
from workbench.media.languages import mov_spelling
from workbench.media.picture_facts import SKIP_STREAM_TAGS, clean_tags
from workbench.media.stream_window import AudioCut, Window, pcm_encoder


class SourceStreams:
    """The source's other streams: opened beside an output, then read in step with its picture.

    ``mux`` writes one packet into the output (the writer's, so disk errors name its file);
    ``shift`` is subtracted from every packet's time (transport streams start at zero);
    ``window`` keeps only a span of the source (a conformed shot: see :mod:`.stream_window`).
    """

    def __init__(
        self,
        source: MediaInfo | None,
        *,
        suffix: str,
        container: Container | None,
        drop: frozenset[int],
        convert: frozenset[int],
        shift: Fraction,
        mux: Callable[[Any], None],
        window: Window | None = None,
    ) -> None:
        self.source = source
        self._suffix = suffix
        self._container = container
        self._drop = drop
        self._convert_audio = convert
        self._shift = shift
        self._mux = mux
        self._src: Any = None
        self._packets: Iterator[Any] | None = None
        self._map: dict[int, Any] = {}
        self._decoders: dict[int, Any] = {}
        self._resamplers: dict[int, Any] = {}
        self._audio_end: dict[int, int] = {}
        self._pending: Any = None
        self._window = window
        self._cuts: dict[int, AudioCut] = {}

    def _carried(self) -> list[int]:
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
        return [i for i in wanted if i not in self._drop]

    def open(self, out: Any) -> None:
        """Open the source and add an output stream for each stream it carries."""
        from workbench.media.safety import av_open_input

        assert self.source is not None
        wanted = self._carried()
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
                if self._window is not None and in_stream.type == "audio":
                    out_stream = self._cut_stream(out, in_stream)
                elif idx in self._convert_audio:
                    out_stream = self._pcm_stream(out, in_stream)
                else:
                    out_stream = out.add_stream_from_template(in_stream)
            except Exception as exc:
                raise UnsupportedMediaError(
                    f"the {in_stream.type} stream #{idx} of {Path(self.source.path).name} "
                    f"cannot be carried into a {self._suffix} file ({exc})",
                    hint=f"write a .mov or .mkv file, or leave it out with --drop-stream {idx}",
                ) from exc
            for key, value in clean_tags(tags.get(idx, {}), SKIP_STREAM_TAGS).items():
                if key == "language" and self._container is CONTAINERS.get(".mov"):
                    value = mov_spelling(value)  # QuickTime knows German as ger, not deu
                out_stream.metadata[key] = value
            if dispositions.get(idx):
                out_stream.disposition = dispositions[idx]
            self._map[idx] = out_stream
        if self._window is not None and self._window.start + self._shift > 1:
            # A shot from late in a long clip: start reading a second before its window.
            src.seek(int((self._window.start + self._shift - 1) * 1_000_000))
        self._packets = iter(src.demux([src.streams[i] for i in wanted]))

    def _cut_stream(self, out: Any, in_stream: Any) -> Any:
        """An audio stream cut to the window (sample-exact; see :mod:`.stream_window`)."""
        assert self._window is not None and self.source is not None
        cc = in_stream.codec_context
        stream = out.add_stream(pcm_encoder(in_stream), rate=cc.sample_rate, layout=cc.layout.name)
        info = next((a for a in self.source.audio if a.index == in_stream.index), None)
        start = (info.start if info is not None and info.start is not None else 0) - self._shift
        self._cuts[in_stream.index] = AudioCut(in_stream, stream, self._window, Fraction(start))
        return stream

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

    def pump(self, until: Fraction | None) -> None:
        """Remux source packets up to ``until`` seconds (all of them when None)."""
        if self._packets is None:
            return
        while True:
            packet = self._pending
            if packet is None:
                try:
                    packet = next(self._packets)
                except StopIteration:
                    self._packets = None
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
            cut = self._window.cut if self._window is not None else Fraction(0)
            if until is not None and seconds - cut > until:
                self._pending = packet
                return
            self._pending = None
            if self._window is not None:
                if seconds > self._window.end + 1:
                    self._packets = None  # past the window (and any stream's lag): done
                    return
                self._carry_windowed(idx, packet, seconds)
                continue
            end = (packet.pts if packet.pts is not None else ts) + (packet.duration or 0)
            self._audio_end[idx] = max(self._audio_end.get(idx, end), end)
            if idx in self._decoders:
                self._convert(idx, packet)
                continue
            packet.stream = self._map[idx]
            self._mux(packet)

    def _carry_windowed(self, idx: int, packet: Any, seconds: Fraction) -> None:
        """A packet of a windowed output: audio cut to the sample, the rest kept if inside."""
        assert self._window is not None
        if idx in self._cuts:
            self._cuts[idx].feed(packet, self._mux)
            return
        tb = Fraction(packet.time_base)
        if not self._window.holds(seconds, Fraction(packet.duration or 0) * tb):
            return
        offset = round(self._window.cut / tb)
        if packet.pts is not None:
            packet.pts -= offset
        if packet.dts is not None:
            packet.dts -= offset
        packet.stream = self._map[idx]
        self._mux(packet)

    def _convert(self, idx: int, packet: Any) -> None:
        out_stream = self._map[idx]
        for frame in self._decoders[idx].decode(packet) if packet is not None else []:
            for converted in self._resamplers[idx].resample(frame):
                for out_packet in out_stream.encode(converted):
                    self._mux(out_packet)

    def flush_converted(self) -> None:
        """Drain the PCM encoders of converted tracks (and of tracks cut to a window)."""
        for cut in self._cuts.values():
            cut.feed(None, self._mux)
        for idx, out_stream in self._map.items():
            if idx in self._decoders:
                for frame in self._decoders[idx].decode(None):
                    for converted in self._resamplers[idx].resample(frame):
                        for out_packet in out_stream.encode(converted):
                            self._mux(out_packet)
                for out_packet in out_stream.encode(None):
                    self._mux(out_packet)

    def pad_audio(self, video_end: Fraction, rate: Fraction) -> None:
        """MXF only: silence after audio that stops before the picture (``video_end`` s) does."""
        import av

        if self._container is None or not self._container.pads_audio:
            return
        for idx, out_stream in self._map.items():
            if out_stream.type != "audio":
                continue
            cc = out_stream.codec_context
            in_tb = Fraction(self._src.streams[idx].time_base) if self._src else Fraction(1)
            end = Fraction(self._audio_end.get(idx, 0)) * in_tb
            if idx in self._cuts:
                end = self._cuts[idx].end_seconds
            sample_rate = int(cc.sample_rate)
            missing = int((video_end - end) * sample_rate)
            if missing <= 0:
                continue
            bytes_per = (cc.format.bytes if cc.format else 2) * int(cc.channels or 1)
            if cc.name == "pcm_s24le":
                bytes_per = 3 * int(cc.channels or 1)
            step = max(1, sample_rate // int(rate))
            at = int(end * sample_rate)
            while missing > 0:
                n = min(step, missing)
                packet = av.Packet(bytes(n * bytes_per))
                packet.stream = out_stream
                packet.time_base = Fraction(1, sample_rate)
                packet.pts = packet.dts = at
                packet.duration = n
                self._mux(packet)
                at += n
                missing -= n

    def close(self) -> None:
        if self._src is not None:
            self._src.close()
            self._src = None
            self._packets = None
