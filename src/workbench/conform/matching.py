"""Which camera original each event of a cut shows, and the frames of it the shot needs.

Evidence, in the order it is trusted: the **reel name** (what the NLE relinks by), the **source
timecode range** (a file must hold every frame the event shows — nothing is matched that does
not), the **file name** (``FROM CLIP`` / ``FROM FILE`` comments, an XML's ``pathurl``, an OTIO
media reference) and the **clip name**. A weaker clue never overrides a stronger one: names only
choose among files that already hold the event's timecode. An event no file holds, or that
several hold equally, is offline with the reason; so is a speed change (retimed shots are not
conformed here). Handles are the frames asked for on each side plus what a transition shows
beyond the cut; where the file ends sooner they are clamped, and the reason says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from workbench.conform.media_index import MediaFile, MediaIndex
from workbench.conform.timeline import Event
from workbench.media.timecode import nominal_fps


@dataclass(frozen=True)
class Match:
    """An event and its media (None: offline), the clip's frames with handles, and why."""

    event: Event
    media: MediaFile | None
    reason: str
    frames: tuple[int, int] | None = None
    handles: tuple[int, int] = (0, 0)


def _norm(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def same_reel(event_reel: str, media_reel: str | None) -> bool:
    """Equal ignoring case and punctuation; an EDL's reel may be the first 8 characters."""
    if not media_reel:
        return False
    a, b = _norm(event_reel), _norm(media_reel)
    return bool(a) and (a == b or (len(a) >= 8 and b.startswith(a)))


def rate_fits(event: Event, media: MediaFile) -> bool:
    """Timecode counts alike (23.976 media in a 24 cut count the same frame numbers)."""
    return nominal_fps(event.rate) == nominal_fps(media.rate) and abs(
        Fraction(event.rate) / media.rate - 1
    ) < Fraction(1, 500)


def _names(event: Event) -> tuple[set[str], set[str]]:
    """The event's file names (FROM CLIP, pathurl…) and clip names, as stems and full names."""
    files: set[str] = set()
    if event.file:
        name = Path(event.file.replace("\\", "/")).name
        files |= {name.lower(), Path(name).stem.lower()}
    clip = event.name.strip()
    clips = {clip.lower(), Path(clip).stem.lower()} if clip else set()
    return files, clips


def _by_name(files: list[MediaFile], wanted: set[str]) -> list[MediaFile]:
    return [f for f in files if {f.path.name.lower(), f.path.stem.lower()} & wanted]


def _narrow(event: Event, pool: list[MediaFile]) -> tuple[list[MediaFile], str]:
    """Choose among files that hold the event's timecode by file name, then clip name."""
    files, clips = _names(event)
    for wanted, label in ((files, "file name"), (clips, "clip name")):
        named = _by_name(pool, wanted) if wanted else []
        if named:
            return named, label
    return pool, ""


def _tc_span(event: Event) -> str:
    return f"{event.tc(event.source_in)}-{event.tc(event.source_out)}"


def _one(event: Event, found: list[MediaFile], evidence: str) -> tuple[MediaFile | None, str]:
    if len(found) == 1:
        return found[0], evidence
    if len({f.info.fingerprint for f in found}) == 1:
        return found[0], f"{evidence} ({len(found)} identical copies; the first is used)"
    names = ", ".join(f.path.name for f in found)
    return None, f"ambiguous: {names} all fit ({evidence})"


def identify(
    event: Event, index: MediaIndex, fitting: list[MediaFile] | None = None
) -> tuple[MediaFile | None, str]:
    """The event's camera original, or None and why not (``fitting``: the files whose rate
    fits the event's, when the caller has them)."""
    files = fitting if fitting is not None else [f for f in index.files if rate_fits(event, f)]
    first, end = event.source_in, event.source_out
    if event.reel:
        by_reel = [f for f in files if same_reel(event.reel, f.reel)]
        if by_reel:
            holding = [f for f in by_reel if f.covers(first, end)]
            if not holding:
                spans = ", ".join(f"{f.path.name} ({f.span()})" for f in by_reel)
                return None, f"reel {event.reel} is {spans}, which does not hold {_tc_span(event)}"
            chosen, label = _narrow(event, holding) if len(holding) > 1 else (holding, "")
            evidence = f"reel {event.reel}, source TC {_tc_span(event)}"
            return _one(event, chosen, f"{evidence}, {label}" if label else evidence)
    holding = [f for f in files if f.covers(first, end)]
    chosen, label = _narrow(event, holding)
    if label:
        return _one(event, chosen, f"{label}, source TC {_tc_span(event)}")
    names, clips = _names(event)
    if _by_name(list(index.files), names | clips):
        return None, _why_not(event, index)  # the file it names does not hold its timecode
    # Timecode alone identifies a file only where the file has timecode of its own.
    timed = [f for f in holding if f.info.timecode]
    if timed:
        only = ", the only file holding it" if len(timed) == 1 else ""
        return _one(event, timed, f"source TC {_tc_span(event)}{only}")
    return None, _why_not(event, index)


def _why_not(event: Event, index: MediaIndex) -> str:
    """Why no file holds the event, in the terms of the strongest clue it had."""
    files, clips = _names(event)
    named = _by_name(list(index.files), files | clips)
    wrong_rate = [f for f in named if not rate_fits(event, f)]
    if wrong_rate:
        f = wrong_rate[0]
        return f"{f.path.name} runs at {f.rate} fps, the cut at {event.rate}: not conformed"
    if named:
        spans = ", ".join(f"{f.path.name} ({f.span()})" for f in named)
        return f"{spans} does not hold source TC {_tc_span(event)}"
    clue = f"reel {event.reel}" if event.reel else f"{event.name or 'the event'}"
    return f"no media: nothing in the media folders is {clue} or holds source TC {_tc_span(event)}"


def handles_for(
    event: Event, media: MediaFile, handles: int
) -> tuple[tuple[int, int], tuple[int, int], str]:
    """The clip's frames with handles (clamped to the file), the handles granted, and a note."""
    head_want, tail_want = handles + event.head_extra, handles + event.tail_extra
    first = event.source_in - media.start - head_want
    last = event.source_out - media.start - 1 + tail_want
    clamped_first, clamped_last = max(0, first), min(media.count - 1, last)
    granted = (head_want - (clamped_first - first), tail_want - (last - clamped_last))
    notes = []
    if event.head_extra or event.tail_extra:
        notes.append(f"a transition adds {event.head_extra} head / {event.tail_extra} tail frames")
    if granted[0] < head_want:
        notes.append(
            f"head handle clamped to {granted[0]} of {head_want} (the file starts at "
            f"{media.tc(media.start)})"
        )
    if granted[1] < tail_want:
        notes.append(
            f"tail handle clamped to {granted[1]} of {tail_want} (the file ends at "
            f"{media.tc(media.end)})"
        )
    return (clamped_first, clamped_last), granted, "; ".join(notes)


def match_event(
    event: Event, index: MediaIndex, handles: int, fitting: list[MediaFile] | None = None
) -> Match:
    media, reason = identify(event, index, fitting)
    if event.speed != 1:
        what = (
            "a freeze frame"
            if event.speed == 0
            else "a speed ramp"
            if event.speed < 0
            else f"a speed change (×{float(event.speed):g})"
        )
        would = f"; its media would be {media.path.name}" if media is not None else ""
        return Match(event, None, f"{what}: kept offline, retime it in the NLE{would}")
    if media is None:
        return Match(event, None, reason)
    frames, granted, note = handles_for(event, media, handles)
    return Match(event, media, f"{reason}; {note}" if note else reason, frames, granted)


def match_cut(events: tuple[Event, ...], index: MediaIndex, handles: int) -> list[Match]:
    by_rate: dict[Fraction, list[MediaFile]] = {}
    out = []
    for event in events:
        if event.rate not in by_rate:
            by_rate[event.rate] = [f for f in index.files if rate_fits(event, f)]
        out.append(match_event(event, index, handles, by_rate[event.rate]))
    return out


__all__ = ["Match", "handles_for", "identify", "match_cut", "match_event", "rate_fits", "same_reel"]
