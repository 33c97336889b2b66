"""Property tests: any history verifies; any single tampering is found and named."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import TEST_KEY, new_project, raw
from workbench.disclosure.keys import SigningKey
from workbench.project import Project
from workbench.tools.registry import get_tool

CLASSIFICATION = {
    "c2pa_action": "c2pa.enhanced",
    "digital_source_type": "algorithmicallyEnhanced",
    "nature": "assistive",
}
texts = st.text(min_size=0, max_size=12)
param_values = st.one_of(
    st.integers(-(2**31), 2**31), st.floats(-1e6, 1e6, allow_nan=False), texts, st.booleans()
)
operation = st.one_of(
    st.tuples(
        st.just("edit"), st.dictionaries(texts, param_values, max_size=3), st.integers(0, 50)
    ),
    st.tuples(st.just("revert"), st.integers(0, 100), st.just(0)),
    st.tuples(st.just("toggle"), st.integers(0, 100), st.just(0)),
    st.tuples(st.just("reopen"), st.just({}), st.just(0)),
    st.tuples(st.just("clip"), texts, st.just(0)),
)
histories = st.lists(operation, min_size=1, max_size=12)


def play(path: Path, history: list[tuple[str, object, int]]) -> None:
    project = new_project(path)
    try:
        clip = project.add_clip("/footage/A.mov", fingerprint="cd" * 32, media={"frame_count": 60})
        for kind, arg, n in history:
            live = [e for e in project.edits() if not e.removed]
            if kind == "edit":
                project.add_edit(
                    clip.id,
                    tool=get_tool("denoise"),
                    parameters=dict(arg),  # type: ignore[call-overload]
                    frames=(n, n + 5),
                )
            elif kind == "revert" and live:
                project.revert_edit(live[int(arg) % len(live)].id)  # type: ignore[call-overload]
            elif kind == "toggle" and live:
                edit = live[int(arg) % len(live)]  # type: ignore[call-overload]
                project.set_edit_enabled(edit.id, not edit.enabled)
            elif kind == "reopen":
                project.close()
                project = Project.open(path, key=TEST_KEY, operator="Test Operator")
            elif kind == "clip":
                project.add_clip(f"/footage/{arg!s}.mov", fingerprint="ef" * 32, media={})
    finally:
        project.close()


def verify(path: Path):  # type: ignore[no-untyped-def]
    with Project.open(path, readonly=True) as project:
        return project.verify()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories)
def test_any_history_verifies(history: list[tuple[str, object, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.wbproj"
        play(path, history)
        report = verify(path)
        assert report.ok, report.problems
        with Project.open(path, readonly=True) as project:
            seqs = [row.seq for row in project.log.rows()]
            assert seqs == list(range(1, len(seqs) + 1))


LOG_TEXT_COLUMNS = ["id", "schema", "time", "operator", "prev_hash", "entry_hash"]
CHECKPOINT_COLUMNS = ["tree_size", "head_hash", "time", "key_id", "body", "signature"]

tampering = st.one_of(
    st.tuples(
        st.just("log-column"), st.sampled_from([*LOG_TEXT_COLUMNS, "body"]), st.integers(0, 10**6)
    ),
    st.tuples(st.just("delete"), st.just(""), st.integers(0, 10**6)),
    st.tuples(st.just("duplicate"), st.just(""), st.integers(0, 10**6)),
    st.tuples(st.just("swap"), st.just(""), st.integers(0, 10**6)),
    st.tuples(st.just("truncate"), st.just(""), st.integers(0, 10**6)),
    st.tuples(
        st.just("checkpoint-column"), st.sampled_from(CHECKPOINT_COLUMNS), st.integers(0, 10**6)
    ),
    st.tuples(st.just("bad-signature"), st.just(""), st.integers(0, 10**6)),
)


def _flip(value: bytes, at: int) -> bytes:
    index = at % len(value)
    return value[:index] + bytes([value[index] ^ (1 + at % 255)]) + value[index + 1 :]


def apply_tampering(path: Path, kind: str, column: str, r: int) -> tuple[str, int]:
    """Tamper once; return ('entry' | 'checkpoint', number) that the report must name first."""
    for conn in raw(path):
        n = conn.execute("SELECT COUNT(*) FROM log").fetchone()[0]
        c = conn.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0]
        k = 1 + r % n
        if kind == "log-column":
            if column == "body":
                body = conn.execute("SELECT body FROM log WHERE seq = ?", (k,)).fetchone()[0]
                conn.execute("UPDATE log SET body = ? WHERE seq = ?", (_flip(body, r), k))
            else:
                value = conn.execute(f"SELECT {column} FROM log WHERE seq = ?", (k,)).fetchone()[0]
                flipped = _flip(value.encode(), r).decode("utf-8", "replace")
                conn.execute(f"UPDATE log SET {column} = ? WHERE seq = ?", (flipped, k))
            return ("entry", k)
        if kind == "delete":
            conn.execute("DELETE FROM log WHERE seq = ?", (k,))
            return ("entry", k)
        if kind == "duplicate":
            conn.execute(
                "INSERT INTO log SELECT ?, id, schema, time, operator, prev_hash, entry_hash, body "
                "FROM log WHERE seq = ?",
                (n + 1, k),
            )
            return ("entry", n + 1)
        if kind == "swap":
            if n < 2:
                return ("none", 0)
            j = 1 + (r // 7) % n
            if j == k:
                j = k % n + 1
            i, j = sorted((k, j))
            a = conn.execute("SELECT * FROM log WHERE seq = ?", (i,)).fetchone()
            b = conn.execute("SELECT * FROM log WHERE seq = ?", (j,)).fetchone()
            conn.execute("DELETE FROM log WHERE seq IN (?, ?)", (i, j))
            conn.execute("INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (i, *b[1:]))
            conn.execute("INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (j, *a[1:]))
            return ("entry", i)
        if kind == "truncate":
            conn.execute("DELETE FROM log WHERE seq >= ?", (k,))
            return ("entry", k)
        m = 1 + r % c
        if kind == "checkpoint-column":
            value = conn.execute(
                f"SELECT {column} FROM checkpoints WHERE seq = ?", (m,)
            ).fetchone()[0]
            if isinstance(value, int):
                changed: object = value + 1 + r % 3
            elif isinstance(value, bytes):
                changed = _flip(value, r)
            else:
                changed = _flip(value.encode(), r).decode("utf-8", "replace")
            conn.execute(f"UPDATE checkpoints SET {column} = ? WHERE seq = ?", (changed, m))
            return ("checkpoint", m)
        if kind == "bad-signature":
            body = conn.execute("SELECT body FROM checkpoints WHERE seq = ?", (m,)).fetchone()[0]
            forged = SigningKey.from_seed(b"forger").sign(body)
            conn.execute("UPDATE checkpoints SET signature = ? WHERE seq = ?", (forged, m))
            return ("checkpoint", m)
    raise AssertionError(kind)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories, tampering)
def test_any_single_tampering_is_found_and_named(
    history: list[tuple[str, object, int]], tampering_op: tuple[str, str, int]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.wbproj"
        play(path, history)
        what, number = apply_tampering(path, *tampering_op)
        if what == "none":
            return
        try:
            report = verify(path)
        except sqlite3.DatabaseError as exc:  # pragma: no cover - must not happen
            raise AssertionError(f"verification crashed: {exc}") from exc
        assert not report.ok, f"{tampering_op} went unnoticed"
        first = report.first
        assert first is not None
        if what == "entry":
            assert first.entry == number, (tampering_op, report.problems)
        else:
            assert first.entry is None and first.checkpoint == number, (
                tampering_op,
                report.problems,
            )
        json.dumps([str(p) for p in report.problems])  # every problem is printable


@pytest.mark.slow
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories, tampering)
def test_tampering_fuzz_long(
    history: list[tuple[str, object, int]], tampering_op: tuple[str, str, int]
) -> None:
    """The same property, many more examples (``pytest -m slow``)."""
    test_any_single_tampering_is_found_and_named.hypothesis.inner_test(history, tampering_op)  # type: ignore[attr-defined]
