"""Every user action that changes the project is a command on one undo stack (as in glue).

The GUI only maps interactions to commands; the command's text is what Edit ▸ Undo shows. A
command does its work through the core, which logs it: undoing an applied edit appends a revert
entry (the log is append-only), and redoing it adds the same edit again as a new entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import QUndoCommand

from workbench.catalog.catalog import CatalogEntry
from workbench.project import Edit
from workbench.qt.session import ProjectSession
from workbench.tools.registry import get_tool


@dataclass
class EditSpec:
    """Everything ``Project.add_edit`` needs, kept so that redo can add the edit again."""

    clip_id: int
    tool: str
    tool_name: str
    tool_version: str
    parameters: dict[str, Any]
    frames: tuple[int, int]
    classification: dict[str, Any]
    region: dict[str, Any] = field(default_factory=lambda: {"kind": "full"})
    model: CatalogEntry | None = None
    provider: str | None = None
    enabled: bool = True

    def add(self, session: ProjectSession) -> Edit:
        with session.write() as project:
            return project.add_edit(
                self.clip_id,
                tool=get_tool(self.tool),
                parameters=self.parameters,
                frames=self.frames,
                region=self.region,
                model=self.model,
                provider=self.provider,
            )

    @staticmethod
    def from_edit(
        edit: Edit, tool_name: str, classification: dict[str, Any], model: CatalogEntry | None
    ) -> EditSpec:
        return EditSpec(
            clip_id=edit.clip_id,
            tool=edit.tool,
            tool_name=tool_name,
            tool_version=edit.tool_version,
            parameters=dict(edit.parameters),
            frames=edit.frames,
            classification=classification,
            region=dict(edit.region),
            model=model,
            enabled=edit.enabled,
        )


ErrorSink = Callable[[BaseException, str], None]


class EditRef:
    """One edit across undo and redo: redo adds it again under a new id, and the commands
    that refer to it (toggle, remove) follow it through this shared reference."""

    def __init__(self, edit_id: int | None) -> None:
        self.id = edit_id


class EditRefs:
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


class _Command(QUndoCommand):
    def __init__(self, session: ProjectSession, on_error: ErrorSink, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.on_error = on_error

    def _guard(self, fn: Callable[[], None], what: str) -> None:
        try:
            fn()
        except Exception as exc:
            self.setObsolete(True)  # the stack drops a command that could not be carried out
            self.on_error(exc, what)


class ApplyEditCommand(_Command):
    """Apply a tool to a frame range; the first ``redo`` is the apply already done by push."""

    def __init__(
        self, session: ProjectSession, on_error: ErrorSink, spec: EditSpec, ref: EditRef
    ) -> None:
        a, b = spec.frames
        span = f"frame {a}" if a == b else f"frames {a}–{b}"
        super().__init__(session, on_error, f"Apply {spec.tool_name} to {span}")
        self.spec = spec
        self.ref = ref
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return

        def add() -> None:
            self.ref.id = self.spec.add(self.session).id

        self._guard(add, f"Redo: {self.text()}")

    def undo(self) -> None:
        def revert() -> None:
            assert self.ref.id is not None
            with self.session.write() as project:
                project.revert_edit(self.ref.id, reason="undo")
            self.ref.id = None

        self._guard(revert, f"Undo: {self.text()}")


class ToggleEditCommand(_Command):
    def __init__(
        self, session: ProjectSession, on_error: ErrorSink, ref: EditRef, enabled: bool, label: str
    ) -> None:
        super().__init__(session, on_error, f"{'Enable' if enabled else 'Disable'} {label}")
        self.ref = ref
        self.enabled = enabled

    def _set(self, enabled: bool) -> None:
        def run() -> None:
            assert self.ref.id is not None
            with self.session.write() as project:
                project.set_edit_enabled(self.ref.id, enabled)

        self._guard(run, self.text())

    def redo(self) -> None:
        self._set(self.enabled)

    def undo(self) -> None:
        self._set(not self.enabled)


class RemoveEditCommand(_Command):
    """Remove an edit (a revert entry with reason "remove"); undo adds it back as a new edit."""

    def __init__(
        self, session: ProjectSession, on_error: ErrorSink, ref: EditRef, spec: EditSpec
    ) -> None:
        super().__init__(session, on_error, f"Remove {spec.tool_name} edit")
        self.ref = ref
        self.spec = spec

    def redo(self) -> None:
        def run() -> None:
            assert self.ref.id is not None
            with self.session.write() as project:
                project.revert_edit(self.ref.id, reason="remove")
            self.ref.id = None

        self._guard(run, self.text())

    def undo(self) -> None:
        def run() -> None:
            edit = self.spec.add(self.session)
            self.ref.id = edit.id
            if not self.spec.enabled:
                with self.session.write() as project:
                    project.set_edit_enabled(edit.id, False)

        self._guard(run, f"Undo: {self.text()}")


class ReplaceEditCommand(_Command):
    """Change an edit (its region, settings or model): the old one is removed and the new one
    added, both logged; undo puts the old one back. The first ``redo`` was done by the caller."""

    def __init__(
        self,
        session: ProjectSession,
        on_error: ErrorSink,
        old_ref: EditRef,
        old: EditSpec,
        new_ref: EditRef,
        new: EditSpec,
    ) -> None:
        super().__init__(session, on_error, f"Change {old.tool_name} edit")
        self.old_ref, self.old = old_ref, old
        self.new_ref, self.new = new_ref, new
        self._first = True

    @staticmethod
    def swap(
        session: ProjectSession, out_ref: EditRef, reason: str, in_ref: EditRef, spec: EditSpec
    ) -> None:
        assert out_ref.id is not None
        with session.write() as project:
            project.revert_edit(out_ref.id, reason=reason)
        out_ref.id = None
        in_ref.id = spec.add(session).id
        if not spec.enabled:
            with session.write() as project:
                project.set_edit_enabled(in_ref.id, False)

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._guard(
            lambda: self.swap(self.session, self.old_ref, "remove", self.new_ref, self.new),
            f"Redo: {self.text()}",
        )

    def undo(self) -> None:
        self._guard(
            lambda: self.swap(self.session, self.new_ref, "undo", self.old_ref, self.old),
            f"Undo: {self.text()}",
        )
