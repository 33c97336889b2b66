"""Spreadsheet formula injection: no cell, and no line inside a cell, starts a formula."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from support import new_project
from workbench.disclosure.exporters import ExportContext, exporter
from workbench.disclosure.exporters.csv_export import CsvRows, _safe
from workbench.disclosure.store import utc_now

HOSTILE_NAMES = [
    "ok\r=HYPERLINK(\"http://x\")",
    "ok\n+1+1",
    "ok\r\n-2",
    "@SUM(A1)",
    "\t=1",
    "plain",
]


@pytest.mark.parametrize("value", HOSTILE_NAMES)
def test_no_line_of_a_cell_starts_a_formula(value: str) -> None:
    for line in re.split(r"\r\n|\r|\n", _safe(value)):
        assert not line or line[0] not in "=+-@\t", repr(_safe(value))


def test_a_field_with_a_bare_cr_is_quoted() -> None:
    buffer = io.StringIO()
    CsvRows(buffer).writerow(["a", "b\r=1"])
    assert buffer.getvalue() == '"a","b\r=1"\n'


def test_the_csv_export_reads_back_with_every_hostile_text_neutralised(tmp_path: Path) -> None:
    with new_project(tmp_path / "p.wbproj", operator="x\r=cmd|' /C calc'!A0") as project:
        for n, name in enumerate(HOSTILE_NAMES):
            media = tmp_path / f"clip{n}.mov"
            media.write_bytes(b"")
            project.add_clip(media, fingerprint=f"{n:064x}", media={"frame_count": 4}, name=name)
        data = project.log_data()
    text = exporter("csv").write_to_string(ExportContext(data=data, exported=utc_now()))
    assert isinstance(text, str)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            for line in re.split(r"\r\n|\r|\n", cell):
                assert not line or line[0] not in "=+-@", repr(cell)
    # every CR stands inside a quoted field (an odd number of quotes before it)
    crs = [m.start() for m in re.finditer("\r", text)]
    assert crs, "the hostile names should put a CR into the export"
    assert all(text.count('"', 0, at) % 2 == 1 for at in crs)
