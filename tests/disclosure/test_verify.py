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
        ("DELETE FROM edits WHERE id >= 3", ()),  # else their rows give the cut away
    )
    assert report_for(project_path).ok  # the cut is invisible from inside
    assert main(["log", "verify", str(project_path), "--against", str(export)]) == 1
    with Project.open(project_path, readonly=True) as project:
        report = project.verify(export)
    assert report.first is not None
    assert (report.first.entry, report.first.kind) == (5, "rolled-back")


# -- the edit stack the render reads, against the entries that vouch for it ----------------------
def test_changed_edit_parameters_are_named_by_log_verify(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The edits table is not the log; a render reads it, so verification holds it to the log."""
    from workbench.cli import main

    export = tmp_path / "vouched.json"
    assert main(["log", "export", str(project_path), "-o", str(export)]) == 0
    tamper(project_path, ("UPDATE edits SET parameters = '{\"strength\": 0.95}' WHERE id = 2", ()))
    report = report_for(project_path)
    assert [(p.kind, p.row) for p in report.problems] == [("stack", "edit 2")]
    assert str(report.problems[0]).startswith(
        'edit 2: parameters in the project file {"strength": 0.95} differ from its log entry 4 ('
    )
    assert str(report.problems[0]).endswith(': {"strength": 0.5}')
    capsys.readouterr()
    for extra in ([], ["--against", str(export)]):
        assert main(["log", "verify", str(project_path), *extra]) == 1
        assert "edit 2: parameters in the project file" in capsys.readouterr().err


def test_an_edit_inserted_without_its_entry_is_named(project_path: Path) -> None:
    insert = (
        "INSERT INTO edits (clip_id, position, tool, tool_version, parameters, frame_start, "
        "frame_end, region, created, log_entry) SELECT clip_id, ?, tool, tool_version, "
        "parameters, 0, 99, region, created, ? FROM edits WHERE id = 1"
    )
    with Project.open(project_path, readonly=True) as project:
        first_entry = project.edit(1).log_entry
    tamper(project_path, (insert, (9, "forged")), (insert, (10, first_entry)))
    problems = [str(p) for p in report_for(project_path).problems]
    assert problems == [
        "edit 5: it is in the project file, but no log entry adds it (added outside Workbench)",
        f"edit 6: it names log entry 3 ({first_entry[:8]}…), which added edit 1, not this one",
    ]


@pytest.mark.parametrize(
    ("statement", "row", "words"),
    [
        ("UPDATE edits SET enabled = 0 WHERE id = 1", "edit 1", "disabled in the project file"),
        ("UPDATE edits SET removed = 1 WHERE id = 1", "edit 1", "no revert entry removed it"),
        ("DELETE FROM edits WHERE id = 3", "edit 3", "has no row for it"),
        ('UPDATE edits SET region = \'{"kind": "rect"}\' WHERE id = 1', "edit 1", "region"),
        ("UPDATE edits SET model_sha256 = 'ab' WHERE id = 1", "edit 1", "model SHA-256"),
        ("UPDATE edits SET tool = 'dust' WHERE id = 1", "edit 1", "tool in the project"),
        ("UPDATE edits SET frame_start = 1 WHERE id = 1", "edit 1", "frames"),
        ("UPDATE edits SET position = 99 WHERE id = 1", "edit 2", "in the order 1, 2, 3, 4"),
        ("UPDATE edits SET log_entry = 'x' WHERE id = 1", "edit 1", "names log entry"),
        ("UPDATE clips SET fingerprint = 'cd' WHERE id = 1", "clip 1", "fingerprint"),
        ("UPDATE clips SET path = '/elsewhere.mov' WHERE id = 1", "clip 1", "path"),
    ],
)
def test_each_changed_stack_column_is_named(
    project_path: Path, statement: str, row: str, words: str
) -> None:
    tamper(project_path, (statement, ()))
    report = report_for(project_path)
    assert not report.ok
    first = report.problems[0]
    assert (first.kind, first.row) == ("stack", row)
    assert words in first.message, first.message


def test_toggles_and_reverts_set_what_the_rows_must_say(project_path: Path) -> None:
    with Project.open(project_path, key=TEST_KEY) as project:
        project.set_edit_enabled(1, False)
        project.revert_edit(2)
        project.set_edit_enabled(3, False)
        project.set_edit_enabled(3, True)
        assert project.verify().ok
    tamper(project_path, ("UPDATE edits SET enabled = 1 WHERE id = 1", ()))
    (problem,) = report_for(project_path).problems
    assert problem.row == "edit 1" and "its toggle in log entry 7" in problem.message
    tamper(
        project_path,
        ("UPDATE edits SET enabled = 0 WHERE id = 1", ()),
        ("UPDATE edits SET removed = 0 WHERE id = 2", ()),
    )
    (problem,) = report_for(project_path).problems
    assert problem.row == "edit 2" and "the revert in log entry 8" in problem.message


def test_the_stack_rows_are_guarded_by_triggers(project_path: Path) -> None:
    """The app may set an edit's flags; nothing may change what its log entry pins."""
    conn = sqlite3.connect(project_path, isolation_level=None)
    try:
        for sql in (
            "UPDATE edits SET parameters = '{}' WHERE id = 1",
            "UPDATE edits SET frame_end = 50 WHERE id = 1",
            "UPDATE edits SET model_sha256 = 'ab' WHERE id = 1",
            "UPDATE edits SET log_entry = 'x' WHERE id = 1",
            "UPDATE edits SET enabled = 7 WHERE id = 1",
            "DELETE FROM edits WHERE id = 1",
            "UPDATE clips SET fingerprint = 'cd'",
            "DELETE FROM clips",
            "INSERT INTO edits (clip_id, position, tool, tool_version, parameters, frame_start, "
            "frame_end, region, created, log_entry) VALUES (1, 9, 'denoise', '1', '{}', 0, 1, "
            "'{}', 't', 'an entry')",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(sql)
    finally:
        conn.close()
    assert report_for(project_path).ok
