"""Every interactive control can be found by name (tests, screen readers, scripts), and the
dialogs (model library, policy, preferences) do what they say through the core."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QHeaderView,
    QLineEdit,
    QScrollBar,
    QTabBar,
    QWidget,
)

from workbench.project import Project

INTERACTIVE = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QAbstractSpinBox,
    QAbstractSlider,
    QAbstractItemView,
)


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QScrollBar | QTabBar):
            continue
        name = widget.objectName()
        if name.startswith("qt_"):
            continue  # Qt's own parts of a composite widget (spin box editors, dock buttons)
        parent = widget.parentWidget()
        if isinstance(parent, QComboBox | QAbstractSpinBox) or (
            parent is not None and parent.objectName().startswith("qt_")
        ):
            continue
        if isinstance(widget, QHeaderView) or (
            parent is not None and parent.inherits("QComboBoxPrivateContainer")
        ):
            continue  # headers belong to their named table; a combo's popup to its combo
        if not name or not widget.accessibleName():
            missing.append(f"{type(widget).__name__}({name!r}, {widget.accessibleName()!r})")
    return missing


def test_every_control_in_the_window_has_names(project_window) -> None:
    for tool in ("upscale", "denoise", "dust", "deblock"):
        project_window.panels.tools.select_tool(tool)
        assert _unnamed(project_window) == []


def test_every_control_in_the_dialogs_has_names(project_window) -> None:
    from workbench.project import Policy
    from workbench.qt.dialogs import ModelLibraryDialog, PolicyDialog, PreferencesDialog

    c = project_window.controller
    for dialog in (
        ModelLibraryDialog(c.catalog, project_window),
        PolicyDialog(Policy(), c.catalog, project_window),
        PreferencesDialog({}, ["CPUExecutionProvider"], project_window),
    ):
        assert isinstance(dialog, QDialog)
        assert dialog.objectName() and dialog.accessibleName()
        assert _unnamed(dialog) == [], type(dialog).__name__
        dialog.deleteLater()


def test_model_library_shows_full_cards_and_imports_a_model(project_window, qtbot) -> None:
    from workbench.catalog.catalog import default_model_dirs
    from workbench.config import user_models_dir
    from workbench.qt.dialogs import ModelLibraryDialog

    c = project_window.controller
    dialog = ModelLibraryDialog(c.catalog, project_window)
    ids = [e.id for e in c.catalog]
    dialog.list.setCurrentRow(ids.index("denoise"))
    text = dialog.browser.toPlainText()
    for heading in ("Metrics", "Training data", "Contributors and their shares", "Weights licence"):
        assert heading in text
    card = next(e.card for e in c.catalog if e.id == "denoise")
    assert card.training_data[0].attribution[:20] in text
    dialog.deleteLater()
    # import: a retrained copy of a shipped model, with its own card
    import hashlib

    import onnx

    source = next(d for d in default_model_dirs() if (d / "dust.onnx").exists())
    incoming = project_window.controller.session.path.parent / "incoming"
    incoming.mkdir()
    model = onnx.load(str(source / "dust.onnx"))
    model.doc_string = "studio fine-tune"
    onnx.save(model, str(incoming / "studio-dust.onnx"))
    body = json.loads((source / "dust.card.json").read_text())
    body["id"] = "studio-dust"
    body.pop("variants", None)  # the shipped int8 file is not a variant of the retrained copy
    body["sha256"] = hashlib.sha256((incoming / "studio-dust.onnx").read_bytes()).hexdigest()
    (incoming / "studio-dust.card.json").write_text(json.dumps(body))
    c.import_model(incoming / "studio-dust.onnx", incoming / "studio-dust.card.json")
    qtbot.waitUntil(lambda: any(e.id == "studio-dust" for e in c.catalog), timeout=10000)
    assert (user_models_dir() / "studio-dust.card.json").exists()
    project_window.panels.tools.select_tool("dust")
    combo = project_window.panels.tools.model_combo
    assert combo.findData("studio-dust") >= 0
    # a card that does not match its file is refused, with the reason shown
    (incoming / "other.onnx").write_bytes((source / "denoise.onnx").read_bytes())
    c.import_model(incoming / "other.onnx", incoming / "studio-dust.card.json")
    qtbot.waitUntil(lambda: bool(c.reporter.history), timeout=10000)
    assert "SHA-256" in c.reporter.history[-1].message
    assert not (user_models_dir() / "other.onnx").exists()


def test_policy_dialog_result_is_logged(project_window) -> None:
    from workbench.qt.dialogs import PolicyDialog

    c = project_window.controller
    dialog = PolicyDialog(c.session.project().policy(), c.catalog, project_window)
    dialog.any_tool.setChecked(False)
    for i in range(dialog.tools.count()):
        item = dialog.tools.item(i)
        if item.text().endswith("(upscale)"):
            item.setCheckState(item.checkState().__class__.Unchecked)
    dialog.undisclosed.setChecked(True)
    policy = dialog.policy()
    assert policy.allowed_tools is not None and "upscale" not in policy.allowed_tools
    assert policy.allow_undisclosed
    assert c.set_policy(policy)
    with Project.open(c.session.path, readonly=True) as project:
        assert project.policy() == policy
        assert project.log.entries()[-1]["schema"] == "workbench.policy/1"
    combo = project_window.panels.tools.tool_combo
    row = combo.findData("upscale")
    assert not combo.model().item(row).isEnabled()
    dialog.deleteLater()


def test_preferences_are_saved_where_the_engine_reads_them(project_window) -> None:
    from workbench.config import load_settings, operator_name
    from workbench.inference.engine import SessionOptions
    from workbench.qt.dialogs import PreferencesDialog

    dialog = PreferencesDialog(
        load_settings(), ["CUDAExecutionProvider", "CPUExecutionProvider"], project_window
    )
    dialog.operator.setText("Ada Editor")
    dialog.providers.item(0).setCheckState(
        dialog.providers.item(0).checkState().__class__.Unchecked
    )
    dialog.threads.setValue(2)
    dialog.precision.setCurrentIndex(dialog.precision.findData("full"))
    dialog.tile.setValue(256)
    dialog.cache.setText(str(Path("/tmp/wb-cache")))
    project_window.controller.save_preferences(dialog.result_settings())
    settings = load_settings()
    assert settings["operator"] == "Ada Editor"
    assert settings["inference"]["providers"] == ["CPUExecutionProvider"]
    options = SessionOptions.from_settings()
    assert options.tile_size == 256 and options.intra_op_threads == 2
    assert options.precision == "full"
    assert settings["cache_dir"] == "/tmp/wb-cache"
    assert operator_name() == "Test Operator"  # the environment still wins, as the core says
    dialog.deleteLater()
