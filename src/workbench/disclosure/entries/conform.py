"""The log entries of a conform: a sequence imported, a shot changed, a recipe saved, a shot
delivered.

A sequence is the editor's cut brought in from a timeline (EDL, FCP 7 XML, OpenTimelineIO, AAF):
its shots in cut order, each pointing at a clip of the project (or offline, with the reason),
with its source and record timecodes at an exact rate, drop-frame aware, and the handles the
conform added. The project's ``sequences`` and ``shots`` rows are replayed from these entries
(``project.sequence_check``), so the log stays the one record of what was cut and delivered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, ClassVar

from workbench.disclosure import records
from workbench.disclosure.entries.fields import (
    JsonObject,
    field,
    int_pair,
    json_obj,
    malformed,
    obj,
    opt_str,
    req_bool,
    req_int,
    req_obj,
    req_str,
    str_tuple,
)
from workbench.disclosure.entries.values import ClipRef, EditLink, OutputRef, Region

SHOT_STATUSES = ("online", "offline")


def _body(data: Any, schema: str) -> Mapping[str, Any]:
    from workbench.disclosure.entries.kinds import body_of

    return body_of(data, schema)


def _list(data: Mapping[str, Any], key: str, what: str) -> list[Any]:
    value = field(data, key, what)
    if not isinstance(value, list | tuple):
        raise malformed(what, key, "is not a list")
    return list(value)


def _opt_pair(data: Mapping[str, Any], key: str, what: str) -> tuple[int, int] | None:
    return None if data.get(key) is None else int_pair(data, key, what)


@dataclass(frozen=True)
class TimelineRef:
    """The timeline file a sequence was read from: where, its bytes, and its format."""

    path: str
    sha256: str
    format: str

    def to_dict(self) -> JsonObject:
        return {"path": self.path, "sha256": self.sha256, "format": self.format}

    @classmethod
    def from_dict(cls, data: Any, what: str = "a timeline reference") -> TimelineRef:
        d = obj(data, what)
        return cls(req_str(d, "path", what), req_str(d, "sha256", what), req_str(d, "format", what))


@dataclass(frozen=True)
class SpanTC:
    """A stretch of time as timecode: ``tc_in`` inclusive, ``tc_out`` exclusive (as EDLs write
    it), counted at ``rate`` (``"30000/1001"``), drop-frame or not."""

    rate: str
    drop_frame: bool
    tc_in: str
    tc_out: str

    def to_dict(self) -> JsonObject:
        return {
            "rate": self.rate,
            "drop_frame": self.drop_frame,
            "in": self.tc_in,
            "out": self.tc_out,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "a timecode span") -> SpanTC:
        d = obj(data, what)
        return cls(
            req_str(d, "rate", what),
            req_bool(d, "drop_frame", what),
            req_str(d, "in", what),
            req_str(d, "out", what),
        )


@dataclass(frozen=True)
class Marker:
    """A marker or locator the timeline carried on a shot (at a source timecode)."""

    name: str
    timecode: str
    colour: str = ""
    note: str = ""

    def to_dict(self) -> JsonObject:
        return {
            "name": self.name,
            "timecode": self.timecode,
            "colour": self.colour,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "a marker") -> Marker:
        d = obj(data, what)
        return cls(
            req_str(d, "name", what),
            req_str(d, "timecode", what),
            req_str(d, "colour", what),
            req_str(d, "note", what),
        )


@dataclass(frozen=True)
class ShotRecord:
    """One shot of a sequence as the log pins it (and its ``shots`` row must say).

    ``frames`` are the clip's frames the shot covers *with* its handles (first, last; None when
    offline); ``handles`` are the head and tail handles granted there (fewer than asked for when
    the media is too short — ``reason`` says so). ``speed`` is the event's speed as the timeline
    gives it (``"1"``; ``"2"`` for a 50 fps M2 in a 25 fps cut).
    """

    id: int
    position: int
    name: str
    track: str
    reel: str | None
    clip: ClipRef | None
    status: str
    reason: str
    source: SpanTC
    record: SpanTC
    handles: tuple[int, int]
    frames: tuple[int, int] | None
    speed: str = "1"
    markers: tuple[Marker, ...] = ()
    comments: tuple[str, ...] = ()

    def to_dict(self) -> JsonObject:
        return {
            "id": self.id,
            "position": self.position,
            "name": self.name,
            "track": self.track,
            "reel": self.reel,
            "clip": self.clip.to_dict() if self.clip is not None else None,
            "status": self.status,
            "reason": self.reason,
            "source": self.source.to_dict(),
            "record": self.record.to_dict(),
            "handles": list(self.handles),
            "frames": list(self.frames) if self.frames is not None else None,
            "speed": self.speed,
            "markers": [m.to_dict() for m in self.markers],
            "comments": list(self.comments),
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "a shot") -> ShotRecord:
        d = obj(data, what)
        status = req_str(d, "status", what)
        if status not in SHOT_STATUSES:
            raise malformed(what, "status", f"is {status!r}, not online or offline")
        clip = d.get("clip")
        return cls(
            id=req_int(d, "id", what),
            position=req_int(d, "position", what),
            name=req_str(d, "name", what),
            track=req_str(d, "track", what),
            reel=opt_str(d, "reel", what),
            clip=None if clip is None else ClipRef.from_dict(clip),
            status=status,
            reason=req_str(d, "reason", what),
            source=SpanTC.from_dict(req_obj(d, "source", what), f"{what}'s source"),
            record=SpanTC.from_dict(req_obj(d, "record", what), f"{what}'s record"),
            handles=int_pair(d, "handles", what),
            frames=_opt_pair(d, "frames", what),
            speed=req_str(d, "speed", what),
            markers=tuple(Marker.from_dict(m) for m in _list(d, "markers", what)),
            comments=str_tuple(d, "comments", what),
        )


@dataclass(frozen=True)
class SequenceRecord:
    id: int
    name: str
    timeline: TimelineRef
    rate: str
    drop_frame: bool
    record_start: str
    handles: int

    def to_dict(self) -> JsonObject:
        return {
            "id": self.id,
            "name": self.name,
            "timeline": self.timeline.to_dict(),
            "rate": self.rate,
            "drop_frame": self.drop_frame,
            "record_start": self.record_start,
            "handles": self.handles,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "a sequence") -> SequenceRecord:
        d = obj(data, what)
        return cls(
            id=req_int(d, "id", what),
            name=req_str(d, "name", what),
            timeline=TimelineRef.from_dict(req_obj(d, "timeline", what)),
            rate=req_str(d, "rate", what),
            drop_frame=req_bool(d, "drop_frame", what),
            record_start=req_str(d, "record_start", what),
            handles=req_int(d, "handles", what),
        )


@dataclass(frozen=True)
class SequenceImportEntry:
    """A cut brought in: the sequence and every shot, matched to media or offline."""

    SCHEMA: ClassVar[str] = records.SEQUENCE_IMPORT
    sequence: SequenceRecord
    shots: tuple[ShotRecord, ...]

    def to_dict(self) -> JsonObject:
        return {"sequence": self.sequence.to_dict(), "shots": [s.to_dict() for s in self.shots]}

    @classmethod
    def from_dict(cls, data: Any) -> SequenceImportEntry:
        d, what = _body(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        return cls(
            SequenceRecord.from_dict(req_obj(d, "sequence", what)),
            tuple(ShotRecord.from_dict(s) for s in _list(d, "shots", what)),
        )


SHOT_FIELDS = ("name", "clip", "status", "reason", "handles", "frames", "markers", "comments")
"""What a shot change may set (a shot's place in the cut and its timecodes never change)."""


@dataclass(frozen=True)
class ShotChangeEntry:
    """A shot changed after import (relinked to media, handles changed, renamed…): the new
    value of each field it sets, and what it was, for a person reading the log."""

    SCHEMA: ClassVar[str] = records.SHOT_CHANGE
    shot: int
    sequence: int
    changes: JsonObject
    previous: JsonObject
    note: str = ""

    def __post_init__(self) -> None:
        unknown = (set(self.changes) | set(self.previous)) - set(SHOT_FIELDS)
        if unknown:
            raise ValueError(f"a shot change cannot set {sorted(unknown)}")

    def to_dict(self) -> JsonObject:
        return {
            "shot": self.shot,
            "sequence": self.sequence,
            "set": dict(self.changes),
            "was": dict(self.previous),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Any) -> ShotChangeEntry:
        d, what = _body(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        changes, was = json_obj(d, "set", what), json_obj(d, "was", what)
        unknown = (set(changes) | set(was)) - set(SHOT_FIELDS)
        if unknown:
            raise malformed(
                what, "set", f"names fields a shot change cannot set: {sorted(unknown)}"
            )
        return cls(
            req_int(d, "shot", what),
            req_int(d, "sequence", what),
            changes,
            was,
            req_str(d, "note", what),
        )

    def applied_to(self, shot: ShotRecord) -> ShotRecord:
        """``shot`` as this change leaves it (DisclosureError when a value is malformed)."""
        current = shot.to_dict()
        current.update(self.changes)
        return ShotRecord.from_dict(current, f"shot {shot.id} after a change")


@dataclass(frozen=True)
class RecipeStep:
    """One tool of a recipe: its parameters as given (automatic ones stay unset, so each shot
    measures its own), the model by id (None: the tool's default) and the region."""

    tool: str
    parameters: JsonObject
    model: str | None = None
    region: Region = dataclass_field(default_factory=Region)

    def to_dict(self) -> JsonObject:
        return {
            "tool": self.tool,
            "parameters": dict(self.parameters),
            "model": self.model,
            "region": self.region.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "a recipe step") -> RecipeStep:
        d = obj(data, what)
        return cls(
            req_str(d, "tool", what),
            json_obj(d, "parameters", what),
            opt_str(d, "model", what),
            Region.from_dict(d.get("region"), f"{what}'s region"),
        )


@dataclass(frozen=True)
class RecipeRecord:
    """A named stack of tools; saving a name again makes its next ``version``."""

    id: int
    name: str
    version: int
    steps: tuple[RecipeStep, ...]
    source: str
    """Where it came from: ``clip 3`` (that clip's stack), ``spec`` (JSON or the CLI)."""

    def to_dict(self) -> JsonObject:
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "steps": [s.to_dict() for s in self.steps],
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "a recipe") -> RecipeRecord:
        d = obj(data, what)
        return cls(
            req_int(d, "id", what),
            req_str(d, "name", what),
            req_int(d, "version", what),
            tuple(RecipeStep.from_dict(s) for s in _list(d, "steps", what)),
            req_str(d, "source", what),
        )


@dataclass(frozen=True)
class RecipeEntry:
    SCHEMA: ClassVar[str] = records.RECIPE
    recipe: RecipeRecord

    def to_dict(self) -> JsonObject:
        return {"recipe": self.recipe.to_dict()}

    @classmethod
    def from_dict(cls, data: Any) -> RecipeEntry:
        d = _body(data, cls.SCHEMA)
        return cls(RecipeRecord.from_dict(req_obj(d, "recipe", f"a {cls.SCHEMA} entry")))


@dataclass(frozen=True)
class DeliveryRecord:
    """A shot's replacement media: which render made it, the clip's frames it holds (the source
    range plus handles), the timecode of its first frame and its reel, and its QC verdict."""

    id: int
    shot: int
    sequence: int
    version: int
    output: OutputRef
    render: EditLink
    """The render's id and the log entry that registered it (``edit`` is the render's id)."""
    clip: ClipRef
    frames: tuple[int, int]
    timecode: str
    reel: str | None
    rate: str
    qc: str

    def to_dict(self) -> JsonObject:
        return {
            "id": self.id,
            "shot": self.shot,
            "sequence": self.sequence,
            "version": self.version,
            "output": self.output.to_dict(),
            "render": {"id": self.render.edit, "entry": self.render.entry},
            "clip": self.clip.to_dict(),
            "frames": list(self.frames),
            "timecode": self.timecode,
            "reel": self.reel,
            "rate": self.rate,
            "qc": self.qc,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "a delivery") -> DeliveryRecord:
        d = obj(data, what)
        render = req_obj(d, "render", what)
        return cls(
            id=req_int(d, "id", what),
            shot=req_int(d, "shot", what),
            sequence=req_int(d, "sequence", what),
            version=req_int(d, "version", what),
            output=OutputRef.from_dict(req_obj(d, "output", what)),
            render=EditLink(req_int(render, "id", what), req_str(render, "entry", what)),
            clip=ClipRef.from_dict(req_obj(d, "clip", what)),
            frames=int_pair(d, "frames", what),
            timecode=req_str(d, "timecode", what),
            reel=opt_str(d, "reel", what),
            rate=req_str(d, "rate", what),
            qc=req_str(d, "qc", what),
        )


@dataclass(frozen=True)
class DeliveryEntry:
    SCHEMA: ClassVar[str] = records.DELIVERY
    delivery: DeliveryRecord

    def to_dict(self) -> JsonObject:
        return {"delivery": self.delivery.to_dict()}

    @classmethod
    def from_dict(cls, data: Any) -> DeliveryEntry:
        d = _body(data, cls.SCHEMA)
        return cls(DeliveryRecord.from_dict(req_obj(d, "delivery", f"a {cls.SCHEMA} entry")))


__all__ = [
    "SHOT_FIELDS",
    "SHOT_STATUSES",
    "DeliveryEntry",
    "DeliveryRecord",
    "Marker",
    "RecipeEntry",
    "RecipeRecord",
    "RecipeStep",
    "SequenceImportEntry",
    "SequenceRecord",
    "ShotChangeEntry",
    "ShotRecord",
    "SpanTC",
    "TimelineRef",
]
