"""The tools panel: a tool, a model with its card summary, parameters, preview and apply.

The parameter editors are generated from the tool's ``Param`` declarations, so the GUI, the CLI
and the log agree on names, ranges and defaults. Models the project's policy refuses are shown,
marked and not selectable — the artist sees why, rather than finding the model missing.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.catalog.catalog import CatalogEntry
from workbench.errors import PolicyError
from workbench.project import Edit, Policy
from workbench.qt.view_state import ViewState
from workbench.qt.window_fit import scrollable
from workbench.tools.base import Param, Tool
from workbench.tools.registry import all_tools, get_tool

SLIDER_STEPS = 1000


class ParamEditor(QWidget):
    """A slider with a numeric box (numbers), a check box (bool) or a list (choice)."""

    changed = Signal()

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.param = param
        self.setObjectName(f"param_{param.name}")
        label = param.label or param.name
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.slider: QSlider | None = None
        self.box: QDoubleSpinBox | QSpinBox | None = None
        self.check: QCheckBox | None = None
        self.choice: QComboBox | None = None
        if param.kind in ("float", "int"):
            lo = param.minimum if param.minimum is not None else 0.0
            hi = param.maximum if param.maximum is not None else max(1.0, float(param.default) * 4)
            self.lo, self.hi = float(lo), float(hi)
            slider = QSlider(Qt.Orientation.Horizontal, self)
            slider.setObjectName(f"param_{param.name}_slider")
            slider.setAccessibleName(f"{label} slider")
            if param.kind == "int":
                slider.setRange(int(lo), int(hi))
                box: QDoubleSpinBox | QSpinBox = QSpinBox(self)
                box.setRange(int(lo), int(hi))
            else:
                slider.setRange(0, SLIDER_STEPS)
                box = QDoubleSpinBox(self)
                box.setDecimals(3 if hi - lo <= 2 else 2)
                box.setRange(lo, hi)
                box.setSingleStep((hi - lo) / 100)
            box.setObjectName(f"param_{param.name}_value")
            box.setAccessibleName(f"{label} value")
            box.setToolTip(param.help)
            slider.setToolTip(param.help)
            self.slider, self.box = slider, box
            row.addWidget(slider, 1)
            row.addWidget(box)
            slider.valueChanged.connect(self._from_slider)
            box.valueChanged.connect(self._from_box)
        elif param.kind == "bool":
            check = QCheckBox(self)
            check.setObjectName(f"param_{param.name}_value")
            check.setAccessibleName(label)
            check.setToolTip(param.help)
            check.toggled.connect(self.changed)
            self.check = check
            row.addWidget(check)
        else:
            choice = QComboBox(self)
            choice.setObjectName(f"param_{param.name}_value")
            choice.setAccessibleName(label)
            choice.setToolTip(param.help)
            for value in param.choices:
                choice.addItem(str(value), value)
            choice.currentIndexChanged.connect(self.changed)
            self.choice = choice
            row.addWidget(choice, 1)
        self.set_value(param.default)

    def _from_slider(self, position: int) -> None:
        if self.box is None or self.slider is None:
            return
        self.box.blockSignals(True)
        if isinstance(self.box, QSpinBox):
            self.box.setValue(position)
        else:
            self.box.setValue(self.lo + (self.hi - self.lo) * position / SLIDER_STEPS)
        self.box.blockSignals(False)
        self.changed.emit()

    def _from_box(self, value: float) -> None:
        if self.slider is None:
            return
        self.slider.blockSignals(True)
        if self.param.kind == "int":
            self.slider.setValue(int(value))
        else:
            span = self.hi - self.lo or 1.0
            self.slider.setValue(round((float(value) - self.lo) / span * SLIDER_STEPS))
        self.slider.blockSignals(False)
        self.changed.emit()

    def value(self) -> Any:
        if self.box is not None:
            return (
                int(self.box.value())
                if self.param.kind == "int"
                else round(float(self.box.value()), 4)
            )
        if self.check is not None:
            return self.check.isChecked()
        assert self.choice is not None
        return self.choice.currentData()

    def set_value(self, value: Any) -> None:
        if self.box is not None:
            self.box.setValue(value)
        elif self.check is not None:
            self.check.setChecked(bool(value))
        elif self.choice is not None:
            index = self.choice.findData(value)
            if index >= 0:
                self.choice.setCurrentIndex(index)


def card_summary(entry: CatalogEntry | None, default_id: str | None = None) -> str:
    """The card in a few lines: licence, training data and consent basis, contributors."""
    if entry is None:
        return f"<i>No model file for '{html.escape(default_id or '?')}' in the catalogue.</i>"
    if entry.card is None:
        return (
            "<b style='color:#e05050'>⚠ Undisclosed model</b><br>"
            f"{html.escape(entry.path.name)} has no valid model card "
            f"({html.escape(entry.problem or 'unknown')}): its training data and consent are "
            "unknown. Edits with it are logged as undisclosed."
        )
    card = entry.card
    sources = "".join(
        f"<li>{html.escape(s.name)} — {html.escape(s.licence)}, <i>{html.escape(s.consent_basis)}</i></li>"
        for s in card.training_data[:4]
    )
    more = f"<li>… {len(card.training_data) - 4} more</li>" if len(card.training_data) > 4 else ""
    people = ", ".join(f"{html.escape(c.name)} ({c.share:.0%})" for c in card.contributors[:5]) + (
        " …" if len(card.contributors) > 5 else ""
    )
    return (
        f"<b>{html.escape(card.name)}</b> {html.escape(card.version)} · ✔ disclosed<br>"
        f"<b>Licence:</b> {html.escape(card.weights_licence)}<br>"
        f"<b>Training data:</b><ul style='margin:0'>{sources}{more}</ul>"
        f"<b>Contributors:</b> {people}"
    )


class ToolsPanel(QWidget):
    previewRequested = Signal()
    applyRequested = Signal(str)  # "frame", "range" or "clip"
    replaceRequested = Signal()
    settingsChanged = Signal()

    def __init__(self, state: ViewState | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolsPanel")
        self.state = state if state is not None else ViewState()
        self.entries: list[CatalogEntry] = []
        self.policy = Policy()
        self.editors: dict[str, ParamEditor] = {}
        self._last_state: object = None
        self.can_preview = self.can_apply = True  # a clip to preview on; a project to change
        self._build_pickers()
        self._build_buttons()
        self._lay_out()
        self.tool_combo.currentIndexChanged.connect(self._tool_changed)
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        self._tool_changed()
        events = self.state.events
        events.region.connect(self.set_region_text)
        events.selected_edit.connect(
            lambda edit_id: self.replace_button.setEnabled(edit_id is not None and self.can_apply)
        )
        events.clip.connect(self._clip_changed)

    def _clip_changed(self, _clip: object) -> None:
        self.replace_button.setEnabled(False)
        self._fill_models()  # the default model can depend on the clip (a still or a video)

    def _build_pickers(self) -> None:
        self.tool_combo = QComboBox(self)
        self.tool_combo.setObjectName("toolPicker")
        self.tool_combo.setAccessibleName("Tool")
        for tool in all_tools():
            self.tool_combo.addItem(tool.name, tool.id)
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.description.setObjectName("toolDescription")
        self.description.setStyleSheet("color: #aaa;")
        self.model_combo = QComboBox(self)
        self.model_combo.setObjectName("modelPicker")
        self.model_combo.setAccessibleName("Model")
        self.card = QLabel(self)
        self.card.setObjectName("modelCardSummary")
        self.card.setAccessibleName("Model card summary")
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.params_box = QGroupBox("Parameters", self)
        self.params_form = QFormLayout(self.params_box)
        self.region_label = QLabel("Region: whole frame", self)
        self.region_label.setObjectName("toolRegion")
        self.region_label.setAccessibleName("Region the edit applies to")
        self.status = QLabel("", self)
        self.status.setObjectName("toolStatus")
        self.status.setWordWrap(True)

    def _build_buttons(self) -> None:
        self.preview_button = self._button("Preview", "toolPreview", "Preview on the current frame")
        self.apply_frame = self._button(
            "Apply to frame", "toolApplyFrame", "Apply to the current frame"
        )
        self.apply_range = self._button(
            "Apply in–out", "toolApplyRange", "Apply from the in to the out point"
        )
        self.apply_clip = self._button("Apply to clip", "toolApplyClip", "Apply to the whole clip")
        self.replace_button = self._button(
            "Update selected edit",
            "toolUpdateEdit",
            "Replace the selected edit with these settings and region (same frames)",
        )
        self.replace_button.setEnabled(False)
        self.replace_button.clicked.connect(self.replaceRequested)
        self.preview_button.clicked.connect(self.previewRequested)
        self.apply_frame.clicked.connect(lambda: self.applyRequested.emit("frame"))
        self.apply_range.clicked.connect(lambda: self.applyRequested.emit("range"))
        self.apply_clip.clicked.connect(lambda: self.applyRequested.emit("clip"))

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Tool", self.tool_combo)
        form.addRow("", self.description)
        form.addRow("Model", self.model_combo)
        # The settings scroll; the buttons stay in view (a laptop's screen is not tall enough
        # for a long model card, the parameters and the buttons at once).
        settings = QWidget(self)
        settings.setObjectName("toolSettings")
        upper = QVBoxLayout(settings)
        upper.setContentsMargins(0, 0, 0, 0)
        upper.addLayout(form)
        upper.addWidget(self.params_box)  # the settings first, the card's long list after them
        upper.addWidget(self.card)
        upper.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(scrollable(settings, "toolSettingsScroll"), 1)
        layout.addWidget(self.region_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.replace_button)
        layout.addLayout(buttons)
        apply_row = QHBoxLayout()
        apply_row.addWidget(self.apply_frame)
        apply_row.addWidget(self.apply_range)
        apply_row.addWidget(self.apply_clip)
        layout.addLayout(apply_row)
        layout.addWidget(self.status)

    def _emit_if_changed(self) -> None:
        """settingsChanged only when the tool, model or a parameter really changed (a policy
        refresh rebuilds the lists without changing the choice, and must not drop a preview)."""
        state: object
        try:
            state = (self.tool().id, self.model_id(), sorted(self.raw_params().items()))
        except Exception:
            state = None
        if state != self._last_state:
            self._last_state = state
            self.settingsChanged.emit()

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(tip)
        button.setToolTip(tip)
        return button

    # -- state -------------------------------------------------------------------------------
    def tool(self) -> Tool:
        return get_tool(str(self.tool_combo.currentData()))

    def raw_params(self) -> dict[str, Any]:
        return {name: editor.value() for name, editor in self.editors.items()}

    def params(self) -> dict[str, Any]:
        return self.tool().resolve(self.raw_params())

    def model_id(self) -> str:
        data = self.model_combo.currentData()
        return str(data) if data else self._default_model(self.tool(), self.params())

    def _default_model(self, tool: Tool, params: dict[str, Any]) -> str:
        """The tool's default for the current clip (a still gets a single-frame model)."""
        count = self.state.count
        return tool.default_model_for(params, count) if count else tool.default_model(params)

    def model_entry(self) -> CatalogEntry | None:
        wanted = self.model_id()
        for entry in self.entries:
            if entry.id == wanted:
                return entry
        return None

    def select_tool(self, tool_id: str) -> None:
        index = self.tool_combo.findData(tool_id)
        if index >= 0:
            self.tool_combo.setCurrentIndex(index)

    def set_param(self, name: str, value: Any) -> None:
        self.editors[name].set_value(value)

    def load_edit(self, edit: Edit) -> None:
        """Show an edit's tool, model and settings, ready to try variations."""
        self.select_tool(edit.tool)
        for name, value in edit.parameters.items():
            if name in self.editors:
                self.set_param(name, value)
        index = self.model_combo.findData(edit.model_id)
        if index >= 0:
            self.model_combo.setCurrentIndex(index)

    def set_catalog(self, entries: list[CatalogEntry]) -> None:
        self.entries = entries
        self._fill_models()

    def set_policy(self, policy: Policy) -> None:
        self.policy = policy
        model = self.tool_combo.model()
        assert isinstance(model, QStandardItemModel)
        for row in range(self.tool_combo.count()):
            tool = get_tool(str(self.tool_combo.itemData(row)))
            allowed = policy.allowed_tools is None or tool.id in policy.allowed_tools
            item = model.item(row)
            item.setEnabled(allowed)
            item.setText(tool.name if allowed else f"{tool.name} (not allowed by policy)")
        self._fill_models()

    def set_available(self, *, preview: bool, apply: bool) -> None:
        """Preview needs a clip on screen; Apply and Update also a project this window may change."""
        self.can_preview, self.can_apply = preview, apply
        if not apply:
            self.replace_button.setEnabled(False)
        self._model_changed()

    def set_region_text(self, region: dict[str, Any]) -> None:
        kind = region.get("kind", "full")
        if kind == "rect":
            text = f"Region: rectangle {region['w']}×{region['h']} at {region['x']},{region['y']}"
        elif kind == "mask":
            text = "Region: painted mask"
        elif kind == "tracked":
            shape = "rectangle" if region.get("shape") == "rect" else "mask"
            keys = ", ".join(map(str, region.get("keyframes") or ()))
            text = f"Region: tracked {shape} (keyframes {keys})"
        else:
            text = "Region: whole frame"
        self.region_label.setText(text)

    # -- reacting ----------------------------------------------------------------------------
    def _tool_changed(self) -> None:
        tool = self.tool()
        self.description.setText(tool.description)
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.editors = {}
        for param in tool.all_params():
            editor = ParamEditor(param, self.params_box)
            editor.changed.connect(self._params_changed)
            self.editors[param.name] = editor
            label = QLabel(param.label or param.name, self.params_box)
            label.setToolTip(param.help)
            buddy = editor.box or editor.check or editor.choice
            if buddy is not None:
                label.setBuddy(buddy)
            self.params_form.addRow(label, editor)
        self._fill_models()
        self._emit_if_changed()

    def _params_changed(self) -> None:
        if self.tool().task == "upscale":
            self._fill_models()  # the scale decides which models fit
        else:
            self._emit_if_changed()

    def _model_allowed(self, entry: CatalogEntry) -> str | None:
        try:
            self.policy.check_model(entry.id, entry.sha256, entry.disclosed)
        except PolicyError as exc:
            return exc.message
        return None

    def _fill_models(self) -> None:
        tool = self.tool()
        params = tool.resolve(self.raw_params())
        previous = self.model_combo.currentData()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        default = self._default_model(tool, params)
        self.model_combo.setEnabled(tool.uses_model)
        self.model_combo.addItem(f"Default ({default})" if tool.uses_model else "None", None)
        model = self.model_combo.model()
        assert isinstance(model, QStandardItemModel)
        for entry in self.entries if tool.uses_model else ():
            if entry.card is not None:
                if entry.card.task != tool.task or entry.card.scale != tool.scale(params):
                    continue
                text = f"{entry.card.name} ({entry.id})"
            else:
                text = f"⚠ {entry.id} — undisclosed"
            refusal = self._model_allowed(entry)
            if refusal:
                text += " — refused by policy"
            self.model_combo.addItem(text, entry.id)
            item = model.item(self.model_combo.count() - 1)
            item.setEnabled(refusal is None)
            item.setToolTip(refusal or str(entry.path))
        index = self.model_combo.findData(previous) if previous else 0
        self.model_combo.setCurrentIndex(max(0, index))
        self.model_combo.blockSignals(False)
        self._model_changed()

    def _model_changed(self) -> None:
        tool = self.tool()
        entry = self.model_entry() if tool.uses_model else None
        if tool.uses_model:
            self.card.setText(card_summary(entry, self.model_id()))
        else:
            synthesis = html.escape(tool.classification.synthesis or "a synthesis")
            self.card.setText(f"<i>Runs no model.</i> Disclosed as <b>{synthesis}</b>.")
        refusal = self._model_allowed(entry) if entry is not None else None
        tool_ok = self.policy.allowed_tools is None or self.tool().id in self.policy.allowed_tools
        usable = (entry is not None or not self.tool().uses_model) and refusal is None and tool_ok
        self.preview_button.setEnabled(usable and self.can_preview)
        for button in (self.apply_frame, self.apply_range, self.apply_clip):
            button.setEnabled(usable and self.can_apply)
        if self.tool().scale(self.params()) != 1:
            # a render refuses partial upscales: the frame size must be the same for every frame
            for button in (self.apply_frame, self.apply_range):
                button.setEnabled(False)
                button.setToolTip(
                    "an upscale changes the frame size, so it must cover the whole clip"
                )
        else:
            self.apply_frame.setToolTip("Apply to the current frame")
            self.apply_range.setToolTip("Apply from the in to the out point")
        if not tool_ok:
            self.status.setText("The project policy does not allow this tool.")
        elif refusal:
            self.status.setText(refusal)
        else:
            self.status.setText("")
        self._emit_if_changed()
