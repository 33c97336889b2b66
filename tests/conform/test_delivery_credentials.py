"""A delivered shot carries Content Credentials that name it and its sequence, read back by
c2pa's own Reader (not Workbench's): the manifest's title, the source's ``c2pa.opened``
action, and the disclosure assertion's ``delivery.shot`` with its timecodes and timeline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conform import nle
from support import new_project
from workbench.cli import main
from workbench.conform import ImportRequest, import_sequence
from workbench.disclosure.credentials.common import DISCLOSURE_LABEL
from workbench.fsutil import sha256_file

c2pa = pytest.importorskip("c2pa")


def active_manifest(path: Path) -> dict[str, Any]:
    with path.open("rb") as stream:
        reader = c2pa.Reader("video/quicktime", stream)
        try:
            store = json.loads(reader.json())
        finally:
            reader.close()
    manifest: dict[str, Any] = store["manifests"][store["active_manifest"]]
    return manifest


def test_a_delivered_shot_names_itself_and_its_sequence(
    tmp_path: Path, media: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    edl = tmp_path / "avid.edl"
    edl.write_text(nle.AVID_25, encoding="utf-8")
    film = tmp_path / "film.wbproj"
    with new_project(film) as project:
        import_sequence(project, ImportRequest(edl, (media["25"],), handles=4))
    assert main(["apply", str(film), "2", "--tool", "denoise", "--frames", "0-20"]) == 0
    out = tmp_path / "deliver"
    out.mkdir()
    assert main(["conform", "render", str(film), "-o", str(out), "--shots", "3"]) == 0
    (delivered,) = out.glob("*.mov")
    manifest = active_manifest(delivered)
    assert manifest["title"] == (
        "003_A002C001_wb_v001.mov — shot 3 (reel A002C001, source TC 02:00:05:05-02:00:06:05) "
        "of sequence SEQ_AVID"
    )
    assertions = {a["label"]: a["data"] for a in manifest["assertions"]}
    opened = next(
        a
        for label, data in assertions.items()
        if label.startswith("c2pa.actions")
        for a in data["actions"]
        if a["action"] == "c2pa.opened"
    )
    assert opened["description"] == (
        "source clip A002C001.mov, delivered as shot 3 (reel A002C001, source TC "
        "02:00:05:05-02:00:06:05) of sequence SEQ_AVID"
    )
    shot = assertions[DISCLOSURE_LABEL]["delivery"]["shot"]
    assert (shot["id"], shot["reel"], shot["version"]) == (3, "A002C001", 1)
    assert shot["source"] == {
        "rate": "25/1",
        "drop_frame": False,
        "in": "02:00:05:05",
        "out": "02:00:06:05",
    }
    assert shot["record"]["in"] == "01:00:01:15"
    sequence = shot["sequence"]
    assert sequence["name"] == "SEQ_AVID" and sequence["timeline"] == "avid.edl"
    assert sequence["timeline_sha256"] == sha256_file(edl)
    # Workbench's own reader and the CLI agree that the file is intact and signed
    assert main(["credentials", str(delivered)]) == 0
    assert "SEQ_AVID" in capsys.readouterr().out
