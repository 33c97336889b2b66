"""The export: its schema, a golden file, offline verification, and the CSV form."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import jsonschema
import pytest

from support import fixed_clock, fixed_ids, new_project, populate
from workbench.cli import main
from workbench.disclosure.exporters import ExportContext, exporter, formats
from workbench.errors import UsageError
from workbench.tools.registry import get_tool

GOLDEN = Path(__file__).parent / "golden" / "log-export.json"
SCHEMA = Path(__file__).parents[2] / "src/workbench/disclosure/schemas/log-export-1.schema.json"


@pytest.fixture(autouse=True)
def pinned_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Versions go into hashed entries; pin them so the golden file only moves with the format."""
    import workbench.disclosure.records as records

    monkeypatch.setattr(records, "__version__", "0.0.0-golden")
    monkeypatch.setattr(records, "onnxruntime_version", lambda: "0.0.0-golden")


def deterministic_export(tmp_path: Path) -> str:
    path = tmp_path / "golden.wbproj"
    project = new_project(
        path,
        clock=fixed_clock(),
        new_id=fixed_ids(),
        project_id="11111111-2222-4333-8444-555555555555",
    )
    with project:
        populate(project, edits=2)
        project.revert_edit(project.edits()[0].id)
        text = exporter("json").write_to_string(
            ExportContext(project.log_data(), exported="2026-01-01T12:00:00.000000Z")
        )
    return text


def test_golden_export(tmp_path: Path) -> None:
    """Fails when the serialized form changes: review the diff, bump the schema if it must."""
    text = deterministic_export(tmp_path)
    if os.environ.get("WORKBENCH_UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text(), "export changed; set WORKBENCH_UPDATE_GOLDEN=1 to accept"


def test_export_matches_its_schema(tmp_path: Path) -> None:
    document = json.loads(deterministic_export(tmp_path))
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(document)


def test_export_verifies_offline_and_detects_edits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_path = tmp_path / "p.wbproj"
    with new_project(project_path) as project:
        populate(project)
    export = tmp_path / "log.json"
    assert main(["log", "export", str(project_path), "--format", "json", "-o", str(export)]) == 0
    assert main(["log", "verify", str(export)]) == 0
    document = json.loads(export.read_text())
    document["entries"][2]["entry"]["parameters"] = {"strength": 1.0}
    document["entries"][2]["entry"]["edit"]["parameters"] = {"strength": 1.0}
    export.write_text(json.dumps(document))
    capsys.readouterr()
    assert main(["log", "verify", str(export)]) == 1
    assert "entry 3" in capsys.readouterr().err


def test_damaged_export_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "workbench.log-export/1", "entries": [{"seq": 1}]}')
    assert main(["log", "verify", str(bad)]) == 7
    assert "damaged" in capsys.readouterr().err


def test_csv_export(tmp_path: Path) -> None:
    project_path = tmp_path / "p.wbproj"
    with new_project(project_path) as project:
        clip = project.add_clip("/f/=cmd|' /C calc'!A0.mov", fingerprint="0" * 64, media={})
        project.add_edit(
            clip.id,
            tool=get_tool("denoise"),
            parameters={"strength": 0.5},
            frames=(0, 3),
        )
    out = tmp_path / "log.csv"
    assert main(["log", "export", str(project_path), "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["schema"] for r in rows] == [
        "workbench.project/1",
        "workbench.import/1",
        "workbench.edit/1",
    ]
    assert rows[2]["tool"] == "denoise" and rows[2]["frames"] == "0-3"
    assert rows[2]["c2pa_action"] == "c2pa.enhanced"
    assert not any(v.startswith("=") for r in rows for v in r.values())


def test_unknown_format_is_a_usage_error() -> None:
    assert "json" in formats() and "csv" in formats()
    with pytest.raises(UsageError, match="unknown export format"):
        exporter("docx")
