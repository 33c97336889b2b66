"""Bad footage and bad models at the CLI: a clear error, and nothing written to the log."""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from fractions import Fraction
from pathlib import Path

import pytest

from media.media_clips import make_video
from workbench.cli import main
from workbench.project import Project


def log_size(project: Path) -> int:
    with Project.open(project, readonly=True) as p:
        assert p.verify().ok
        return p.log.count()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.wbproj"
    assert main(["new", str(path)]) == 0
    return path


def huge_png(path: Path) -> Path:
    header = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(header))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + b"\x00" * 64
    )
    return path


def test_bad_footage_is_refused_and_not_logged(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = make_video(tmp_path / "good.mov", "prores_ks", "yuv422p10le", Fraction(24), frames=12)
    truncated = tmp_path / "truncated.mov"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    random_mov = tmp_path / "random.mov"
    random_mov.write_bytes(bytes(range(256)) * 64)
    before = log_size(project)
    for bad in (truncated, random_mov, huge_png(tmp_path / "huge.png")):
        code = main(["import", str(project), str(bad)])
        err = capsys.readouterr().err
        assert code != 0 and err.startswith("error: "), (bad, err)
        assert "Traceback" not in err and "internal error" not in err
    assert log_size(project) == before


def test_bad_models_are_refused_and_not_logged(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clip = make_video(tmp_path / "c.mov", "prores_ks", "yuv422p10le", Fraction(24), frames=6)
    assert main(["import", str(project), str(clip)]) == 0
    models = tmp_path / "models"
    models.mkdir()
    shipped = Path(__file__).parents[1] / "models"
    # a card whose hash does not match its model
    shutil.copy(shipped / "deblock.onnx", models / "tampered.onnx")
    card = json.loads((shipped / "deblock.card.json").read_text())
    card["id"] = "tampered"
    (models / "tampered.card.json").write_text(json.dumps(card))
    data = bytearray((models / "tampered.onnx").read_bytes())
    data[-10] ^= 0xFF
    (models / "tampered.onnx").write_bytes(bytes(data))
    # an ONNX file whose weights point outside its folder
    import onnx

    model = onnx.load(str(shipped / "deblock.onnx"))
    tensor = model.graph.initializer[0]
    tensor.ClearField("raw_data")
    tensor.data_location = onnx.TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", "../../etc/passwd"
    (models / "escape.onnx").write_bytes(model.SerializeToString())
    monkeypatch.setattr("workbench.catalog.catalog.default_model_dirs", lambda: [models])
    before = log_size(project)
    capsys.readouterr()
    for model_id in (
        "tampered",
        "undisclosed-"
        + __import__("hashlib").sha256((models / "escape.onnx").read_bytes()).hexdigest()[:12],
    ):
        code = main(["apply", str(project), "1", "--tool", "deblock", "--model", model_id])
        err = capsys.readouterr().err
        assert code != 0 and err.startswith("error: "), err
        assert "Traceback" not in err
    assert log_size(project) == before
