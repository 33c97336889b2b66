"""What the tools panel and the edit stack ask for, as calls to the use-case layer.

An edit is described as an :class:`~workbench.editing.EditRequest` (the tools panel's tool,
parameters and model, the viewer's region and mask, the frames) and planned by
:func:`workbench.editing.plan_edit`, which does every check once; apply, remove, toggle and
replace are the core's command objects, pushed on the window's undo stack through
:class:`~workbench.qt.commands.UndoCommand`. Nothing here checks an edit itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtGui import QUndoStack

from workbench import editing
from workbench.catalog import Catalog
from workbench.errors import UsageError
from workbench.project import Edit
from workbench.project.masks import mask_path
from workbench.qt.commands import ErrorSink, UndoCommand
from workbench.qt.preview import ViewerFeed
from workbench.qt.session import ProjectSession
from workbench.qt.tools_panel import ToolsPanel
from workbench.qt.view_state import ViewState
from workbench.qt.viewer import RegionTool
from workbench.tools.track_record import Track


def no_clip() -> UsageError:
    return UsageError("no clip is selected", hint="import a clip and select it")


class EditActions:
    def __init__(
        self,
        session: ProjectSession,
        state: ViewState,
        undo: QUndoStack,
        tools: ToolsPanel,
        feed: ViewerFeed,
        catalog: Callable[[], Catalog],
        report: ErrorSink,
    ) -> None:
        self.session, self.state, self.undo = session, state, undo
        self.tools, self.feed = tools, feed
        self._catalog = catalog
        self.report = report
        self.refs = editing.EditRefs()
        self.track_source: Callable[[], Track | None] = lambda: None
        """The track the next edit takes as its region (the tracking panel's, when in use)."""
        state.events.clip.connect(self._clip_changed)

    def _clip_changed(self, _clip: object) -> None:
        """Another clip starts with no region: a rectangle or mask belonged to the last one."""
        self.feed.viewer.canvas.set_region(None)
        self.state.set_region({"kind": "full"})

    def _push(self, command: editing.Command) -> None:
        self.undo.push(UndoCommand(self.session, command, self.report))

    def request(self, frames: tuple[int, int]) -> editing.EditRequest:
        """The tools panel's settings and the viewer's region, as an edit of ``frames``."""
        clip = self.state.clip
        if clip is None:
            raise no_clip()
        tools = self.tools
        track = self.track_source()
        if track is not None:
            return editing.EditRequest(
                clip_id=clip.id,
                tool=tools.tool().id,
                parameters=tools.raw_params(),
                model=tools.model_id(),
                frames=frames,
                track=track,
            )
        region, mask = self.feed.current_region()
        return editing.EditRequest(
            clip_id=clip.id,
            tool=tools.tool().id,
            parameters=tools.raw_params(),
            model=tools.model_id(),
            frames=frames,
            region=region,
            mask=mask,
        )

    def _plan(self, frames: tuple[int, int]) -> editing.PlannedEdit:
        return editing.plan_edit(
            self.session.project(), self.request(frames), catalog=self._catalog()
        )

    def frames_of(self, scope: str) -> tuple[int, int]:
        state = self.state
        if scope == "frame":
            return (state.frame, state.frame)
        if scope == "range":
            return state.in_out()
        return (0, state.count - 1)

    # -- the edit stack's commands --------------------------------------------------------------
    def apply(self, scope: str) -> None:
        """Apply the tools panel's settings to the frame, the in–out range or the clip."""
        if self.state.clip is None or self.session.path is None:
            self.report(no_clip(), "")
            return
        try:
            planned = self._plan(self.frames_of(scope))
        except Exception as exc:
            self.report(exc, f"Apply {self.tools.tool().name}")
            return
        self.state.set_preview(None)
        self._push(editing.ApplyEdit(planned, self.refs.fresh()))

    def replace_selected(self) -> None:
        """The selected edit, changed to the tools panel's settings and the viewer's region."""
        edit = self.state.edit(self.state.selected_edit)
        if edit is None:
            self.report(UsageError("no edit is selected", hint="select one in the edit stack"), "")
            return
        try:
            planned = self._plan(edit.frames)
            command = editing.ReplaceEdit.of(
                self.session.project(), self.refs.ref(edit.id), planned, self._catalog()
            )
            command = dataclasses.replace(command, new_ref=self.refs.fresh())
        except Exception as exc:
            self.report(exc, "Update the selected edit")
            return
        self.state.set_preview(None)
        self._push(command)
        self.select(command.new_ref.id)

    def toggle(self, edit_id: int, enabled: bool) -> None:
        edit = self.state.edit(edit_id)
        if edit is not None:
            self._push(editing.ToggleEdit(self.refs.ref(edit_id), enabled, f"{edit.tool} edit"))

    def remove(self, edit_id: int) -> None:
        if self.state.edit(edit_id) is None:
            return
        try:
            command = editing.RemoveEdit.of(
                self.session.project(), self.refs.ref(edit_id), self._catalog()
            )
        except Exception as exc:
            self.report(exc, "Remove edit")
            return
        self._push(command)

    def move(self, edit_id: int, to_place: int) -> None:
        """Move an edit to place ``to_place`` of its clip's stack (1 runs first)."""
        if self.state.edit(edit_id) is None:
            return
        try:
            command = editing.MoveEdit.of(self.session.project(), self.refs.ref(edit_id), to_place)
        except Exception as exc:
            self.report(exc, "Move edit")
            return
        self._push(command)
        self.state.select_edit(edit_id)

    def sign_off(self, edit_id: int, note: str = "") -> Edit | None:
        """Record the operator's approval of an edit the policy holds for sign-off."""
        try:
            with self.session.write() as project:
                return editing.sign_off(project, edit_id, note)
        except Exception as exc:
            self.report(exc, "Sign off")
            return None

    # -- selecting ------------------------------------------------------------------------------
    def select(self, edit_id: int | None) -> None:
        """Selecting an edit shows its tool, settings, region and frames, ready for variations."""
        state = self.state
        state.select_edit(edit_id)
        edit = state.edit(edit_id)
        if edit is None:
            return
        mask = None
        kind = edit.region.get("kind")
        if kind == "mask" and self.session.path is not None:
            from workbench.qt.frames import load_mask

            mask = load_mask(str(mask_path(self.session.path, str(edit.region["sha256"]))))
        self.tools.load_edit(edit)
        viewer = self.feed.viewer
        viewer.canvas.set_region(edit.region, mask)
        # The viewer holds the region, with the tool that edits it: "Update selected edit" takes
        # the viewer's region, and a mask is only the region while the mask brush is chosen.
        if kind == "rect":
            viewer.set_region_tool(RegionTool.RECT)
        elif kind == "mask" and mask is not None:
            viewer.set_region_tool(RegionTool.MASK)
        state.set_region(viewer.canvas.region())
        if kind == "mask" and mask is None:
            self.report(
                UsageError(
                    f"the mask of edit {edit.id} is missing ({edit.region.get('sha256', '')[:12]}…)",
                    hint="paint the region again before you update the edit",
                ),
                "Select edit",
            )
        if not edit.frames[0] <= state.frame <= edit.frames[1]:
            state.set_frame(edit.frames[0])
