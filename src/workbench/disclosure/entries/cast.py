"""The log entries of the performers: a cast member added, shots tagged with who appears in
them, and a performer's consent to AI alteration of their likeness.

A likeness consent names the cast member, the kinds of alteration it covers
(:data:`ALTERATION_KINDS`), the production it is for, the date it was signed, when it expires,
and the SHA-256 of the signed release. The project's ``cast_members``, ``shot_cast`` and
``likeness_consents`` rows are replayed from these entries (``project.cast_check``), so the
consent a render is allowed by is the one the log vouches for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from workbench.disclosure import records
from workbench.disclosure.entries.fields import (
    JsonObject,
    field,
    malformed,
    obj,
    opt_str,
    req_int,
    req_obj,
    req_str,
    str_tuple,
)

ALTERATION_KINDS = ("enhancement", "resize", "removal", "generative")
"""The kinds of AI alteration of a performer's likeness a consent may cover."""

TAG_SOURCES = ("hand", "marker", "comment")
"""Where a shot's cast tag came from: set by hand, or read from the timeline's markers or
comments at import (``CAST: Ada Actor``)."""

TAG_ACTIONS = ("tag", "untag")


def _body(data: Any, schema: str) -> Mapping[str, Any]:
    from workbench.disclosure.entries.kinds import body_of

    return body_of(data, schema)


@dataclass(frozen=True)
class CastRef:
    """A cast member named in another record: their id and name as they were then."""

    id: int
    name: str

    def to_dict(self) -> JsonObject:
        return {"id": self.id, "name": self.name}

    @classmethod
    def from_dict(cls, data: Any, what: str = "a cast member") -> CastRef:
        d = obj(data, what)
        return cls(req_int(d, "id", what), req_str(d, "name", what))


@dataclass(frozen=True)
class CastMemberRecord:
    """A performer in the project's cast list (``role``: the part they play, may be empty)."""

    id: int
    name: str
    role: str = ""

    def to_dict(self) -> JsonObject:
        return {"id": self.id, "name": self.name, "role": self.role}

    @classmethod
    def from_dict(cls, data: Any, what: str = "a cast member") -> CastMemberRecord:
        d = obj(data, what)
        return cls(req_int(d, "id", what), req_str(d, "name", what), req_str(d, "role", what))


@dataclass(frozen=True)
class CastEntry:
    SCHEMA: ClassVar[str] = records.CAST
    member: CastMemberRecord

    def to_dict(self) -> JsonObject:
        return {"member": self.member.to_dict()}

    @classmethod
    def from_dict(cls, data: Any) -> CastEntry:
        d = _body(data, cls.SCHEMA)
        return cls(CastMemberRecord.from_dict(req_obj(d, "member", f"a {cls.SCHEMA} entry")))


def _ints(data: Mapping[str, Any], key: str, what: str) -> tuple[int, ...]:
    value = field(data, key, what)
    if not isinstance(value, list | tuple) or any(
        isinstance(v, bool) or not isinstance(v, int) for v in value
    ):
        raise malformed(what, key, "is not a list of integers")
    return tuple(value)


@dataclass(frozen=True)
class ShotCastEntry:
    """Shots of a sequence tagged with (or untagged from) a performer who appears in them."""

    SCHEMA: ClassVar[str] = records.SHOT_CAST
    action: str
    person: CastRef
    sequence: int
    shots: tuple[int, ...]
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.action not in TAG_ACTIONS:
            raise ValueError(f"a shot's cast is tagged or untagged, not {self.action!r}")
        if self.source not in TAG_SOURCES:
            raise ValueError(f"a cast tag comes from {', '.join(TAG_SOURCES)}, not {self.source!r}")

    def to_dict(self) -> JsonObject:
        return {
            "action": self.action,
            "person": self.person.to_dict(),
            "sequence": self.sequence,
            "shots": list(self.shots),
            "source": self.source,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Any) -> ShotCastEntry:
        d, what = _body(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        action, source = req_str(d, "action", what), req_str(d, "source", what)
        if action not in TAG_ACTIONS:
            raise malformed(what, "action", f"is {action!r}, not tag or untag")
        if source not in TAG_SOURCES:
            raise malformed(what, "source", f"is {source!r}, not {', '.join(TAG_SOURCES)}")
        return cls(
            action,
            CastRef.from_dict(req_obj(d, "person", what)),
            req_int(d, "sequence", what),
            _ints(d, "shots", what),
            source,
            req_str(d, "note", what),
        )


@dataclass(frozen=True)
class LikenessConsentRecord:
    """A performer's consent to AI alteration of their likeness: who, which kinds, for which
    production, signed when, until when (None: no end), and the signed release's SHA-256."""

    id: int
    person: CastRef
    kinds: tuple[str, ...]
    production: str
    signed: str
    expires: str | None
    document_ref: str
    document_sha256: str

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if k not in ALTERATION_KINDS]
        if unknown or not self.kinds:
            raise ValueError(
                f"a likeness consent covers some of {', '.join(ALTERATION_KINDS)}; "
                f"got {', '.join(self.kinds) or 'none'}"
            )

    def to_dict(self) -> JsonObject:
        return {
            "id": self.id,
            "person": self.person.to_dict(),
            "kinds": list(self.kinds),
            "production": self.production,
            "signed": self.signed,
            "expires": self.expires,
            "document_ref": self.document_ref,
            "document_sha256": self.document_sha256,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "a likeness consent") -> LikenessConsentRecord:
        d = obj(data, what)
        kinds = str_tuple(d, "kinds", what)
        if not kinds or any(k not in ALTERATION_KINDS for k in kinds):
            raise malformed(what, "kinds", f"names {list(kinds)}, not kinds of alteration")
        return cls(
            id=req_int(d, "id", what),
            person=CastRef.from_dict(req_obj(d, "person", what)),
            kinds=kinds,
            production=req_str(d, "production", what),
            signed=req_str(d, "signed", what),
            expires=opt_str(d, "expires", what),
            document_ref=req_str(d, "document_ref", what),
            document_sha256=req_str(d, "document_sha256", what),
        )


@dataclass(frozen=True)
class LikenessConsentEntry:
    SCHEMA: ClassVar[str] = records.LIKENESS_CONSENT
    consent: LikenessConsentRecord

    def to_dict(self) -> JsonObject:
        return {"consent": self.consent.to_dict()}

    @classmethod
    def from_dict(cls, data: Any) -> LikenessConsentEntry:
        d = _body(data, cls.SCHEMA)
        return cls(LikenessConsentRecord.from_dict(req_obj(d, "consent", f"a {cls.SCHEMA} entry")))


__all__ = [
    "ALTERATION_KINDS",
    "TAG_ACTIONS",
    "TAG_SOURCES",
    "CastEntry",
    "CastMemberRecord",
    "CastRef",
    "LikenessConsentEntry",
    "LikenessConsentRecord",
    "ShotCastEntry",
]
