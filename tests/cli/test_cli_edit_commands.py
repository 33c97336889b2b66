"""The command line makes the same core calls as the window: edit remove/disable/enable/undo,
consent add/list, models import."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.disclosure import records
from workbench.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    clip = tmp_path / "clip.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24",
         "-frames:v", "8", "-c:v", "ffv1", str(clip)],
        check=True,
    )
    path = tmp_path / "p.wbproj"
    assert main(["new", str(path)]) == 0
    assert main(["import", str(path), str(clip)]) == 0
    assert main(["apply", str(path), "1", "--tool", "denoise", "--frames", "0-3"]) == 0
    return path


def _out(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_edit_disable_enable_remove_and_undo(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "[on ] edit 1 (denoise" in _out(capsys, "edit", "list", str(project))
    assert "disabled edit 1" in _out(capsys, "edit", "disable", str(project), "1")
    assert "[off] edit 1" in _out(capsys, "edit", "list", str(project))
    assert "enabled edit 1" in _out(capsys, "edit", "enable", str(project), "1")
    assert "removed edit 1" in _out(capsys, "edit", "remove", str(project), "1")
    assert _out(capsys, "edit", "list", str(project)) == ""
    assert "undid: Remove Denoise edit" in _out(capsys, "edit", "undo", str(project))
    listed = _out(capsys, "edit", "list", str(project))
    assert listed.startswith("2\t[on ] edit 2 (denoise, clip 1, frames 0-3)")
    with Project.open(project, readonly=True) as opened:
        schemas = [e["schema"] for e in opened.log_data().entries()]
        assert opened.verify().ok
    assert schemas.count(records.TOGGLE) == 2 and schemas.count(records.EDIT) == 2
    assert main(["edit", "remove", str(project), "9"]) != 0
    assert "no edit 9" in capsys.readouterr().err


def test_consent_add_and_list(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = tmp_path / "release.pdf"
    release.write_bytes(b"%PDF-1.4 a signed release")
    out = _out(
        capsys, "consent", "add", str(project), "--subject", "Ada Actor",
        "--scope", "face cleanup", "--document", str(release), "--expires", "2031-06-30",
    )
    assert out.startswith("consent 1: Ada Actor (face cleanup)")
    listed = _out(capsys, "consent", "list", str(project))
    assert listed == "1\tAda Actor\tface cleanup until 2031-06-30 [release.pdf]\n"
    (record,) = json.loads(_out(capsys, "consent", "list", str(project), "--json"))
    import hashlib

    assert record["document_sha256"] == hashlib.sha256(release.read_bytes()).hexdigest()
    assert main(["consent", "add", str(project), "--subject", "B", "--scope", "s",
                 "--expires", "soon"]) == 2


def test_models_import_checks_the_card_against_the_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workbench.catalog import Catalog

    shipped = Catalog().find("denoise")
    onnx = tmp_path / "my-denoise.onnx"
    shutil.copyfile(shipped.path, onnx)
    out = _out(capsys, "models", "import", str(onnx))
    assert "imported" in out and "undisclosed" in out
    # a card that describes other bytes is refused
    card = tmp_path / "card.json"
    shutil.copyfile(shipped.card_path, card)
    other = tmp_path / "other.onnx"
    other.write_bytes(onnx.read_bytes() + b"\0")
    assert main(["models", "import", str(other), "--card", str(card)]) != 0
    assert "error:" in capsys.readouterr().err
