"""The media bin's actions: import (probed off the GUI thread), thumbnails, offline, relink and a
clip's colour space.

A clip whose file is gone is offline; relinking it goes through the core
(:func:`workbench.editing.relink_clip`), which checks the content and logs the move. A path the
window was pointed at before that existed (an older relink) is remembered per project.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench import editing
from workbench.progress import Progress
from workbench.project import Clip
from workbench.qt.commands import ErrorSink
from workbench.qt.convert import frame_to_qimage
from workbench.qt.media_bin import MediaBinPanel
from workbench.qt.remembered import load_relinks, save_relinks
from workbench.qt.session import ProjectSession
from workbench.qt.workers import Workers


class MediaActions:
    def __init__(
        self,
        session: ProjectSession,
        workers: Workers,
        panel: MediaBinPanel,
        report: ErrorSink,
        status: Callable[[str], None],
        imported: Callable[[int], None],
    ) -> None:
        """``imported(clip_id)`` is called with the first clip of each import."""
        self.session, self.workers, self.panel = session, workers, panel
        self.report, self.status, self._imported_first = report, status, imported
        self.relinked: dict[int, str] = {}
        self.offline: set[int] = set()
        self._thumbs_done: set[int] = set()

    def attach(self, project_id: str) -> None:
        self.relinked = load_relinks(project_id) if project_id else {}
        self.offline = set()
        self._thumbs_done.clear()

    def clip_path(self, clip: Clip) -> str:
        return self.relinked.get(clip.id, clip.path)

    def source(self, clip: Clip) -> str | None:
        """The clip's file, or None while it is offline."""
        return None if clip.id in self.offline else self.clip_path(clip)

    def update_offline(self, clips: list[Clip]) -> set[int]:
        self.offline = {
            c.id
            for c in clips
            if "%" not in self.clip_path(c) and not Path(self.clip_path(c)).exists()
        }
        return self.offline

    # -- import ------------------------------------------------------------------------------
    def import_media(self, paths: list[Path]) -> None:
        paths = [Path(p) for p in paths]

        def work(progress: Progress) -> list[Any]:
            from workbench.media import safe_probe

            infos = []
            for n, path in enumerate(paths):
                progress.update(n / len(paths), f"reading {path.name}")
                # in a child process with a time limit: a hostile file cannot hang or crash the app
                infos.append(safe_probe(path, timeout=60.0))
            return infos

        self.status(f"Importing {len(paths)} file(s)…")
        self.workers.start(
            work, name="import", on_done=self._add, on_error=lambda e: self.report(e, "Import")
        )

    def _add(self, infos: list[Any]) -> None:
        first: int | None = None
        try:
            with self.session.write() as project:
                for info in infos:
                    clip = editing.add_probed_clip(project, info)
                    first = first or clip.id
        except Exception as exc:
            self.report(exc, "Import")
        if first is not None:
            self._imported_first(first)
            self.status(f"Imported {len(infos)} clip(s)")

    def thumbnails(self, clips: list[Clip]) -> None:
        """A frame from the middle of each clip that has none yet, decoded on a worker."""
        for clip in clips:
            if clip.id not in self.offline and clip.id not in self._thumbs_done:
                self._thumbnail(clip)

    def _thumbnail(self, clip: Clip) -> None:
        self._thumbs_done.add(clip.id)
        path = self.clip_path(clip)
        count = int(clip.media.get("frame_count") or 1)

        def work(progress: Progress) -> Any:
            from workbench.media import open_reader

            with open_reader(path) as reader:
                return frame_to_qimage(reader.read(min(count // 2, len(reader) - 1)))

        self.workers.start(
            work,
            name="thumbnail",
            on_done=lambda image: self.panel.set_thumbnail(clip.id, image),
            on_error=lambda exc: self.report(exc, f"Thumbnail of {clip.name}"),
        )

    # -- relink ------------------------------------------------------------------------------
    def relink(self, clip_id: int, path: Path) -> bool:
        """Point an offline clip at its moved file; the core checks the content and logs it."""
        try:
            with self.session.write() as project:
                editing.relink_clip(project, clip_id, Path(path))
        except Exception as exc:
            self.report(exc, "Relink")
            return False
        self.relinked.pop(clip_id, None)  # the project itself now holds the new path
        save_relinks(self.session.project().id, self.relinked)
        self._thumbs_done.discard(clip_id)
        return True

    # -- colour space ------------------------------------------------------------------------
    def set_colour_space(self, clip_id: int, name: str) -> bool:
        """Set the colour space a clip's footage is in (``tags``: read it from its tags); the
        core resolves the name and logs the change."""
        try:
            with self.session.write() as project:
                editing.set_clip_colour_space(project, clip_id, name)
        except Exception as exc:
            self.report(exc, "Colour space")
            return False
        return True
