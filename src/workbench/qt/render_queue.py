"""The render queue: jobs with output format and location, progress, cancel and resume.

Each render runs in a child process (``workbench.render.render_in_worker``), so it cannot
freeze the window; the panel polls its events ten times a second. One job runs at a time. The
queue is remembered per project, so a job cut short by a crash or a restart is listed as
interrupted and can be resumed — rerunning the same request picks up where it stopped.
"""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from workbench.qt.timing import timed
from workbench.render.events import Advanced, Done, Failed, RenderEvent, Started, Stopped
from workbench.render.worker import error_from_event


def output_formats() -> dict[str, str]:
    """Every codec the writer offers, with the file ending a render to it gets (the render
    presets' own table: ``workbench.render.presets.output_endings``)."""
    from workbench.render.presets import output_endings

    return output_endings()


def with_ending(path: Path, ending: str) -> Path:
    """``path`` with its ending (a suffix, or a frame pattern and suffix) replaced."""
    stem = path.name
    for known in sorted(set(output_formats().values()), key=len, reverse=True):
        if stem.endswith(known):
            stem = stem[: -len(known)]
            break
    else:
        stem = path.stem
    return path.with_name(stem + ending)


class JobState(StrEnum):
    """Where a job in the queue stands (stored by its value in the queue's settings)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"


@dataclass
class RenderJob:
    clip_id: int
    clip_name: str
    output: str
    codec: str | None
    state: JobState = JobState.QUEUED
    done: int = 0
    total: int = 0
    fps: float = 0.0
    eta: float = 0.0
    message: str = ""
    overwrite: bool = False  # the user agreed to replace a file already at the output
    kind: str = "clip"
    """``clip``: render one clip; ``deliver``: deliver a sequence's shots into the folder
    ``output`` (``conform.delivery.deliver``, as ``workbench conform render``)."""
    shots: str | None = None  # a delivery's shots: all, 1,4-9, reel:A001 (None: edited ones)
    shot_index: int = 0  # the delivery's shot now rendering (1-based) and how many there are
    shot_total: int = 0
    delivered: int = 0

    @property
    def active(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)


class RenderQueue(QObject):
    """The jobs and the one running child process (the panel in ``render_queue_panel`` shows
    them)."""

    changed = Signal()
    failed = Signal(object, str)  # error, context
    finished = Signal(object)  # the job

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from workbench.qt.workers import Workers

        self.workers = Workers(self, threads=1)
        self.jobs: list[RenderJob] = []
        self.project_path: Path | None = None
        self.project_id = ""
        self.handle: Any = None
        self.running: RenderJob | None = None
        self._exiting: list[Any] = []
        self._spawned: list[Any] = []
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self.poll)
        # QSettings writes its file with fsync when the object goes away; on a disk busy with a
        # render that can take hundreds of milliseconds, so the queue is written on its own
        # thread, in order, and the GUI thread never waits on the disk while a render runs.
        self._writer: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None

    # -- persistence -------------------------------------------------------------------------
    def _key(self) -> str:
        return f"renderQueue/{self.project_id}"

    def attach(self, project_path: Path | None, project_id: str) -> None:
        self.project_path = project_path
        self.project_id = project_id
        self.jobs = []
        self.flush()
        if project_path is not None:
            self._writer_pool()
            raw = QSettings().value(self._key(), "[]")
            try:
                for item in json.loads(str(raw)):
                    job = RenderJob(**{**item, "state": JobState(item.get("state", "queued"))})
                    if job.state in (JobState.QUEUED, JobState.RUNNING):
                        job.state = JobState.INTERRUPTED
                        job.message = "Resume continues where it stopped"
                    self.jobs.append(job)
            except (ValueError, TypeError):
                self.jobs = []
        self.changed.emit()

    def save(self) -> None:
        if self.project_path is not None:
            value = json.dumps([asdict(j) for j in self.jobs])
            self._pending = self._writer_pool().submit(_write_setting, self._key(), value)

    def _writer_pool(self) -> ThreadPoolExecutor:
        if self._writer is None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="workbench-queue-save")
            # Its thread starts here, when a project is attached: starting a thread waits until
            # the OS runs it, which took 200 ms on a busy machine inside the click that queued
            # the first render.
            self._writer.submit(lambda: None)
        return self._writer

    def flush(self) -> None:
        """Wait until every queued write of the queue has reached the settings file."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result(timeout=30)

    # -- commands ----------------------------------------------------------------------------
    def add(self, job: RenderJob) -> RenderJob:
        self.jobs.append(job)
        self.save()
        self.changed.emit()
        self._next()
        return job

    def resume(self, job: RenderJob) -> None:
        if job.state in (JobState.FAILED, JobState.CANCELLED, JobState.INTERRUPTED):
            job.state = JobState.QUEUED
            job.message = "queued to resume"
            self.save()
            self.changed.emit()
            self._next()

    def cancel(self, job: RenderJob) -> None:
        if job is self.running and self.handle is None:
            job.message = "cancel requested"  # the process is still starting
        elif job is self.running and self.handle is not None and self.handle.finished is None:
            self.handle.cancel()
            job.message = "cancelling…"
        elif job.state == JobState.QUEUED:
            job.state = JobState.CANCELLED
            job.message = "cancelled before it started"
        self.save()
        self.changed.emit()

    def remove_finished(self) -> None:
        self.jobs = [
            j
            for j in self.jobs
            if j.state not in (JobState.DONE, JobState.CANCELLED, JobState.FAILED)
        ]
        self.save()
        self.changed.emit()

    @property
    def busy(self) -> bool:
        return self.running is not None

    def _next(self) -> None:
        if self.running is not None or self.project_path is None:
            return
        job = next((j for j in self.jobs if j.state == JobState.QUEUED), None)
        if job is None:
            return
        request_path = self.project_path
        job.state = JobState.RUNNING
        job.message = "starting…"
        self.running = job
        self.save()
        self.changed.emit()

        def start(progress: Any) -> Any:
            # Starting a process takes 50-100 ms: done on a worker so the window keeps drawing.
            from workbench.render import RenderRequest, render_in_worker

            if job.kind == "deliver":
                handle = _start_delivery(request_path, job)
                self._spawned.append(handle)
                return handle
            request = RenderRequest(
                project_path=request_path,
                clip_id=job.clip_id,
                output=Path(job.output),
                codec=job.codec,
                overwrite=job.overwrite,
            )
            handle = render_in_worker(request)
            self._spawned.append(handle)  # so shutdown finds it even before _started runs
            return handle

        self.workers.start(
            start,
            name="start render",
            on_done=lambda handle: self._started(job, handle),
            on_error=lambda exc: self._start_failed(job, exc),
        )

    def _started(self, job: RenderJob, handle: Any) -> None:
        if self.running is not job:  # shut down meanwhile
            handle.cancel()
            self._exiting.append(handle)
            return
        self.handle = handle
        if job.message == "cancel requested":
            handle.cancel()
        self._timer.start()

    def _start_failed(self, job: RenderJob, exc: BaseException) -> None:
        job.state = JobState.FAILED
        job.message = str(exc)
        self.running = None
        self.save()
        self.failed.emit(exc, f"Render of {job.clip_name}")
        self.changed.emit()
        self._next()

    def _reap(self) -> None:
        for handle in list(self._exiting):
            if not handle.alive:
                handle.join(0)
                self._exiting.remove(handle)
                if handle in self._spawned:
                    self._spawned.remove(handle)

    @timed("RenderQueue.poll")
    def poll(self) -> None:
        self._reap()
        job, handle = self.running, self.handle
        if job is None or handle is None:
            if not self._exiting:
                self._timer.stop()
            return
        heard = False
        for event in handle.events():
            heard = True
            self._apply_event(job, event)
        if job.state == JobState.RUNNING and not handle.alive and handle.finished is not None:
            job.state = JobState.FAILED
        if job.state != JobState.RUNNING:
            self._exiting.append(handle)  # reaped by the timer: never wait on the GUI thread
            self.running = None
            self.handle = None
            self.save()
            self.finished.emit(job)
            self.changed.emit()
            self._next()
            return
        if heard:
            self.changed.emit()  # only for news: the panel has nothing to redraw otherwise

    def _apply_event(self, job: RenderJob, event: RenderEvent) -> None:
        """What one event from the render child says about its job."""
        if job.kind == "deliver" and _shot_event(job, event):
            return
        if isinstance(event, Started):
            job.total, job.message = event.total, "rendering"
        elif isinstance(event, Advanced):
            job.done, job.total, job.fps, job.eta = event.done, event.total, event.fps, event.eta
            job.message = "rendering"
        elif isinstance(event, Done):
            job.state, job.done = JobState.DONE, job.total
            job.message = f"SHA-256 {event.sha256[:12]}…"
        elif isinstance(event, Stopped):
            job.state = JobState.CANCELLED
            job.message = "Resume continues where it stopped"
        elif isinstance(event, Failed):
            job.state, job.message = JobState.FAILED, event.message or "the render failed"
            # the child's own error class, message, hint and exit code
            self.failed.emit(error_from_event(event), f"Render of {job.clip_name}")

    def shutdown(self) -> None:
        """Stop the running render (it resumes next time) and wait for its process."""
        self.workers.shutdown()
        for handle in self._spawned:
            for _event in handle.events():  # learn whether it already finished
                pass
        for handle in self._spawned:
            # Only a render that has not finished is cancelled: setting the cancel event of a
            # child that already exited can block (multiprocessing.Event counts sleepers).
            if handle.alive and getattr(handle, "finished", None) is None:
                handle.cancel()
        for handle in self._spawned:
            handle.join(10)
            if handle.alive:
                handle.kill()
        self._spawned.clear()
        self._exiting.clear()
        if self.running is not None:
            self.running.state = JobState.INTERRUPTED
            self.running.message = "stopped when the window closed — Resume continues"
            self.running = None
            self.save()
        self.handle = None
        self._timer.stop()
        self.flush()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None


def _start_delivery(project: Path, job: RenderJob) -> Any:
    """A deliver-all job's child: ``conform.delivery.deliver`` into the folder ``job.output``."""
    from workbench.conform.delivery import DeliveryRequest
    from workbench.conform.delivery_worker import deliver_in_worker

    request = DeliveryRequest(project, Path(job.output), codec=job.codec, shots=job.shots)
    return deliver_in_worker(request)


def _shot_event(job: RenderJob, event: Any) -> bool:
    """What a delivery's events say about its job (per-shot progress); False for the others."""
    from workbench.conform.delivery import ShotDelivered, ShotStarted

    if isinstance(event, ShotStarted):
        job.shot_index, job.shot_total = event.index, event.total
        job.done, job.total = 0, 0
        job.message = f"shot {event.shot} ({event.index}/{event.total}): {Path(event.output).name}"
        return True
    if isinstance(event, ShotDelivered):
        job.delivered += 1
        job.message = (
            f"shot {event.shot} ({event.index}/{event.total}) delivered as "
            f"{Path(event.output).name}, QC {event.qc}"
        )
        return True
    if isinstance(event, Started):
        job.total = event.total
        return True
    if isinstance(event, Advanced):
        job.done, job.total, job.fps, job.eta = event.done, event.total, event.fps, event.eta
        return True
    if isinstance(event, Done):
        job.state, job.done = JobState.DONE, job.total
        job.message = f"{job.delivered} shot(s) delivered into {Path(job.output).name}"
        return True
    return False


def _write_setting(key: str, value: str) -> None:
    settings = QSettings()
    settings.setValue(key, value)
    settings.sync()
