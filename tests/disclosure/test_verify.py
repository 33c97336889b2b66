"""Each kind of tampering, done directly to the SQLite file, is found and named."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from support import TEST_KEY, new_project, populate, raw, tamper
from workbench.disclosure.keys import SigningKey
from workbench.project import Project


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.wbproj"
    with new_project(path) as project:
        populate(project, edits=4)  # entries: 1 project, 2 import, 3-6 edits
    return path


def report_for(path: Path):  # type: ignore[no-untyped-def]
    with Project.open(path, readonly=True) as project:
        return project.verify()


def test_untouched_log_verifies(project_path: Path) -> None:
    report = report_for(project_path)
    assert report.ok, report.problems
    assert report.entries == 6
    assert report.checkpoints == 6


def test_triggers_refuse_update_and_delete(project_path: Path) -> None:
    conn = sqlite3.connect(project_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE log SET operator = 'x' WHERE seq = 3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM log WHERE seq = 3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM checkpoints")
    conn.close()
    assert report_for(project_path).ok


@pytest.mark.parametrize("column", ["id", "schema", "time", "operator", "prev_hash", "entry_hash"])
def test_changed_text_column_is_named(project_path: Path, column: str) -> None:
    tamper(project_path, (f"UPDATE log SET {column} = {column} || 'x' WHERE seq = 4", ()))
    report = report_for(project_path)
    assert not report.ok
    assert report.first is not None and report.first.entry == 4
    assert report.first.kind == "changed"


def test_changed_body_is_named(project_path: Path) -> None:
    for conn in raw(project_path):
        body = conn.execute("SELECT body FROM log WHERE seq = 5").fetchone()[0]
        changed = body.replace(b'"strength":0.75', b'"strength":0.95')
        assert changed != body
        conn.execute("UPDATE log SET body = ? WHERE seq = 5", (changed,))
    report = report_for(project_path)
    assert report.first is not None and report.first.entry == 5


def test_rewritten_chain_is_caught_by_checkpoints(project_path: Path) -> None:
    """An attacker who recomputes every hash after a change still cannot forge signatures."""
    import json

    from workbench.disclosure.canonical import canonical_bytes, sha256_hex

    for conn in raw(project_path):
        rows = conn.execute("SELECT seq, body FROM log ORDER BY seq").fetchall()
        prev = None
        for seq, body in rows:
            entry = json.loads(body)
            if seq == 4:
                entry["operator"] = "Someone Else"
            if prev is not None:
                entry["prev"] = prev
            new_body = canonical_bytes(entry)
            prev = sha256_hex(new_body)
            conn.execute(
                "UPDATE log SET body = ?, entry_hash = ?, prev_hash = ?, operator = ? WHERE seq = ?",
                (new_body, prev, entry["prev"], entry["operator"], seq),
            )
    report = report_for(project_path)
    assert report.first is not None and report.first.entry == 4


def test_deleted_entry_is_named(project_path: Path) -> None:
    tamper(project_path, ("DELETE FROM log WHERE seq = 3", ()))
    report = report_for(project_path)
    assert report.first is not None
    assert (report.first.entry, report.first.kind) == (3, "missing")


def test_truncated_tail_against_checkpoint(project_path: Path) -> None:
    tamper(project_path, ("DELETE FROM log WHERE seq >= 5", ()))
    report = report_for(project_path)
    assert report.first is not None
    assert (report.first.entry, report.first.kind) == (5, "truncated")


def test_duplicated_entry_is_named(project_path: Path) -> None:
    tamper(
        project_path,
        (
            "INSERT INTO log SELECT 7, id, schema, time, operator, prev_hash, entry_hash, body "
            "FROM log WHERE seq = 3",
            (),
        ),
    )
    report = report_for(project_path)
    assert report.first is not None
    assert (report.first.entry, report.first.kind) == (7, "duplicated")


def test_swapped_entries_are_named(project_path: Path) -> None:
    for conn in raw(project_path):
        a = conn.execute("SELECT * FROM log WHERE seq = 3").fetchone()
        b = conn.execute("SELECT * FROM log WHERE seq = 5").fetchone()
        conn.execute("DELETE FROM log WHERE seq IN (3, 5)")
        conn.execute("INSERT INTO log VALUES (3, ?, ?, ?, ?, ?, ?, ?)", b[1:])
        conn.execute("INSERT INTO log VALUES (5, ?, ?, ?, ?, ?, ?, ?)", a[1:])
    report = report_for(project_path)
    assert report.first is not None
    assert (report.first.entry, report.first.kind) == (3, "reordered")


def test_forged_entry_appended_is_uncovered(project_path: Path) -> None:
    import json

    from workbench.disclosure.canonical import canonical_bytes, sha256_hex

    for conn in raw(project_path):
        seq, head, body = conn.execute(
            "SELECT seq, entry_hash, body FROM log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        entry = json.loads(body)
        entry.update(seq=seq + 1, prev=head, id="forged")
        new_body = canonical_bytes(entry)
        conn.execute(
            "INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq + 1,
                "forged",
                entry["schema"],
                entry["time"],
                entry["operator"],
                head,
                sha256_hex(new_body),
                new_body,
            ),
        )
    report = report_for(project_path)
    assert report.first is not None
    assert (report.first.entry, report.first.kind) == (7, "uncovered")


def test_inserted_entry_in_the_middle_is_named(project_path: Path) -> None:
    """Renumber to make room, forge a well-linked entry: the signed hashes still name it."""
    import json

    from workbench.disclosure.canonical import canonical_bytes, sha256_hex

    for conn in raw(project_path):
        rows = conn.execute("SELECT * FROM log ORDER BY seq").fetchall()
        conn.execute("DELETE FROM log")
        forged_inserted = False
        seq = 0
        prev = "0" * 64
        for row in rows:
            entry = json.loads(row[7])
            if entry["seq"] == 4 and not forged_inserted:
                forged = dict(entry, id="forged", operator="Mallory")
                for item in (forged, entry):
                    seq += 1
                    item.update(seq=seq, prev=prev)
                    body = canonical_bytes(item)
                    prev = sha256_hex(body)
                    conn.execute(
                        "INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            seq,
                            item["id"],
                            item["schema"],
                            item["time"],
                            item["operator"],
                            item["prev"],
                            prev,
                            body,
                        ),
                    )
                forged_inserted = True
                continue
            seq += 1
            entry.update(seq=seq, prev=prev)
            body = canonical_bytes(entry)
            prev = sha256_hex(body)
            conn.execute(
                "INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    seq,
                    entry["id"],
                    entry["schema"],
                    entry["time"],
                    entry["operator"],
                    entry["prev"],
                    prev,
                    body,
                ),
            )
    report = report_for(project_path)
    assert report.first is not None and report.first.entry == 4


def test_bad_checkpoint_signature_is_named(project_path: Path) -> None:
    other = SigningKey.from_seed(b"someone else")
    for conn in raw(project_path):
        body = conn.execute("SELECT body FROM checkpoints WHERE seq = 2").fetchone()[0]
        conn.execute("UPDATE checkpoints SET signature = ? WHERE seq = 2", (other.sign(body),))
    report = report_for(project_path)
    assert report.first is not None
    assert (report.first.checkpoint, report.first.kind) == (2, "bad-signature")


def test_resigned_checkpoint_with_foreign_key_is_refused(project_path: Path) -> None:
    """Adding your own key and re-signing does not work without the key in the table."""
    other = SigningKey.from_seed(b"someone else")
    for conn in raw(project_path):
        body = conn.execute("SELECT body FROM checkpoints WHERE seq = 6").fetchone()[0]
        conn.execute(
            "UPDATE checkpoints SET signature = ?, key_id = ? WHERE seq = 6",
            (other.sign(body), other.key_id),
        )
    report = report_for(project_path)
    assert report.first is not None and report.first.checkpoint == 6


def test_changed_key_row_is_reported(project_path: Path) -> None:
    other = SigningKey.from_seed(b"someone else")
    tamper(
        project_path,
        (
            "UPDATE signing_keys SET public_key = ? WHERE key_id = ?",
            (other.public_b64, TEST_KEY.key_id),
        ),
    )
    assert not report_for(project_path).ok


def test_rollback_is_caught_against_an_export(project_path: Path, tmp_path: Path) -> None:
    """Cut the log back and re-sign it: only an earlier export can tell, and it does."""
    from workbench.cli import main

    export = tmp_path / "vouched.json"
    assert main(["log", "export", str(project_path), "-o", str(export)]) == 0
    tamper(
        project_path,
        ("DELETE FROM log WHERE seq >= 5", ()),
        ("DELETE FROM checkpoints WHERE tree_size >= 5", ()),
    )
    assert report_for(project_path).ok  # the cut is invisible from inside
    assert main(["log", "verify", str(project_path), "--against", str(export)]) == 1
    with Project.open(project_path, readonly=True) as project:
        report = project.verify(export)
    assert report.first is not None
    assert (report.first.entry, report.first.kind) == (5, "rolled-back")
