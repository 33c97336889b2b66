"""Render presets in the render queue, and "Render all clips".

A row above the queue's form: pick a preset (codec, naming pattern, folder — the same ones as
``workbench render --preset``), and the form takes its codec and names the output by it; "Save
preset…" keeps the form's codec and a pattern and folder in the config folder; "Render all clips"
queues one job per clip with an enabled edit (:func:`workbench.render.presets.render_all`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from workbench.qt.commands import ErrorSink
from workbench.qt.render_queue_panel import RenderQueuePanel
from workbench.render.presets import FIELDS, RenderPreset, presets, save_preset

QueueRender = Callable[[int, str, str | None], object]
NONE = "Preset…"


class PresetDialog(QDialog):
    """Name, pattern and folder for a new preset (its codec is the form's)."""

    def __init__(self, codec: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presetDialog")
        self.setWindowTitle("Save render preset")
        self.codec = codec
        self.name = QLineEdit(self)
        self.name.setObjectName("presetName")
        self.pattern = QLineEdit("{clip}_workbench", self)
        self.pattern.setObjectName("presetPattern")
        self.folder = QLineEdit("", self)
        self.folder.setObjectName("presetFolder")
        self.folder.setPlaceholderText("beside the project (or renders, or /an/absolute/folder)")
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Codec", QLabel(codec or "the source's (the render's default)", self))
        form.addRow("Naming pattern", self.pattern)
        form.addRow("", QLabel("may use " + ", ".join(f"{{{f}}}" for f in FIELDS), self))
        form.addRow("Folder", self.folder)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def preset(self) -> RenderPreset:
        return RenderPreset(
            self.name.text().strip(), self.codec, self.pattern.text().strip(), self.folder.text()
        ).check()


class PresetRow:
    def __init__(
        self,
        panel: RenderQueuePanel,
        project: Callable[[], Path | None],
        queue_render: QueueRender,
        report: ErrorSink,
    ) -> None:
        self.panel, self.project, self.queue_render, self.report = panel, project, queue_render, report
        self.combo = QComboBox(panel)
        self.combo.setObjectName("renderPreset")
        self.combo.setAccessibleName("Render preset")
        self.combo.setToolTip("Codec, naming pattern and folder of the output")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(6)
        self.save_button = QPushButton("Save…", panel)
        self.save_button.setObjectName("renderSavePreset")
        self.save_button.setAccessibleName("Save the form's codec as a render preset")
        self.save_button.setToolTip("Save the form's codec, a naming pattern and a folder as a preset")
        self.all_button = QPushButton("Render all", panel)
        self.all_button.setObjectName("renderAll")
        self.all_button.setAccessibleName("Queue a render of every clip with edits")
        self.all_button.setToolTip("One job per clip with an enabled edit, named by the preset")
        self._place(panel)
        self.fill()
        self.combo.activated.connect(lambda _index: self.apply_preset())
        self.save_button.clicked.connect(self.save)
        self.all_button.clicked.connect(self.render_all)
        panel.clip_combo.activated.connect(lambda _index: self.apply_preset())

    def _place(self, panel: RenderQueuePanel) -> None:
        """In the row of buttons under the jobs (a row of its own would make the window
        taller)."""
        layout = panel.layout()
        last = layout.itemAt(layout.count() - 1) if layout is not None else None
        row = last.layout() if last is not None else None
        if not isinstance(row, QHBoxLayout):
            row = QHBoxLayout()
            if layout is not None:
                layout.addItem(row)
        row.addWidget(self.combo)
        row.addWidget(self.save_button)
        row.addWidget(self.all_button)

    def fill(self, select: str | None = None) -> None:
        self.combo.clear()
        self.combo.addItem(NONE, None)
        for preset in presets():
            self.combo.addItem(preset.name, preset)
        if select is not None:
            self.combo.setCurrentIndex(max(0, self.combo.findText(select)))

    def current(self) -> RenderPreset | None:
        data = self.combo.currentData()
        return data if isinstance(data, RenderPreset) else None

    def select(self, name: str) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findText(name)))
        self.apply_preset()

    def apply_preset(self) -> None:
        """The form takes the preset's codec and its name for the chosen clip."""
        preset, project, panel = self.current(), self.project(), self.panel
        if preset is None or project is None or panel.clip_combo.count() == 0:
            return
        codec_index = panel.codec_combo.findData(preset.codec) if preset.codec else -1
        if codec_index >= 0:
            panel.codec_combo.setCurrentIndex(codec_index)
        output = preset.output_for(panel.clip_combo.currentText(), project)
        panel.output.setText(str(output))

    def save(self) -> RenderPreset | None:
        dialog = PresetDialog(self.panel.codec_combo.currentData(), self.panel)
        if not dialog.exec():
            return None
        return self.save_preset(dialog.preset())

    def save_preset(self, preset: RenderPreset) -> RenderPreset | None:
        try:
            saved = save_preset(preset)
        except Exception as exc:
            self.report(exc, "Save render preset")
            return None
        self.fill(select=saved.name)
        return saved

    def render_all(self) -> int:
        """Queue every clip with an enabled edit; how many were queued."""
        from workbench.project import Project
        from workbench.render.presets import render_all

        path = self.project()
        if path is None:
            return 0
        preset = self.current() or RenderPreset("form", self.panel.codec_combo.currentData())
        try:
            with Project.open(path, readonly=True) as project:
                requests = render_all(project, preset)
            for request in requests:
                request.output.parent.mkdir(parents=True, exist_ok=True)
        except Exception as exc:
            self.report(exc, "Render all clips")
            return 0
        for request in requests:
            self.queue_render(request.clip_id, str(request.output), request.codec)
        return len(requests)
