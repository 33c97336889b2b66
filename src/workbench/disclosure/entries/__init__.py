"""Typed log entries: one frozen dataclass per schema label, and the dispatcher that reads them.

Writers build a body (``EditEntry(...)``) and append its ``to_dict()``; readers call
:func:`parse_entry` on a stored row or entry and match on the body's type instead of walking
dicts. A row that does not parse raises :class:`~workbench.errors.DisclosureError`; whether
that is fatal is the reader's choice (verification reports it, a report leaves it out).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from workbench.disclosure import records
from workbench.disclosure.canonical import parse_json_object
from workbench.disclosure.entries.cast import (
    ALTERATION_KINDS,
    TAG_SOURCES,
    CastEntry,
    CastMemberRecord,
    CastRef,
    LikenessConsentEntry,
    LikenessConsentRecord,
    ShotCastEntry,
)
from workbench.disclosure.entries.colour import ClipColourEntry, ColourRecord, ColourStep
from workbench.disclosure.entries.conform import (
    DeliveryEntry,
    DeliveryRecord,
    Marker,
    RecipeEntry,
    RecipeRecord,
    RecipeStep,
    SequenceImportEntry,
    SequenceRecord,
    ShotChangeEntry,
    ShotRecord,
    SpanTC,
    TimelineRef,
)
from workbench.disclosure.entries.fields import JsonObject, obj, req_int, req_str
from workbench.disclosure.entries.kinds import (
    BODY_TYPES,
    CheckpointEntry,
    ConsentEntry,
    EditEntry,
    EditSpec,
    EntryBody,
    ImportEntry,
    PolicyEntry,
    ProjectEntry,
    RelinkEntry,
    RenderEntry,
    RevertEntry,
    SignoffEntry,
    ToggleEntry,
)
from workbench.disclosure.entries.reorder import MoveEntry
from workbench.disclosure.entries.rotation import KeyRotationEntry
from workbench.disclosure.entries.values import (
    AppInfo,
    Classification,
    ClipMedia,
    ClipRef,
    ConsentRecord,
    EditLink,
    ImportedClip,
    ModelRecord,
    OutputRef,
    Region,
    RenderedSegment,
    Runtime,
    ToolRef,
    VariantRef,
)
from workbench.errors import DisclosureError

SCHEMA_TYPES: dict[str, type[EntryBody] | type[CheckpointEntry]] = {
    **BODY_TYPES,
    records.CHECKPOINT: CheckpointEntry,
}
"""Every schema label (the entry kinds and the checkpoint) and the type that holds it."""

_B = TypeVar("_B")


@dataclass(frozen=True)
class Envelope:
    """What every entry carries besides its body: its place in the chain and who wrote it."""

    schema: str
    seq: int
    id: str
    time: str
    operator: str
    project: str
    app: AppInfo
    prev: str

    def to_dict(self) -> JsonObject:
        return {
            "schema": self.schema,
            "seq": self.seq,
            "id": self.id,
            "time": self.time,
            "operator": self.operator,
            "project": self.project,
            "app": self.app.to_dict(),
            "prev": self.prev,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Envelope:
        d = obj(data, "a log entry")
        what = f"a {d.get('schema')!r} entry"
        return cls(
            schema=req_str(d, "schema", what),
            seq=req_int(d, "seq", what),
            id=req_str(d, "id", what),
            time=req_str(d, "time", what),
            operator=req_str(d, "operator", what),
            project=req_str(d, "project", what),
            app=AppInfo.from_dict(d.get("app"), f"{what}'s app record"),
            prev=req_str(d, "prev", what),
        )


@dataclass(frozen=True)
class TypedEntry:
    """One log entry read: its envelope, its typed body, and its hash (as stored)."""

    envelope: Envelope
    body: EntryBody
    hash: str = ""

    @property
    def id(self) -> str:
        return self.envelope.id

    @property
    def seq(self) -> int:
        return self.envelope.seq

    @property
    def schema(self) -> str:
        return self.envelope.schema

    def to_dict(self) -> JsonObject:
        """The whole entry, as hashed (without the hash)."""
        return {**self.envelope.to_dict(), **self.body.to_dict()}


def parse_entry(row: Any) -> TypedEntry:
    """A stored entry as typed data: a log row (``LogRow``) or an entry dict (``hash`` optional).

    Older versions are upgraded first; an unknown schema or a malformed body raises
    :class:`DisclosureError`.
    """
    entry_hash: Any = ""
    if isinstance(row, Mapping):
        data: Any = {k: v for k, v in row.items() if k != "hash"}
        entry_hash = row.get("hash", "")
    else:
        body = getattr(row, "body", None)
        if isinstance(body, str):
            body = body.encode("utf-8")
        data = parse_json_object(body) if isinstance(body, bytes) else None
        if data is None:
            raise DisclosureError(f"entry {getattr(row, 'seq', '?')} is not a JSON object")
        entry_hash = getattr(row, "entry_hash", "")
    data = records.upgraded(dict(obj(data, "a log entry")))
    kind = BODY_TYPES.get(str(data.get("schema")))
    if kind is None:
        raise DisclosureError(f"unknown entry schema {data.get('schema')!r}")
    return TypedEntry(Envelope.from_dict(data), kind.from_dict(data), str(entry_hash or ""))


def parse_checkpoint(data: Any) -> CheckpointEntry:
    """A checkpoint's signed object as typed data (DisclosureError when malformed)."""
    return CheckpointEntry.from_dict(data)


def readable(entries: Iterable[Any]) -> list[TypedEntry]:
    """The entries that parse, in order; the others are left out (verification names them)."""
    out: list[TypedEntry] = []
    for entry in entries:
        try:
            out.append(parse_entry(entry))
        except DisclosureError:
            continue
    return out


def bodies(entries: Iterable[TypedEntry], kind: type[_B]) -> list[tuple[TypedEntry, _B]]:
    """Each entry whose body is a ``kind``, with that body (typed for the caller)."""
    return [(e, e.body) for e in entries if isinstance(e.body, kind)]


__all__ = [
    "ALTERATION_KINDS",
    "SCHEMA_TYPES",
    "TAG_SOURCES",
    "AppInfo",
    "CastEntry",
    "CastMemberRecord",
    "CastRef",
    "CheckpointEntry",
    "Classification",
    "ClipColourEntry",
    "ClipMedia",
    "ClipRef",
    "ColourRecord",
    "ColourStep",
    "ConsentEntry",
    "ConsentRecord",
    "DeliveryEntry",
    "DeliveryRecord",
    "EditEntry",
    "EditLink",
    "EditSpec",
    "EntryBody",
    "Envelope",
    "ImportEntry",
    "ImportedClip",
    "KeyRotationEntry",
    "LikenessConsentEntry",
    "LikenessConsentRecord",
    "Marker",
    "ModelRecord",
    "MoveEntry",
    "OutputRef",
    "PolicyEntry",
    "ProjectEntry",
    "RecipeEntry",
    "RecipeRecord",
    "RecipeStep",
    "Region",
    "RelinkEntry",
    "RenderEntry",
    "RenderedSegment",
    "RevertEntry",
    "Runtime",
    "SequenceImportEntry",
    "SequenceRecord",
    "ShotCastEntry",
    "ShotChangeEntry",
    "ShotRecord",
    "SignoffEntry",
    "SpanTC",
    "TimelineRef",
    "ToggleEntry",
    "ToolRef",
    "TypedEntry",
    "VariantRef",
    "bodies",
    "parse_checkpoint",
    "parse_entry",
    "readable",
]
