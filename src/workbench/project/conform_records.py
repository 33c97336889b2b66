"""The conform's rows as frozen records: sequences, shots, recipes, deliveries.

Each reads its row (a value the app cannot read is a :class:`DamagedRow`, which the reader turns
into a damaged-project error) and says what its log entry's record is, so the writer and the
check (``project.sequence_check``) compare the same things.
"""

from __future__ import annotations

import json
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from workbench.disclosure.entries import Marker, RecipeStep, SpanTC
from workbench.errors import DisclosureError
from workbench.project.records import DamagedRow

SEQUENCE_COLUMNS = (
    "id, name, timeline_path, timeline_sha256, timeline_format, rate, drop_frame, "
    "record_start, handles, imported, log_entry"
)
SHOT_COLUMNS = (
    "id, sequence_id, position, name, track, reel, clip_id, status, reason, source_rate, "
    "source_drop_frame, source_in, source_out, record_rate, record_drop_frame, record_in, "
    "record_out, handle_head, handle_tail, frame_first, frame_last, speed, markers, comments, "
    "log_entry"
)
RECIPE_COLUMNS = "id, name, version, steps, source, created, log_entry"
DELIVERY_COLUMNS = (
    "id, shot_id, version, output, sha256, codec, render_id, clip_id, frame_first, frame_last, "
    "timecode, reel, rate, qc, created, log_entry"
)


def _json_list(value: Any, what: str) -> list[Any]:
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        raise DamagedRow(f"{what} is not valid JSON") from None
    if not isinstance(data, list):
        raise DamagedRow(f"{what} is not a JSON list")
    return data


def _typed(what: str, read: Any) -> Any:
    try:
        return read()
    except (DisclosureError, TypeError, ValueError) as exc:
        raise DamagedRow(f"{what} cannot be read ({exc})") from None


@dataclass(frozen=True)
class Sequence:
    id: int
    name: str
    timeline_path: str
    timeline_sha256: str
    timeline_format: str
    rate: Fraction
    drop_frame: bool
    record_start: str
    handles: int
    imported: str
    log_entry: str

    @classmethod
    def from_row(cls, r: Seq[Any]) -> Sequence:
        rate = _typed(f"sequence {r[0]}'s rate", lambda: Fraction(str(r[5])))
        return cls(r[0], r[1], r[2], r[3], r[4], rate, bool(r[6]), r[7], int(r[8]), r[9], r[10])


@dataclass(frozen=True)
class Shot:
    """One shot of a sequence: where it sits in the cut, what it shows, and its media."""

    id: int
    sequence_id: int
    position: int
    name: str
    track: str
    reel: str | None
    clip_id: int | None
    status: str
    reason: str
    source: SpanTC
    record: SpanTC
    handles: tuple[int, int]
    frames: tuple[int, int] | None
    """The clip's frames the shot covers with its handles (None when offline)."""
    speed: str
    markers: tuple[Marker, ...]
    comments: tuple[str, ...]
    log_entry: str

    @property
    def online(self) -> bool:
        return self.status == "online" and self.clip_id is not None and self.frames is not None

    @property
    def rate(self) -> Fraction:
        return Fraction(self.source.rate)

    @classmethod
    def from_row(cls, r: Seq[Any]) -> Shot:
        what = f"shot {r[0]}"
        markers = _json_list(r[22], f"{what}'s markers")
        comments = _json_list(r[23], f"{what}'s comments")
        frames = None if r[19] is None or r[20] is None else (int(r[19]), int(r[20]))
        return cls(
            id=r[0],
            sequence_id=r[1],
            position=r[2],
            name=r[3],
            track=r[4],
            reel=r[5],
            clip_id=r[6],
            status=r[7],
            reason=r[8],
            source=SpanTC(str(r[9]), bool(r[10]), str(r[11]), str(r[12])),
            record=SpanTC(str(r[13]), bool(r[14]), str(r[15]), str(r[16])),
            handles=(int(r[17]), int(r[18])),
            frames=frames,
            speed=str(r[21]),
            markers=_typed(
                f"{what}'s markers", lambda: tuple(Marker.from_dict(m) for m in markers)
            ),
            comments=tuple(str(c) for c in comments),
            log_entry=r[24],
        )


@dataclass(frozen=True)
class Recipe:
    id: int
    name: str
    version: int
    steps: tuple[RecipeStep, ...]
    source: str
    created: str
    log_entry: str

    @classmethod
    def from_row(cls, r: Seq[Any]) -> Recipe:
        steps = _json_list(r[3], f"recipe {r[0]}'s steps")
        typed = _typed(
            f"recipe {r[0]}'s steps", lambda: tuple(RecipeStep.from_dict(s) for s in steps)
        )
        return cls(r[0], r[1], int(r[2]), typed, r[4], r[5], r[6])


@dataclass(frozen=True)
class Delivery:
    id: int
    shot_id: int
    version: int
    output: str
    sha256: str
    codec: str
    render_id: int
    clip_id: int
    frames: tuple[int, int]
    timecode: str
    reel: str | None
    rate: str
    qc: str
    created: str
    log_entry: str

    @classmethod
    def from_row(cls, r: Seq[Any]) -> Delivery:
        return cls(
            r[0],
            r[1],
            int(r[2]),
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            (int(r[8]), int(r[9])),
            r[10],
            r[11],
            r[12],
            r[13],
            r[14],
            r[15],
        )


def markers_json(markers: Seq[Marker]) -> str:
    return json.dumps([m.to_dict() for m in markers], sort_keys=True)


def steps_json(steps: Seq[RecipeStep]) -> str:
    return json.dumps([s.to_dict() for s in steps], sort_keys=True)


__all__ = [
    "DELIVERY_COLUMNS",
    "RECIPE_COLUMNS",
    "SEQUENCE_COLUMNS",
    "SHOT_COLUMNS",
    "Delivery",
    "Recipe",
    "Sequence",
    "Shot",
    "markers_json",
    "steps_json",
]
