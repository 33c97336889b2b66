"""Third-party export formats through the ``workbench.exporters`` entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import new_project
from tools.plugin_tool.plugin_support import activate, write_distribution
from workbench.cli import main
from workbench.disclosure import exporters
from workbench.disclosure.exporters import BUILTIN_FORMATS, exporter, formats
from workbench.tools.plugins import PluginWarning

COUNT_EXPORT = '''"""Entry count: how many log entries, one line."""

from workbench.disclosure.exporters import ExportContext

EXTENSION = ".count"


def write_to_string(context: ExportContext) -> str:
    return f"{len(context.data.rows)} entries\\n"
'''


NOTES_EXPORT = """
class Notes:
    \"\"\"Notes for the editor.\"\"\"

    EXTENSION = ".notes"
    DESCRIPTION = "one note per entry"

    def write_to_string(self, context):
        return "".join(f"{row.seq}\\n" for row in context.data.rows)


NOTES = Notes()
"""


def _module(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(body, encoding="utf-8")


def test_a_plugin_format_is_offered_and_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site, code = tmp_path / "site", tmp_path / "code"
    _module(code, "wb_count_export", COUNT_EXPORT)
    points = {"workbench.exporters": {"count": "wb_count_export"}}
    write_distribution(site, "wb-count-export", "0.2", points)
    activate(monkeypatch, site, code, modules=("wb_count_export",))
    assert formats() == [*BUILTIN_FORMATS, "count"]
    assert exporters.REGISTRY["count"] == (  # activate() gave the module a fresh REGISTRY
        "wb_count_export",
        ".count",
        "Entry count: how many log entries, one line.",
    )
    assert callable(exporter("count").write_to_string)

    project = tmp_path / "film.wbproj"
    new_project(project).close()
    out = tmp_path / "log.count"
    assert main(["log", "export", str(project), "--format", "count", "-o", str(out)]) == 0
    capsys.readouterr()
    assert out.read_text(encoding="utf-8") == "1 entries\n"


def test_broken_and_clashing_formats_are_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, code = tmp_path / "site", tmp_path / "code"
    _module(code, "wb_fake_json", COUNT_EXPORT)
    _module(code, "wb_no_extension", "def write_to_string(context):\n    return ''\n")
    _module(code, "wb_raises", "raise RuntimeError('boom')\n")
    points = {
        "json": "wb_fake_json",
        "bare": "wb_no_extension",
        "boom": "wb_raises",
        "obj": "wb_fake_json:EXTENSION",
    }
    for n, (name, value) in enumerate(points.items()):
        write_distribution(site, f"wb-export-{n}", "1.0", {"workbench.exporters": {name: value}})
    activate(monkeypatch, site, code, modules=("wb_fake_json", "wb_no_extension", "wb_raises"))
    with pytest.warns(PluginWarning) as caught:
        assert formats() == list(BUILTIN_FORMATS)
    messages = " | ".join(str(w.message) for w in caught)
    assert (
        "wb-export-0 1.0" in messages and "takes the name 'json' of a built-in format" in messages
    )
    assert "wb-export-1 1.0" in messages and "has no EXTENSION" in messages
    assert "wb-export-2 1.0" in messages and "RuntimeError: boom" in messages
    assert "wb-export-3 1.0" in messages and "has no write_to_string" in messages
    assert exporter("json").__name__ == "workbench.disclosure.exporters.json_export"


def test_an_object_in_a_module_can_be_the_exporter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, code = tmp_path / "site", tmp_path / "code"
    _module(code, "wb_notes", NOTES_EXPORT)
    points = {"workbench.exporters": {"edl-notes": "wb_notes:NOTES"}}
    write_distribution(site, "wb-notes", "1.0", points)
    activate(monkeypatch, site, code, modules=("wb_notes",))
    assert "edl-notes" in formats()
    assert exporters.REGISTRY["edl-notes"] == ("wb_notes:NOTES", ".notes", "one note per entry")
    project = tmp_path / "film.wbproj"
    new_project(project).close()
    out = tmp_path / "log.notes"
    assert main(["log", "export", str(project), "--format", "edl-notes", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == "1\n"
