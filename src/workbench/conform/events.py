"""Walking an OpenTimelineIO timeline into the cut's events (see :mod:`.timeline`)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from workbench.conform.timeline import (
    Cut,
    Event,
    clip_comments,
    exact_rate,
    find_reel,
    path_of,
    plain,
    read_otio,
)
from workbench.disclosure.entries import Marker
from workbench.media.timecode import can_drop_frame, to_timecode


def _frames(time: Any) -> int:
    return round(float(time.value))


def _time_remap(meta: Any) -> Fraction | None:
    """Premiere's Time Remap filter (FCP 7 XML), which the adapter keeps only as metadata:
    its ``speed`` parameter in percent (``variablespeed`` 1: a ramp, counted as not 1)."""
    if isinstance(meta, list):
        found = [_time_remap(m) for m in meta]
        return next((f for f in found if f is not None), None)
    if not isinstance(meta, dict):
        return None
    effect = meta.get("effect", meta)
    if not isinstance(effect, dict) or str(effect.get("effectid", "")).lower() != "timeremap":
        return None
    params = effect.get("parameter") or []
    values = {
        str(p.get("parameterid")): str(p.get("value"))
        for p in (params if isinstance(params, list) else [params])
        if isinstance(p, dict)
    }
    if values.get("variablespeed", "0") not in ("0", "FALSE", "false"):
        return Fraction(-1)  # a speed ramp: not real time, whatever its nominal speed
    try:
        return Fraction(values.get("speed", "100")) / 100
    except (ValueError, ZeroDivisionError):
        return None


def _speed(clip: Any) -> Fraction:
    import opentimelineio as otio

    speed = Fraction(1)
    for effect in clip.effects:
        if isinstance(effect, otio.schema.FreezeFrame):
            return Fraction(0)
        if isinstance(effect, otio.schema.LinearTimeWarp):
            speed *= Fraction(effect.time_scalar).limit_denominator(1000)
    remap = _time_remap((plain(clip.metadata).get("fcp_xml") or {}).get("filter"))
    return speed * remap if remap is not None else speed


def _markers(clip: Any) -> tuple[Marker, ...]:
    out: list[Marker] = []
    for marker in clip.markers:
        start = marker.marked_range.start_time
        rate = exact_rate(start.rate)
        note = ""
        every = plain(marker.metadata)
        for space in ("fcp_xml", "Resolve_OTIO", "cmx_3600"):
            meta = every.get(space) or {}
            if isinstance(meta, dict):
                text = meta.get("comment") or meta.get("Note") or meta.get("note")
                if isinstance(text, str):
                    note = text
        tc = to_timecode(_frames(start), rate) if round(rate) > 0 else str(start.value)
        out.append(Marker(str(marker.name or ""), tc, str(marker.color or ""), note))
    return tuple(out)


def _record_start(timeline: Any, track: Any, rate: Fraction) -> int:
    """Where the cut's record timecode starts, in frames at ``rate``."""
    start = timeline.global_start_time
    if start is not None:
        return round(float(start.value) * rate / exact_rate(start.rate))
    if track is not None and track.source_range is not None:
        return -_frames(track.source_range.start_time)  # the EDL adapter keeps it so
    return 0


def _declared_drop_frame(timeline: Any) -> bool:
    fcp = plain(timeline.metadata).get("fcp_xml") or {}
    timecode = fcp.get("timecode") if isinstance(fcp, dict) else None
    return isinstance(timecode, dict) and str(timecode.get("displayformat", "")).upper() == "DF"


def _sequence_rate(timeline: Any, tracks: list[Any], given: Fraction | None) -> Fraction:
    if given is not None:
        return given
    for track in tracks:
        for item in track:
            if hasattr(item, "trimmed_range"):
                return exact_rate(item.trimmed_range().duration.rate)
    if timeline.global_start_time is not None:
        return exact_rate(timeline.global_start_time.rate)
    return Fraction(24)


class _TrackWalk:
    """The events of one video track, with what its transitions add to their neighbours."""

    def __init__(self, track: Any, label: str, rate: Fraction, start: int, drop: bool) -> None:
        self.track, self.label, self.rate, self.start, self.drop = track, label, rate, start, drop
        self.notes: list[str] = []

    def _offsets(self, children: list[Any], i: int) -> tuple[int, int]:
        import opentimelineio as otio

        head = tail = 0
        if i > 0 and isinstance(children[i - 1], otio.schema.Transition):
            head = _frames(children[i - 1].in_offset)
        if i + 1 < len(children) and isinstance(children[i + 1], otio.schema.Transition):
            tail = _frames(children[i + 1].out_offset)
        return head, tail

    def events(self) -> list[Event]:
        import opentimelineio as otio

        children = list(self.track)
        out: list[Event] = []
        for i, item in enumerate(children):
            if isinstance(item, otio.schema.Stack):
                self.notes.append(
                    f"{self.label}: a nested sequence ({item.name or 'unnamed'}) is left out; "
                    "flatten it in the NLE to conform its shots"
                )
                continue
            if not isinstance(item, otio.schema.Clip):
                continue
            if isinstance(item.media_reference, otio.schema.GeneratorReference):
                continue  # black, bars, titles: nothing to pull
            out.append(
                self._event(item, self.track.range_of_child_at_index(i), self._offsets(children, i))
            )
        return out

    def _event(self, clip: Any, placed: Any, extra: tuple[int, int]) -> Event:
        source = clip.trimmed_range()
        rate = exact_rate(source.start_time.rate)
        speed = _speed(clip)
        source_in = _frames(source.start_time)
        length = _frames(source.duration)
        used = 1 if speed == 0 else max(1, round(length * abs(speed)))
        record_in = self.start + round(
            float(placed.start_time.value) * self.rate / exact_rate(placed.start_time.rate)
        )
        ref = clip.media_reference
        meta = plain(clip.metadata).get("cmx_3600") or {}
        reel = meta.get("reel") if isinstance(meta, dict) else None
        reel = reel if reel and reel != "AX" else find_reel(clip.metadata, ref.metadata)
        return Event(
            index=0,
            name=str(clip.name or ""),
            track=self.label,
            reel=reel,
            file=path_of(getattr(ref, "target_url", None)),
            rate=rate,
            source_in=source_in,
            source_out=source_in + used,
            record_in=record_in,
            record_out=record_in + _frames(placed.duration),
            speed=speed,
            head_extra=extra[0],
            tail_extra=extra[1],
            markers=_markers(clip),
            comments=clip_comments(clip),
            drop_frame=self.drop and can_drop_frame(rate),
        )


def read_cut(path: Path, rate: Fraction | None = None) -> Cut:
    """The cut in ``path`` as events in cut order (record time, then track)."""
    timeline, fmt, declared_drop = read_otio(path, rate)
    tracks = [t for t in timeline.video_tracks() if t.enabled]
    seq_rate = _sequence_rate(timeline, tracks, rate)
    drop = (declared_drop or _declared_drop_frame(timeline)) and can_drop_frame(seq_rate)
    record_start = _record_start(timeline, tracks[0] if tracks else None, seq_rate)
    events: list[Event] = []
    notes: list[str] = []
    order: dict[str, int] = {}
    for n, track in enumerate(tracks, 1):
        label = track.name if track.name and track.name not in ("V", "Video") else f"V{n}"
        order[label] = n
        walk = _TrackWalk(track, label, seq_rate, record_start, drop)
        events += walk.events()
        notes += walk.notes
    events.sort(key=lambda e: (e.record_in, order.get(e.track, 0)))
    numbered = tuple(Event(**{**e.__dict__, "index": n}) for n, e in enumerate(events, 1))
    return Cut(
        name=str(timeline.name or path.stem),
        format=fmt,
        rate=seq_rate,
        drop_frame=drop,
        record_start=record_start,
        events=numbered,
        notes=tuple(notes),
    )


__all__ = ["read_cut"]
