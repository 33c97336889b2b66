"""The conform's logged changes: a sequence imported, a shot changed, a recipe saved, a shot
delivered — each its rows *and* its typed log entry in one transaction (invariant 1).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from workbench.disclosure.entries import (
    ClipRef,
    DeliveryEntry,
    DeliveryRecord,
    RecipeEntry,
    RecipeRecord,
    RecipeStep,
    SequenceImportEntry,
    SequenceRecord,
    ShotChangeEntry,
    ShotRecord,
)
from workbench.errors import DisclosureError, UsageError
from workbench.project.conform_reading import ConformReads
from workbench.project.conform_records import (
    Delivery,
    Recipe,
    Sequence,
    Shot,
    markers_json,
    steps_json,
)
from workbench.project.entries import EntryWriter

CHANGEABLE = (
    "name",
    "clip_id",
    "status",
    "reason",
    "handle_head",
    "handle_tail",
    "frame_first",
    "frame_last",
    "markers",
    "comments",
)
"""The shot columns a shot change may set (the others are pinned by a trigger)."""


def shot_columns(record: ShotRecord) -> dict[str, Any]:
    """The ``shots`` row's columns as a shot record says them (what the check compares)."""
    frames = record.frames
    return {
        "sequence_id": None,
        "position": record.position,
        "name": record.name,
        "track": record.track,
        "reel": record.reel,
        "clip_id": record.clip.id if record.clip is not None else None,
        "status": record.status,
        "reason": record.reason,
        "source_rate": record.source.rate,
        "source_drop_frame": int(record.source.drop_frame),
        "source_in": record.source.tc_in,
        "source_out": record.source.tc_out,
        "record_rate": record.record.rate,
        "record_drop_frame": int(record.record.drop_frame),
        "record_in": record.record.tc_in,
        "record_out": record.record.tc_out,
        "handle_head": record.handles[0],
        "handle_tail": record.handles[1],
        "frame_first": frames[0] if frames else None,
        "frame_last": frames[1] if frames else None,
        "speed": record.speed,
        "markers": markers_json(record.markers),
        "comments": json.dumps(list(record.comments)),
    }


class ConformWriter(EntryWriter, ConformReads):
    """The write side of the conform (a mixin of :class:`~workbench.project.Project`)."""

    def _require_conform_tables(self) -> None:
        if not self.has_conform_tables():
            raise UsageError(f"{self.path.name} must be opened for writing once to upgrade it")

    def _clip_ref(self, clip: ClipRef | None) -> ClipRef | None:
        """The clip as the project has it (refused when the id is not one of its clips)."""
        if clip is None:
            return None
        row = self.clip(clip.id)
        return ClipRef(row.id, row.path, row.fingerprint)

    def shot_record(self, shot: Shot) -> ShotRecord:
        """A shot as its log record says it (its clip named by id, path and fingerprint)."""
        clip = self._clip_ref(ClipRef(shot.clip_id, "", "")) if shot.clip_id is not None else None
        return ShotRecord(
            id=shot.id,
            position=shot.position,
            name=shot.name,
            track=shot.track,
            reel=shot.reel,
            clip=clip,
            status=shot.status,
            reason=shot.reason,
            source=shot.source,
            record=shot.record,
            handles=shot.handles,
            frames=shot.frames,
            speed=shot.speed,
            markers=shot.markers,
            comments=shot.comments,
        )

    # -- sequences ---------------------------------------------------------------------------
    def add_sequence(self, sequence: SequenceRecord, shots: Iterable[ShotRecord]) -> Sequence:
        """A cut and its shots (in cut order), with one ``sequence-import`` entry."""
        self._require_conform_tables()
        clips = {c.id: c for c in self.clips()}  # read once: a cut names hundreds of shots
        wanted = []
        for shot in shots:
            if shot.clip is not None:
                clip = clips.get(shot.clip.id) or self.clip(shot.clip.id)  # NotFoundError
                shot = replace(shot, clip=ClipRef(clip.id, clip.path, clip.fingerprint))
            wanted.append(shot)
        imported = self.log.clock()
        with self.transaction() as log:
            cur = self.conn.execute(
                "INSERT INTO sequences (name, timeline_path, timeline_sha256, timeline_format, "
                "rate, drop_frame, record_start, handles, imported, log_entry) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
                (
                    sequence.name,
                    sequence.timeline.path,
                    sequence.timeline.sha256,
                    sequence.timeline.format,
                    sequence.rate,
                    int(sequence.drop_frame),
                    sequence.record_start,
                    sequence.handles,
                    imported,
                ),
            )
            sequence_id = int(cur.lastrowid or 0)
            records: list[ShotRecord] = []
            for position, shot in enumerate(wanted, 1):
                record = replace(shot, position=position)
                columns = shot_columns(record)
                columns["sequence_id"] = sequence_id
                cur = self.conn.execute(
                    f"INSERT INTO shots ({', '.join(columns)}, log_entry) "
                    f"VALUES ({', '.join('?' for _ in columns)}, '')",
                    tuple(columns.values()),
                )
                records.append(replace(record, id=int(cur.lastrowid or 0)))
            body = SequenceImportEntry(replace(sequence, id=sequence_id), tuple(records))
            entry_id = self._append(log, body)
            self.conn.execute(
                "UPDATE sequences SET log_entry = ? WHERE id = ?", (entry_id, sequence_id)
            )
            self.conn.execute(
                "UPDATE shots SET log_entry = ? WHERE sequence_id = ?", (entry_id, sequence_id)
            )
        return self.sequence(sequence_id)

    def change_shot(self, shot_id: int, changes: Mapping[str, Any], *, note: str = "") -> Shot:
        """Set some of a shot's fields (``SHOT_FIELDS``, in their log form: ``clip`` as a clip
        reference dict or None, ``handles`` and ``frames`` as pairs) with one entry."""
        shot = self.shot(shot_id)
        current = self.shot_record(shot)
        wanted = dict(changes)
        if wanted.get("clip") is not None:
            clip = ClipRef.from_dict(wanted["clip"])
            ref = self._clip_ref(clip)
            assert ref is not None
            wanted["clip"] = ref.to_dict()
        before = current.to_dict()
        try:
            body = ShotChangeEntry(
                shot.id, shot.sequence_id, wanted, {k: before[k] for k in wanted}, note
            )
            after = body.applied_to(current)
        except (DisclosureError, ValueError) as exc:
            raise UsageError(f"shot {shot.id} cannot be changed so: {exc}") from None
        columns = {k: v for k, v in shot_columns(after).items() if k in CHANGEABLE}
        with self.transaction() as log:
            sets = ", ".join(f"{name} = ?" for name in columns)
            self.conn.execute(f"UPDATE shots SET {sets} WHERE id = ?", (*columns.values(), shot.id))
            self._append(log, body)
        return self.shot(shot.id)

    # -- recipes -----------------------------------------------------------------------------
    def save_recipe(self, name: str, steps: Iterable[RecipeStep], *, source: str) -> Recipe:
        """Save a named stack of tools; a name saved again becomes its next version."""
        self._require_conform_tables()
        steps = tuple(steps)
        name = name.strip()
        if not name or not steps:
            raise UsageError("a recipe needs a name and at least one tool")
        created = self.log.clock()
        with self.transaction() as log:
            version = int(
                self.conn.execute(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM recipes WHERE name = ?", (name,)
                ).fetchone()[0]
            )
            cur = self.conn.execute(
                "INSERT INTO recipes (name, version, steps, source, created, log_entry) "
                "VALUES (?, ?, ?, ?, ?, '')",
                (name, version, steps_json(steps), source, created),
            )
            recipe_id = int(cur.lastrowid or 0)
            body = RecipeEntry(RecipeRecord(recipe_id, name, version, steps, source))
            entry_id = self._append(log, body)
            self.conn.execute(
                "UPDATE recipes SET log_entry = ? WHERE id = ?", (entry_id, recipe_id)
            )
        return self.recipe(name, version)

    # -- deliveries --------------------------------------------------------------------------
    def add_delivery(self, record: DeliveryRecord) -> Delivery:
        """A shot's replacement media, registered after its render (``record.id`` is ignored)."""
        shot = self.shot(record.shot)
        created = self.log.clock()
        with self.transaction() as log:
            cur = self.conn.execute(
                "INSERT INTO deliveries (shot_id, version, output, sha256, codec, render_id, "
                "clip_id, frame_first, frame_last, timecode, reel, rate, qc, created, log_entry) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
                (
                    shot.id,
                    record.version,
                    record.output.path,
                    record.output.sha256,
                    record.output.codec,
                    record.render.edit,
                    record.clip.id,
                    record.frames[0],
                    record.frames[1],
                    record.timecode,
                    record.reel,
                    record.rate,
                    record.qc,
                    created,
                ),
            )
            delivery_id = int(cur.lastrowid or 0)
            body = DeliveryEntry(replace(record, id=delivery_id, sequence=shot.sequence_id))
            entry_id = self._append(log, body)
            self.conn.execute(
                "UPDATE deliveries SET log_entry = ? WHERE id = ?", (entry_id, delivery_id)
            )
        return next(d for d in self.deliveries(shot.id) if d.id == delivery_id)


__all__ = ["CHANGEABLE", "ConformWriter", "shot_columns"]
