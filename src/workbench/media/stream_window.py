"""A span of the source's timeline carried into an output that holds only that span.

A conformed shot is delivered as frames ``first``..``last`` of its clip. Its audio must be the
same span, cut to the sample: audio is decoded and the samples of the window kept — exactly the
samples ``round(t0 × rate)``..``round(t1 × rate)`` of the stream, counted from its first sample,
where ``t0``/``t1`` are the window's edges measured from the stream's start — and coded again,
as the same PCM codec when the source's is PCM (the samples are then bit for bit the source's),
else as PCM (``pcm_s16le``/``pcm_s24le`` by the decoded depth). Subtitle and data packets that
fall inside the window are copied, moved back by the window's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Window:
    """The source seconds ``start``..``end`` (its own timeline, after any transport shift) that
    the output holds; ``cut`` is subtracted from every carried time (``start`` minus the
    picture's first time, so the window's start lands on the output's first frame)."""

    start: Fraction
    end: Fraction
    cut: Fraction

    def holds(self, seconds: Fraction, duration: Fraction) -> bool:
        """Whether a packet at ``seconds`` lasting ``duration`` shows inside the window."""
        if seconds >= self.end:
            return False
        return seconds + duration > self.start if duration > 0 else seconds >= self.start


def window_of(
    source: Any, frames: tuple[int, int] | None, rate: Fraction, shift: Fraction
) -> Window | None:
    """Frames ``first``..``last`` of a video ``source`` (its ``MediaInfo``) as a span of its
    timeline; ``shift`` is what a transport stream's times are moved by."""
    from workbench.media.info import MediaKind

    if frames is None or source is None or source.kind is not MediaKind.VIDEO:
        return None
    first, last = frames
    picture = Fraction(source.start_pts) * Fraction(source.time_base or 0) - shift
    cut = Fraction(first) / rate
    return Window(picture + cut, picture + Fraction(last + 1) / rate, cut)


def sample_span(window: Window, stream_start: Fraction, sample_rate: int) -> tuple[int, int]:
    """The window as sample numbers of an audio stream that starts at ``stream_start`` s
    (first, end exclusive; the first may be negative when the audio starts late)."""
    first = round((window.start - stream_start) * sample_rate)
    end = round((window.end - stream_start) * sample_rate)
    return first, end


def pcm_encoder(in_stream: Any) -> str:
    """The source's own PCM codec when it is one (the samples survive bit for bit), else PCM at
    the decoded depth."""
    import av

    name = str(in_stream.codec_context.name)
    if name.startswith("pcm_"):
        try:
            av.Codec(name, "w")
            return name
        except Exception:  # a PCM variant the encoder list lacks (pcm_bluray…)
            pass
    fmt = in_stream.codec_context.format
    return "pcm_s24le" if (fmt.bits if fmt else 16) > 16 else "pcm_s16le"


class AudioCut:
    """One audio stream's window: decoded, cut to the sample, coded again into ``out_stream``."""

    def __init__(self, in_stream: Any, out_stream: Any, window: Window, start: Fraction) -> None:
        """``start``: the stream's first sample in the window's seconds (packets' times are
        already moved by any transport shift when they are decoded)."""
        import av

        cc = in_stream.codec_context
        self.decoder = in_stream
        self.out = out_stream
        self.rate = int(cc.sample_rate)
        self.first, self.end = sample_span(window, start, self.rate)
        self.start = start
        self.resampler = av.AudioResampler(
            format=out_stream.codec_context.format.name, layout=cc.layout.name, rate=self.rate
        )
        self.written = 0
        self.lead = max(0, -self.first)
        """Samples of silence the output's audio starts late by (audio that starts late)."""

    @property
    def end_seconds(self) -> Fraction:
        """Where the output's audio ends, in output seconds."""
        return Fraction(self.lead + self.written, self.rate)

    def _kept(self, frame: Any) -> Any | None:
        """The part of a decoded frame inside the window, as a frame of its own (or None)."""
        import av

        seconds = Fraction(frame.pts) * Fraction(frame.time_base)
        k0 = round((seconds - self.start) * self.rate)
        n = int(frame.samples)
        lo, hi = max(0, self.first - k0), min(n, self.end - k0)
        if hi <= lo:
            return None
        data = frame.to_ndarray()
        channels = len(frame.layout.channels)
        planar = frame.format.is_planar
        part = data[:, lo:hi] if planar else data[:, lo * channels : hi * channels]
        cut = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(part), format=frame.format.name, layout=frame.layout.name
        )
        cut.sample_rate = self.rate
        return cut

    def feed(self, packet: Any, mux: Any) -> None:
        """Decode ``packet`` (None: flush) and code what falls inside the window."""
        for frame in self.decoder.decode(packet):
            if frame.pts is None:
                continue
            kept = self._kept(frame)
            if kept is not None:
                self._encode(kept, mux)
        if packet is None:
            self._encode(None, mux)

    def _encode(self, frame: Any | None, mux: Any) -> None:
        converted = self.resampler.resample(frame)
        for out_frame in converted:
            out_frame.pts = self.lead + self.written
            out_frame.time_base = Fraction(1, self.rate)
            self.written += int(out_frame.samples)
            for packet in self.out.encode(out_frame):
                mux(packet)
        if frame is None:
            for packet in self.out.encode(None):
                mux(packet)


__all__ = ["AudioCut", "Window", "pcm_encoder", "sample_span", "window_of"]
