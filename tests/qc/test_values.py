"""The readers' number formats, parsed exactly."""

from __future__ import annotations

from fractions import Fraction

from workbench.qc.values import clock, decimal, integer, rational, seconds, timecode_parts


def test_rationals_and_aspect_ratios() -> None:
    assert rational("30000/1001") == Fraction(30000, 1001)
    assert rational("16:9") == Fraction(16, 9)
    assert rational("24") == 24
    for unknown in ("0/0", "0:1", "N/A", None, ""):
        assert rational(unknown) is None


def test_decimals_and_matroska_clock_are_exact() -> None:
    assert decimal("1.001000") == Fraction(1001, 1000)
    assert decimal("N/A") is None
    assert clock("00:00:01.001000000") == Fraction(1001, 1000)
    assert clock("01:00:00.5") == Fraction(7201, 2)
    assert clock("soon") is None
    assert integer("24") == 24 and integer("N/A") is None and integer(True) is None


def test_timecode_separators_say_drop_frame() -> None:
    assert timecode_parts("01:00:00;00") == ("01:00:00:00", True)
    assert timecode_parts("01:00:00,00") == ("01:00:00:00", True)
    assert timecode_parts("01:00:00:00") == ("01:00:00:00", False)
    assert timecode_parts("1:00:00:00") == ("01:00:00:00", False)
    assert timecode_parts("not a timecode") is None


def test_seconds_for_people() -> None:
    assert seconds(Fraction(1001, 1000)) == "1.001 s"
    assert seconds(Fraction(1001, 30000)) == "0.033367 s (1001/30000)"
    assert seconds(None) == "?"
