"""Every published tampering, tried through the command line a producer uses (issue 13).

Each attack works on the files as an attacker would — sqlite3 with the append-only triggers
dropped, a key swapped and every checkpoint re-signed, the project file replaced while a render
runs, a model whose sparse tensor reads a file — and each must be caught with the message a
producer reads. Runs with ``-m slow``; ``.ci/run`` runs this file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from support import project_with, raw, tamper
from workbench.cli import main
from workbench.project import Project
from workbench.render import RenderRequest, run_render
from workbench.render.events import Advanced, RenderEvent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def footage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("footage") / "a001.mov"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24",
         "-frames:v", "12", "-c:v", "prores_ks", "-profile:v", "3", str(path)],
        check=True,
    )
    return path


@pytest.fixture
def project(tmp_path: Path, footage: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = project_with(tmp_path, footage, ["--tool", "denoise", "--frames", "0-5"])
    assert main(["log", "verify", str(path)]) == 0  # this machine has now seen its signer
    assert main(["log", "export", str(path), "-o", str(tmp_path / "handed-over.json")]) == 0
    capsys.readouterr()
    return path


def verify(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["log", "verify", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_changed_column_is_named(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tamper(project, ("UPDATE log SET operator = 'Someone Else' WHERE seq = 3", ()))
    code, text = verify(capsys, str(project))
    assert code == 1 and "entry 3" in text and "changed" in text, text


def test_a_rechained_rewrite_is_named(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.disclosure.canonical import canonical_bytes, sha256_hex

    for conn in raw(project):
        prev = None
        for seq, body in conn.execute("SELECT seq, body FROM log ORDER BY seq").fetchall():
            entry = json.loads(body)
            if seq == 3:
                entry["operator"] = "Someone Else"
            if prev is not None:
                entry["prev"] = prev
            new_body = canonical_bytes(entry)
            prev = sha256_hex(new_body)
            conn.execute(
                "UPDATE log SET body = ?, entry_hash = ?, prev_hash = ?, operator = ? WHERE seq = ?",
                (new_body, prev, entry["prev"], entry["operator"], seq),
            )
    code, text = verify(capsys, str(project))
    assert code == 1 and "entry 3" in text, text


def test_a_swapped_key_is_named(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from disclosure.test_signer import resign
    from workbench.disclosure.keys import SigningKey

    resign(project, SigningKey.from_seed(b"mallory"))
    code, text = verify(capsys, str(project))
    assert code == 1 and "signer" in text.lower() and "key" in text, text
    code, text = verify(capsys, str(project), "--against", str(tmp_path / "handed-over.json"))
    assert code == 1 and "the export you trust" in text, text


def test_a_cut_back_log_is_caught_against_the_export(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["edit", "disable", str(project), "1"]) == 0
    assert main(["log", "export", str(project), "-o", str(tmp_path / "later.json")]) == 0
    for conn in raw(project):
        last = conn.execute("SELECT MAX(seq) FROM log").fetchone()[0]
        conn.execute("DELETE FROM log WHERE seq = ?", (last,))
        conn.execute("DELETE FROM checkpoints WHERE seq >= ?", (last,))
        conn.execute("UPDATE edits SET enabled = 1 WHERE id = 1")
    code, text = verify(capsys, str(project), "--against", str(tmp_path / "later.json"))
    assert code == 1, text


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE edits SET parameters = '{\"strength\": 1.0}' WHERE id = 1",
        "UPDATE edits SET frame_end = 11 WHERE id = 1",
        "INSERT INTO edits (clip_id, position, tool, tool_version, parameters, frame_start, "
        "frame_end, region, created, log_entry) SELECT clip_id, 2, 'dust', tool_version, '{}', "
        "0, 11, region, created, 'forged' FROM edits WHERE id = 1",
    ],
    ids=["parameters", "frames", "inserted"],
)
def test_an_edited_stack_is_named_and_never_rendered(
    project: Path, tmp_path: Path, statement: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(project, (statement, ()))
    code, text = verify(capsys, str(project))
    assert code == 1 and "edit " in text, text
    out = tmp_path / "out.mov"
    assert main(["render", str(project), "1", "-o", str(out)]) == 1
    assert "vouches for" in capsys.readouterr().err
    assert not out.exists()


def test_a_project_swapped_mid_render_registers_nothing(
    project: Path, tmp_path: Path, footage: Path
) -> None:
    from workbench.errors import WorkbenchError

    (tmp_path / "other").mkdir()
    other = project_with(tmp_path / "other", footage)
    swapped = False

    def swap(event: RenderEvent) -> None:
        nonlocal swapped
        if isinstance(event, Advanced) and not swapped:
            swapped = True
            shutil.copyfile(other, project)

    out = tmp_path / "out.mov"
    with pytest.raises(WorkbenchError) as caught:
        run_render(RenderRequest(project, 1, out, segment_frames=6), on_event=swap)
    assert swapped and not out.exists()
    assert "changed while the render ran" in str(caught.value)
    assert "the rendered output is kept at" in str(caught.value)
    for path in (project, other):
        with Project.open(path, readonly=True) as opened:
            assert opened.renders() == []


def test_a_model_reading_a_file_through_a_sparse_tensor_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from catalog.test_check_external_data import sparse_model

    model = tmp_path / "sparse.onnx"
    model.write_bytes(sparse_model().SerializeToString())
    capsys.readouterr()
    assert main(["models", "import", str(model)]) == 6
    err = capsys.readouterr().err
    assert "external" in err and "sparse_initializer" in err, err
