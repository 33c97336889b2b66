"""The edit stack's changes as command objects with do and undo, without Qt (as glue does).

Every change to a clip's edit stack — apply, remove, toggle, replace, move — is a command: ``do`` and
``undo`` act on an open :class:`~workbench.project.Project` through the core, which logs each
step (the log is append-only, so undoing an apply appends a revert entry, and redoing it adds the
same edit again as a new entry under a new id). Commands that refer to one edit across undo and
redo share an :class:`EditRef` that follows it to its new id.

:class:`CommandStack` is the undo history the command line and the tests use; the window wraps
each command in a ``QUndoCommand`` (``workbench.qt.commands``) and keeps Qt's stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from workbench.catalog import Catalog
from workbench.disclosure import records
from workbench.editing.edits import PlannedEdit, apply_edit, planned_from_edit
from workbench.errors import UsageError
from workbench.project import Edit, Project


class EditRef:
    """One edit across undo and redo: redo adds it again under a new id."""

    def __init__(self, edit_id: int | None = None) -> None:
        self.id = edit_id

    def require(self) -> int:
        if self.id is None:
            raise UsageError("the edit this change refers to is not in the stack now")
        return self.id


class EditRefs:
    """The shared references of one undo history, one per edit."""

    def __init__(self) -> None:
        self._refs: list[EditRef] = []

    def ref(self, edit_id: int) -> EditRef:
        for ref in self._refs:
            if ref.id == edit_id:
                return ref
        ref = EditRef(edit_id)
        self._refs.append(ref)
        return ref

    def fresh(self) -> EditRef:
        """A reference for an edit that is about to be added."""
        ref = EditRef(None)
        self._refs.append(ref)
        return ref

    def clear(self) -> None:
        self._refs.clear()


class Command(Protocol):
    """A change to the edit stack that can be undone."""

    @property
    def text(self) -> str: ...

    def do(self, project: Project) -> None: ...

    def undo(self, project: Project) -> None: ...


def _add(project: Project, ref: EditRef, planned: PlannedEdit) -> None:
    ref.id = apply_edit(project, planned).id


def _revert(project: Project, ref: EditRef, reason: str) -> None:
    project.revert_edit(ref.require(), reason=reason)
    ref.id = None


@dataclass
class ApplyEdit:
    """Apply a planned edit; undo reverts it."""

    planned: PlannedEdit
    ref: EditRef = field(default_factory=EditRef)

    @property
    def text(self) -> str:
        return f"Apply {self.planned.label}"

    def do(self, project: Project) -> None:
        _add(project, self.ref, self.planned)

    def undo(self, project: Project) -> None:
        _revert(project, self.ref, "undo")


@dataclass
class RemoveEdit:
    """Remove an edit (a revert entry with reason "remove"); undo adds it back as a new edit."""

    ref: EditRef
    planned: PlannedEdit  # the edit as it stands, to add it back

    @classmethod
    def of(cls, project: Project, ref: EditRef, catalog: Catalog | None = None) -> RemoveEdit:
        return cls(ref, planned_from_edit(project.edit(ref.require()), catalog))

    @property
    def text(self) -> str:
        return f"Remove {self.planned.tool.name} edit"

    def do(self, project: Project) -> None:
        _revert(project, self.ref, "remove")

    def undo(self, project: Project) -> None:
        _add(project, self.ref, self.planned)


@dataclass
class ToggleEdit:
    """Switch an edit off or on (it stays in the stack and the log says so)."""

    ref: EditRef
    enabled: bool
    label: str = "edit"

    @property
    def text(self) -> str:
        return f"{'Enable' if self.enabled else 'Disable'} {self.label}"

    def do(self, project: Project) -> None:
        project.set_edit_enabled(self.ref.require(), self.enabled)

    def undo(self, project: Project) -> None:
        project.set_edit_enabled(self.ref.require(), not self.enabled)


@dataclass
class ReplaceEdit:
    """Change an edit (its region, settings or model): the old one is removed and the new one
    added, both logged; undo puts the old one back."""

    old_ref: EditRef
    old: PlannedEdit
    new: PlannedEdit
    new_ref: EditRef = field(default_factory=EditRef)

    @classmethod
    def of(
        cls, project: Project, ref: EditRef, new: PlannedEdit, catalog: Catalog | None = None
    ) -> ReplaceEdit:
        old = planned_from_edit(project.edit(ref.require()), catalog)
        return cls(ref, old, PlannedEdit(**{**new.__dict__, "enabled": old.enabled}))

    @property
    def text(self) -> str:
        return f"Change {self.old.tool.name} edit"

    def do(self, project: Project) -> None:
        _revert(project, self.old_ref, "remove")
        _add(project, self.new_ref, self.new)

    def undo(self, project: Project) -> None:
        _revert(project, self.new_ref, "undo")
        _add(project, self.old_ref, self.old)


@dataclass
class MoveEdit:
    """Move an edit to another place in its clip's stack (1: the bottom, run first); undo moves
    it back. Both are logged (``workbench.edit-move/1``)."""

    ref: EditRef
    from_place: int
    to_place: int
    label: str = "edit"

    @classmethod
    def of(cls, project: Project, ref: EditRef, to_place: int) -> MoveEdit:
        edit = project.edit(ref.require())
        places = [e.id for e in project.edits(edit.clip_id)]
        if edit.id not in places:
            raise UsageError(f"edit {edit.id} was reverted; it is not in the stack")
        return cls(ref, places.index(edit.id) + 1, to_place, f"{edit.tool} edit")

    @property
    def text(self) -> str:
        way = "down" if self.to_place < self.from_place else "up"
        return f"Move {self.label} {way} to #{self.to_place}"

    def do(self, project: Project) -> None:
        project.move_edit(self.ref.require(), self.to_place)

    def undo(self, project: Project) -> None:
        project.move_edit(self.ref.require(), self.from_place)


class CommandStack:
    """An undo history: ``push`` does a command, ``undo`` and ``redo`` walk the history."""

    def __init__(self) -> None:
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self.refs = EditRefs()

    def push(self, command: Command, project: Project) -> Command:
        command.do(project)
        self._done.append(command)
        self._undone.clear()
        return command

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo(self, project: Project) -> str:
        if not self._done:
            raise UsageError("there is nothing to undo")
        command = self._done.pop()
        command.undo(project)
        self._undone.append(command)
        return command.text

    def redo(self, project: Project) -> str:
        if not self._undone:
            raise UsageError("there is nothing to redo")
        command = self._undone.pop()
        command.do(project)
        self._done.append(command)
        return command.text


def _inverse(edit: Edit, entry: dict[str, Any], catalog: Catalog) -> Command:
    """The command whose undo reverses ``entry`` (an add, a revert or a toggle of ``edit``)."""
    schema = entry.get("schema")
    if schema == records.EDIT:
        return ApplyEdit(planned_from_edit(edit, catalog), EditRef(edit.id))
    if schema == records.REVERT:
        return RemoveEdit(EditRef(None), planned_from_edit(edit, catalog))
    if schema == records.EDIT_MOVE:
        move = int(entry.get("from") or 0), int(entry.get("to") or 0)
        return MoveEdit(EditRef(edit.id), move[0], move[1], f"{edit.tool} edit")
    return ToggleEdit(EditRef(edit.id), bool(entry.get("enabled")), edit.tool)


def undo_last_change(
    project: Project, clip_id: int | None = None, catalog: Catalog | None = None
) -> str:
    """Reverse the newest change to the edit stack recorded in the log (the command line's undo).

    The command line keeps no history between runs, so its undo reads the log: the newest add is
    reverted, the newest removal is added back, the newest toggle is switched back, the newest
    move is moved back — each through
    the same command objects as the window's Edit ▸ Undo. Each log entry is one change: an edit
    added back disabled is an add and a toggle. Run twice, the second undo reverses the first (as
    ``u`` does in vi). Returns what was undone.
    """
    edits = {e.log_entry: e for e in project.edits(include_removed=True)}
    by_id = {e.id: e for e in edits.values()}
    entries = project.log_data().entries()
    for index in range(len(entries) - 1, -1, -1):
        entry, schema = entries[index], entries[index].get("schema")
        if schema == records.EDIT:
            edit = edits.get(str(entry.get("id")))
        elif schema in (records.REVERT, records.TOGGLE, records.EDIT_MOVE):
            edit = by_id.get(int(entry.get("edit") or 0))
        else:
            continue
        if edit is None or (clip_id is not None and edit.clip_id != clip_id):
            continue
        command = _inverse(edit, entry, catalog or Catalog())
        command.undo(project)
        return f"undid: {command.text}"
    raise UsageError("there is no change to the edit stack to undo")


__all__ = [
    "ApplyEdit",
    "Command",
    "CommandStack",
    "EditRef",
    "EditRefs",
    "MoveEdit",
    "RemoveEdit",
    "ReplaceEdit",
    "ToggleEdit",
    "undo_last_change",
]
