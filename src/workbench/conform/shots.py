"""Changing a shot after the import: relink an offline shot to the file that holds it.

The file is probed, checked to hold the shot's source timecode at the shot's rate (the same
test the import makes), added as a clip through ``workbench.editing`` (or the project's clip for
it reused), and the shot is set online with its frames and handles in one
``workbench.shot-change/1`` entry.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from workbench.conform.matching import handles_for, rate_fits
from workbench.conform.media_index import MediaFile
from workbench.conform.timeline import Event
from workbench.disclosure.entries import ClipRef
from workbench.errors import UsageError
from workbench.media.timecode import to_frames
from workbench.project import Project, Shot


def event_of(shot: Shot) -> Event:
    """The shot as the event it was imported from (no transition: its handles are the
    sequence's on both sides)."""
    rate = Fraction(shot.source.rate)
    record_rate = Fraction(shot.record.rate)
    return Event(
        index=shot.position,
        name=shot.name,
        track=shot.track,
        reel=shot.reel,
        file=None,
        rate=rate,
        source_in=to_frames(shot.source.tc_in, rate, shot.source.drop_frame),
        source_out=to_frames(shot.source.tc_out, rate, shot.source.drop_frame),
        record_in=to_frames(shot.record.tc_in, record_rate, shot.record.drop_frame),
        record_out=to_frames(shot.record.tc_out, record_rate, shot.record.drop_frame),
        speed=Fraction(shot.speed),
        drop_frame=shot.source.drop_frame,
    )


def relink_shot(project: Project, shot_id: int, media: Path, *, note: str = "") -> Shot:
    """Point an offline shot at ``media``; refused when the file does not hold its frames."""
    from workbench.editing import add_probed_clip
    from workbench.media import safe_probe

    shot = project.shot(shot_id)
    if shot.online:
        raise UsageError(f"shot {shot.id} is online already ({shot.reason})")
    event = event_of(shot)
    if event.speed != 1:
        raise UsageError(f"shot {shot.id} changes speed; retime it in the NLE ({shot.reason})")
    info = safe_probe(media)
    candidate = MediaFile.of(info)
    span = f"{event.tc(event.source_in)}-{event.tc(event.source_out)}"
    if not rate_fits(event, candidate) or not candidate.covers(event.source_in, event.source_out):
        raise UsageError(
            f"{media.name} ({candidate.span()} at {candidate.rate} fps) does not hold shot "
            f"{shot.id}'s source timecode {span} at {event.rate} fps",
            hint="relink the shot to the camera original it was cut from",
        )
    sequence = project.sequence(shot.sequence_id)
    frames, handles, clamped = handles_for(event, candidate, sequence.handles)
    why = f"relinked by hand to {media.name}, source TC {span}" + (
        f"; {clamped}" if clamped else ""
    )
    known = {(c.path, c.fingerprint): c for c in project.clips()}
    clip = known.get((str(Path(info.path).resolve()), info.fingerprint)) or add_probed_clip(
        project, info
    )
    return project.change_shot(
        shot.id,
        {
            "clip": ClipRef(clip.id, clip.path, clip.fingerprint).to_dict(),
            "status": "online",
            "reason": why,
            "frames": list(frames),
            "handles": list(handles),
        },
        note=note,
    )


__all__ = ["event_of", "relink_shot"]
