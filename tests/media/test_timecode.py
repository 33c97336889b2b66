"""Timecode and frame numbers, drop-frame aware, checked against OpenTimelineIO's opentime."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.errors import UsageError
from workbench.media.timecode import (
    is_drop_frame_text,
    nominal_fps,
    offset,
    parse_rate,
    to_frames,
    to_timecode,
)

RATES = [Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30),
         Fraction(50), Fraction(60000, 1001)]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "rate", "frames"),
    [
        ("01:00:00:00", Fraction(25), 90000),
        ("01:00:00:00", Fraction(24000, 1001), 86400),
        ("01:00:00;00", Fraction(30000, 1001), 107892),
        ("00:01:00;02", Fraction(30000, 1001), 1800),
        ("00:00:59;29", Fraction(30000, 1001), 1799),
        ("00:10:00;00", Fraction(30000, 1001), 17982),
        ("00:01:00:02", Fraction(30000, 1001), 1802),  # the same digits, non-drop
        ("00:01:00;04", Fraction(60000, 1001), 3600),
    ],
)
def test_known_values(text: str, rate: Fraction, frames: int) -> None:
    assert to_frames(text, rate) == frames
    assert to_timecode(frames, rate, is_drop_frame_text(text)) == text


@given(st.integers(0, 24 * 3600 * 60), st.sampled_from(RATES), st.booleans())
def test_round_trip_and_opentime_agree(frames: int, rate: Fraction, drop: bool) -> None:
    from opentimelineio import opentime

    drop = drop and rate in (Fraction(30000, 1001), Fraction(60000, 1001))
    text = to_timecode(frames, rate, drop)
    assert to_frames(text, rate) == frames
    if frames < 24 * 3600 * nominal_fps(rate) * 0.99:
        theirs = opentime.to_timecode(opentime.RationalTime(frames, float(rate)), float(rate), drop)
        assert theirs == text
        assert opentime.from_timecode(text, float(rate)).value == frames


def test_offset_keeps_how_it_is_written() -> None:
    assert offset("01:00:00;00", -8, Fraction(30000, 1001)) == "00:59:59;22"
    assert offset("00:00:59;29", 1, Fraction(30000, 1001)) == "00:01:00;02"
    assert offset("10:00:00:00", 30, Fraction(25)) == "10:00:01:05"


@pytest.mark.parametrize(
    ("text", "rate", "says"),
    [
        ("00:01:00;00", Fraction(30000, 1001), "skips"),
        ("01:00:00;00", Fraction(25), "drop-frame"),
        ("01:00:00:25", Fraction(25), "not a valid"),
        ("1 hour", Fraction(25), "not a timecode"),
    ],
)
def test_bad_timecode_is_refused(text: str, rate: Fraction, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        to_frames(text, rate)


def test_rates_as_people_type_them() -> None:
    assert parse_rate("23.976") == Fraction(24000, 1001)
    assert parse_rate("29.97") == Fraction(30000, 1001)
    assert parse_rate("30000/1001") == Fraction(30000, 1001)
    assert parse_rate("25") == 25
    with pytest.raises(UsageError):
        parse_rate("fast")
