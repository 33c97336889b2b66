"""One frozen dataclass per schema label: the fields an entry of that kind holds.

``to_dict()`` is the entry's body exactly as it is hashed and signed (the envelope — ``schema``,
``seq``, ``id``, … — is added by :meth:`LogStore.append`); ``from_dict()`` reads a body or a
whole entry, upgrading an older version first (:func:`records.upgraded`), and refuses a
malformed one with a :class:`~workbench.errors.DisclosureError`. The golden files under
``tests/disclosure/golden/entries/`` pin every one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from workbench.disclosure import records
from workbench.disclosure.entries.cast import CastEntry, LikenessConsentEntry, ShotCastEntry
from workbench.disclosure.entries.colour import ClipColourEntry, ColourRecord
from workbench.disclosure.entries.conform import (
    DeliveryEntry,
    RecipeEntry,
    SequenceImportEntry,
    ShotChangeEntry,
)
from workbench.disclosure.entries.fields import (
    JsonObject,
    int_pair,
    json_obj,
    malformed,
    obj,
    opt_int,
    req_bool,
    req_int,
    req_obj,
    req_str,
    str_tuple,
)
from workbench.disclosure.entries.reorder import MoveEntry
from workbench.disclosure.entries.rotation import KeyRotationEntry
from workbench.disclosure.entries.values import (
    Classification,
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
)
from workbench.errors import DisclosureError

NOT_BODY = frozenset({*records.ENVELOPE, "hash"})
"""Keys of a read entry that are not its body: the envelope, and the hash readers add."""


def body_of(data: Any, schema: str) -> Mapping[str, Any]:
    """The fields of an entry of ``schema``, read from a body or a whole (older) entry."""
    fields = obj(data, f"a {schema} entry")
    if "schema" not in fields:
        return fields
    current = records.upgraded(dict(fields))
    if current.get("schema") != schema:
        raise DisclosureError(f"a {current.get('schema')!r} entry is not a {schema} entry")
    return current


@dataclass(frozen=True)
class ProjectEntry:
    SCHEMA: ClassVar[str] = records.PROJECT
    name: str
    created: str
    schema_version: int

    def to_dict(self) -> JsonObject:
        return {"name": self.name, "created": self.created, "schema_version": self.schema_version}

    @classmethod
    def from_dict(cls, data: Any) -> ProjectEntry:
        d, what = body_of(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        return cls(
            req_str(d, "name", what),
            req_str(d, "created", what),
            req_int(d, "schema_version", what),
        )


@dataclass(frozen=True)
class ImportEntry:
    SCHEMA: ClassVar[str] = records.IMPORT
    clip: ImportedClip

    def to_dict(self) -> JsonObject:
        return {"clip": self.clip.to_dict()}

    @classmethod
    def from_dict(cls, data: Any) -> ImportEntry:
        d = body_of(data, cls.SCHEMA)
        return cls(ImportedClip.from_dict(req_obj(d, "clip", f"a {cls.SCHEMA} entry")))


@dataclass(frozen=True)
class EditSpec:
    """The edit itself, as an edit entry pins it."""

    id: int
    clip: ClipRef
    frames: tuple[int, int]
    region: Region
    tool: ToolRef
    parameters: JsonObject

    def to_dict(self) -> JsonObject:
        return {
            "id": self.id,
            "clip": self.clip.to_dict(),
            "frames": list(self.frames),
            "region": self.region.to_dict(),
            "tool": self.tool.to_dict(),
            "parameters": dict(self.parameters),
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "an edit") -> EditSpec:
        d = obj(data, what)
        return cls(
            id=req_int(d, "id", what),
            clip=ClipRef.from_dict(req_obj(d, "clip", what)),
            frames=int_pair(d, "frames", what),
            region=Region.from_dict(d.get("region")),
            tool=ToolRef.from_dict(req_obj(d, "tool", what)),
            parameters=json_obj(d, "parameters", what),
        )


@dataclass(frozen=True)
class EditEntry:
    """An AI edit added to a clip's stack: what, where, with which model, how disclosed."""

    SCHEMA: ClassVar[str] = records.EDIT
    edit: EditSpec
    model: ModelRecord | None
    runtime: Runtime
    classification: Classification
    consent_ref: int | None = None
    signoff: str = "not-required"
    action: str = "add"

    @property
    def needs_signoff(self) -> bool:
        return self.signoff == "pending"

    def to_dict(self) -> JsonObject:
        return {
            "action": self.action,
            "edit": self.edit.to_dict(),
            "model": self.model.to_dict() if self.model is not None else None,
            "runtime": self.runtime.to_dict(),
            "classification": self.classification.to_dict(),
            "consent_ref": self.consent_ref,
            "signoff": self.signoff,
        }

    @classmethod
    def from_dict(cls, data: Any) -> EditEntry:
        d, what = body_of(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        model = d.get("model")
        signoff = req_str(d, "signoff", what)
        if signoff not in ("pending", "not-required"):
            raise malformed(what, "signoff", f"is {signoff!r}, not pending or not-required")
        return cls(
            edit=EditSpec.from_dict(req_obj(d, "edit", what)),
            model=None if model is None else ModelRecord.from_dict(model),
            runtime=Runtime.from_dict(req_obj(d, "runtime", what)),
            classification=Classification.from_dict(req_obj(d, "classification", what)),
            consent_ref=opt_int(d, "consent_ref", what),
            signoff=signoff,
            action=req_str(d, "action", what),
        )


@dataclass(frozen=True)
class RevertEntry:
    """An edit undone or removed: it left the stack (the log keeps it)."""

    SCHEMA: ClassVar[str] = records.REVERT
    reverts: str
    edit: int
    reason: str

    def to_dict(self) -> JsonObject:
        return {"reverts": self.reverts, "edit": self.edit, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Any) -> RevertEntry:
        d, what = body_of(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        return cls(
            req_str(d, "reverts", what), req_int(d, "edit", what), req_str(d, "reason", what)
        )


@dataclass(frozen=True)
class ToggleEntry:
    SCHEMA: ClassVar[str] = records.TOGGLE
    edit: int
    entry: str
    enabled: bool

    def to_dict(self) -> JsonObject:
        return {"edit": self.edit, "entry": self.entry, "enabled": self.enabled}

    @classmethod
    def from_dict(cls, data: Any) -> ToggleEntry:
        d, what = body_of(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        return cls(
            req_int(d, "edit", what), req_str(d, "entry", what), req_bool(d, "enabled", what)
        )


@dataclass(frozen=True)
class ConsentEntry:
    SCHEMA: ClassVar[str] = records.CONSENT
    consent: ConsentRecord

    def to_dict(self) -> JsonObject:
        return {"consent": self.consent.to_dict()}

    @classmethod
    def from_dict(cls, data: Any) -> ConsentEntry:
        d = body_of(data, cls.SCHEMA)
        return cls(ConsentRecord.from_dict(req_obj(d, "consent", f"a {cls.SCHEMA} entry")))


@dataclass(frozen=True)
class PolicyEntry:
    """The project policy as it became (its JSON form: the project layer owns the model)."""

    SCHEMA: ClassVar[str] = records.POLICY
    policy: JsonObject

    def to_dict(self) -> JsonObject:
        return {"policy": dict(self.policy)}

    @classmethod
    def from_dict(cls, data: Any) -> PolicyEntry:
        d = body_of(data, cls.SCHEMA)
        return cls(json_obj(d, "policy", f"a {cls.SCHEMA} entry"))


@dataclass(frozen=True)
class RenderEntry:
    """A finished output; ``qc`` is its delivery check (absent before QC existed), ``colour``
    the colour transforms its frames went through (absent before colour management),
    ``segments`` who rendered each segment on which execution provider (a farm render only;
    absent otherwise and before farms existed), ``runtime`` what ran each edit's model (absent
    before it was recorded; see ``render.registration.runtime_record``) and ``extra`` what else
    the render added (its Content Credentials)."""

    SCHEMA: ClassVar[str] = records.RENDER
    KNOWN: ClassVar[frozenset[str]] = frozenset(
        {"render", "clip", "output", "frames", "frame_digest", "plan", "edits", "qc", "colour"}
        | {"segments", "runtime"}
    )
    render: int
    clip: ClipRef
    output: OutputRef
    frames: tuple[int, int]
    frame_digest: str
    plan: str
    edits: tuple[EditLink, ...] = ()
    qc: JsonObject | None = None
    extra: JsonObject = field(default_factory=dict)
    colour: ColourRecord | None = None
    segments: tuple[RenderedSegment, ...] = ()
    runtime: JsonObject | None = None

    def __post_init__(self) -> None:
        clash = set(self.extra) & (self.KNOWN | NOT_BODY)
        if clash:
            raise ValueError(f"a render's extra fields may not replace {sorted(clash)}")

    def to_dict(self) -> JsonObject:
        out: JsonObject = {
            "render": self.render,
            "clip": self.clip.to_dict(),
            "output": self.output.to_dict(),
            "frames": list(self.frames),
            "frame_digest": self.frame_digest,
            "plan": self.plan,
            "edits": [e.to_dict() for e in self.edits],
            **self.extra,
        }
        if self.qc is not None:
            out["qc"] = dict(self.qc)
        if self.colour is not None:
            out["colour"] = self.colour.to_dict()
        if self.segments:
            out["segments"] = [s.to_dict() for s in self.segments]
        if self.runtime is not None:
            out["runtime"] = dict(self.runtime)
        return out

    @classmethod
    def from_dict(cls, data: Any) -> RenderEntry:
        d, what = body_of(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        edits = d.get("edits", [])
        if not isinstance(edits, list):
            raise malformed(what, "edits", "is not a list")
        qc = d.get("qc")
        if qc is not None and not isinstance(qc, Mapping):
            raise malformed(what, "qc", "is not an object")
        colour = d.get("colour")
        segments = d.get("segments", [])
        if not isinstance(segments, list) or (not segments and "segments" in d):
            raise malformed(what, "segments", "is not a list of segments")
        runtime = d.get("runtime")
        if runtime is not None and (
            not isinstance(runtime, Mapping) or not isinstance(runtime.get("models"), list)
        ):
            raise malformed(what, "runtime", "is not an object with a list of models")
        return cls(
            render=req_int(d, "render", what),
            clip=ClipRef.from_dict(req_obj(d, "clip", what)),
            output=OutputRef.from_dict(req_obj(d, "output", what)),
            frames=int_pair(d, "frames", what),
            frame_digest=req_str(d, "frame_digest", what),
            plan=req_str(d, "plan", what),
            edits=tuple(EditLink.from_dict(e) for e in edits),
            qc=None if qc is None else dict(qc),
            extra={k: v for k, v in d.items() if k not in cls.KNOWN and k not in NOT_BODY},
            colour=None if colour is None else ColourRecord.from_dict(colour),
            segments=tuple(RenderedSegment.from_dict(s) for s in segments),
            runtime=None if runtime is None else dict(runtime),
        )


@dataclass(frozen=True)
class RelinkEntry:
    """An offline clip pointed at where its (identical) footage is now."""

    SCHEMA: ClassVar[str] = records.RELINK
    clip: int
    from_path: str
    path: str
    fingerprint: str

    def to_dict(self) -> JsonObject:
        return {
            "clip": self.clip,
            "from": self.from_path,
            "path": self.path,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: Any) -> RelinkEntry:
        d, what = body_of(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        return cls(
            req_int(d, "clip", what),
            req_str(d, "from", what),
            req_str(d, "path", what),
            req_str(d, "fingerprint", what),
        )


@dataclass(frozen=True)
class SignoffEntry:
    SCHEMA: ClassVar[str] = records.SIGNOFF
    edit: int
    entry: str
    note: str = ""

    def to_dict(self) -> JsonObject:
        return {"edit": self.edit, "entry": self.entry, "note": self.note}

    @classmethod
    def from_dict(cls, data: Any) -> SignoffEntry:
        d, what = body_of(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        return cls(req_int(d, "edit", what), req_str(d, "entry", what), req_str(d, "note", what))


@dataclass(frozen=True)
class CheckpointEntry:
    """A signed checkpoint: the head after one transaction and the hashes it appended.

    Unlike the log's entries it has no envelope: ``to_dict()`` is the whole signed object.
    """

    SCHEMA: ClassVar[str] = records.CHECKPOINT
    seq: int
    project: str
    tree_size: int
    head: str
    first: int
    hashes: tuple[str, ...]
    time: str
    key_id: str

    @property
    def consistent(self) -> bool:
        """Its entry hashes end at its head and number exactly up to its tree size."""
        return (
            bool(self.hashes)
            and self.first + len(self.hashes) - 1 == self.tree_size
            and self.hashes[-1] == self.head
        )

    def to_dict(self) -> JsonObject:
        return {
            "schema": self.SCHEMA,
            "seq": self.seq,
            "project": self.project,
            "tree_size": self.tree_size,
            "head": self.head,
            "first": self.first,
            "hashes": list(self.hashes),
            "time": self.time,
            "key_id": self.key_id,
        }

    @classmethod
    def from_dict(cls, data: Any) -> CheckpointEntry:
        what = f"a {cls.SCHEMA} checkpoint"
        d = obj(data, what)
        if d.get("schema", cls.SCHEMA) != cls.SCHEMA:
            raise DisclosureError(f"{what} is malformed: it is a {d.get('schema')!r}")
        return cls(
            seq=req_int(d, "seq", what),
            project=req_str(d, "project", what),
            tree_size=req_int(d, "tree_size", what),
            head=req_str(d, "head", what),
            first=req_int(d, "first", what),
            hashes=str_tuple(d, "hashes", what),
            time=req_str(d, "time", what),
            key_id=req_str(d, "key_id", what),
        )


EntryBody = (
    ProjectEntry
    | ImportEntry
    | EditEntry
    | RevertEntry
    | ToggleEntry
    | ConsentEntry
    | PolicyEntry
    | RenderEntry
    | RelinkEntry
    | SignoffEntry
    | KeyRotationEntry
    | MoveEntry
    | ClipColourEntry
    | SequenceImportEntry
    | ShotChangeEntry
    | RecipeEntry
    | DeliveryEntry
    | CastEntry
    | ShotCastEntry
    | LikenessConsentEntry
)
"""The body of a log entry (a checkpoint is not one: it is read on its own)."""

BODY_TYPES: dict[str, type[EntryBody]] = {
    t.SCHEMA: t
    for t in (
        ProjectEntry,
        ImportEntry,
        EditEntry,
        RevertEntry,
        ToggleEntry,
        ConsentEntry,
        PolicyEntry,
        RenderEntry,
        RelinkEntry,
        SignoffEntry,
        KeyRotationEntry,
        MoveEntry,
        ClipColourEntry,
        SequenceImportEntry,
        ShotChangeEntry,
        RecipeEntry,
        DeliveryEntry,
        CastEntry,
        ShotCastEntry,
        LikenessConsentEntry,
    )
}
