"""The project's rows as frozen records, and how each is read from its table.

``Clip.media`` is a :class:`ClipMedia` (typed, and still a read-only mapping over the stored
probe dict); ``Edit.region`` stays the stored dict — render plans hash it as it is — with
:attr:`Edit.region_spec` as its typed reading.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workbench.colour.spaces import TaggedSpace
from workbench.disclosure.entries import ClipMedia, Region

CLIP_COLUMNS = "id, name, path, fingerprint, media, added"
"""A clip's columns in every schema; ``colour_space`` (schema 6) follows where the file has it."""
EDIT_COLUMNS = (
    "id, clip_id, position, tool, tool_version, model_id, model_sha256, parameters, "
    "frame_start, frame_end, region, enabled, removed, created, log_entry"
)
RENDER_COLUMNS = (
    "id, clip_id, output, sha256, codec, frame_count, frame_digest, plan, created, log_entry"
)
CONSENT_COLUMNS = "id, subject, scope, expires, document_ref, document_sha256, recorded"


class DamagedRow(ValueError):
    """A stored value the app cannot read (the reader turns it into ProjectDamagedError)."""


def json_column(value: Any, what: str) -> dict[str, Any]:
    """A JSON-object column, or :class:`DamagedRow` naming ``what`` ("clip 1's media")."""
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        raise DamagedRow(f"{what} is not valid JSON") from None
    if not isinstance(data, dict):
        raise DamagedRow(f"{what} is not a JSON object")
    return data


@dataclass(frozen=True)
class Clip:
    id: int
    name: str
    path: str
    fingerprint: str
    media: ClipMedia
    added: str
    colour_space: str | None = None
    """The colour space a user set (the pinned config's name, or ``source``); None: its tags'."""

    @property
    def colour(self) -> TaggedSpace:
        """The clip's input colour space and why: as set by a user, else as its tags say."""
        from workbench.colour import from_tags

        if self.colour_space is not None:
            return TaggedSpace(self.colour_space, "set by a user; logged")
        return from_tags(self.media.get("color"), is_float=self.media.get("is_float") is True)

    @property
    def colour_origin(self) -> str:
        """``set`` or ``tags``: where :attr:`colour` comes from."""
        return "tags" if self.colour_space is None else "set"

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Clip:
        media = ClipMedia.from_dict(json_column(row[4], f"clip {row[0]}'s media"))
        colour = row[6] if len(row) > 6 else None
        if colour is not None and not isinstance(colour, str):
            raise DamagedRow(f"clip {row[0]}'s colour space is not text")
        return cls(row[0], row[1], row[2], row[3], media, row[5], colour)


@dataclass(frozen=True)
class Edit:
    id: int
    clip_id: int
    position: int
    tool: str
    tool_version: str
    model_id: str | None
    model_sha256: str | None
    parameters: dict[str, Any]
    frames: tuple[int, int]
    region: dict[str, Any]
    enabled: bool
    removed: bool
    created: str
    log_entry: str

    @property
    def region_spec(self) -> Region:
        return Region.from_dict(self.region)

    @classmethod
    def from_row(cls, r: Sequence[Any]) -> Edit:
        return cls(
            id=r[0],
            clip_id=r[1],
            position=r[2],
            tool=r[3],
            tool_version=r[4],
            model_id=r[5],
            model_sha256=r[6],
            parameters=json_column(r[7], f"edit {r[0]}'s parameters"),
            frames=(r[8], r[9]),
            region=json_column(r[10], f"edit {r[0]}'s region"),
            enabled=bool(r[11]),
            removed=bool(r[12]),
            created=r[13],
            log_entry=r[14],
        )


@dataclass(frozen=True)
class Render:
    id: int
    clip_id: int
    output: str
    sha256: str
    codec: str
    frame_count: int
    frame_digest: str
    plan: str
    created: str
    log_entry: str

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Render:
        return cls(*row)


@dataclass(frozen=True)
class Consent:
    id: int
    subject: str
    scope: str
    expires: str | None
    document_ref: str
    document_sha256: str | None
    recorded: str

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Consent:
        return cls(*row)


def media_json(media: ClipMedia | dict[str, Any]) -> str:
    """The ``clips.media`` column: the probe's dict, keys sorted."""
    data = media.to_dict() if isinstance(media, ClipMedia) else media
    return json.dumps(data, sort_keys=True)


__all__ = [
    "Clip",
    "ClipMedia",
    "Consent",
    "DamagedRow",
    "Edit",
    "Region",
    "Render",
    "json_column",
    "media_json",
]
