"""SMPTE timecode and frame numbers, drop-frame aware, at an exact rate.

A timecode names a frame by counting at the rate's *nominal* frames per second (24 for
23.976, 30 for 29.97): ``01:00:00:00`` at 24000/1001 is frame 86,400 of the count, which is
3,603.6 seconds of real time. Drop-frame timecode (29.97 and 59.94, written with ``;`` before
the frames) skips the first two (four) frame numbers of every minute except each tenth, so the
count stays within a frame of the clock. Everything here counts frames as integers; the
tests check each conversion against OpenTimelineIO's ``opentime``.
"""

from __future__ import annotations

import re
from fractions import Fraction

from workbench.errors import UsageError

_PATTERN = re.compile(r"^(-)?(\d{1,3})[:;.](\d{2})[:;.](\d{2})([:;.,])(\d{2,3})$")

DROP_FRAME_RATES = (Fraction(30000, 1001), Fraction(60000, 1001))


def nominal_fps(rate: Fraction) -> int:
    """The frames per timecode second: the rate rounded (24 for 23.976, 30 for 29.97)."""
    fps = round(Fraction(rate))
    if fps < 1:
        raise UsageError(f"a frame rate of {rate} cannot carry timecode")
    return int(fps)


def can_drop_frame(rate: Fraction) -> bool:
    return Fraction(rate) in DROP_FRAME_RATES


def is_drop_frame_text(text: str) -> bool:
    """Whether a timecode is written as drop-frame (``;`` or ``,`` before the frames)."""
    match = _PATTERN.match(text.strip())
    return bool(match and match.group(5) in ";,")


def _drop_per_minute(fps: int) -> int:
    return 2 * round(fps / 30)


def to_frames(text: str, rate: Fraction, drop_frame: bool | None = None) -> int:
    """The frame count ``text`` names at ``rate``; ``drop_frame`` None reads it from the text.

    A drop-frame timecode that names a dropped number (``00:01:00;00``) is refused.
    """
    match = _PATTERN.match(text.strip())
    if not match:
        raise UsageError(f"{text!r} is not a timecode (HH:MM:SS:FF)")
    sign, hh, mm, ss, sep, ff = match.groups()
    hours, minutes, seconds, frames = int(hh), int(mm), int(ss), int(ff)
    fps = nominal_fps(rate)
    drop = sep in ";," if drop_frame is None else drop_frame
    if minutes > 59 or seconds > 59 or frames >= fps:
        raise UsageError(f"{text!r} is not a valid timecode at {fps} frames per second")
    if drop and not can_drop_frame(rate):
        raise UsageError(f"{text!r} is drop-frame, which only 29.97 and 59.94 fps use")
    total = ((hours * 60 + minutes) * 60 + seconds) * fps + frames
    if drop:
        dropped = _drop_per_minute(fps)
        if seconds == 0 and frames < dropped and minutes % 10:
            raise UsageError(f"{text!r} names a frame number that drop-frame timecode skips")
        all_minutes = hours * 60 + minutes
        total -= dropped * (all_minutes - all_minutes // 10)
    return -total if sign else total


def to_timecode(frames: int, rate: Fraction, drop_frame: bool = False) -> str:
    """The timecode of frame count ``frames`` at ``rate`` (``;`` before the frames when drop)."""
    fps = nominal_fps(rate)
    if drop_frame and not can_drop_frame(rate):
        raise UsageError(f"drop-frame timecode needs 29.97 or 59.94 fps, not {rate}")
    sign = "-" if frames < 0 else ""
    n = abs(int(frames))
    if drop_frame:
        dropped = _drop_per_minute(fps)
        per_ten = fps * 600 - dropped * 9
        per_minute = fps * 60 - dropped
        tens, rest = divmod(n, per_ten)
        extra = dropped * 9 * tens
        if rest > dropped:
            extra += dropped * ((rest - dropped) // per_minute)
        n += extra
    frame = n % fps
    seconds = n // fps
    sep = ";" if drop_frame else ":"
    return (
        f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{sep}{frame:02d}"
    )


def offset(text: str, frames: int, rate: Fraction) -> str:
    """``text`` moved by ``frames`` (written the same way: drop-frame stays drop-frame)."""
    drop = is_drop_frame_text(text)
    return to_timecode(to_frames(text, rate, drop) + frames, rate, drop)


def parse_rate(text: str) -> Fraction:
    """A frame rate as people type it: ``25``, ``24000/1001``, ``23.976``, ``29.97``."""
    known = {
        "23.976": Fraction(24000, 1001),
        "23.98": Fraction(24000, 1001),
        "29.97": Fraction(30000, 1001),
        "59.94": Fraction(60000, 1001),
        "47.952": Fraction(48000, 1001),
        "119.88": Fraction(120000, 1001),
    }
    value = text.strip()
    if value in known:
        return known[value]
    try:
        rate = Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise UsageError(f"{text!r} is not a frame rate (25, 24000/1001, 29.97…)") from None
    if rate <= 0 or rate > 1000:
        raise UsageError(f"{text!r} is not a frame rate (25, 24000/1001, 29.97…)")
    return rate


def rate_text(rate: Fraction) -> str:
    rate = Fraction(rate)
    return f"{rate.numerator}/{rate.denominator}"


__all__ = [
    "DROP_FRAME_RATES",
    "can_drop_frame",
    "is_drop_frame_text",
    "nominal_fps",
    "offset",
    "parse_rate",
    "rate_text",
    "to_frames",
    "to_timecode",
]
