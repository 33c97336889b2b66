"""Every change a user makes, written as its rows *and* its typed log entry in one transaction.

Each method checks what it can before the transaction opens, then writes the project's rows and
appends the entry through :meth:`LogStore.append_entry` (invariant 1: no edit without its entry,
no entry without its edit).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.disclosure import records
from workbench.disclosure.entries import (
    Classification,
    ClipColourEntry,
    ClipMedia,
    ClipRef,
    ColourRecord,
    ConsentEntry,
    ConsentRecord,
    EditEntry,
    EditLink,
    EditSpec,
    ImportedClip,
    ImportEntry,
    ModelRecord,
    MoveEntry,
    OutputRef,
    PolicyEntry,
    Region,
    RelinkEntry,
    RenderedSegment,
    RenderEntry,
    RevertEntry,
    Runtime,
    SignoffEntry,
    ToggleEntry,
    ToolRef,
)
from workbench.disclosure.store import LogStore
from workbench.errors import UsageError
from workbench.project.policy import Policy
from workbench.project.reading import ProjectReads
from workbench.project.records import Clip, Consent, Edit, Render, media_json

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from workbench.catalog.catalog import CatalogEntry
    from workbench.tools.base import Tool
    from workbench.tools.track_record import Track


def edit_classification(tool: Tool, model: CatalogEntry | None) -> dict[str, str]:
    """How an edit is disclosed: the model card's classification, else the tool's."""
    if model is not None and model.card is not None:
        return {k: str(v) for k, v in model.card.classification.model_dump(mode="json").items()}
    return tool.classification.as_dict()


def model_record(model: CatalogEntry) -> ModelRecord:
    """What an edit entry pins about the model that made it."""
    card = model.card
    if card is None:
        return ModelRecord(model.id, None, model.sha256, None, "undisclosed", None)
    return ModelRecord(
        id=card.id,
        version=card.version,
        sha256=model.sha256,
        licence=card.weights_licence,
        consent=card.consent_status,
        card_sha256=card.digest(),
        training_data=tuple(sorted({source.consent_basis for source in card.training_data})),
    )


def model_log_record(model: CatalogEntry) -> dict[str, Any]:
    """:func:`model_record` as the log holds it."""
    return model_record(model).to_dict()


def _clip_ref(clip: Clip) -> ClipRef:
    return ClipRef(clip.id, clip.path, clip.fingerprint)


def _check_scale_crossing(stack: list[Edit], edit: Edit, from_place: int, to_place: int) -> None:
    """Refuse a move that would put a region edit on the other side of an upscale."""
    from workbench.tools.registry import get_tool

    low, high = sorted((from_place, to_place))
    crossed = [e for e in stack[low - 1 : high] if e.id != edit.id]

    def scales(e: Edit) -> bool:
        tool = get_tool(e.tool)
        factor: int = tool.scale(tool.resolve(e.parameters))
        return factor != 1

    def has_region(e: Edit) -> bool:
        return bool(e.region.get("kind", "full") != "full")

    for other in crossed:
        if (scales(edit) and has_region(other)) or (scales(other) and has_region(edit)):
            raise UsageError(
                f"edit {edit.id} ({edit.tool}) cannot move past edit {other.id} ({other.tool}): "
                "one changes the frame size and the other's region is in source pixels",
                hint="remove the region edit and apply it again where you want it",
            )


class EntryWriter(ProjectReads):
    """The write side of :class:`~workbench.project.Project`: one method per logged change."""

    operator: str

    def transaction(self) -> contextlib.AbstractContextManager[LogStore]:
        raise NotImplementedError  # the project opens its signed transactions

    def _append(self, log: LogStore, body: Any) -> str:
        """Append ``body``; the new entry's id."""
        return str(log.append_entry(body, operator=self.operator)["id"])

    # -- clips -----------------------------------------------------------------------------
    def add_clip(
        self,
        path: str | Path,
        *,
        fingerprint: str,
        media: dict[str, Any] | ClipMedia,
        name: str | None = None,
    ) -> Clip:
        path_text = str(Path(path).resolve()) if not isinstance(path, str) else path
        name = name or Path(path_text).name
        added = self.log.clock()
        with self.transaction() as log:
            cur = self.conn.execute(
                "INSERT INTO clips (name, path, fingerprint, media, added, log_entry) "
                "VALUES (?, ?, ?, ?, ?, '')",
                (name, path_text, fingerprint, media_json(media), added),
            )
            clip_id = int(cur.lastrowid or 0)
            entry_id = self._append(
                log, ImportEntry(ImportedClip(clip_id, name, path_text, fingerprint))
            )
            self.conn.execute("UPDATE clips SET log_entry = ? WHERE id = ?", (entry_id, clip_id))
        return self.clip(clip_id)

    def relink_clip(self, clip_id: int, path: str | Path) -> Clip:
        """Point an offline clip at where its footage is now; the content must be the same."""
        from workbench.media import probe

        clip = self.clip(clip_id)
        info = probe(path)
        if info.fingerprint != clip.fingerprint:
            raise UsageError(
                f"{path} is not the footage clip {clip.id} was imported from (its content differs)",
                hint="relink to the original file, or import this one as a new clip",
            )
        new_path = str(Path(info.path).resolve())
        with self.transaction() as log:
            self.conn.execute("UPDATE clips SET path = ? WHERE id = ?", (new_path, clip.id))
            self._append(log, RelinkEntry(clip.id, clip.path, new_path, clip.fingerprint))
        return self.clip(clip.id)

    def set_clip_colour_space(self, clip_id: int, space: str | None) -> Clip:
        """Set the colour space a clip's footage is in (the pinned config's own name, or
        ``source``; None: read it from the clip's tags again), with its log entry. Setting what
        is already set changes nothing and writes nothing."""
        from workbench.colour import CONFIG_NAME, SOURCE, lookup

        if space is not None and space != SOURCE and lookup(space) != space:
            raise UsageError(
                f"{space!r} is not the colour config's own name for a scene-referred space",
                hint="resolve the name first (workbench.colour.resolve)",
            )
        clip = self.clip(clip_id)
        if clip.colour_space == space:
            return clip
        with self.transaction() as log:
            self.conn.execute("UPDATE clips SET colour_space = ? WHERE id = ?", (space, clip.id))
            self._append(log, ClipColourEntry(clip.id, space, clip.colour_space, CONFIG_NAME))
        return self.clip(clip.id)

    # -- policy ----------------------------------------------------------------------------
    def set_policy(self, policy: Policy) -> None:
        with self.transaction() as log:
            self.conn.execute(
                "INSERT INTO policy (id, body) VALUES (1, ?) "
                "ON CONFLICT(id) DO UPDATE SET body = excluded.body",
                (policy.model_dump_json(),),
            )
            self._append(log, PolicyEntry(policy.model_dump(mode="json")))

    # -- edits -----------------------------------------------------------------------------
    def _checked_frames(self, clip: Clip, frames: tuple[int, int]) -> tuple[int, int]:
        start, end = int(frames[0]), int(frames[1])
        if start < 0 or end < start:
            raise UsageError(f"frame range {start}-{end} is not valid")
        count = clip.media.frame_count
        if count is not None and count > 0 and end >= count:
            raise UsageError(
                f"frame range {start}-{end} is outside the clip (frames 0-{count - 1})"
            )
        return start, end

    def _insert_edit(self, spec: EditSpec, model: CatalogEntry | None, created: str) -> int:
        """The edit's row at the top of its clip's stack (the entry id is filled in after)."""
        clip_id = spec.clip.id
        position = int(
            self.conn.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM edits WHERE clip_id = ?", (clip_id,)
            ).fetchone()[0]
        )
        cur = self.conn.execute(
            "INSERT INTO edits (clip_id, position, tool, tool_version, model_id, model_sha256, "
            "parameters, frame_start, frame_end, region, created, log_entry) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
            (
                clip_id,
                position,
                spec.tool.id,
                spec.tool.version,
                model.id if model else None,
                model.sha256 if model else None,
                json.dumps(spec.parameters, sort_keys=True),
                spec.frames[0],
                spec.frames[1],
                json.dumps(spec.region.to_dict(), sort_keys=True),
                created,
            ),
        )
        return int(cur.lastrowid or 0)

    def add_edit(
        self,
        clip_id: int,
        *,
        tool: Tool,
        parameters: dict[str, Any],
        frames: tuple[int, int],
        region: dict[str, Any] | Region | None = None,
        model: CatalogEntry | None = None,
        provider: str | None = None,
        consent_ref: int | None = None,
        track: Track | None = None,
        variant: tuple[str, str] | None = None,
    ) -> Edit:
        """Add an edit to a clip's stack and its log entry, in one transaction.

        A tracked region (``{"kind": "tracked", "sha256": …}``) names a track: ``track`` itself,
        stored in the same transaction, or one this project already holds.

        The edit's classification (C2PA action, IPTC source type, assistive or generative) is
        derived here, once: the model card's where the model has one, else the tool's. The log
        entry records it and every disclosure (reports, Content Credentials) reads it from there.
        ``provider`` and ``variant`` (name, SHA-256: a file of the model other than its main
        one) are what ran it (``inference.backends``).
        """
        classification = Classification.from_dict(edit_classification(tool, model))
        clip = self.clip(clip_id)
        start, end = self._checked_frames(clip, frames)
        policy = self.policy()
        policy.check_tool(tool.id)
        pinned: ModelRecord | None = None
        if model is not None:
            policy.check_model(model.id, model.sha256, model.disclosed)
            pinned = model_record(model)
        if consent_ref is not None:
            self.consent(consent_ref)
        region_spec = Region.from_input(region)
        self._check_track(region_spec, track, clip)
        created = self.log.clock()
        with self.transaction() as log:
            if track is not None:
                from workbench.project.tracks import store_track

                store_track(self.conn, track, created)
            spec = EditSpec(
                0,
                _clip_ref(clip),
                (start, end),
                region_spec,
                ToolRef(tool.id, tool.version),
                parameters,
            )
            edit_id = self._insert_edit(spec, model, created)
            body = EditEntry(
                edit=replace(spec, id=edit_id),
                model=pinned,
                runtime=Runtime(**records.runtime_info(provider, variant)),
                classification=classification,
                consent_ref=consent_ref,
                signoff="pending" if policy.needs_signoff(tool.id) else "not-required",
            )
            entry_id = self._append(log, body)
            self.conn.execute("UPDATE edits SET log_entry = ? WHERE id = ?", (entry_id, edit_id))
        return self.edit(edit_id)

    def _check_track(self, region: Region, track: Track | None, clip: Clip) -> None:
        """A tracked region's track is the one given, or one already stored; it is of this
        clip, and its shape and keyframes are what the region says."""
        if region.kind != "tracked":
            if track is not None:
                raise UsageError("a track was given for an edit whose region is not tracked")
            return
        if track is None:
            from workbench.project.tracks import load_track

            track = load_track(self.conn, region.sha256, self.path.name)
        if track.sha256 != region.sha256:
            raise UsageError("the tracked region names another track than the one given")
        if track.clip != clip.id:
            raise UsageError(f"the track was made on clip {track.clip}, not clip {clip.id}")
        if (track.shape, tuple(track.keyframe_frames)) != (region.shape, region.keyframes):
            raise UsageError("the tracked region's shape or keyframes are not its track's")

    def revert_edit(self, edit_id: int, *, reason: str = "undo") -> Edit:
        """Undo or remove an edit: it leaves the stack and a revert entry joins the log."""
        edit = self.edit(edit_id)
        if edit.removed:
            raise UsageError(f"edit {edit_id} was already reverted")
        with self.transaction() as log:
            self.conn.execute("UPDATE edits SET removed = 1 WHERE id = ?", (edit.id,))
            self._append(log, RevertEntry(edit.log_entry, edit.id, reason))
        return self.edit(edit.id)

    def set_edit_enabled(self, edit_id: int, enabled: bool) -> Edit:
        edit = self.edit(edit_id)
        if edit.removed:
            raise UsageError(f"edit {edit_id} was reverted and cannot be toggled")
        if edit.enabled == enabled:
            return edit
        with self.transaction() as log:
            self.conn.execute("UPDATE edits SET enabled = ? WHERE id = ?", (int(enabled), edit.id))
            self._append(log, ToggleEntry(edit.id, edit.log_entry, enabled))
        return self.edit(edit.id)

    def move_edit(self, edit_id: int, to_place: int) -> Edit:
        """Move an edit to place ``to_place`` (1: the bottom, the first to run) in its clip's
        stack; the edits between shift by one. Logged with the stack as it becomes.

        An edit with a region (rectangle, mask, track: in source pixels) cannot cross an edit
        that changes the frame size — its region would land on another scale.
        """
        edit = self.edit(edit_id)
        if edit.removed:
            raise UsageError(f"edit {edit_id} was reverted; it is not in the stack")
        stack = self.edits(edit.clip_id)
        ids = [e.id for e in stack]
        from_place = ids.index(edit.id) + 1
        if not 1 <= to_place <= len(ids):
            raise UsageError(
                f"clip {edit.clip_id}'s stack has places 1-{len(ids)}; there is no place {to_place}",
                hint="1 is the bottom of the stack (the edit that runs first)",
            )
        if to_place == from_place:
            return edit
        ids.remove(edit.id)
        ids.insert(to_place - 1, edit.id)
        _check_scale_crossing(stack, edit, from_place, to_place)
        positions = sorted(e.position for e in stack)
        with self.transaction() as log:
            for place, moved_id in zip(positions, ids, strict=True):
                self.conn.execute("UPDATE edits SET position = ? WHERE id = ?", (place, moved_id))
            body = MoveEntry(edit.clip_id, edit.id, edit.log_entry, from_place, to_place, tuple(ids))
            self._append(log, body)
        return self.edit(edit.id)

    def sign_off(self, edit_id: int, *, note: str = "") -> Edit:
        """Record that the operator approved an edit the policy holds for sign-off."""
        edit = self.edit(edit_id)
        if edit.removed:
            raise UsageError(f"edit {edit_id} was reverted; there is nothing to sign off")
        if not self.signoff_pending(edit):
            raise UsageError(f"edit {edit_id} does not need sign-off")
        with self.transaction() as log:
            self._append(log, SignoffEntry(edit.id, edit.log_entry, note))
        return edit

    # -- renders ---------------------------------------------------------------------------
    def register_render(
        self,
        clip_id: int,
        *,
        output: str,
        sha256: str,
        codec: str,
        frame_count: int,
        frame_digest: str,
        plan: str,
        edits: list[Edit],
        extra: dict[str, Any] | None = None,
        colour: ColourRecord | None = None,
        before_commit: Callable[[], None] | None = None,
        frames: tuple[int, int] | None = None,
        segments: Sequence[RenderedSegment] = (),
        runtime: dict[str, Any] | None = None,
    ) -> Render:
        """Register a finished output and its log entry in one transaction.

        ``frames`` are the clip's frames the output holds (first, last): a conformed shot's
        source range plus handles; None for the whole clip (``0``..``frame_count - 1``).

        ``before_commit`` runs inside the transaction after both rows are written — the render
        moves its output into place there, so a failure to do so leaves no entry behind.
        ``segments`` (a farm render's) say who rendered each segment on which provider.
        """
        clip = self.clip(clip_id)
        rest = dict(extra or {})
        qc = rest.pop("qc", None)
        created = self.log.clock()
        with self.transaction() as log:
            cur = self.conn.execute(
                "INSERT INTO renders (clip_id, output, sha256, codec, frame_count, frame_digest, "
                "plan, created, log_entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')",
                (clip.id, output, sha256, codec, frame_count, frame_digest, plan, created),
            )
            render_id = int(cur.lastrowid or 0)
            body = RenderEntry(
                render=render_id,
                clip=_clip_ref(clip),
                output=OutputRef(output, sha256, codec),
                frames=frames or (0, frame_count - 1),
                frame_digest=frame_digest,
                plan=plan,
                edits=tuple(EditLink(e.id, e.log_entry) for e in edits),
                qc=qc,
                extra=rest,
                colour=colour,
                segments=tuple(segments),
                runtime=runtime,
            )
            entry_id = self._append(log, body)
            self.conn.execute(
                "UPDATE renders SET log_entry = ? WHERE id = ?", (entry_id, render_id)
            )
            if before_commit is not None:
                before_commit()
        return self.renders(clip.id)[-1]

    # -- consent ---------------------------------------------------------------------------
    def add_consent(
        self,
        *,
        subject: str,
        scope: str,
        document_ref: str,
        document_sha256: str | None = None,
        expires: str | None = None,
    ) -> Consent:
        recorded = self.log.clock()
        with self.transaction() as log:
            cur = self.conn.execute(
                "INSERT INTO consents (subject, scope, expires, document_ref, document_sha256, "
                "recorded, log_entry) VALUES (?, ?, ?, ?, ?, ?, '')",
                (subject, scope, expires, document_ref, document_sha256, recorded),
            )
            consent_id = int(cur.lastrowid or 0)
            record = ConsentRecord(
                consent_id, subject, scope, expires, document_ref, document_sha256
            )
            entry_id = self._append(log, ConsentEntry(record))
            self.conn.execute(
                "UPDATE consents SET log_entry = ? WHERE id = ?", (entry_id, consent_id)
            )
        return self.consent(consent_id)


__all__ = ["EntryWriter", "edit_classification", "model_log_record", "model_record"]
