"""Tracked regions in the project file: the ``tracks`` table (schema 5).

A track (:class:`~workbench.tools.track_record.Track`) is kept as its canonical JSON under the
SHA-256 of those bytes; the edit that uses it names that hash in its region
(``{"kind": "tracked", "sha256": …}``), which its signed log entry pins. A row is never updated
or deleted (triggers), and :func:`track_problems` finds one that was changed anyway with
SQLite's own tools: its bytes no longer hash to its key, or it is gone.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from workbench.errors import NotFoundError, ProjectDamagedError
from workbench.tools.track_record import Track

_INSERT = (
    "INSERT INTO tracks (sha256, clip_id, body, created) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(sha256) DO NOTHING"
)


def store_track(conn: sqlite3.Connection, track: Track, created: str) -> str:
    """Keep ``track`` (once: a track already stored under its hash is not written again)."""
    body = track.canonical()
    digest = hashlib.sha256(body).hexdigest()
    conn.execute(_INSERT, (digest, track.clip, body.decode(), created))
    return digest


def _row(conn: sqlite3.Connection, sha256: str) -> tuple[Any, ...] | None:
    try:
        row = conn.execute(
            "SELECT sha256, clip_id, body FROM tracks WHERE sha256 = ?", (sha256,)
        ).fetchone()
    except sqlite3.OperationalError:
        return None  # a file older than schema 5 has no tracks
    return tuple(row) if row is not None else None


def track_problem(conn: sqlite3.Connection, sha256: str) -> str | None:
    """Why the track ``sha256`` cannot be used as the log vouches for it; None when it can."""
    row = _row(conn, sha256)
    if row is None:
        return f"its track {sha256[:12]}… is not in the project file"
    body = row[2]
    data = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
    if not isinstance(data, bytes) or hashlib.sha256(data).hexdigest() != sha256:
        return (
            f"its track {sha256[:12]}… was changed in the project file (its bytes no longer "
            "hash to the SHA-256 its log entry names)"
        )
    try:
        Track.from_dict(json.loads(data))
    except (ValueError, TypeError, AttributeError) as exc:
        return f"its track {sha256[:12]}… is not a track: {exc}"
    return None


def load_track(conn: sqlite3.Connection, sha256: str, where: str = "the project") -> Track:
    """The stored track ``sha256``, refused when missing or not the bytes its hash names."""
    problem = track_problem(conn, sha256)
    if problem is not None:
        if _row(conn, sha256) is None:
            raise NotFoundError(f"the tracked region {sha256[:12]}… is not in {where}")
        raise ProjectDamagedError(
            f"{where}: {problem}",
            hint="`workbench log verify` lists every problem; open the most recent backup",
        )
    row = _row(conn, sha256)
    assert row is not None
    body = row[2]
    return Track.from_dict(json.loads(body if isinstance(body, str) else bytes(body)))


def track_problems(
    conn: sqlite3.Connection, regions: Iterable[tuple[str, dict[str, Any]]]
) -> list[tuple[str, str]]:
    """(row, problem) for each tracked region in ``regions`` (a row's label, its region as its
    log entry holds it) whose stored track is missing, changed, or not the one it describes."""
    out: list[tuple[str, str]] = []
    for row, region in regions:
        if region.get("kind") != "tracked":
            continue
        sha256 = str(region.get("sha256") or "")
        problem = track_problem(conn, sha256)
        if problem is None:
            stored = load_track(conn, sha256)
            said = (region.get("shape"), list(region.get("keyframes") or ()))
            if said != (stored.shape, list(stored.keyframe_frames)):
                problem = (
                    f"its track {sha256[:12]}… is a {stored.shape} keyframed at "
                    f"{list(stored.keyframe_frames)}, not what its log entry says ({said})"
                )
        if problem is not None:
            out.append((row, problem))
    return out


__all__ = ["load_track", "store_track", "track_problem", "track_problems"]
