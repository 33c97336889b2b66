"""Checkpoint notes and shot proofs: C2SP formats, `log prove`, `log verify`, `--against`."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from support import TEST_KEY, new_project, populate, tamper
from workbench.cli import main
from workbench.disclosure.canonical import canonical_bytes
from workbench.disclosure.export import export_dict
from workbench.disclosure.tlog import (
    Checkpoint,
    NoteError,
    SignedNote,
    VerifierKey,
    open_checkpoint,
    sign_checkpoint,
)
from workbench.disclosure.tlog.note import key_hash
from workbench.disclosure.tlog.proof import verify_proofs
from workbench.disclosure.tlog.shots import note_problems, prove
from workbench.project import Project

ORIGIN = "workbench.project/11111111-2222-4333-8444-555555555555"


def test_checkpoint_note_is_the_c2sp_text_and_key_id() -> None:
    cp = Checkpoint(ORIGIN, 3, b"\x07" * 32)
    note = sign_checkpoint(cp, TEST_KEY)
    text = note.encode()
    lines = text.split("\n")
    assert lines[:4] == [ORIGIN, "3", base64.b64encode(b"\x07" * 32).decode(), ""]
    assert lines[4].startswith(f"\u2014 {ORIGIN} ") and lines[5] == ""
    blob = base64.b64decode(lines[4].split(" ")[2])
    expected_id = hashlib.sha256(ORIGIN.encode() + b"\n\x01" + TEST_KEY.public_raw).digest()[:4]
    assert blob[:4] == expected_id == key_hash(ORIGIN, TEST_KEY.public_raw)
    assert len(blob) == 4 + 64
    vkey = VerifierKey(ORIGIN, TEST_KEY.public_raw)
    assert VerifierKey.parse(vkey.vkey) == vkey
    assert open_checkpoint(text, [vkey]) == (cp, vkey)


def test_a_note_fails_on_any_flipped_byte_and_on_an_unknown_key() -> None:
    text = sign_checkpoint(Checkpoint(ORIGIN, 12, b"\x01" * 32), TEST_KEY).encode()
    vkey = VerifierKey(ORIGIN, TEST_KEY.public_raw)
    data = text.encode()
    for i in range(len(data)):
        flipped = bytearray(data)
        flipped[i] ^= 0x01
        try:
            changed = flipped.decode("utf-8")
        except UnicodeDecodeError:
            continue
        with pytest.raises(NoteError):
            open_checkpoint(changed, [vkey])
    other = VerifierKey(ORIGIN, b"\x02" * 32)
    with pytest.raises(NoteError, match="not signed by a known key"):
        open_checkpoint(text, [other])
    assert SignedNote.parse(text).text == Checkpoint(ORIGIN, 12, b"\x01" * 32).text()


@pytest.fixture()
def project_path(tmp_path: Path) -> Path:
    """A project signed with the user's own key (as `workbench` makes one)."""
    path = tmp_path / "shot.wbproj"
    with Project.create(path, "Shot") as project:
        populate(project, edits=4)
    return path


def _entry_ids(path: Path) -> list[str]:
    with Project.open(path, readonly=True) as project:
        return [str(e["id"]) for e in project.log_data().entries()]


def test_prove_writes_a_c2sp_proof_and_verify_says_what_it_proves(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _entry_ids(project_path)
    out = tmp_path / "shot.tlog-proof"
    assert main(["log", "prove", str(project_path), "--entry", ids[2], "4", "-o", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra ")
    assert text.count("c2sp.org/tlog-proof@v1\n") == 2
    assert "\nindex 2\n" in text and "\nindex 3\n" in text
    assert (tmp_path / "shot.vkey").read_text().startswith("workbench.project/")
    capsys.readouterr()
    assert main(["log", "verify", str(out)]) == 0
    said = capsys.readouterr().out
    assert "verifies: 2 entries" in said and "entry 3" in said and "entry 4" in said
    assert "denoise on clip" in said
    # Against the producer's project as the key source, too.
    assert main(["log", "verify", str(out), "--key", str(project_path)]) == 0


def test_a_flipped_byte_anywhere_in_a_proof_fails(project_path: Path, tmp_path: Path) -> None:
    with Project.open(project_path, readonly=True) as project:
        data = project.log_data()
        shot = prove(data, ["3"], project.key)
    keys = [shot.verifier]
    assert verify_proofs(shot.text, keys).entries[0].seq == 3
    raw_bytes = shot.text.encode()
    for i in range(len(raw_bytes)):
        flipped = bytearray(raw_bytes)
        flipped[i] ^= 0x01
        try:
            text = flipped.decode("utf-8")
        except UnicodeDecodeError:
            continue  # the CLI refuses non-UTF-8 outright
        with pytest.raises(NoteError):
            verify_proofs(text, keys)


def test_a_tampered_proof_file_fails_the_command(project_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "shot.tlog-proof"
    assert main(["log", "prove", str(project_path), "--entry", "2", "-o", str(out)]) == 0
    text = out.read_text()
    out.write_text(text.replace("\nindex 1\n", "\nindex 2\n"))
    assert main(["log", "verify", str(out)]) == 1
    out.write_bytes(b"\xff" + text.encode())
    assert main(["log", "verify", str(out)]) != 0


def test_only_a_signer_of_the_project_can_prove(tmp_path: Path) -> None:
    path = tmp_path / "other.wbproj"
    with new_project(path) as project:  # signed with TEST_KEY, not the user's key
        populate(project, edits=1)
    out = tmp_path / "x.tlog-proof"
    assert main(["log", "prove", str(path), "--entry", "1", "-o", str(out)]) != 0
    assert not out.exists()


def test_against_a_checkpoint_alone_catches_a_cut_back_log(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "kept.tlog-proof"
    assert main(["log", "prove", str(project_path), "--entry", "2", "-o", str(out)]) == 0
    assert main(["log", "verify", str(project_path), "--against", str(out)]) == 0
    # The attacker cuts the log back to 4 entries and re-signs a checkpoint for it: the chain
    # checks then pass, but the kept checkpoint of 6 entries is not a prefix of this log.
    tamper(
        project_path,
        ("DELETE FROM log WHERE seq > 4", ()),
        ("DELETE FROM checkpoints WHERE tree_size > 4", ()),
    )
    capsys.readouterr()
    assert main(["log", "verify", str(project_path), "--against", str(out)]) == 1
    assert "cut back" in capsys.readouterr().err


def test_against_a_checkpoint_catches_a_rewritten_and_rechained_log(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = tmp_path / "old.note"
    with Project.open(project_path, readonly=True) as project:
        note.write_text(prove(project.log_data(), ["1"], project.key).note.encode())
    with Project.open(project_path) as project:
        populate(project, edits=1)  # the log grows: still consistent
    assert main(["log", "verify", str(project_path), "--against", str(note)]) == 0
    # Any change among the old tree's entries breaks consistency, whatever was done to the
    # hash chain around it: here entry 2 rewritten, as a rechaining attacker would leave it.
    with Project.open(project_path, readonly=True) as project:
        rows, keys, project_id = project.log.rows(), project.log.key_rows(), project.id
    entry = json.loads(rows[1].body)
    entry["operator"] = "Someone Else"
    rows[1] = dataclasses.replace(rows[1], body=canonical_bytes(entry))
    problems = note_problems(rows, keys, project_id, note)
    assert [p.kind for p in problems] == ["rolled-back"]
    assert "consistency fails" in problems[0].message
    capsys.readouterr()


def test_against_an_export_uses_its_tree_too(project_path: Path, tmp_path: Path) -> None:
    from workbench.disclosure.tlog.shots import export_problems

    with Project.open(project_path, readonly=True) as project:
        data = project.log_data()
    exported = tmp_path / "export.json"
    exported.write_text(json.dumps(export_dict(data, exported="now")))
    assert export_problems(data.rows, data.rows) == []
    assert export_problems(data.rows[:-1], data.rows)[0].kind == "rolled-back"
    swapped = [data.rows[1], data.rows[0], *data.rows[2:]]
    assert "consistency fails" in export_problems(swapped, data.rows)[0].message
    assert main(["log", "verify", str(project_path), "--against", str(exported)]) == 0
