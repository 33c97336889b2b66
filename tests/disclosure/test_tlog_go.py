"""An independent implementation checks ours: Go's golang.org/x/mod/sumdb/note and sumdb/tlog
(Debian's golang-golang-x-mod-dev, built offline) read our checkpoint notes and proofs; they
must accept what we write and reject any of it with a flipped byte."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support import TEST_KEY, new_project, populate
from workbench.disclosure.export import LogData
from workbench.disclosure.tlog.logtree import checkpoint_of, log_tree
from workbench.disclosure.tlog.note import VerifierKey, origin_for, sign_checkpoint
from workbench.disclosure.tlog.shots import prove

SOURCE = Path(__file__).parent / "tlog_go" / "verify.go"
GOPATH = Path("/usr/share/gocode")
NOTE_PACKAGE = GOPATH / "src" / "golang.org" / "x" / "mod" / "sumdb" / "note"


@pytest.fixture(scope="module")
def go_verify(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = shutil.which("go")
    if go is None:
        pytest.skip("`go` is not installed (apt-get install golang-go golang-golang-x-mod-dev)")
    if not NOTE_PACKAGE.is_dir():
        pytest.skip("golang.org/x/mod is not in /usr/share/gocode (golang-golang-x-mod-dev)")
    out = tmp_path_factory.mktemp("go") / "verify"
    env = {
        **os.environ,
        "GO111MODULE": "off",
        "GOPATH": str(GOPATH),
        "GOCACHE": str(out.parent / "cache"),
        "GOFLAGS": "",
    }
    built = subprocess.run(
        [go, "build", "-o", str(out), str(SOURCE)], env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    return out


def _run(tool: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(tool), *args], capture_output=True, text=True, timeout=60)


@pytest.fixture()
def shot(tmp_path: Path) -> tuple[str, str, LogData]:
    with new_project(tmp_path / "go.wbproj") as project:
        populate(project, edits=5)
        data = project.log_data()
    proof = prove(data, ["2", "6", "7"], TEST_KEY)
    return proof.text, proof.verifier.vkey, data


def _flip(text: str, at: int) -> str:
    """``text`` with the byte at ``at`` changed to another printable ASCII character."""
    char = text[at]
    if char.isdigit():
        new = str((int(char) + 1) % 10)
    else:
        new = "B" if char == "A" else "A" if char.isalnum() else "#"
    return text[:at] + new + text[at + 1 :]


def test_go_accepts_our_proofs_and_rejects_a_flipped_byte(
    go_verify: Path, shot: tuple[str, str, LogData], tmp_path: Path
) -> None:
    text, vkey, _ = shot
    path = tmp_path / "shot.tlog-proof"
    path.write_text(text)
    ok = _run(go_verify, "proof", vkey, str(path))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.count("OK record") == 3
    lines = text.split("\n")
    targets = {
        "the entry's bytes": text.index("extra ") + 40,
        "the index": text.index("index 1") + len("index "),
        "a proof hash": len("\n".join(lines[:4])) + 3,
        "the signed root": text.index("\n\nworkbench.project/") + 2 + len(lines[0]) + 10,
        "the signature": text.index("\u2014 ") + 100,
    }
    for what, at in targets.items():
        path.write_text(_flip(text, at))
        bad = _run(go_verify, "proof", vkey, str(path))
        assert bad.returncode == 1, f"Go accepted a proof with a flipped byte in {what}"
    other = VerifierKey(origin_for("someone-else"), TEST_KEY.public_raw).vkey
    path.write_text(text)
    assert _run(go_verify, "proof", other, str(path)).returncode == 1


def test_go_checks_our_consistency_proofs(
    go_verify: Path, shot: tuple[str, str, LogData], tmp_path: Path
) -> None:
    _, vkey, data = shot
    project_id = str(data.project_id)
    tree = log_tree(data.rows)
    old, new = tmp_path / "old.note", tmp_path / "new.note"
    proof_file = tmp_path / "consistency"
    for size in range(1, tree.size):
        old.write_text(sign_checkpoint(checkpoint_of(project_id, tree, size), TEST_KEY).encode())
        new.write_text(sign_checkpoint(checkpoint_of(project_id, tree), TEST_KEY).encode())
        hashes = tree.consistency_proof(size)
        proof_file.write_text("".join(base64.b64encode(h).decode() + "\n" for h in hashes))
        ok = _run(go_verify, "consistency", vkey, str(old), str(new), str(proof_file))
        assert ok.returncode == 0, ok.stderr
    # A flipped byte in the proof, or an old tree that is not a prefix, is refused.
    proof_file.write_text(_flip(proof_file.read_text(), 5))
    assert _run(go_verify, "consistency", vkey, str(old), str(new), str(proof_file)).returncode == 1
    cut = log_tree(data.rows[:3])
    new.write_text(sign_checkpoint(checkpoint_of(project_id, cut), TEST_KEY).encode())
    hashes = tree.consistency_proof(2, 3)
    proof_file.write_text("".join(base64.b64encode(h).decode() + "\n" for h in hashes))
    old.write_text(sign_checkpoint(checkpoint_of(project_id, tree, 5), TEST_KEY).encode())
    assert _run(go_verify, "consistency", vkey, str(old), str(new), str(proof_file)).returncode == 1
