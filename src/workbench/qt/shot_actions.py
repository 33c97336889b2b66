"""What the shot list, the cut strip and the cast dialog ask for, as calls to the core.

The shot list shows ``conform.status.shot_states``; a shot opens its clip at its first frame of
the cut; "apply recipe to selected shots" pushes ``conform.recipes.ApplyRecipe`` on the undo
stack (one undoable change, the same edits as ``workbench recipe apply``); "deliver" queues a
deliver-all job that runs ``conform.delivery.deliver`` in a child process, as ``workbench
conform render`` does; File ▸ Import Cut… runs ``conform.import_sequence`` on a worker. The cast
dialog's forms call ``conform.cast`` and ``editing.add_likeness_consent``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from workbench.errors import UsageError
from workbench.progress import Progress
from workbench.qt.commands import ErrorSink, UndoCommand
from workbench.qt.convert import frame_to_qimage
from workbench.qt.cut_strip import blocks_of, marks_of
from workbench.qt.render_queue import RenderJob, RenderQueue
from workbench.qt.session import ProjectSession
from workbench.qt.shot_list import ShotListPanel
from workbench.qt.timeline import TimelinePanel
from workbench.qt.workers import Workers


class ShotActions:
    def __init__(
        self,
        window: QWidget,
        session: ProjectSession,
        workers: Workers,
        undo: QUndoStack,
        queue: RenderQueue,
        panel: ShotListPanel,
        timeline: TimelinePanel,
        report: ErrorSink,
        status: Callable[[str], None],
        open_clip: Callable[[int, int], None],
    ) -> None:
        """``open_clip(clip_id, frame)`` shows a clip in the viewer at a frame."""
        self.window, self.session, self.workers, self.undo = window, session, workers, undo
        self.queue, self.panel, self.timeline = queue, panel, timeline
        self.report, self.status, self.open_clip = report, status, open_clip
        self.states: list[Any] = []
        self.current_clip: int | None = None
        self._thumbs_done: set[tuple[int, int]] = set()
        panel.shotActivated.connect(self.activate)
        panel.recipeRequested.connect(self.apply_recipe)
        panel.deliverRequested.connect(self.ask_deliver)
        timeline.cut.shotClicked.connect(self.activate)

    # -- the views -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """The open sequence's shots, as the project says now (after any change by anyone)."""
        from workbench.conform.status import shot_states

        if not self.session.is_open:
            self.clear()
            return
        project = self.session.project()
        sequences = project.sequences()
        if not sequences:
            self.clear()
            return
        self.states = shot_states(project, sequences[-1].id)
        recipes = [r.name for r in project.recipes()]
        self.panel.set_sequence(sequences[-1].name, self.states, recipes)
        self.timeline.cut.set_blocks(blocks_of(self.states))
        self.follow_clip(self.current_clip)
        self._thumbnails()

    def clear(self) -> None:
        self.states = []
        self.panel.set_sequence(None, [], [])
        self.timeline.cut.set_blocks([])
        self.timeline.strip.shot_marks = []
        self._thumbs_done.clear()

    def follow_clip(self, clip_id: int | None) -> None:
        """The viewer's clip changed: mark its shots on the strip, outline them on the cut."""
        self.current_clip = clip_id
        self.timeline.strip.shot_marks = marks_of(self.states, clip_id)
        self.timeline.strip.update()
        current = self.timeline.cut.current
        mine = {s.shot.id for s in self.states if s.shot.clip_id == clip_id}
        self.timeline.cut.set_current(current if current in mine else None, clip_id)

    def _thumbnails(self) -> None:
        for state in self.states:
            shot = state.shot
            if not shot.online or state.clip_path is None or shot.frames is None:
                continue
            middle = (shot.frames[0] + shot.handles[0] + shot.frames[1] - shot.handles[1]) // 2
            key = (shot.id, middle)
            if key not in self._thumbs_done:
                self._thumbs_done.add(key)
                self._thumbnail(shot.id, state.clip_path, middle)

    def _thumbnail(self, shot_id: int, path: str, frame: int) -> None:
        def work(progress: Progress) -> Any:
            from workbench.media import open_reader

            with open_reader(path) as reader:
                return frame_to_qimage(reader.read(min(max(frame, 0), len(reader) - 1)))

        self.workers.start(
            work,
            name="shot thumbnail",
            on_done=lambda image: self.panel.set_thumbnail(shot_id, image),
            on_error=lambda exc: None,  # a picture is a courtesy; the list says offline
        )

    # -- what the user asks ----------------------------------------------------------------------
    def activate(self, shot_id: int) -> None:
        """Open the shot: its clip in the viewer, at the first frame the cut shows."""
        state = next((s for s in self.states if s.shot.id == shot_id), None)
        if state is None:
            return
        shot = state.shot
        if not shot.online or shot.clip_id is None or shot.frames is None:
            self.status(f"Shot {shot.id} is offline: {shot.reason}")
            return
        self.open_clip(shot.clip_id, shot.frames[0] + shot.handles[0])
        self.follow_clip(shot.clip_id)
        self.timeline.cut.set_current(shot.id, shot.clip_id)
        self.panel.select_shots([shot.id])
        self.status(f"Shot {shot.id} ({shot.name}): source {shot.source.tc_in}")

    def apply_recipe(self, name: str, shots: list[int]) -> None:
        """Apply a saved recipe to the shots: one undoable change on Edit ▸ Undo."""
        from workbench.catalog import Catalog
        from workbench.conform.recipes import ApplyRecipe

        if not shots:
            self.report(UsageError("no shot is selected", hint="select shots in the list"), "")
            return
        command = ApplyRecipe(name, tuple(shots), Catalog())
        self.undo.push(UndoCommand(self.session, command, self.report))
        done = sum(len(r.edits) for r in command.results)
        if command.commands:
            self.status(f"{command.text}: {done} edit(s)")

    def ask_deliver(self, shots: list[int]) -> None:
        if self.session.path is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self.window, "Deliver the shots into…", str(self.session.path.parent)
        )
        if folder:
            self.deliver(Path(folder), shots)

    def deliver(
        self, folder: Path, shots: list[int] | None = None, codec: str | None = None
    ) -> RenderJob | None:
        """Queue a deliver-all job (``shots``: those ids; none: every edited shot)."""
        if not self.session.is_open or self.session.read_only:
            self.report(UsageError("no project is open for editing"), "Deliver")
            return None
        sequence = self.session.project().sequence()
        picked = ",".join(str(s) for s in shots) if shots else None
        what = f"{len(shots)} shot(s)" if shots else "edited shots"
        job = RenderJob(
            clip_id=0,
            clip_name=f"Deliver {sequence.name}: {what}",
            output=str(folder),
            codec=codec,
            kind="deliver",
            shots=picked,
        )
        return self.queue.add(job)

    def ask_import_cut(self) -> None:
        if self.session.path is None:
            self.report(UsageError("no project is open", hint="create or open a project"), "")
            return
        timeline, _ = QFileDialog.getOpenFileName(
            self.window, "The editor's cut", "", "Timelines (*.edl *.xml *.otio *.otioz *.aaf)"
        )
        if not timeline:
            return
        media = QFileDialog.getExistingDirectory(self.window, "The camera originals are in…")
        if not media:
            return
        handles, ok = QInputDialog.getInt(self.window, "Handles", "Frames on each side", 8, 0, 500)
        if ok:
            self.import_cut(Path(timeline), Path(media), handles)

    def import_cut(self, timeline: Path, media: Path, handles: int = 0, rate: Any = None) -> None:
        """Bring in a cut on a worker (probing the media takes seconds), then show it."""
        from workbench.conform import ImportRequest, import_sequence

        path = self.session.path
        if path is None:
            return

        def work(progress: Progress) -> Any:
            from workbench.project.project import open_for_writing

            request = ImportRequest(timeline, (media,), handles=handles, rate=rate)
            with open_for_writing(path, 30.0) as project:
                return import_sequence(project, request, progress=progress)

        def done(result: Any) -> None:
            self.session.poll()
            self.status(
                f"Imported {result.sequence.name}: {len(result.lines)} shots, "
                f"{result.offline} offline"
            )

        self.session.release_writer()
        self.workers.start(
            work, name="import cut", on_done=done, on_error=lambda e: self.report(e, "Import cut")
        )

    # -- the cast dialog's forms -------------------------------------------------------------
    def project_name(self) -> str:
        return self.session.project().name if self.session.is_open else ""

    def cast_rows(self) -> list[tuple[str, str, str, str]]:
        if not self.session.is_open:
            return []
        project = self.session.project()
        tags = project.shot_cast()
        consents = project.likeness_consents()
        rows = []
        for m in project.cast():
            shots = ", ".join(str(t.shot_id) for t in tags if t.cast_id == m.id)
            kinds = sorted({k for c in consents if c.cast_id == m.id for k in c.kinds})
            rows.append((m.name, m.role, shots or "—", ", ".join(kinds) or "no consent"))
        return rows

    def coverage_text(self) -> str:
        from workbench.conform.cast import coverage_lines

        if not self.session.is_open:
            return ""
        lines, missing = coverage_lines(self.session.project())
        if missing:
            lines.append(f"{missing} alteration(s) lack consent: apply and render refuse them.")
        return "\n".join(lines) or "No cast yet."

    def _write(self, what: str, step: Callable[[Any], Any]) -> bool:
        try:
            with self.session.write() as project:
                step(project)
        except Exception as exc:
            self.report(exc, what)
            return False
        return True

    def add_member(self, name: str, role: str) -> bool:
        from workbench.conform.cast import add_cast_member

        return self._write("Add to the cast", lambda p: add_cast_member(p, name, role))

    def tag(self, shots: list[int], person: str, *, untag: bool = False) -> bool:
        from workbench.conform.cast import tag_shots

        def step(project: Any) -> None:
            tag_shots(project, [project.shot(s) for s in shots], [person], untag=untag)

        return self._write("Untag shots" if untag else "Tag shots", step)

    def add_consent(
        self,
        *,
        person: str,
        kinds: tuple[str, ...],
        document: Path | None,
        production: str,
        signed: str,
        expires: str | None,
    ) -> bool:
        from workbench.editing import LikenessRequest, add_likeness_consent

        if document is None:
            self.report(UsageError("choose the signed release (its SHA-256 is recorded)"), "")
            return False
        request = LikenessRequest(
            person, kinds, document, production=production, signed=signed, expires=expires
        )
        return self._write("Record consent", lambda p: add_likeness_consent(p, request))


__all__ = ["ShotActions"]
