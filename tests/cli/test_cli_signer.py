"""The signer on the command line: ``log verify`` and ``info`` name it, a swapped key fails with
exit 1 on a machine that saw the project, ``--against`` compares keys, ``identity trust`` /
``trusted`` / ``rotate``, and the reports name the signer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from support import TEST_KEY, new_project, populate
from workbench.cli import main
from workbench.disclosure.keys import SigningKey, fingerprint

ATTACKER = SigningKey.from_seed(b"attacker")


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.wbproj"
    with new_project(path) as project:
        populate(project, edits=2)
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _resign(path: Path, key: SigningKey) -> None:
    from disclosure.test_signer import resign

    resign(path, key)


def test_log_verify_names_the_signer_and_says_first_seen_once(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "log", "verify", str(project_path))
    assert code == 0
    fp = fingerprint(TEST_KEY.key_id)
    assert f"signed by Test Operator (key {fp}, first seen on this machine)" in out
    code, out, _ = _run(capsys, "log", "verify", str(project_path))
    assert code == 0 and "first seen" not in out and "seen on this machine since" in out


def test_key_swap_fails_verification_with_both_keys_named(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "log", "verify", str(project_path))[0] == 0
    _resign(project_path, ATTACKER)
    code, out, err = _run(capsys, "log", "verify", str(project_path))
    assert code == 1 and out == ""
    assert "signer-changed" in err
    assert fingerprint(ATTACKER.key_id) in err and fingerprint(TEST_KEY.key_id) in err
    assert "Test project" in err and "workbench identity trust" in err


def test_key_swap_against_an_older_export_fails(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "old.json"
    assert _run(capsys, "log", "export", str(project_path), "-o", str(export))[0] == 0
    _resign(project_path, ATTACKER)
    code, _, err = _run(capsys, "log", "verify", str(project_path), "--against", str(export))
    assert code == 1
    assert (
        f"the project is signed by key {fingerprint(ATTACKER.key_id)}, the export you trust "
        f"by key {fingerprint(TEST_KEY.key_id)}"
    ) in err


def test_export_verify_names_the_signer_and_remembers_it(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "log.json"
    assert _run(capsys, "log", "export", str(project_path), "-o", str(export))[0] == 0
    code, out, _ = _run(capsys, "log", "verify", str(export))
    assert code == 0 and "first seen on this machine" in out
    _resign(project_path, ATTACKER)  # the project is the export's project: its key is known
    assert _run(capsys, "log", "verify", str(project_path))[0] == 1


def test_info_shows_the_signer(project_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "info", str(project_path))
    assert code == 0
    assert f"signed    Test Operator (key {fingerprint(TEST_KEY.key_id)}" in out
    code, out, _ = _run(capsys, "info", str(project_path), "--json")
    (signer,) = json.loads(out)["signers"]
    assert signer["key_id"] == TEST_KEY.key_id and signer["status"] == "known"


def test_identity_trust_a_key_and_list_it(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys, "identity", "trust", TEST_KEY.public_raw.hex(), "--name", "Studio North"
    )
    assert code == 0 and fingerprint(TEST_KEY.key_id) in out and "every project" in out
    code, out, _ = _run(capsys, "log", "verify", str(project_path))
    assert code == 0
    assert f"signed by Studio North (key {fingerprint(TEST_KEY.key_id)}, trusted)" in out
    code, out, _ = _run(capsys, "identity", "trusted")
    assert code == 0 and "Studio North" in out and "every project" in out
    assert "trusted by hand" in out


def test_identity_trust_from_an_export_or_a_key_file(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cryptography.hazmat.primitives import serialization

    export = tmp_path / "log.json"
    assert _run(capsys, "log", "export", str(project_path), "-o", str(export))[0] == 0
    code, out, _ = _run(capsys, "identity", "trust", str(export))
    assert code == 0 and "Test Operator" in out and fingerprint(TEST_KEY.key_id) in out
    pem = tmp_path / "attacker.pub.pem"
    pem.write_bytes(
        ATTACKER.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    code, out, _ = _run(capsys, "identity", "trust", str(pem), "--project-id", "p-1")
    assert code == 0 and "for project p-1" in out
    code, out, _ = _run(capsys, "identity", "trusted", "--json")
    trusted = json.loads(out)["trusted"]
    assert {(t["key_id"], t["project"]) for t in trusted} == {
        (TEST_KEY.key_id, None),
        (ATTACKER.key_id, "p-1"),
    }
    code, _, err = _run(capsys, "identity", "trust", "not-a-key")
    assert code == 2 and "neither a file nor an Ed25519 public key" in err


def test_identity_trust_for_the_project_accepts_a_confirmed_new_key(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "log", "verify", str(project_path))[0] == 0
    _resign(project_path, ATTACKER)
    assert _run(capsys, "log", "verify", str(project_path))[0] == 1
    code, out, _ = _run(capsys, "info", str(project_path), "--json")
    project_id = json.loads(out)["id"]
    assert (
        _run(capsys, "identity", "trust", ATTACKER.public_b64, "--project-id", project_id)[0] == 0
    )
    code, out, _ = _run(capsys, "log", "verify", str(project_path))
    assert code == 0 and "trusted" in out


def test_identity_rotate_hands_projects_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """This machine's key rotates; a machine that saw the project accepts the new key."""
    path = tmp_path / "mine.wbproj"
    other = tmp_path / "other.wbproj"
    assert main(["new", str(path)]) == 0  # signed with this machine's own key
    assert main(["new", str(other)]) == 0
    assert _run(capsys, "log", "verify", str(path))[0] == 0
    assert _run(capsys, "log", "verify", str(other))[0] == 0
    code, out, _ = _run(capsys, "identity", "rotate", str(path))
    assert code == 0 and "handed over" in out
    # another machine: it saw both projects (the same trusted-keys file), holds no key of ours
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    config = Path(__import__("os").environ["WORKBENCH_CONFIG_DIR"])
    shutil.copy(config / "trusted-keys.json", elsewhere / "trusted-keys.json")
    code, out, _ = _run(capsys, "log", "verify", str(path))
    assert code == 0 and "this machine's own key" in out
    # the other project is handed over on its next change on this machine
    assert main(["consent", "add", str(other), "--subject", "Jane", "--scope", "likeness"]) == 0
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(elsewhere))
    for project in (path, other):
        code, out, err = _run(capsys, "log", "verify", str(project))
        assert code == 0, err
        assert "handed over by key" in out


def test_html_and_pdf_reports_name_the_signer(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = tmp_path / "report.html"
    assert (
        _run(capsys, "log", "export", str(project_path), "--format", "html", "-o", str(html))[0]
        == 0
    )
    page = html.read_text()
    assert f"Signed by Test Operator (key {fingerprint(TEST_KEY.key_id)})" in page
    from workbench.disclosure.export import log_data_from_store
    from workbench.disclosure.exporters import ExportContext
    from workbench.disclosure.report_model import build_report
    from workbench.project import Project

    with Project.open(project_path, readonly=True) as project:
        data = log_data_from_store(project.log, project.summary_header())
    report = build_report(ExportContext(data=data, exported="2026-01-01T00:00:00Z"))
    assert report.signed_by == (f"Test Operator (key {fingerprint(TEST_KEY.key_id)})",)
    assert report.one_minute_summary()[-1].startswith("Signed by Test Operator")
