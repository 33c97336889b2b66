"""The render queue's panel: what to render where, the jobs with their progress, cancel, resume.

A view over a :class:`~workbench.qt.render_queue.RenderQueue`; it redraws when the queue says
something changed, and only the cells that did.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
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

from workbench.qt.render_queue import JobState, RenderJob, RenderQueue, output_formats, with_ending
from workbench.qt.timing import timed


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
        # ResizeToContents measured every cell at each progress tick, on the GUI thread
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
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
        self._states: list[JobState] = []
        self._clips: tuple[list[tuple[int, str]], Path | None] | None = None

    def set_clips(self, clips: list[tuple[int, str]], folder: Path | None) -> None:
        if (clips, folder) == self._clips:
            return
        self._clips = (list(clips), folder)
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

    @timed("RenderQueuePanel.refresh")
    def refresh(self) -> None:
        """Update the cells that changed (ten times a second while a render runs): the widths
        are fitted only when a job is added or changes state, never for a progress tick."""
        jobs = self.queue.jobs
        selected = self.table.currentRow()
        states = [job.state for job in jobs]
        if self.table.rowCount() != len(jobs):
            self.table.setRowCount(len(jobs))
        for row, job in enumerate(jobs):
            for col, text in enumerate(job_cells(job)):
                self._set_cell(row, col, text, job.output if col == 1 else text)
            self._set_progress(row, job)
        if states != self._states:
            self._states = states
            self.table.resizeColumnsToContents()
        if 0 <= selected < len(jobs) and selected != self.table.currentRow():
            self.table.selectRow(selected)
        state_of = jobs[selected].state if 0 <= selected < len(jobs) else None
        self.cancel_button.setEnabled(any(j.active for j in jobs))
        self.resume_button.setEnabled(
            any(
                j.state in (JobState.FAILED, JobState.CANCELLED, JobState.INTERRUPTED) for j in jobs
            )
            or state_of is not None
        )

    def _set_cell(self, row: int, col: int, text: str, tip: str) -> None:
        item = self.table.item(row, col)
        if item is None:
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self.table.setItem(row, col, item)
        elif item.text() != text:
            item.setText(text)
            item.setToolTip(tip)

    def _set_progress(self, row: int, job: RenderJob) -> None:
        bar = self.table.cellWidget(row, 7)
        if not isinstance(bar, QProgressBar):
            bar = QProgressBar(self.table)
            bar.setObjectName(f"renderProgress_{row}")
            bar.setAccessibleName(f"Progress of render {row + 1}")
            bar.setFormat("%p%")
            self.table.setCellWidget(row, 7, bar)
        if bar.maximum() != max(1, job.total):
            bar.setRange(0, max(1, job.total))
        if bar.value() != job.done:
            bar.setValue(job.done)


def job_cells(job: RenderJob) -> list[str]:
    """The table's text cells for one job."""
    eta = f"{job.eta:.0f} s" if job.state == JobState.RUNNING and job.done else ""
    return [
        job.clip_name,
        Path(job.output).name,
        job.codec or "auto",
        job.state if not job.message else f"{job.state}: {job.message}",
        f"{job.done}/{job.total}" if job.total else "",
        f"{job.fps:.1f}" if job.fps else "",
        eta,
    ]
