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
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError

VIDEO_EXTENSIONS = {"ffv1": ".mkv", "h264": ".mp4"}  # the others go in QuickTime (.mov)
IMAGE_EXTENSIONS = {"png": ".png", "tiff": ".tif", "jpeg": ".jpg", "exr": ".exr", "dpx": ".dpx"}
SEQUENCE_FRAME = "_%06d"


def output_formats() -> dict[str, str]:
    """Every codec the writer offers, with the file ending a render to it gets."""
    from workbench.media.writer import CODECS

    out: dict[str, str] = {}
    for name, spec in CODECS.items():
        if spec.kind == "video":
            out[name] = VIDEO_EXTENSIONS.get(name, ".mov")
        else:
            out[name] = SEQUENCE_FRAME + IMAGE_EXTENSIONS.get(name, f".{name}")
    return out


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


@dataclass
class RenderJob:
    clip_id: int
    clip_name: str
    output: str
    codec: str | None
    state: str = "queued"  # queued, running, done, failed, cancelled, interrupted
    done: int = 0
    total: int = 0
    fps: float = 0.0
    eta: float = 0.0
    message: str = ""

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")


class RenderQueue(QObject):
    """The jobs and the one running child process; a view over it is :class:`RenderQueuePanel`."""

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
            raw = QSettings().value(self._key(), "[]")
            try:
                for item in json.loads(str(raw)):
                    job = RenderJob(**item)
                    if job.state in ("queued", "running"):
                        job.state = "interrupted"
                        job.message = "interrupted — Resume continues where it stopped"
                    self.jobs.append(job)
            except (ValueError, TypeError):
                self.jobs = []
        self.changed.emit()

    def save(self) -> None:
        if self.project_path is not None:
            value = json.dumps([asdict(j) for j in self.jobs])
            if self._writer is None:
                self._writer = ThreadPoolExecutor(1, thread_name_prefix="workbench-queue-save")
            self._pending = self._writer.submit(_write_setting, self._key(), value)

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
        if job.state in ("failed", "cancelled", "interrupted"):
            job.state = "queued"
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
        elif job.state == "queued":
            job.state = "cancelled"
            job.message = "cancelled before it started"
        self.save()
        self.changed.emit()

    def remove_finished(self) -> None:
        self.jobs = [j for j in self.jobs if j.state not in ("done", "cancelled", "failed")]
        self.save()
        self.changed.emit()

    @property
    def busy(self) -> bool:
        return self.running is not None

    def _next(self) -> None:
        if self.running is not None or self.project_path is None:
            return
        job = next((j for j in self.jobs if j.state == "queued"), None)
        if job is None:
            return
        request_path = self.project_path
        job.state = "running"
        job.message = "starting…"
        self.running = job
        self.save()
        self.changed.emit()

        def start(progress: Any) -> Any:
            # Starting a process takes 50-100 ms: done on a worker so the window keeps drawing.
            from workbench.render import RenderRequest, render_in_worker

            request = RenderRequest(
                project_path=request_path,
                clip_id=job.clip_id,
                output=Path(job.output),
                codec=job.codec,
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
        job.state = "failed"
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

    def poll(self) -> None:
        self._reap()
        job, handle = self.running, self.handle
        if job is None or handle is None:
            if not self._exiting:
                self._timer.stop()
            return
        for event in handle.events():
            kind = event.get("type")
            if kind == "started":
                job.total = int(event.get("total", 0))
                job.message = "rendering"
            elif kind == "progress":
                job.done = int(event.get("done", 0))
                job.total = int(event.get("total", job.total))
                job.fps = float(event.get("fps", 0.0))
                job.eta = float(event.get("eta", 0.0))
                job.message = "rendering"
            elif kind == "done":
                job.state = "done"
                job.done = job.total
                job.message = f"done — SHA-256 {str(event.get('sha256', ''))[:12]}…"
            elif kind == "cancelled":
                job.state = "cancelled"
                job.message = "cancelled — Resume continues where it stopped"
            elif kind == "error":
                job.state = "failed"
                job.message = str(event.get("message", "the render failed"))
                error = WorkbenchError(job.message)
                if event.get("details"):
                    error.hint = "details: " + str(event["details"])[-2000:]
                self.failed.emit(error, f"Render of {job.clip_name}")
        if job.state == "running" and not handle.alive and handle.finished is not None:
            job.state = "failed"
        if job.state != "running":
            self._exiting.append(handle)  # reaped by the timer: never wait on the GUI thread
            self.running = None
            self.handle = None
            self.save()
            self.finished.emit(job)
            self.changed.emit()
            self._next()
            return
        self.changed.emit()

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
            self.running.state = "interrupted"
            self.running.message = "stopped when the window closed — Resume continues"
            self.running = None
            self.save()
        self.handle = None
        self._timer.stop()
        self.flush()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None


def _write_setting(key: str, value: str) -> None:
    settings = QSettings()
    settings.setValue(key, value)
    settings.sync()


class RenderQueuePanel(QWidget):
    queueRequested = Signal(int, str, object)  # clip id, output, codec

    COLUMNS = ("Clip", "Output", "Codec", "State", "Frames", "FPS", "ETA", "Progress")

    def __init__(self, queue: RenderQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("renderQueuePanel")
        self.queue = queue
        self.clip_combo = QComboBox(self)
        self.clip_combo.setObjectName("renderClip")
        self.clip_combo.setAccessibleName("Clip to render")
        self.codec_combo = QComboBox(self)
        self.codec_combo.setObjectName("renderCodec")
        self.codec_combo.setAccessibleName("Output format")
        for codec, ext in output_formats().items():
            label = f"{codec} sequence ({ext.lstrip('_')})" if "%" in ext else f"{codec} ({ext})"
            self.codec_combo.addItem(label, codec)
        self.output = QLineEdit(self)
        self.output.setObjectName("renderOutput")
        self.output.setAccessibleName("Output file")
        self.output.setPlaceholderText("output file (.mov, .mkv, .mp4, or a frame pattern)")
        self.browse = QPushButton("…", self)
        self.browse.setObjectName("renderBrowse")
        self.browse.setAccessibleName("Choose the output file")
        self.browse.clicked.connect(self._browse)
        self.add_button = QPushButton("Add to queue", self)
        self.add_button.setObjectName("renderAdd")
        self.add_button.setAccessibleName("Add a render to the queue")
        self.add_button.clicked.connect(self._add)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("renderJobs")
        self.table.setAccessibleName("Render jobs")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("renderCancel")
        self.cancel_button.setAccessibleName("Cancel the selected render")
        self.resume_button = QPushButton("Resume", self)
        self.resume_button.setObjectName("renderResume")
        self.resume_button.setAccessibleName("Resume the selected render")
        self.clear_button = QPushButton("Remove finished", self)
        self.clear_button.setObjectName("renderClear")
        self.clear_button.setAccessibleName("Remove finished renders from the list")
        self.cancel_button.clicked.connect(lambda: self._on_selected(self.queue.cancel))
        self.resume_button.clicked.connect(lambda: self._on_selected(self.queue.resume))
        self.clear_button.clicked.connect(self.queue.remove_finished)
        form = QHBoxLayout()
        form.addWidget(self.clip_combo, 1)
        form.addWidget(self.codec_combo)
        form.addWidget(self.output, 2)
        form.addWidget(self.browse)
        form.addWidget(self.add_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.codec_combo.currentIndexChanged.connect(self._codec_changed)
        self.clip_combo.activated.connect(self._suggest_for_clip)
        self.queue.changed.connect(self.refresh)
        self.default_folder: Path | None = None
        self._suggested = ""

    def set_clips(self, clips: list[tuple[int, str]], folder: Path | None) -> None:
        current = self.clip_combo.currentData()
        self.default_folder = folder
        self.clip_combo.clear()
        for clip_id, name in clips:
            self.clip_combo.addItem(name, clip_id)
        index = self.clip_combo.findData(current)
        self.clip_combo.setCurrentIndex(max(0, index))
        self._suggest()

    def _suggest(self) -> None:
        """Suggest an output beside the project, unless the user typed one of their own."""
        if self.default_folder is None or self.clip_combo.count() == 0:
            return
        current = self.output.text().strip()
        if current and current != self._suggested:
            return
        stem = Path(self.clip_combo.currentText()).stem or "render"
        ext = output_formats().get(str(self.codec_combo.currentData()), ".mov")
        self._suggested = str(self.default_folder / f"{stem}_workbench{ext}")
        self.output.setText(self._suggested)

    def _suggest_for_clip(self) -> None:
        if self.output.text().strip() == self._suggested:
            self.output.clear()
        self._suggest()

    def _codec_changed(self) -> None:
        text = self.output.text().strip()
        if text:
            ext = output_formats().get(str(self.codec_combo.currentData()), ".mov")
            was_suggested = text == self._suggested
            self.output.setText(str(with_ending(Path(text), ext)))
            if was_suggested:
                self._suggested = self.output.text()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Render to", self.output.text())
        if path:
            self.output.setText(path)

    def _add(self) -> None:
        clip_id = self.clip_combo.currentData()
        output = self.output.text().strip()
        if clip_id is None or not output:
            return
        self.queueRequested.emit(int(clip_id), output, self.codec_combo.currentData())

    def _on_selected(self, action: Any) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else (len(self.queue.jobs) - 1)
        if 0 <= row < len(self.queue.jobs):
            action(self.queue.jobs[row])

    def refresh(self) -> None:
        jobs = self.queue.jobs
        selected = self.table.currentRow()
        self.table.setRowCount(len(jobs))
        for row, job in enumerate(jobs):
            eta = f"{job.eta:.0f} s" if job.state == "running" and job.done else ""
            cells = [
                job.clip_name,
                Path(job.output).name,
                job.codec or "auto",
                job.state if not job.message else f"{job.state}: {job.message}",
                f"{job.done}/{job.total}" if job.total else "",
                f"{job.fps:.1f}" if job.fps else "",
                eta,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(job.output if col == 1 else text)
                self.table.setItem(row, col, item)
            bar = self.table.cellWidget(row, 7)
            if not isinstance(bar, QProgressBar):
                bar = QProgressBar(self.table)
                bar.setObjectName(f"renderProgress_{row}")
                bar.setAccessibleName(f"Progress of render {row + 1}")
                self.table.setCellWidget(row, 7, bar)
            bar.setRange(0, max(1, job.total))
            bar.setValue(job.done)
            bar.setFormat("%p%")
        if 0 <= selected < len(jobs):
            self.table.selectRow(selected)
        state_of = jobs[selected].state if 0 <= selected < len(jobs) else None
        self.cancel_button.setEnabled(any(j.active for j in jobs))
        self.resume_button.setEnabled(
            any(j.state in ("failed", "cancelled", "interrupted") for j in jobs)
            or state_of is not None
        )
