""" "Preview range" in the background: fill the frame cache for a range, cancellably.

One thread of its own runs the core's :meth:`~workbench.render.preview.ProcessedFrames.fill`
(the render's evaluation, frame after frame, decoding on a thread as the render does) for the
view the viewer shows, and turns each frame into the screen images cached playback draws —
the processed frame and its original — so playing the range afterwards converts nothing. Each
frame is reported as it lands (the timeline marks it); a new fill, or a change of what is
shown, cancels the running one. When idle it answers "which frames of this view are cached?"
for the timeline's marks, and opens a model the tools panel just picked, so the first
Preview does not wait for the model to be read, checked and loaded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from workbench.errors import Cancelled
from workbench.progress import Progress
from workbench.qt.convert import frame_to_qimage
from workbench.qt.frames import FrameService, View
from workbench.render.plan import PlannedEdit
from workbench.render.preview import FillReport
from workbench.tools.base import Frame


@dataclass(frozen=True)
class FillJob:
    view: View
    path: str
    first: int
    last: int


@dataclass(frozen=True)
class ScanJob:
    view: View


@dataclass(frozen=True)
class WarmJob:
    edit: PlannedEdit


Job = FillJob | ScanJob | WarmJob
ORDER = (FillJob, WarmJob, ScanJob)  # what runs first when several wait


def runs(frames: set[int] | list[int]) -> list[tuple[int, int]]:
    """Consecutive frames as (first, last) runs."""
    out: list[tuple[int, int]] = []
    for index in sorted(frames):
        if out and out[-1][1] + 1 == index:
            out[-1] = (out[-1][0], index)
        else:
            out.append((index, index))
    return out


class CacheFiller(QObject):
    """Fills the frame cache for a range on its own thread (see the module docstring)."""

    started = Signal(object)  # FillJob
    progressed = Signal(float, str)
    frameCached = Signal(str, int)  # view key, index
    scanned = Signal(str, object)  # view key, list of cached frames
    finished = Signal(object)  # FillReport
    cancelled = Signal()
    failed = Signal(object)

    def __init__(self, frames: FrameService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.frames = frames
        self._cond = threading.Condition()
        self._pending: dict[type, Job] = {}
        self._current: Job | None = None
        self._progress: Progress | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._loop, name="workbench-fill", daemon=True)
        self._thread.start()

    # -- the GUI side ------------------------------------------------------------------------
    def fill(self, view: View, path: str, first: int, last: int) -> FillJob:
        """Fill frames ``first``..``last`` of ``view`` (a running fill is cancelled)."""
        job = FillJob(view, path, first, last)
        self._post(job)
        return job

    def scan(self, view: View) -> None:
        """Report which frames of ``view`` are cached (after any fill that is running)."""
        with self._cond:
            if isinstance(self._current, FillJob) and self._current.view.key == view.key:
                return  # the running fill reports them as it goes
        self._post(ScanJob(view))

    def warm(self, edit: PlannedEdit) -> None:
        """Read, check and open ``edit``'s model now, before it is first needed."""
        self._post(WarmJob(edit))

    def cancel(self) -> None:
        with self._cond:
            self._pending.pop(FillJob, None)
            if self._progress is not None and isinstance(self._current, FillJob):
                self._progress.cancel()

    @property
    def busy(self) -> bool:
        return self.job is not None

    @property
    def job(self) -> FillJob | None:
        with self._cond:
            if isinstance(self._current, FillJob):
                return self._current
            pending = self._pending.get(FillJob)
            return pending if isinstance(pending, FillJob) else None

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            if self._progress is not None:
                self._progress.cancel()
            self._cond.notify()
        self._thread.join(timeout=30)

    def _post(self, job: Job) -> None:
        """One job of each kind waits (the newest); a fill or scan cancels a running one of
        either kind, since what it was for is no longer what is wanted."""
        with self._cond:
            self._pending[type(job)] = job
            current = self._current
            if (
                self._progress is not None
                and not isinstance(job, WarmJob)
                and isinstance(current, FillJob | ScanJob)
            ):
                self._progress.cancel()
            self._cond.notify()

    def _next(self) -> Job | None:
        for kind in ORDER:
            job = self._pending.pop(kind, None)
            if job is not None:
                return job
        return None

    # -- the worker side ---------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                job = self._next()
                self._current = job
                self._progress = Progress(self.progressed.emit)
                progress = self._progress
            assert job is not None
            try:
                if isinstance(job, FillJob):
                    self.started.emit(job)
                    self.finished.emit(self._fill(job, progress))
                elif isinstance(job, ScanJob):
                    self._scan(job, progress)
                else:
                    self._warm(job)
            except Cancelled:
                if isinstance(job, FillJob):
                    self.cancelled.emit()
            except BaseException as exc:
                if not isinstance(job, WarmJob):  # a model that cannot open says so when used
                    self.failed.emit(exc)
            finally:
                with self._cond:
                    self._current = None
                    self._progress = None

    def _fill(self, job: FillJob, progress: Progress) -> FillReport:
        frames = self.frames.processed(job.view)
        display = self.frames.display

        def screen(key: tuple[str | int, ...], frame: Frame) -> None:
            image = display.get(key)
            if image is None:
                image = frame_to_qimage(frame)
                display.put(key, image)
            display.shrink(image, self.frames.screen_size)

        def cached(index: int, frame: Frame) -> None:
            screen(("result", frames.key(index)), frame)
            self.frameCached.emit(job.view.key, index)

        def source(index: int, frame: Frame) -> None:
            screen(("original", job.path, index), frame)

        return frames.fill(job.first, job.last, progress, cached, source)

    def _scan(self, job: ScanJob, progress: Progress) -> None:
        frames = self.frames.processed(job.view)
        found: list[int] = []
        for index in range(frames.spec.frame_count):
            if index % 256 == 0:
                progress.check()
            if not frames.untouched(index) and frames.key(index) in frames.cache:
                found.append(index)
        self.scanned.emit(job.view.key, found)

    def _warm(self, job: WarmJob) -> None:
        from workbench.inference import SessionOptions

        engine = self.frames.engines.engine(job.edit, SessionOptions.from_settings())
        engine.scale()  # the first small run: what the model gives is learned once
