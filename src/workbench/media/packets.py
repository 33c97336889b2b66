"""What demuxing alone says about a video stream: every frame's time, and so its exact rate.

The packets of the picture stream are read (never decoded), which gives the exact frame count
and each frame's presentation time whatever the container claims; the frame rate is derived
from those times and checked against the stream's nominal rate, so 23.976 comes back as
``Fraction(24000, 1001)`` and variable frame rate is recognised as such.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from workbench.media.errors import BrokenMediaError

DEFAULT_SEQUENCE_RATE = Fraction(24)
"""Image files carry no reliable frame rate; sequences are taken at this rate unless told."""

_STANDARD_RATES = tuple(
    Fraction(n, d)
    for n, d in (
        (24000, 1001),
        (30000, 1001),
        (60000, 1001),
        (120000, 1001),
        (48000, 1001),
        (24, 1),
        (25, 1),
        (30, 1),
        (48, 1),
        (50, 1),
        (60, 1),
        (100, 1),
        (120, 1),
    )
)


@dataclass(frozen=True)
class PacketIndex:
    """Presentation times of every frame of one video stream, from demuxing alone."""

    pts: tuple[int, ...]
    """Sorted (presentation order); empty when the stream carries no timestamps."""
    keyframes: tuple[int, ...]
    """Sorted pts of the packets flagged as keyframes (seek targets)."""
    keyframe_pos: tuple[int, ...]
    """Byte position of each keyframe's packet (-1 unknown), aligned with ``keyframes``."""
    count: int
    time_base: Fraction
    last_duration: int

    @property
    def seekable(self) -> bool:
        return len(self.pts) == self.count and self.count > 0


def scan_packets(container: Any, stream: Any, path: Path) -> PacketIndex:
    """Demux (never decode) every packet of ``stream``; the container is left at its end."""
    import av

    pts_list: list[int] = []
    keyframes: list[tuple[int, int]] = []
    count = 0
    missing_ts = False
    last_duration = 0
    from av.stream import Discard

    for other in container.streams:
        if other.index != stream.index:
            other.discard = Discard["all"]
    try:
        for packet in container.demux(stream):
            if packet.dts is None and packet.pts is None and packet.size == 0:
                continue  # the flush packet
            if packet.size == 0 or getattr(packet, "is_discard", False):
                continue  # dropped by the edit list; the decoder never shows it
            count += 1
            ts = packet.pts if packet.pts is not None else packet.dts
            if ts is None:
                missing_ts = True
                continue
            pts_list.append(int(ts))
            if packet.is_keyframe:
                keyframes.append((int(ts), int(packet.pos if packet.pos is not None else -1)))
            if packet.duration:
                last_duration = int(packet.duration)
    except av.error.FFmpegError as exc:
        if count == 0:
            raise BrokenMediaError(
                f"{path.name} could not be read ({exc})",
                hint="the file may be truncated or damaged",
            ) from exc
        # A damaged tail: keep what was readable; decoding will stop at the same place.
    finally:
        for other in container.streams:
            other.discard = Discard["default"]
    tb = stream.time_base or Fraction(1, 90000)
    pts_sorted = tuple(sorted(pts_list)) if not missing_ts else ()
    keys = sorted(keyframes)
    return PacketIndex(
        pts_sorted,
        tuple(k for k, _ in keys),
        tuple(pos for _, pos in keys),
        count,
        Fraction(tb),
        last_duration,
    )


def _nominal_rates(stream: Any) -> list[Fraction]:
    rates: list[Fraction] = []
    for name in ("base_rate", "average_rate", "guessed_rate"):
        value = getattr(stream, name, None)
        if value and value > 0:
            rates.append(Fraction(value))
    return rates


def _snap(rate: Fraction) -> Fraction:
    for standard in _STANDARD_RATES:
        if abs(rate - standard) < Fraction(1, 10000):
            return standard
    return rate.limit_denominator(100000)


def derive_rate(index: PacketIndex, stream: Any) -> tuple[Fraction, bool]:
    """(exact frame rate, is variable) from the frame times, checked against nominal rates."""
    nominal = _nominal_rates(stream)
    pts = index.pts
    if len(pts) < 2:
        return (_snap(nominal[0]) if nominal else DEFAULT_SEQUENCE_RATE), False
    deltas = [b - a for a, b in itertools.pairwise(pts)]
    tb = index.time_base
    mean = Fraction(pts[-1] - pts[0], len(pts) - 1)
    if min(deltas) <= 0:
        raise BrokenMediaError("two frames share one timestamp; the file is damaged")
    if max(deltas) - min(deltas) <= 1:
        for rate in nominal:
            if abs(1 / (rate * tb) - mean) <= 1:
                return rate, False
        return _snap(1 / (mean * tb)), False
    return _snap(1 / (mean * tb)), True
