"""Reading the readers' number formats exactly.

ffprobe prints rates as ``"30000/1001"``, aspect ratios as ``"16:9"``, times as decimal strings
and Matroska durations as ``"00:00:01.000000000"``; MediaInfo prints seconds as decimals. Each
is parsed to an exact :class:`~fractions.Fraction` (never through a float), because the point of
QC is to notice a difference of one tick.
"""

from __future__ import annotations

import re
from fractions import Fraction

_CLOCK = re.compile(r"^(-?)(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")
_TIMECODE = re.compile(r"^(\d{1,2})[:;.,](\d{2})[:;.,](\d{2})([:;.,])(\d{2,3})$")
_LEADING_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)")


def rational(text: object) -> Fraction | None:
    """``"30000/1001"`` or ``"16:9"`` → Fraction; ``"0/0"``, ``"0:1"``, ``"N/A"`` → None."""
    if text is None:
        return None
    s = str(text).strip().replace(":", "/")
    try:
        num, _, den = s.partition("/")
        value = Fraction(int(num), int(den)) if den else Fraction(num)
    except (ValueError, ZeroDivisionError):
        return None
    return value or None


def decimal(text: object) -> Fraction | None:
    """A decimal such as ``"1.001000"`` exactly (``"N/A"`` → None)."""
    if text is None or isinstance(text, bool):
        return None
    try:
        return Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError):
        return None


def clock(text: object) -> Fraction | None:
    """A Matroska ``DURATION`` tag (``"00:00:01.000000000"``) in seconds, exactly."""
    m = _CLOCK.match(str(text).strip()) if text is not None else None
    if not m:
        return None
    sign = -1 if m.group(1) else 1
    return sign * (int(m.group(2)) * 3600 + int(m.group(3)) * 60 + Fraction(m.group(4)))


def integer(value: object) -> int | None:
    """An int from ffprobe's or MediaInfo's ``"24"`` / ``24`` (anything else → None)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def leading_number(text: object) -> Fraction | None:
    """The number at the start of MediaInfo's ``"1000 cd/m2"``."""
    m = _LEADING_NUMBER.match(str(text)) if text is not None else None
    return Fraction(m.group(1)) if m else None


def timecode_parts(text: str) -> tuple[str, bool] | None:
    """``"01:00:00;00"`` → (``"01:00:00:00"``, drop-frame). The separator before the frames says
    drop-frame (``;`` or ``,``) or not (``:`` or ``.``), as SMPTE 12M writes it."""
    m = _TIMECODE.match(text.strip())
    if not m:
        return None
    hh, mm, ss, sep, ff = m.groups()
    return f"{int(hh):02d}:{mm}:{ss}:{ff}", sep in ";,"


def seconds(value: Fraction | None) -> str:
    """A duration for people: ``1.001 s (1001/1000)``."""
    if value is None:
        return "?"
    shown = f"{float(value):.6f}".rstrip("0").rstrip(".")
    if value.denominator == 1 or Fraction(shown) == value:
        return f"{shown} s"
    return f"{shown} s ({value})"
