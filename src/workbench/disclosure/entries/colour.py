"""Colour management in the log: a clip's colour space set by the user, and what a render did.

A ``workbench.clip-colour/1`` entry records that someone set (or cleared) the colour space a
clip's footage is in — it changes what every edit of the clip renders, so ``stack_check``
replays it against the clip's row. A render's entry carries a :class:`ColourRecord`: the
OpenColorIO config and version that converted its frames, the clip's colour space and where it
came from, and the working space each edit's model ran in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from workbench.disclosure import records
from workbench.disclosure.entries.fields import (
    JsonObject,
    malformed,
    obj,
    opt_str,
    req_bool,
    req_int,
    req_str,
)


@dataclass(frozen=True)
class ClipColourEntry:
    """Clip ``clip``'s colour space set to ``colour_space`` (None: read from its tags again)."""

    SCHEMA: ClassVar[str] = records.CLIP_COLOUR
    clip: int
    colour_space: str | None
    previous: str | None
    config: str

    def to_dict(self) -> JsonObject:
        return {
            "clip": self.clip,
            "colour_space": self.colour_space,
            "previous": self.previous,
            "config": self.config,
        }

    @classmethod
    def from_dict(cls, data: Any) -> ClipColourEntry:
        from workbench.disclosure.entries.kinds import body_of

        d, what = body_of(data, cls.SCHEMA), f"a {cls.SCHEMA} entry"
        return cls(
            clip=req_int(d, "clip", what),
            colour_space=opt_str(d, "colour_space", what),
            previous=opt_str(d, "previous", what),
            config=req_str(d, "config", what),
        )


@dataclass(frozen=True)
class ColourStep:
    """One rendered edit: the working space its model ran in, and whether frames were converted
    (not when the clip is ``source`` or already in that space)."""

    edit: int
    working: str
    converted: bool

    def to_dict(self) -> JsonObject:
        return {"edit": self.edit, "working": self.working, "converted": self.converted}

    @classmethod
    def from_dict(cls, data: Any, what: str = "a render's colour step") -> ColourStep:
        d = obj(data, what)
        return cls(
            req_int(d, "edit", what), req_str(d, "working", what), req_bool(d, "converted", what)
        )


@dataclass(frozen=True)
class ColourRecord:
    """The colour transforms of a render: config, OpenColorIO version, clip space, per edit."""

    config: str
    ocio: str | None
    input: str
    origin: str
    """Where the clip's space came from: ``set`` (by a user, logged) or ``tags``."""
    steps: tuple[ColourStep, ...] = ()

    def to_dict(self) -> JsonObject:
        return {
            "config": self.config,
            "ocio": self.ocio,
            "input": self.input,
            "origin": self.origin,
            "steps": [s.to_dict() for s in self.steps],
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "a render's colour record") -> ColourRecord:
        d: Mapping[str, Any] = obj(data, what)
        steps = d.get("steps", [])
        if not isinstance(steps, list):
            raise malformed(what, "steps", "is not a list")
        return cls(
            config=req_str(d, "config", what),
            ocio=opt_str(d, "ocio", what),
            input=req_str(d, "input", what),
            origin=req_str(d, "origin", what),
            steps=tuple(ColourStep.from_dict(s) for s in steps),
        )


__all__ = ["ClipColourEntry", "ColourRecord", "ColourStep"]
