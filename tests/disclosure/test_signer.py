"""Name the signer: trust on first use, key rotation, ``--against`` keys, and trusted keys.

The attack: replace the project's public key rows and re-sign every checkpoint with a key of
one's own, through the project's own code paths. Every entry is untouched, so the log verifies
by itself; only what this machine remembers (or an earlier export) can tell.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from support import TEST_KEY, new_project, populate, raw
from workbench.disclosure.canonical import canonical_bytes
from workbench.disclosure.entries import KeyRotationEntry, parse_checkpoint
from workbench.disclosure.keys import (
    SigningKey,
    fingerprint,
    public_key_from_bytes,
    public_key_from_text,
    retired_key_path,
)
from workbench.disclosure.trust import TrustStore, signer_summary, trust_path
from workbench.project import Project

ATTACKER = SigningKey.from_seed(b"attacker")
NEW_KEY = SigningKey.from_seed(b"the studio's new key")


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.wbproj"
    with new_project(path) as project:
        populate(project, edits=3)
    return path


def resign(path: Path, key: SigningKey) -> None:
    """The key swap: every checkpoint re-signed with ``key``, and only ``key`` in the table."""
    for conn in raw(path):
        conn.execute("BEGIN")
        conn.execute("DELETE FROM signing_keys")
        conn.execute(
            "INSERT INTO signing_keys (key_id, algorithm, public_key, added, operator) "
            "VALUES (?, 'Ed25519', ?, '2026-01-01T00:00:00Z', 'Test Operator')",
            (key.key_id, key.public_b64),
        )
        for seq, body in conn.execute("SELECT seq, body FROM checkpoints").fetchall():
            signed = replace(parse_checkpoint(json.loads(body)), key_id=key.key_id)
            new_body = canonical_bytes(signed.to_dict())
            conn.execute(
                "UPDATE checkpoints SET key_id = ?, body = ?, signature = ? WHERE seq = ?",
                (key.key_id, new_body, key.sign(new_body), seq),
            )
        conn.execute("COMMIT")


def summary(path: Path, *, record: bool = True):  # type: ignore[no-untyped-def]
    with Project.open(path, readonly=True) as project:
        return signer_summary(project, record=record)


def test_the_signer_is_named_with_operator_and_fingerprint(project_path: Path) -> None:
    first = summary(project_path)
    assert first.ok and first.first_seen
    (signer,) = first.signers
    assert signer.key_id == TEST_KEY.key_id and signer.operators == ("Test Operator",)
    assert signer.fingerprint == fingerprint(TEST_KEY.key_id)
    assert len(signer.fingerprint.split(" ")) == 4
    assert first.line() == (
        f"signed by Test Operator (key {signer.fingerprint}, first seen on this machine)"
    )
    again = summary(project_path)  # "first seen" is said once
    assert not again.first_seen and again.signers[0].status == "known"
    assert "seen on this machine since" in again.line()


def test_key_swap_passes_on_a_machine_that_never_saw_the_project(project_path: Path) -> None:
    """What trust on first use cannot do: the first sight of a re-signed project is believed."""
    resign(project_path, ATTACKER)
    result = summary(project_path)
    assert result.ok and result.signers[0].status == "first-seen"


def test_key_swap_fails_on_a_machine_that_saw_the_project(project_path: Path) -> None:
    assert summary(project_path).ok  # seen here: its key is remembered
    resign(project_path, ATTACKER)
    with Project.open(project_path, readonly=True) as project:
        assert project.verify().ok  # the log alone cannot tell
        result = signer_summary(project, record=True)
        project_id = project.id
    assert not result.ok
    problem = result.report.first
    assert problem is not None and problem.kind == "signer-changed"
    assert fingerprint(ATTACKER.key_id) in problem.message
    assert fingerprint(TEST_KEY.key_id) in problem.message
    assert project_id in problem.message and "'Test project'" in problem.message
    assert result.signers[0].status == "unknown"
    # the failure is not recorded: it fails again, and again
    assert not summary(project_path).ok
    assert ATTACKER.key_id not in TrustStore.load().seen(project_id)


def test_a_rotation_entry_signed_by_the_previous_key_lets_the_new_key_in(
    project_path: Path,
) -> None:
    assert summary(project_path).ok
    with Project.open(project_path, key=NEW_KEY) as project:
        with project.transaction() as log:
            log.append_entry(
                KeyRotationEntry.signed(project.id, TEST_KEY, NEW_KEY.public_b64),
                operator=project.operator,
            )
        populate(project, edits=1)
    result = summary(project_path)
    assert result.ok, result.report.problems
    assert [s.status for s in result.signers] == ["known", "rotated"]
    assert result.signers[1].via == TEST_KEY.key_id
    assert "handed over by key" in result.line()
    assert summary(project_path).signers[1].status == "known"  # remembered


def test_a_new_key_without_rotation_fails_loudly(project_path: Path) -> None:
    """A legitimate-looking change (a second machine's key joins) still needs a rotation."""
    assert summary(project_path).ok
    with Project.open(project_path, key=NEW_KEY) as project:
        populate(project, edits=1)
    result = summary(project_path)
    assert not result.ok and result.report.first is not None
    assert result.report.first.kind == "signer-changed"
    assert [s.status for s in result.signers] == ["known", "unknown"]


def test_a_rotation_signed_by_the_attackers_own_key_does_not_help(project_path: Path) -> None:
    assert summary(project_path).ok
    resign(project_path, ATTACKER)
    with Project.open(project_path, key=ATTACKER) as project, project.transaction() as log:
        log.append_entry(
            KeyRotationEntry.signed(project.id, ATTACKER, ATTACKER.public_b64),
            operator=project.operator,
        )
    assert not summary(project_path).ok


def test_a_forged_rotation_signature_is_named(project_path: Path) -> None:
    with Project.open(project_path, key=NEW_KEY) as project:
        forged = replace(
            KeyRotationEntry.signed(project.id, ATTACKER, NEW_KEY.public_b64),
            previous_key_id=TEST_KEY.key_id,
        )
        with project.transaction() as log:
            entry = log.append_entry(forged, operator=project.operator)
        report = project.verify()
    assert report.first is not None
    assert (report.first.entry, report.first.kind) == (entry["seq"], "bad-signature")
    assert "does not verify" in report.first.message


def test_a_rotation_for_another_project_does_not_verify(project_path: Path) -> None:
    with Project.open(project_path, key=NEW_KEY) as project:
        with project.transaction() as log:
            log.append_entry(
                KeyRotationEntry.signed("another project", TEST_KEY, NEW_KEY.public_b64),
                operator=project.operator,
            )
        assert not project.verify().ok


def test_opening_with_a_rotated_local_key_writes_the_hand_over(project_path: Path) -> None:
    """A retired key on this machine hands the project over on its next change."""
    assert summary(project_path).ok
    retired = retired_key_path(TEST_KEY.key_id)
    retired.parent.mkdir(parents=True)
    retired.write_bytes(_pem(TEST_KEY))
    with Project.open(project_path, key=NEW_KEY) as project:
        populate(project, edits=1)
        kinds = [e["schema"] for e in project.log.entries()]
        populate(project, edits=1)  # once only
        assert [e["schema"] for e in project.log.entries()].count("workbench.key-rotation/1") == 1
    assert kinds[-3] == "workbench.key-rotation/1"
    result = summary(project_path)
    assert result.ok and result.signers[1].status == "rotated"


def test_against_an_older_export_fails_with_the_key_message(
    project_path: Path, tmp_path: Path
) -> None:
    from workbench.cli import main

    export = tmp_path / "vouched.json"
    assert main(["log", "export", str(project_path), "-o", str(export)]) == 0
    resign(project_path, ATTACKER)
    with Project.open(project_path, readonly=True) as project:
        report = project.verify(export)
    assert not report.ok
    (problem,) = [p for p in report.problems if p.kind == "signer-changed"]
    assert (
        f"the project is signed by key {fingerprint(ATTACKER.key_id)}, the export you trust by "
        f"key {fingerprint(TEST_KEY.key_id)}"
    ) in problem.message


def test_against_an_export_accepts_a_rotated_key(project_path: Path, tmp_path: Path) -> None:
    from workbench.cli import main

    export = tmp_path / "vouched.json"
    assert main(["log", "export", str(project_path), "-o", str(export)]) == 0
    with Project.open(project_path, key=NEW_KEY) as project:
        with project.transaction() as log:
            log.append_entry(
                KeyRotationEntry.signed(project.id, TEST_KEY, NEW_KEY.public_b64),
                operator=project.operator,
            )
        assert project.verify(export).ok


def test_explicitly_trusted_key_is_named_as_trusted(project_path: Path) -> None:
    store = TrustStore.load()
    store.trust(TEST_KEY.public_b64, name="Studio North", project_id=None)
    store.save()
    result = summary(project_path)
    assert result.ok and result.signers[0].status == "trusted"
    assert result.line().startswith("signed by Studio North (key ")
    assert result.line().endswith(", trusted)")


def test_trusting_a_new_key_for_one_project_accepts_the_change(project_path: Path) -> None:
    assert summary(project_path).ok
    resign(project_path, NEW_KEY)
    assert not summary(project_path).ok
    with Project.open(project_path, readonly=True) as project:
        project_id = project.id
    store = TrustStore.load()
    store.trust(NEW_KEY.public_b64, name=None, project_id="another project")
    store.save()
    assert not summary(project_path).ok  # trusted for another project only
    store = TrustStore.load()
    store.trust(NEW_KEY.public_b64, name=None, project_id=project_id)
    store.save()
    assert summary(project_path).ok


def test_project_trusted_by_hand_is_not_first_seen(project_path: Path) -> None:
    """A project id a key was trusted for is known here: another key is refused at once."""
    with Project.open(project_path, readonly=True) as project:
        project_id = project.id
    store = TrustStore.load()
    store.trust(NEW_KEY.public_b64, name="Studio", project_id=project_id)
    store.save()
    result = summary(project_path)
    assert not result.ok and result.signers[0].status == "unknown"


def test_trust_file_is_json_with_a_schema(project_path: Path) -> None:
    summary(project_path)
    data = json.loads(trust_path().read_text())
    assert data["schema"] == "workbench.trusted-keys/1"
    (record,) = data["projects"].values()
    assert record["keys"][TEST_KEY.key_id]["public_key"] == TEST_KEY.public_b64
    assert record["keys"][TEST_KEY.key_id]["how"] == "first use"


def test_damaged_trust_file_is_a_clear_error(project_path: Path) -> None:
    from workbench.errors import DisclosureError

    trust_path().parent.mkdir(parents=True, exist_ok=True)
    trust_path().write_text("{not json")
    with pytest.raises(DisclosureError, match="trusted keys"):
        summary(project_path)


def test_public_keys_read_from_text_and_files() -> None:
    raw_key = TEST_KEY.public_raw
    assert public_key_from_text(raw_key.hex()) == TEST_KEY.public_b64
    assert public_key_from_text(TEST_KEY.public_b64) == TEST_KEY.public_b64
    assert public_key_from_text("not a key") is None
    assert public_key_from_text("00" * 31) is None
    assert public_key_from_bytes(raw_key) == TEST_KEY.public_b64
    assert public_key_from_bytes(_public_pem(TEST_KEY)) == TEST_KEY.public_b64
    assert public_key_from_bytes(_pem(TEST_KEY)) == TEST_KEY.public_b64
    assert public_key_from_bytes(b"garbage" * 10) is None


def _pem(key: SigningKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _public_pem(key: SigningKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
