"""What a render legitimately changes: :class:`Expectations`.

QC fails on every difference nothing explains, so the render (or the person running
``workbench qc --expect``) states its deliberate changes here, as plain JSON-able data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

from workbench.qc.serial import JsonValue, from_jsonable, to_jsonable

#: Expectations.codec / .pixel_format value that accepts any output.
ANY = "*"


@dataclass(frozen=True)
class Expectations:
    """What a render legitimately changes; everything else must come through untouched.

    ``codec``: the output's codec name for a deliberate re-encode (``"prores"``), ``"*"`` for any
    codec, None for "the source's codec" (a difference is then unexpected). Naming a codec also
    accepts a new profile and codec tag. ``scale``: the frame-size multiplier (2 for an
    upscale); the pixel aspect may change only as far as the display aspect stays equal.
    ``pixel_format``: the expected output ``pix_fmt`` (``"*"`` any, None the source's); naming it
    accepts the bit depth that comes with it. ``edited_frames`` is informational: edits change
    pixels, never the count. ``container_changed`` accepts a new container and what only
    containers differ in (codec tags, handler names, default flags, data tracks).
    ``dropped_streams`` are source stream indices left out on purpose; ``converted_audio`` are
    source stream indices of audio tracks re-encoded on purpose (new codec, bit depth, bytes).
    ``source_frames`` (first, last) says the output is only those frames of the source — a
    conformed shot with its handles: its frame count and durations are theirs, its timecode
    the source's at ``first``, its audio the source's samples of that span (compared sample
    for sample, see :mod:`workbench.qc.sub_range`), and it carries none of the chapters.
    """

    codec: str | None = None
    scale: Fraction = Fraction(1)
    edited_frames: int = 0
    pixel_format: str | None = None
    container_changed: bool = False
    dropped_streams: tuple[int, ...] = ()
    converted_audio: tuple[int, ...] = ()
    source_frames: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, JsonValue]:
        body = to_jsonable(self)
        assert isinstance(body, dict)
        return body

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Expectations:
        """Expectations from JSON; an unknown key is refused, since a misspelt expectation
        would otherwise pass silently as "nothing changed"."""
        unknown = set(data) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown expectation(s): {', '.join(sorted(unknown))}")
        return cast(Expectations, from_jsonable(cls, dict(data)))
