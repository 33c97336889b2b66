"""Preferences ▸ Render farm: the address and store are saved where the render worker reads
them (``config.farm_settings``), and clearing them renders on this machine again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.config import farm_settings, load_settings, save_settings


def test_the_farm_in_the_preferences_is_what_the_render_worker_reads(
    qtbot: Any, tmp_path: Path
) -> None:
    from workbench.qt.dialogs import PreferencesDialog
    from workbench.render.worker import farm_from_settings

    save_settings({"farm": {"path_map": ["/mnt/a=/Volumes/a"]}})
    dialog = PreferencesDialog(load_settings(), ["CPUExecutionProvider"])
    qtbot.addWidget(dialog)
    assert dialog.farm.accessibleName().startswith("Render farm")
    assert farm_from_settings() is None
    dialog.farm.setText("  tcp://render1:8786 ")
    dialog.farm_store.setText("/mnt/a/segments")
    save_settings(dialog.result_settings())
    assert farm_settings() == {
        "cluster": "tcp://render1:8786",
        "store": "/mnt/a/segments",
        "path_map": ["/mnt/a=/Volumes/a"],  # kept: the dialog does not edit it
    }
    assert farm_from_settings() is not None
    dialog.grab().save(str(tmp_path / "preferences.png"))

    again = PreferencesDialog(load_settings(), ["CPUExecutionProvider"])
    qtbot.addWidget(again)
    assert again.farm.text() == "tcp://render1:8786"
    again.farm.setText("")
    save_settings(again.result_settings())
    assert "cluster" not in farm_settings()
    assert farm_from_settings() is None
