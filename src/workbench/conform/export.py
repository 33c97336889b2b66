"""The cut written back, every shot pointing at its replacement media, for the NLE to relink.

The timeline is built as OpenTimelineIO objects and written by OTIO's own adapters: ``.otio``
(Resolve imports it), CMX 3600 EDL (Avid: reel name and source timecode; Premiere: the file name
in ``FROM CLIP NAME``) and FCP 7 XML (Premiere: ``pathurl``, the file's timecode and reel). A
delivered file starts at the timecode of its first frame, so a shot's source timecodes are the
same numbers as in the cut it came from, now inside the replacement file: re-based, each event's
in point is its offset into the delivered file. Shots not delivered point at their camera
original; offline shots keep their reel and timecodes with no media. Transitions are written as
cuts (the delivered media holds their overlap as handles).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from workbench.errors import UsageError
from workbench.media.timecode import to_frames
from workbench.project import Project, Shot

FORMATS = {"otio": "otio_json", "edl": "cmx_3600", "fcp7xml": "fcp_xml"}


@dataclass(frozen=True)
class ExportedTimeline:
    path: Path
    format: str
    shots: int
    delivered: int


def _url(path: str) -> str:
    return Path(path).resolve().as_uri()


def _media(project: Project, shot: Shot) -> tuple[Any, int, bool]:
    """The shot's media reference (replacement media, else its camera original, else none),
    the timecode frame count its file starts at, and whether it is a delivery."""
    import opentimelineio as otio

    from workbench.conform.media_index import start_of

    rate = float(Fraction(shot.source.rate))
    delivery = project.latest_delivery(shot.id)
    if delivery is not None:
        start = to_frames(delivery.timecode, Fraction(delivery.rate)) if delivery.timecode else 0
        count = delivery.frames[1] - delivery.frames[0] + 1
        path, reel = delivery.output, delivery.reel or shot.reel
    elif shot.clip_id is not None:
        clip = project.clip(shot.clip_id)
        start, _drop = start_of(clip.media)
        count, path, reel = int(clip.media.frame_count or 0), clip.path, shot.reel
    else:
        return otio.schema.MissingReference(name=shot.name), 0, False
    available = otio.opentime.TimeRange(
        otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(count, rate)
    )
    meta = {"fcp_xml": {"timecode": {"reel": {"name": reel}}}} if reel else {}
    ref = otio.schema.ExternalReference(
        target_url=_url(path), available_range=available, metadata=meta
    )
    ref.name = Path(path).name
    return ref, start, delivery is not None


def _clip(project: Project, shot: Shot) -> tuple[Any, bool]:
    import opentimelineio as otio

    rate = Fraction(shot.source.rate)
    first = to_frames(shot.source.tc_in, rate, shot.source.drop_frame)
    end = to_frames(shot.source.tc_out, rate, shot.source.drop_frame)
    ref, _start, delivered = _media(project, shot)
    speed = Fraction(shot.speed)
    shown = end - first if speed <= 0 or speed == 1 else round((end - first) / speed)
    name = Path(ref.target_url).name if delivered else shot.name
    clip = otio.schema.Clip(
        name=name,
        media_reference=ref,
        source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(first, float(rate)),
            otio.opentime.RationalTime(max(1, shown), float(rate)),
        ),
    )
    if speed == 0:
        clip.effects.append(otio.schema.FreezeFrame())
    elif speed > 0 and speed != 1:  # a ramp or reverse (recorded as -1) is left as a cut
        clip.effects.append(otio.schema.LinearTimeWarp(time_scalar=float(speed)))
    if shot.reel:
        clip.metadata["cmx_3600"] = {"reel": shot.reel}
    clip.metadata["workbench"] = {"shot": shot.id, "status": shot.status}
    return clip, delivered


def _track(
    project: Project, shots: list[Shot], label: str, start: int, rate: Fraction
) -> tuple[Any, int]:
    """One video track of the cut: its shots at their record times, gaps between."""
    import opentimelineio as otio

    track = otio.schema.Track(name=label, kind=otio.schema.TrackKind.Video)
    at, delivered = start, 0
    for shot in shots:
        record_in = to_frames(shot.record.tc_in, Fraction(shot.record.rate), shot.record.drop_frame)
        if record_in > at:
            gap = otio.opentime.RationalTime(record_in - at, float(rate))
            track.append(otio.schema.Gap(duration=gap))
        clip, is_delivery = _clip(project, shot)
        track.append(clip)
        delivered += int(is_delivery)
        at = max(at, record_in) + round(float(clip.duration().value))
    return track, delivered


def build_timeline(project: Project, sequence_id: int | None = None) -> tuple[Any, int, int]:
    """The sequence as an OTIO timeline; (timeline, shots, shots pointing at deliveries)."""
    import opentimelineio as otio

    sequence = project.sequence(sequence_id)
    rate = sequence.rate
    start = to_frames(sequence.record_start, rate, sequence.drop_frame)
    timeline = otio.schema.Timeline(
        name=sequence.name,
        global_start_time=otio.opentime.RationalTime(start, float(rate)),
    )
    shots = project.shots(sequence.id)
    labels = list(dict.fromkeys(s.track for s in shots))
    delivered = 0
    for label in labels:
        track, count = _track(project, [s for s in shots if s.track == label], label, start, rate)
        timeline.tracks.append(track)
        delivered += count
    return timeline, len(shots), delivered


def _edl_string(timeline: Any, rate: Fraction, drop: bool) -> str:
    import opentimelineio as otio

    # The EDL writer places record times by the track's own start, as its reader leaves it
    # (the negative of the first record timecode), not by the timeline's global start.
    start = timeline.global_start_time
    for track in timeline.video_tracks():
        track.source_range = otio.opentime.TimeRange(-start, track.available_range().duration)
    text = otio.adapters.write_to_string(
        timeline, adapter_name="cmx_3600", rate=float(rate), style="avid"
    )
    header = "FCM: DROP FRAME" if drop else "FCM: NON-DROP FRAME"
    lines = text.splitlines()
    out = [lines[0], header, *[line for line in lines[1:] if not line.startswith("FCM")]]
    return "\n".join(out) + "\n"


def export_timeline(
    project: Project, fmt: str, output: Path, *, sequence_id: int | None = None
) -> ExportedTimeline:
    """Write the sequence in ``fmt`` (otio, edl or fcp7xml) to ``output``."""
    import opentimelineio as otio

    from workbench.fsutil import write_atomic

    adapter = FORMATS.get(fmt)
    if adapter is None:
        raise UsageError(f"--format takes {', '.join(FORMATS)}; got {fmt!r}")
    if not output.parent.is_dir():
        raise UsageError(f"the folder {output.parent} does not exist")
    sequence = project.sequence(sequence_id)
    timeline, count, delivered = build_timeline(project, sequence.id)
    if adapter == "cmx_3600":
        if len(timeline.video_tracks()) > 1:
            raise UsageError(
                f"sequence {sequence.id} has {len(timeline.video_tracks())} video tracks; an EDL "
                "holds one",
                hint="export --format otio or fcp7xml",
            )
        text = _edl_string(timeline, sequence.rate, sequence.drop_frame)
    else:
        text = otio.adapters.write_to_string(timeline, adapter_name=adapter)
    write_atomic(output, text.encode("utf-8"))
    return ExportedTimeline(output, fmt, count, delivered)


__all__ = ["FORMATS", "ExportedTimeline", "build_timeline", "export_timeline"]
