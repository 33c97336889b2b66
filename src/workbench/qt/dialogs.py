"""Dialogs: the model library, the project policy, and the preferences."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.catalog.catalog import CatalogEntry, card_path_for
from workbench.project import Policy
from workbench.tools.registry import all_tools


def _named(widget: QWidget, name: str, accessible: str) -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


def _name_buttons(box: QDialogButtonBox, prefix: str) -> None:
    for button in box.buttons():
        text = button.text().replace("&", "")
        button.setObjectName(f"{prefix}{text.replace(' ', '')}")
        button.setAccessibleName(text)


LIKENESS_CHOICES: tuple[tuple[str, bool | None], ...] = (
    ("an AI edit needs their consent once the project has a cast", None),
    ("an AI edit always needs their consent", True),
    ("not enforced (their consent is still reported)", False),
)


# -- model library --------------------------------------------------------------------------
def card_html(entry: CatalogEntry) -> str:
    e = html.escape
    if entry.card is None:
        return (
            f"<h2 style='color:#e05050'>⚠ {e(entry.id)} — undisclosed</h2>"
            f"<p>{e(str(entry.path))}<br>SHA-256 <code>{e(entry.sha256)}</code></p>"
            f"<p><b>Why:</b> {e(entry.problem or 'no model card')}</p>"
            "<p>Nothing is known about this model's training data or who contributed to it. "
            "The project policy decides whether it may be used; edits made with it are logged as "
            "undisclosed.</p>"
        )
    c = entry.card

    def table(headers: list[str], rows: list[list[Any]]) -> str:
        head = "".join(f"<th align='left'>{e(h)}</th>" for h in headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in rows
        )
        return f"<table border='1' cellspacing='0' cellpadding='3'><tr>{head}</tr>{body}</table>"

    metrics = (
        table(
            ["Metric", "Value", "Baseline", "Dataset", "Protocol"],
            [
                [
                    m.name,
                    f"{m.value:g} {m.unit}",
                    f"{m.baseline} {m.baseline_value:g}"
                    if m.baseline and m.baseline_value is not None
                    else "",
                    m.dataset,
                    m.protocol,
                ]
                for m in c.metrics
            ],
        )
        if c.metrics
        else "<p>No metrics published.</p>"
    )
    sources = table(
        ["Source", "Items", "Licence", "Consent basis", "Author", "Attribution", "Origin"],
        [
            [s.name, s.items, s.licence, s.consent_basis, s.author, s.attribution, s.origin]
            for s in c.training_data
        ],
    )
    people = table(
        ["Contributor", "Role", "Share", "Basis"],
        [[p.name, p.role, f"{p.share:.1%}", p.basis] for p in c.contributors],
    )
    return (
        f"<h2>{e(c.name)} <small>{e(c.id)} {e(c.version)}</small></h2>"
        f"<p>✔ disclosed · task <b>{e(c.task)}</b> ×{c.scale} · {e(c.architecture)}, "
        f"{c.parameters:,} parameters, {c.flops_per_output_pixel:,.0f} FLOPs per output pixel<br>"
        f"<b>Weights licence:</b> {e(c.weights_licence)}<br>"
        f"<b>Disclosure:</b> {e(c.classification.c2pa_action)}, "
        f"{e(c.classification.digital_source_type)}, {e(c.classification.nature)}<br>"
        f"SHA-256 <code>{e(entry.sha256)}</code><br>{e(str(entry.path))}</p>"
        f"<h3>Metrics</h3>{metrics}<h3>Training data</h3>{sources}"
        f"<h3>Contributors and their shares</h3>{people}"
        f"<h3>Intended use</h3><p>{e(c.intended_use)}</p>"
        f"<h3>Limitations</h3><p>{e(c.limitations)}</p>"
    )


class ModelLibraryDialog(QDialog):
    importRequested = Signal(object, object)  # onnx path, card path or None

    def __init__(self, entries: list[CatalogEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelLibraryDialog")
        self.setAccessibleName("Model library")
        self.setWindowTitle("Model library")
        self.resize(980, 640)
        self.list = QListWidget(self)
        _named(self.list, "modelList", "Models")
        self.browser = QTextBrowser(self)
        _named(self.browser, "modelCard", "Model card")
        split = QSplitter(self)
        split.addWidget(self.list)
        split.addWidget(self.browser)
        split.setSizes([260, 720])
        self.import_button = QPushButton("Import model…", self)
        _named(self.import_button, "modelImport", "Import a model file with its card")
        self.import_button.clicked.connect(self._import)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        close.accepted.connect(self.accept)
        _name_buttons(close, "modelLibrary")
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(row)
        self.entries: list[CatalogEntry] = []
        self.list.currentRowChanged.connect(self._show)
        self.set_entries(entries)

    def set_entries(self, entries: list[CatalogEntry]) -> None:
        self.entries = entries
        self.list.clear()
        for entry in entries:
            text = (
                entry.card.name + f" ({entry.id})" if entry.card else f"⚠ {entry.id} (undisclosed)"
            )
            QListWidgetItem(text, self.list)
        if entries:
            self.list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.entries):
            self.browser.setHtml(card_html(self.entries[row]))

    def _import(self) -> None:
        onnx, _ = QFileDialog.getOpenFileName(self, "Import model", "", "ONNX models (*.onnx)")
        if not onnx:
            return
        card: Path | None = card_path_for(Path(onnx))
        if card is not None and not card.exists():
            chosen, _ = QFileDialog.getOpenFileName(
                self,
                "Its model card (cancel to import it undisclosed)",
                "",
                "Model cards (*.card.json *.json)",
            )
            card = Path(chosen) if chosen else None
        self.importRequested.emit(Path(onnx), card)


# -- policy ---------------------------------------------------------------------------------
class PolicyDialog(QDialog):
    def __init__(
        self, policy: Policy, entries: list[CatalogEntry], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("policyDialog")
        self.setAccessibleName("Project policy")
        self.setWindowTitle("Project policy")
        self.resize(560, 560)
        self.any_tool = QCheckBox("Any tool may be used", self)
        _named(self.any_tool, "policyAnyTool", "Any tool may be used")
        self.tools = QListWidget(self)
        _named(self.tools, "policyTools", "Allowed tools")
        self.signoff = QListWidget(self)
        _named(self.signoff, "policySignoff", "Tools whose edits need sign-off")
        for tool in all_tools():
            for widget, checked in (
                (self.tools, policy.allowed_tools is None or tool.id in policy.allowed_tools),
                (self.signoff, tool.id in policy.signoff_required),
            ):
                item = QListWidgetItem(f"{tool.name} ({tool.id})", widget)
                item.setData(Qt.ItemDataRole.UserRole, tool.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.any_tool.setChecked(policy.allowed_tools is None)
        self.any_model = QCheckBox("Any disclosed model may be used", self)
        _named(self.any_model, "policyAnyModel", "Any disclosed model may be used")
        self.models = QListWidget(self)
        _named(self.models, "policyModels", "Allowed models")
        for entry in entries:
            allowed = (
                policy.allowed_models is None
                or entry.id in policy.allowed_models
                or entry.sha256 in policy.allowed_models
            )
            label = entry.id if entry.card else f"⚠ {entry.id} (undisclosed)"
            item = QListWidgetItem(label, self.models)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if allowed else Qt.CheckState.Unchecked)
        self.any_model.setChecked(policy.allowed_models is None)
        self.undisclosed = QCheckBox("Allow undisclosed models (no valid model card)", self)
        _named(self.undisclosed, "policyAllowUndisclosed", "Allow undisclosed models")
        self.undisclosed.setChecked(policy.allow_undisclosed)
        self.likeness = self._likeness_choice(policy)
        self.any_tool.toggled.connect(lambda on: self.tools.setEnabled(not on))
        self.any_model.toggled.connect(lambda on: self.models.setEnabled(not on))
        self.tools.setEnabled(not self.any_tool.isChecked())
        self.models.setEnabled(not self.any_model.isChecked())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        _name_buttons(buttons, "policy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        tools_box = QGroupBox("Tools", self)
        tl = QVBoxLayout(tools_box)
        tl.addWidget(self.any_tool)
        tl.addWidget(self.tools)
        models_box = QGroupBox("Models", self)
        ml = QVBoxLayout(models_box)
        ml.addWidget(self.any_model)
        ml.addWidget(self.models)
        ml.addWidget(self.undisclosed)
        sign_box = QGroupBox("Edits that need a producer's sign-off", self)
        sl = QVBoxLayout(sign_box)
        sl.addWidget(self.signoff)
        layout.addWidget(QLabel("Changes to the policy are recorded in the disclosure log.", self))
        layout.addWidget(tools_box)
        layout.addWidget(models_box)
        layout.addWidget(sign_box)
        layout.addWidget(QLabel("Performers' likeness (their consent to AI alteration):", self))
        layout.addWidget(self.likeness)
        layout.addWidget(buttons)

    def _likeness_choice(self, policy: Policy) -> QComboBox:
        combo = QComboBox(self)
        _named(combo, "policyLikeness", "Performers' likeness consent")
        for text, value in LIKENESS_CHOICES:
            combo.addItem(text, value)
        combo.setCurrentIndex(
            next(i for i, (_, v) in enumerate(LIKENESS_CHOICES) if v == policy.likeness_consent)
        )
        return combo

    @staticmethod
    def _checked(widget: QListWidget) -> list[str]:
        return [
            str(widget.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        ]

    def policy(self) -> Policy:
        return Policy(
            allowed_tools=None if self.any_tool.isChecked() else self._checked(self.tools),
            allowed_models=None if self.any_model.isChecked() else self._checked(self.models),
            allow_undisclosed=self.undisclosed.isChecked(),
            signoff_required=self._checked(self.signoff),
            likeness_consent=self.likeness.currentData(),
        )


# -- preferences ----------------------------------------------------------------------------
class PreferencesDialog(QDialog):
    """Operator, execution providers, model files (int8 or full precision) and threads, tile
    size, cache location, render farm."""

    def __init__(
        self, settings: dict[str, Any], available: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setAccessibleName("Preferences")
        self.setWindowTitle("Preferences")
        self.settings = dict(settings)
        inference = settings.get("inference") if isinstance(settings.get("inference"), dict) else {}
        assert isinstance(inference, dict)
        self.operator = QLineEdit(str(settings.get("operator", "")), self)
        _named(self.operator, "prefOperator", "Operator name recorded in the log")
        self.operator.setPlaceholderText("your name, as the disclosure log should record it")
        self.providers = QListWidget(self)
        _named(self.providers, "prefProviders", "Execution providers")
        chosen = inference.get("providers")
        for name in available:
            item = QListWidgetItem(name, self.providers)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = chosen is None or name in chosen or name == "CPUExecutionProvider"
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.precision = QComboBox(self)
        _named(self.precision, "prefPrecision", "Model files")
        self.precision.addItem("Fastest that measures as good (int8 where its card allows)", "auto")
        self.precision.addItem("Full-precision files only", "full")
        current = self.precision.findData(inference.get("precision", "auto"))
        self.precision.setCurrentIndex(max(0, current))
        self.threads = QSpinBox(self)
        _named(self.threads, "prefThreads", "Inference threads (0 = automatic)")
        self.threads.setRange(0, 256)
        self.threads.setSpecialValueText("automatic")
        self.threads.setValue(int(inference.get("intra_op_threads", 0) or 0))
        self.tile = QSpinBox(self)
        _named(self.tile, "prefTileSize", "Tile size in pixels")
        self.tile.setRange(64, 8192)
        self.tile.setSingleStep(64)
        self.tile.setSuffix(" px")
        self.tile.setValue(int(inference.get("tile_size", 2048) or 2048))
        self.cache = QLineEdit(str(settings.get("cache_dir", "")), self)
        _named(self.cache, "prefCacheDir", "Cache location")
        self.cache.setPlaceholderText("default location")
        browse = QPushButton("…", self)
        _named(browse, "prefCacheBrowse", "Choose the cache location")
        browse.clicked.connect(self._browse)
        cache_row = QHBoxLayout()
        cache_row.addWidget(self.cache, 1)
        cache_row.addWidget(browse)
        farm = settings.get("farm") if isinstance(settings.get("farm"), dict) else {}
        assert isinstance(farm, dict)
        self.farm = QLineEdit(str(farm.get("cluster", "")), self)
        _named(self.farm, "prefFarmCluster", "Render farm: the Dask scheduler's address")
        self.farm.setPlaceholderText("this machine (or tcp://HOST:8786)")
        self.farm_store = QLineEdit(str(farm.get("store", "")), self)
        _named(self.farm_store, "prefFarmStore", "Render farm: a folder every machine sees")
        self.farm_store.setPlaceholderText("beside the output")
        self.frame_memory, self.frame_disk = frame_cache_fields(settings, self)
        form = QFormLayout()
        form.addRow("Operator", self.operator)
        form.addRow("Execution providers", self.providers)
        form.addRow("Model files", self.precision)
        form.addRow("Threads", self.threads)
        form.addRow("Tile size", self.tile)
        form.addRow("Cache", cache_row)
        form.addRow("Render farm", self.farm)
        form.addRow("Farm segments", self.farm_store)
        form.addRow("Frame cache in memory", self.frame_memory)
        form.addRow("Frame cache on disk", self.frame_disk)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        _name_buttons(buttons, "pref")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Cache location", self.cache.text())
        if folder:
            self.cache.setText(folder)

    def result_settings(self) -> dict[str, Any]:
        out = dict(self.settings)
        name = self.operator.text().strip()
        if name:
            out["operator"] = name
        else:
            out.pop("operator", None)
        inference = dict(out.get("inference") or {})
        inference["providers"] = [
            self.providers.item(i).text()
            for i in range(self.providers.count())
            if self.providers.item(i).checkState() == Qt.CheckState.Checked
        ]
        inference["precision"] = str(self.precision.currentData())
        inference["intra_op_threads"] = self.threads.value()
        inference["tile_size"] = self.tile.value()
        out["inference"] = inference
        cache = self.cache.text().strip()
        if cache:
            out["cache_dir"] = cache
        else:
            out.pop("cache_dir", None)
        farm = dict(out.get("farm") or {})
        farm["cluster"], farm["store"] = self.farm.text().strip(), self.farm_store.text().strip()
        out["farm"] = farm
        out["frame_cache"] = {
            "memory_mb": self.frame_memory.value(),
            "disk_gb": self.frame_disk.value(),
        }
        return out


def frame_cache_fields(settings: dict[str, Any], parent: QWidget) -> tuple[QSpinBox, QSpinBox]:
    """The frame cache's two limits (processed frames for Preview range and playback)."""
    from workbench.render.frame_cache import GIB, MIB, CacheLimits

    limits = CacheLimits.from_settings(settings)
    memory = QSpinBox(parent)
    _named(memory, "prefFrameMemory", "Frame cache in memory, in megabytes")
    memory.setToolTip(
        "Processed frames kept in memory: a quarter as exact frames, three quarters as screen "
        "images for playback (a 1080p frame takes about 20 MB of screen images)"
    )
    memory.setRange(0, 1024 * 1024)
    memory.setSingleStep(256)
    memory.setSuffix(" MB")
    memory.setValue(limits.memory_bytes // MIB)
    disk = QSpinBox(parent)
    _named(disk, "prefFrameDisk", "Frame cache on disk, in gigabytes")
    disk.setToolTip("Processed frames kept in the cache folder (about 25 MB a 1080p frame)")
    disk.setRange(0, 100000)
    disk.setSuffix(" GB")
    disk.setValue(limits.disk_bytes // GIB)
    return memory, disk
