"""The window's log exports are the command line's, byte for byte (the export time aside).

Both go through ``workbench.editing.export_log`` with the full context (clips, model cards,
thumbnails), so a producer gets the same report whichever front end made it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from qt.qt_helpers import find
from workbench.cli import main
from workbench.disclosure.exporters import formats

STAMP = "2026-01-02T03:04:05.000006Z"
# a PDF's own creation and modification dates and its file identifier (not the report's text)
PDF_VOLATILE = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)|/ID\s*\[[^\]]*\]")


def normalised(fmt: str, data: bytes) -> bytes:
    return PDF_VOLATILE.sub(rb"/\1 ()", data) if fmt == "pdf" else data


def test_every_export_format_from_the_window_equals_the_cli(
    project_window, tmp_path: Path, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = project_window.controller
    project_window.panels.tools.select_tool("denoise")
    qtbot.mouseClick(find(project_window, "toolApplyClip"), Qt.MouseButton.LeftButton)
    written: dict[str, str] = {}
    c.exported.connect(lambda fmt, out: written.__setitem__(fmt, out))
    for fmt in formats():
        c.export_log(fmt, tmp_path / f"window.{fmt}", exported=STAMP)
    qtbot.waitUntil(lambda: len(written) + len(c.reporter.history) >= len(formats()), timeout=60000)
    assert [r.message for r in c.reporter.history] == []
    assert set(written) == set(formats()) >= {"json", "csv", "html", "pdf", "ledger", "credits"}
    monkeypatch.setattr("workbench.disclosure.store.utc_now", lambda: STAMP)
    for fmt in formats():
        cli = tmp_path / f"cli.{fmt}"
        assert main(["log", "export", str(c.session.path), "--format", fmt, "-o", str(cli)]) == 0
        window = Path(written[fmt]).read_bytes()
        assert normalised(fmt, window) == normalised(fmt, cli.read_bytes()), fmt
    assert STAMP.encode() in Path(written["json"]).read_bytes()  # the window kept the stamp
    # the report knows the model: its card came along (not "undisclosed")
    html = Path(written["html"]).read_text()
    assert "undisclosed" not in html.lower() and "Workbench contributors" in html
