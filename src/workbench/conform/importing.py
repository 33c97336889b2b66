"""``import_sequence``: the editor's cut into the project, every shot matched or reported.

The timeline is read through OpenTimelineIO (:mod:`.events`), the media folders are probed in
one child process (:mod:`.media_index`), each event is matched (:mod:`.matching`), the matched
files join the project as clips through ``workbench.editing`` (a file already a clip is reused),
and the sequence is written with all its shots — online or offline, with the reason — and one
``workbench.sequence-import/1`` entry; then the performers its markers and comments name
(``CAST: Ada Actor``, see :mod:`.cast`) are tagged on their shots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from workbench.conform.cast import Tagged, tag_from_timeline
from workbench.conform.events import read_cut
from workbench.conform.matching import Match, match_cut
from workbench.conform.media_index import MediaIndex, scan
from workbench.conform.timeline import Cut, timeline_format
from workbench.disclosure.entries import ClipRef, SequenceRecord, ShotRecord, SpanTC, TimelineRef
from workbench.errors import UsageError
from workbench.fsutil import sha256_file
from workbench.media.timecode import rate_text, to_timecode
from workbench.progress import NullProgress, Progress
from workbench.project import Clip, Project, Sequence


@dataclass(frozen=True)
class ImportRequest:
    """A cut to bring in: the timeline, the folders its camera originals are in, the handles
    to add on each side, and the rate of an EDL (which does not say it)."""

    timeline: Path
    media: tuple[Path, ...]
    handles: int = 0
    rate: Fraction | None = None


@dataclass(frozen=True)
class ShotLine:
    """What the import says about one shot: its id, its media (None: offline) and why."""

    shot: int
    media: str | None
    reason: str

    def line(self) -> str:
        return f"{self.shot}\t{self.media or 'MISSING'}\t{self.reason}"


@dataclass(frozen=True)
class ImportResult:
    sequence: Sequence
    lines: tuple[ShotLine, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    cast: tuple[Tagged, ...] = field(default_factory=tuple)
    """The performers the timeline's ``CAST:`` markers and comments named (``conform.cast``)."""

    @property
    def offline(self) -> int:
        return sum(1 for line in self.lines if line.media is None)


def _edl_rate(request: ImportRequest, index: MediaIndex) -> Fraction | None:
    """An EDL's rate: as given, else the media's when every file runs at one rate."""
    if request.rate is not None or timeline_format(request.timeline) != "cmx_3600":
        return request.rate
    rates = {f.rate for f in index.files}
    if len(rates) == 1:
        return rates.pop()
    unread = ""
    if index.unreadable:
        path, why = index.unreadable[0]
        unread = f"; {len(index.unreadable)} file(s) could not be read ({path.name}: {why})"
    raise UsageError(
        f"{request.timeline.name} is an EDL, which does not say its frame rate, and the media "
        f"runs at {', '.join(sorted(str(r) for r in rates)) or 'no rate (no media found)'}"
        + unread,
        hint="give the cut's rate with --rate (25, 24000/1001, 29.97…)",
    )


def _clips_for(project: Project, matches: list[Match]) -> dict[str, Clip]:
    """The project's clip for each matched file, importing the ones it lacks."""
    from workbench.editing import add_probed_clip

    known = {(c.path, c.fingerprint): c for c in project.clips()}
    out: dict[str, Clip] = {}
    for match in matches:
        media = match.media
        if media is None or str(media.path) in out:
            continue
        key = (str(media.path.resolve()), media.info.fingerprint)
        out[str(media.path)] = known.get(key) or add_probed_clip(project, media.info)
    return out


def _shot(match: Match, cut: Cut, clip: Clip | None) -> ShotRecord:
    event, media = match.event, match.media
    drop = media.drop_frame if media is not None else event.drop_frame
    source_rate = media.rate if media is not None else event.rate
    return ShotRecord(
        id=0,
        position=event.index,
        name=event.name or (media.path.stem if media else f"event {event.index}"),
        track=event.track,
        reel=event.reel or (media.reel if media else None),
        clip=ClipRef(clip.id, clip.path, clip.fingerprint) if clip else None,
        status="online" if clip else "offline",
        reason=match.reason,
        source=SpanTC(
            rate_text(source_rate),
            drop,
            to_timecode(event.source_in, source_rate, drop),
            to_timecode(event.source_out, source_rate, drop),
        ),
        record=SpanTC(
            rate_text(cut.rate),
            cut.drop_frame,
            to_timecode(event.record_in, cut.rate, cut.drop_frame),
            to_timecode(event.record_out, cut.rate, cut.drop_frame),
        ),
        handles=match.handles,
        frames=match.frames,
        speed=str(event.speed),
        markers=event.markers,
        comments=event.comments,
    )


def import_sequence(
    project: Project, request: ImportRequest, *, progress: Progress | None = None
) -> ImportResult:
    """Bring in the cut: probe the media, read and match the timeline, write the sequence."""
    progress = progress or NullProgress()
    if request.handles < 0:
        raise UsageError(f"--handles takes a number of frames ≥ 0; got {request.handles}")
    timeline_format(request.timeline)
    progress.update(0.0, "probing the media folders")
    index = scan(request.media)
    progress.update(0.5, f"reading {request.timeline.name}")
    cut = read_cut(request.timeline, _edl_rate(request, index))
    if not cut.events:
        raise UsageError(f"{request.timeline.name} holds no video events to conform")
    matches = match_cut(cut.events, index, request.handles)
    progress.update(0.7, "adding the matched media as clips")
    clips = _clips_for(project, matches)
    shots = [_shot(m, cut, clips.get(str(m.media.path)) if m.media else None) for m in matches]
    timeline = request.timeline.resolve()
    sequence = project.add_sequence(
        SequenceRecord(
            id=0,
            name=cut.name,
            timeline=TimelineRef(str(timeline), sha256_file(timeline), cut.format),
            rate=rate_text(cut.rate),
            drop_frame=cut.drop_frame,
            record_start=to_timecode(cut.record_start, cut.rate, cut.drop_frame),
            handles=request.handles,
        ),
        shots,
    )
    lines = tuple(
        ShotLine(s.id, str(m.media.path) if m.media else None, s.reason)
        for s, m in zip(project.shots(sequence.id), matches, strict=True)
    )
    notes = cut.notes + tuple(f"{p.name} cannot be read: {why}" for p, why in index.unreadable)
    cast = tuple(tag_from_timeline(project, sequence.id))
    progress.update(1.0, f"{len(lines)} shots imported")
    return ImportResult(sequence, lines, notes, cast)


__all__ = ["ImportRequest", "ImportResult", "ShotLine", "import_sequence"]
