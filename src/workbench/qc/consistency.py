"""The output checked against itself: durations, last packet, frame counts that agree.

Players, conform tools and QC departments trust a file's stream and container durations and its
last packet's duration; a file whose 24 frames at 24000/1001 claim to last 1.05 s is trouble
even when every frame is right. A contradiction the source already had is *inherited* (and
reported as expected): the render did not introduce it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from workbench.qc.difference import Collector
from workbench.qc.report import QcReport, VideoStream
from workbench.qc.values import seconds

#: Movie headers (MOV ``mvhd``, Matroska segments) commonly count in milliseconds.
MILLISECOND = Fraction(1, 1000)


def self_checks(output: QcReport, source: QcReport | None, d: Collector) -> None:
    """Add the output's own contradictions (and any decode error) to ``d``."""
    v = output.video
    if output.decode_errors:
        shown = output.decode_error_lines[0] if output.decode_error_lines else ""
        inherited = bool(source and (source.decode_errors or 0) >= output.decode_errors)
        d.add(
            "decode_errors",
            source.decode_errors if source else None,
            output.decode_errors,
            inherited,
            ("as many as the source has: " if inherited else "")
            + f"ffmpeg reported errors decoding the output: {shown}",
        )
    if v is None:
        return
    theirs = _own_problems(source.video, source) if source and source.video else {}
    for name, problem in _own_problems(v, output).items():
        inherited = name in theirs and problem.same_as(theirs[name])
        d.add(
            name,
            problem.nominal,
            problem.actual,
            inherited,
            f"{problem.why}; the source has the same mismatch" if inherited else problem.why,
        )


@dataclass(frozen=True)
class _Problem:
    """Two of a file's own fields that contradict each other."""

    nominal: int | Fraction
    actual: int | Fraction
    why: str
    tolerance: Fraction = Fraction(0)

    def same_as(self, other: _Problem) -> bool:
        """The same mismatch, within a tick: off by the same amount (a source whose audio runs
        past its picture gives its render the same container duration)."""
        mine = Fraction(self.actual) - Fraction(self.nominal)
        theirs = Fraction(other.actual) - Fraction(other.nominal)
        return abs(mine - theirs) <= max(self.tolerance, other.tolerance)


def _own_problems(v: VideoStream, report: QcReport) -> dict[str, _Problem]:
    """The file's fields that contradict each other, keyed by check."""
    problems: dict[str, _Problem] = {}
    frames, rate = v.frame_count, v.rate
    if frames is not None and v.mediainfo_frame_count not in (None, frames):
        assert v.mediainfo_frame_count is not None
        problems["video.frame_count (MediaInfo)"] = _Problem(
            frames,
            v.mediainfo_frame_count,
            "ffprobe counts packets but MediaInfo reads a different frame count",
        )
    if frames is not None and v.header_frame_count not in (None, frames):
        assert v.header_frame_count is not None
        problems["video.frame_count (header)"] = _Problem(
            frames,
            v.header_frame_count,
            "the stream header's frame count disagrees with the packets",
        )
    if v.r_frame_rate and v.avg_frame_rate and v.r_frame_rate != v.avg_frame_rate:
        problems["video.avg_frame_rate"] = _Problem(
            v.r_frame_rate,
            v.avg_frame_rate,
            "the average rate differs from the nominal rate (variable or irregular timing)",
        )
    if not frames or not rate:
        return problems
    tick = v.time_base or MILLISECOND
    nominal = Fraction(frames) / rate
    if v.stream_duration is not None and abs(v.stream_duration - nominal) > tick:
        problems["video.stream_duration (frames/rate)"] = _Problem(
            nominal,
            v.stream_duration,
            f"{frames} frames at {rate} fps last {seconds(nominal)}, the stream says "
            f"{seconds(v.stream_duration)}",
            tick,
        )
    container_tick = max(tick, MILLISECOND)
    if (
        report.container_duration is not None
        and abs(report.container_duration - nominal) > container_tick
    ):
        problems["container_duration (frames/rate)"] = _Problem(
            nominal,
            report.container_duration,
            f"{frames} frames at {rate} fps last {seconds(nominal)}, the container says "
            f"{seconds(report.container_duration)}",
            container_tick,
        )
    if v.last_packet_duration is not None and abs(v.last_packet_duration - 1 / rate) > tick:
        problems["video.last_packet_duration (1/rate)"] = _Problem(
            1 / rate,
            v.last_packet_duration,
            "the last frame does not last one frame period (players may drop or hold it)",
            tick,
        )
    return problems
