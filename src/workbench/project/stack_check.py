"""Whether the project's edit stack is the one its log vouches for, row for row.

A render reads the ``edits`` and ``clips`` tables; the log says what each change was. A row
edited with SQLite's own tools (its trigger dropped), a row inserted without an entry, or an
entry whose row is gone would make the rendered frames differ from what the log, its exports
and the Content Credentials say. So the typed entries are replayed — edits added, toggled and
reverted; clips imported and relinked — into the stack they describe, and that is compared with
every row as stored; a clip's colour space (set by a user: what its edits render in) is replayed
from its ``workbench.clip-colour/1`` entries. Rows are read raw: a damaged value is reported,
never raised.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.disclosure.canonical import canonical_bytes
from workbench.disclosure.entries import (
    ClipColourEntry,
    EditEntry,
    ImportEntry,
    MoveEntry,
    RelinkEntry,
    RevertEntry,
    ToggleEntry,
    TypedEntry,
    readable,
)
from workbench.errors import DisclosureError, VerificationFailed
from workbench.project.reading import has_column

if TYPE_CHECKING:
    from workbench.project.project import Project

_EDIT_SQL = (
    "SELECT id, clip_id, position, tool, tool_version, model_id, model_sha256, parameters, "
    "frame_start, frame_end, region, enabled, removed, log_entry FROM edits ORDER BY id"
)
_CLIP_SQL = "SELECT id, name, path, fingerprint, log_entry, {colour} FROM clips ORDER BY id"


@dataclass(frozen=True)
class StackProblem:
    """One row (or one entry's missing row) that disagrees with the log."""

    row: str
    """``edit 3`` or ``clip 1``."""
    message: str

    def __str__(self) -> str:
        return f"{self.row}: {self.message}"


@dataclass
class _LoggedEdit:
    """An edit as the log leaves it: its entry, then what the toggles and reverts did to it."""

    entry: TypedEntry
    body: EditEntry
    enabled: bool = True
    removed_by: TypedEntry | None = None
    toggled_by: TypedEntry | None = None


@dataclass
class _LoggedClip:
    entry: TypedEntry
    body: ImportEntry
    path: str = ""
    relinked_by: TypedEntry | None = None
    colour_space: str | None = None
    coloured_by: TypedEntry | None = None


@dataclass
class _Logged:
    edits: dict[str, _LoggedEdit] = field(default_factory=dict)
    """By the id of the entry that added the edit."""
    clips: dict[int, _LoggedClip] = field(default_factory=dict)
    stacks: dict[int, list[str]] = field(default_factory=dict)
    """Each clip's stack as the log leaves it (entry ids of the edits in it, bottom first)."""

    def add(self, entry: TypedEntry, body: EditEntry) -> None:
        if entry.id not in self.edits:
            self.edits[entry.id] = _LoggedEdit(entry, body)
            self.stacks.setdefault(body.edit.clip.id, []).append(entry.id)

    def remove(self, entry_id: str) -> None:
        for stack in self.stacks.values():
            if entry_id in stack:
                stack.remove(entry_id)

    def move(self, body: MoveEntry) -> None:
        """The clip's stack in the move's order (edits it does not name keep their order)."""
        stack = self.stacks.get(body.clip, [])
        by_edit = {self.edits[e].body.edit.id: e for e in stack}
        named = [by_edit[i] for i in body.order if i in by_edit]
        self.stacks[body.clip] = named + [e for e in stack if e not in named]

    def places(self, clip_id: Any) -> dict[str, int]:
        return {e: n for n, e in enumerate(self.stacks.get(clip_id, []))}


def logged_stack(entries: Iterable[TypedEntry]) -> _Logged:
    """Replay the entries (in log order) into the edits and clips they describe."""
    logged = _Logged()
    for entry in entries:
        body = entry.body
        if isinstance(body, EditEntry):
            logged.add(entry, body)
        elif isinstance(body, ToggleEntry):
            edit = logged.edits.get(body.entry)
            if edit is not None and edit.body.edit.id == body.edit:
                edit.enabled, edit.toggled_by = body.enabled, entry
        elif isinstance(body, RevertEntry):
            edit = logged.edits.get(body.reverts)
            if edit is not None and edit.body.edit.id == body.edit:
                edit.removed_by = entry
                logged.remove(body.reverts)
        elif isinstance(body, MoveEntry):
            logged.move(body)
        elif isinstance(body, ImportEntry):
            logged.clips.setdefault(body.clip.id, _LoggedClip(entry, body, body.clip.path))
        elif isinstance(body, RelinkEntry):
            clip = logged.clips.get(body.clip)
            if clip is not None:
                clip.path, clip.relinked_by = body.path, entry
        elif isinstance(body, ClipColourEntry):
            clip = logged.clips.get(body.clip)
            if clip is not None:
                clip.colour_space, clip.coloured_by = body.colour_space, entry
    return logged


def _where(entry: TypedEntry) -> str:
    return f"log entry {entry.seq} ({entry.id[:8]}…)"


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def _same(stored: Any, logged: Any) -> bool:
    """Equal as the log's canonical JSON holds them (1.0 is 1; true is not 1)."""
    try:
        return canonical_bytes(stored) == canonical_bytes(logged)
    except DisclosureError:
        return False


def _json_column(value: Any) -> Any:
    """A JSON column as stored; text that is not JSON stays text (and so never matches)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _flag(value: Any, on: str, off: str) -> str:
    if value in (0, 1) and isinstance(value, int):
        return on if value else off
    return f"{_shown(value)} (neither 0 nor 1)"


# -- edits ------------------------------------------------------------------------------------
def _edit_fields(row: Sequence[Any], logged: _LoggedEdit) -> list[tuple[str, Any, Any]]:
    """(what, as stored, as logged) for every column the log pins."""
    spec, model = logged.body.edit, logged.body.model
    return [
        ("clip", row[1], spec.clip.id),
        ("tool", row[3], spec.tool.id),
        ("tool version", row[4], spec.tool.version),
        ("model", row[5], model.id if model else None),
        ("model SHA-256", row[6], model.sha256 if model else None),
        ("parameters", _json_column(row[7]), dict(spec.parameters)),
        ("frames", [row[8], row[9]], list(spec.frames)),
        ("region", _json_column(row[10]), spec.region.to_dict()),
    ]


def _edit_problems(row: Sequence[Any], logged: _LoggedEdit) -> list[str]:
    out: list[str] = []
    for what, stored, expected in _edit_fields(row, logged):
        if not _same(stored, expected):
            verb = "differ" if what in ("parameters", "frames") else "differs"
            out.append(
                f"{what} in the project file {_shown(stored)} {verb} from its "
                f"{_where(logged.entry)}: {_shown(expected)}"
            )
    enabled, removed = row[11], row[12]
    if not _same(enabled, int(logged.enabled)):
        said = (
            f"its toggle in {_where(logged.toggled_by)} left it "
            if logged.toggled_by is not None
            else f"its {_where(logged.entry)} added it "
        )
        out.append(
            f"it is {_flag(enabled, 'enabled', 'disabled')} in the project file, but {said}"
            f"{'enabled' if logged.enabled else 'disabled'}"
        )
    if not _same(removed, int(logged.removed_by is not None)):
        said = (
            f"the revert in {_where(logged.removed_by)} removed it"
            if logged.removed_by is not None
            else "no revert entry removed it"
        )
        out.append(
            f"it is {_flag(removed, 'removed', 'in the stack')} in the project file, but {said}"
        )
    return out


def _match_edit(row: Sequence[Any], logged: _Logged) -> tuple[_LoggedEdit | None, list[str]]:
    """The logged edit a row stands for, and what is wrong with how it names it."""
    edit_id, entry_id = row[0], row[13]
    found = logged.edits.get(entry_id) if isinstance(entry_id, str) else None
    if found is not None and _same(found.body.edit.id, edit_id):
        return found, []
    by_id = [e for e in logged.edits.values() if _same(e.body.edit.id, edit_id)]
    if by_id:
        return by_id[0], [
            f"it names log entry {_shown(entry_id)}, but the {_where(by_id[0].entry)} is the "
            "one that added it"
        ]
    if found is not None:
        return None, [
            f"it names {_where(found.entry)}, which added edit {found.body.edit.id}, not this one"
        ]
    return None, ["it is in the project file, but no log entry adds it (added outside Workbench)"]


def _order_problems(
    rows: Sequence[Sequence[Any]], matched: dict[int, _LoggedEdit], logged: _Logged
) -> list[StackProblem]:
    """Each clip's stack in the order the log leaves it: edits added in turn, moved by the
    edit-move entries (positions themselves are not logged, only the order)."""
    out: list[StackProblem] = []
    by_clip: dict[Any, list[Sequence[Any]]] = {}
    for row in rows:  # a row in the stack that the log removed is reported on its own
        if row[0] in matched and row[12] == 0 and matched[row[0]].removed_by is None:
            by_clip.setdefault(row[1], []).append(row)
    for clip_id, clip_rows in by_clip.items():
        try:
            stored = [r[0] for r in sorted(clip_rows, key=lambda r: (r[2], r[0]))]
        except TypeError:
            stored = [r[0] for r in clip_rows]
        places = logged.places(clip_id)
        entries = [matched[r[0]].entry for r in clip_rows]
        ranked = sorted(
            zip(clip_rows, entries, strict=True),
            key=lambda pair: (places.get(pair[1].id, 1 << 30), pair[1].seq),
        )
        in_log = [r[0] for r, _ in ranked]
        positions = [r[2] for r in clip_rows]
        if stored != in_log or len(set(map(repr, positions))) != len(positions):
            first = next((s for s, g in zip(stored, in_log, strict=True) if s != g), stored[0])
            at = ", ".join(f"edit {r[0]} at position {_shown(r[2])}" for r in clip_rows)
            out.append(
                StackProblem(
                    f"edit {first}",
                    f"the project file stacks clip {clip_id}'s edits in the order "
                    f"{', '.join(map(str, stored))} ({at}), but the log stacks them in the "
                    f"order {', '.join(map(str, in_log))}",
                )
            )
    return out


def edit_problems(rows: Sequence[Sequence[Any]], logged: _Logged) -> list[StackProblem]:
    out: list[StackProblem] = []
    matched: dict[int, _LoggedEdit] = {}
    claimed: set[str] = set()
    for row in rows:
        found, problems = _match_edit(row, logged)
        if found is not None:
            if found.entry.id in claimed:
                problems.append(f"another edit row already stands for {_where(found.entry)}")
            else:
                claimed.add(found.entry.id)
                matched[row[0]] = found
                problems += _edit_problems(row, found)
        out += [StackProblem(f"edit {row[0]}", p) for p in problems]
    for entry_id, edit in logged.edits.items():
        if entry_id not in claimed:
            out.append(
                StackProblem(
                    f"edit {edit.body.edit.id}",
                    f"the {_where(edit.entry)} adds it, but the project file has no row for it "
                    "(deleted outside Workbench)",
                )
            )
    return out + _order_problems(rows, matched, logged)


# -- clips ------------------------------------------------------------------------------------
def clip_problems(rows: Sequence[Sequence[Any]], logged: _Logged) -> list[StackProblem]:
    out: list[StackProblem] = []
    seen: set[int] = set()
    for clip_id, name, path, fingerprint, log_entry, colour in rows:
        found = logged.clips.get(clip_id) if isinstance(clip_id, int) else None
        where = f"clip {clip_id}"
        if found is None:
            out.append(
                StackProblem(where, "it is in the project file, but no log entry imports it")
            )
            continue
        seen.add(clip_id)
        source = found.relinked_by or found.entry
        checks = [
            ("log entry", log_entry, found.entry.id, found.entry),
            ("name", name, found.body.clip.name, found.entry),
            ("path", path, found.path, source),
            ("fingerprint", fingerprint, found.body.clip.fingerprint, found.entry),
            ("colour space", colour, found.colour_space, found.coloured_by or found.entry),
        ]
        for what, stored, expected, entry in checks:
            if not _same(stored, expected):
                out.append(
                    StackProblem(
                        where,
                        f"its {what} in the project file {_shown(stored)} differs from its "
                        f"{_where(entry)}: {_shown(expected)}",
                    )
                )
    for clip_id, clip in logged.clips.items():
        if clip_id not in seen:
            out.append(
                StackProblem(
                    f"clip {clip_id}",
                    f"the {_where(clip.entry)} imports it, but the project file has no row for it",
                )
            )
    return out


# -- the check --------------------------------------------------------------------------------
def stack_problems(conn: sqlite3.Connection, log_rows: Iterable[Any]) -> list[StackProblem]:
    """Every edit and clip row (and the conform's sequence, shot, recipe and delivery rows:
    ``project.sequence_check``) that is not what the log's entries say (empty when all are).

    ``log_rows`` are the log's rows (or entries); whether they verify is the log check's
    business — an entry that does not parse cannot vouch for a row, so its row is reported.
    """
    from workbench.project.sequence_check import conform_problems

    entries = readable(log_rows)
    logged = logged_stack(entries)
    try:
        edits = conn.execute(_EDIT_SQL).fetchall()
        colour = "colour_space" if has_column(conn, "clips", "colour_space") else "NULL"
        clips = conn.execute(_CLIP_SQL.format(colour=colour)).fetchall()
    except sqlite3.DatabaseError as exc:
        return [StackProblem("edits", f"the project's edit stack cannot be read ({exc})")]
    stack = clip_problems(clips, logged) + edit_problems(edits, logged)
    return stack + _track_problems(conn, logged) + conform_problems(conn, entries)


def _track_problems(conn: sqlite3.Connection, logged: _Logged) -> list[StackProblem]:
    """Each tracked edit's stored track: there, and the bytes its log entry's hash names."""
    from workbench.project.tracks import track_problems

    regions = [
        (f"edit {e.body.edit.id}", e.body.edit.region.to_dict()) for e in logged.edits.values()
    ]
    return [StackProblem(row, problem) for row, problem in track_problems(conn, regions)]


def refuse_unless_vouched(project: Project, doing: str) -> None:
    """Raise :class:`VerificationFailed` unless the log verifies and vouches for every row.

    ``doing`` says what is refused ("the render"); the message names the first problem.
    """
    report = project.verify()
    if report.ok:
        return
    first = report.problems[0]
    more = len(report.problems) - 1
    raise VerificationFailed(
        f"{doing} is refused: {project.path.name} is not what its log vouches for — {first}"
        + (f" (and {more} more problems)" if more else ""),
        hint=f"`workbench log verify {project.path}` lists every problem; open the most "
        "recent backup (*.backup.wbproj) or apply the edits again from an exported log",
    )


__all__ = [
    "StackProblem",
    "clip_problems",
    "edit_problems",
    "logged_stack",
    "refuse_unless_vouched",
    "stack_problems",
]
