"""The project file's schema and its migrations.

The schema version lives in SQLite's ``user_version``; every applied step is also recorded in the
``migrations`` table (version, time, app). A migration is a small function of a connection inside
an open transaction. Records stored as JSON inside rows are upgraded the OpenTimelineIO way —
dict-to-dict functions keyed by their schema label (see ``disclosure.records.UPGRADES``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from workbench.disclosure.store import DDL as LOG_DDL

APPLICATION_ID = 0x57424E43  # "WBNC": marks a SQLite file as a Workbench project

CORE_DDL = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied TEXT NOT NULL,
    app_version TEXT NOT NULL
);
CREATE TABLE clips (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    media TEXT NOT NULL,
    added TEXT NOT NULL,
    log_entry TEXT NOT NULL
);
CREATE TABLE edits (
    id INTEGER PRIMARY KEY,
    clip_id INTEGER NOT NULL REFERENCES clips(id),
    position INTEGER NOT NULL,
    tool TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    model_id TEXT,
    model_sha256 TEXT,
    parameters TEXT NOT NULL,
    frame_start INTEGER NOT NULL,
    frame_end INTEGER NOT NULL,
    region TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    removed INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    log_entry TEXT NOT NULL,
    CHECK (frame_start >= 0 AND frame_end >= frame_start)
);
CREATE INDEX edits_by_clip ON edits(clip_id, position);
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires TEXT,
    document_ref TEXT NOT NULL,
    document_sha256 TEXT,
    recorded TEXT NOT NULL,
    log_entry TEXT NOT NULL
);
CREATE TABLE policy (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL
);
"""


def _v1(conn: sqlite3.Connection) -> None:
    for statement in _statements(CORE_DDL):
        conn.execute(statement)
    for statement in _statements(LOG_DDL):
        conn.execute(statement)


def _statements(script: str) -> list[str]:
    """Split a DDL script into statements (triggers keep their BEGIN … END bodies)."""
    out: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                out.append(current.strip())
            current = ""
    return out


RENDERS_DDL = """
CREATE TABLE renders (
    id INTEGER PRIMARY KEY,
    clip_id INTEGER NOT NULL REFERENCES clips(id),
    output TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    codec TEXT NOT NULL,
    frame_count INTEGER NOT NULL,
    frame_digest TEXT NOT NULL,
    plan TEXT NOT NULL,
    created TEXT NOT NULL,
    log_entry TEXT NOT NULL
);
"""


def _v2(conn: sqlite3.Connection) -> None:
    for statement in _statements(RENDERS_DDL):
        conn.execute(statement)


GUARDS_DDL = """
CREATE TRIGGER edits_pinned
BEFORE UPDATE OF id, clip_id, tool, tool_version, model_id, model_sha256, parameters,
    frame_start, frame_end, region, created ON edits
BEGIN SELECT RAISE(ABORT, 'an edit''s logged columns never change (apply a new edit)'); END;
CREATE TRIGGER edits_entry_once BEFORE UPDATE OF log_entry ON edits WHEN OLD.log_entry <> ''
BEGIN SELECT RAISE(ABORT, 'an edit''s log entry is set once, when it is added'); END;
CREATE TRIGGER edits_flags BEFORE UPDATE OF enabled, removed ON edits
WHEN NEW.enabled NOT IN (0, 1) OR NEW.removed NOT IN (0, 1) OR (OLD.removed = 1 AND NEW.removed = 0)
BEGIN SELECT RAISE(ABORT, 'an edit is enabled or not, and a removed edit stays removed'); END;
CREATE TRIGGER edits_new BEFORE INSERT ON edits
WHEN NEW.log_entry <> '' OR NEW.enabled <> 1 OR NEW.removed <> 0
BEGIN SELECT RAISE(ABORT, 'an edit joins the stack enabled, before its log entry exists'); END;
CREATE TRIGGER edits_no_delete BEFORE DELETE ON edits
BEGIN SELECT RAISE(ABORT, 'edits are never deleted: a removal is a revert entry in the log'); END;
CREATE TRIGGER clips_pinned BEFORE UPDATE OF id, name, fingerprint, added ON clips
BEGIN SELECT RAISE(ABORT, 'a clip''s name and fingerprint never change'); END;
CREATE TRIGGER clips_entry_once BEFORE UPDATE OF log_entry ON clips WHEN OLD.log_entry <> ''
BEGIN SELECT RAISE(ABORT, 'a clip''s log entry is set once, when it is imported'); END;
CREATE TRIGGER clips_no_delete BEFORE DELETE ON clips
BEGIN SELECT RAISE(ABORT, 'clips are never deleted from a project'); END;
"""


def _v3(conn: sqlite3.Connection) -> None:
    """Guards on the rows a render reads; ``stack_check`` still finds a tamperer who drops them."""
    for statement in _statements(GUARDS_DDL):
        conn.execute(statement)


CONFORM_DDL = """
CREATE TABLE sequences (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    timeline_path TEXT NOT NULL,
    timeline_sha256 TEXT NOT NULL,
    timeline_format TEXT NOT NULL,
    rate TEXT NOT NULL,
    drop_frame INTEGER NOT NULL,
    record_start TEXT NOT NULL,
    handles INTEGER NOT NULL,
    imported TEXT NOT NULL,
    log_entry TEXT NOT NULL
);
CREATE TABLE shots (
    id INTEGER PRIMARY KEY,
    sequence_id INTEGER NOT NULL REFERENCES sequences(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    track TEXT NOT NULL,
    reel TEXT,
    clip_id INTEGER REFERENCES clips(id),
    status TEXT NOT NULL CHECK (status IN ('online', 'offline')),
    reason TEXT NOT NULL,
    source_rate TEXT NOT NULL,
    source_drop_frame INTEGER NOT NULL,
    source_in TEXT NOT NULL,
    source_out TEXT NOT NULL,
    record_rate TEXT NOT NULL,
    record_drop_frame INTEGER NOT NULL,
    record_in TEXT NOT NULL,
    record_out TEXT NOT NULL,
    handle_head INTEGER NOT NULL,
    handle_tail INTEGER NOT NULL,
    frame_first INTEGER,
    frame_last INTEGER,
    speed TEXT NOT NULL,
    markers TEXT NOT NULL,
    comments TEXT NOT NULL,
    log_entry TEXT NOT NULL
);
CREATE INDEX shots_by_sequence ON shots(sequence_id, position);
CREATE INDEX shots_by_clip ON shots(clip_id);
CREATE TABLE recipes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    steps TEXT NOT NULL,
    source TEXT NOT NULL,
    created TEXT NOT NULL,
    log_entry TEXT NOT NULL,
    UNIQUE (name, version)
);
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    shot_id INTEGER NOT NULL REFERENCES shots(id),
    version INTEGER NOT NULL,
    output TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    codec TEXT NOT NULL,
    render_id INTEGER NOT NULL REFERENCES renders(id),
    clip_id INTEGER NOT NULL REFERENCES clips(id),
    frame_first INTEGER NOT NULL,
    frame_last INTEGER NOT NULL,
    timecode TEXT NOT NULL,
    reel TEXT,
    rate TEXT NOT NULL,
    qc TEXT NOT NULL,
    created TEXT NOT NULL,
    log_entry TEXT NOT NULL,
    UNIQUE (shot_id, version)
);
CREATE TABLE cast_members (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    added TEXT NOT NULL,
    log_entry TEXT NOT NULL
);
CREATE TABLE shot_cast (
    shot_id INTEGER NOT NULL REFERENCES shots(id),
    cast_id INTEGER NOT NULL REFERENCES cast_members(id),
    source TEXT NOT NULL,
    added TEXT NOT NULL,
    log_entry TEXT NOT NULL,
    PRIMARY KEY (shot_id, cast_id)
);
CREATE TRIGGER sequences_pinned BEFORE UPDATE ON sequences WHEN OLD.log_entry <> ''
BEGIN SELECT RAISE(ABORT, 'a sequence never changes once imported (import the cut again)'); END;
CREATE TRIGGER sequences_no_delete BEFORE DELETE ON sequences
BEGIN SELECT RAISE(ABORT, 'sequences are never deleted from a project'); END;
CREATE TRIGGER shots_pinned
BEFORE UPDATE OF id, sequence_id, position, track, reel, source_rate, source_drop_frame,
    source_in, source_out, record_rate, record_drop_frame, record_in, record_out, speed ON shots
BEGIN SELECT RAISE(ABORT, 'a shot''s place in the cut and its timecodes never change'); END;
CREATE TRIGGER shots_entry_once BEFORE UPDATE OF log_entry ON shots WHEN OLD.log_entry <> ''
BEGIN SELECT RAISE(ABORT, 'a shot''s log entry is set once, when its sequence is imported'); END;
CREATE TRIGGER shots_no_delete BEFORE DELETE ON shots
BEGIN SELECT RAISE(ABORT, 'shots are never deleted from a project'); END;
CREATE TRIGGER recipes_pinned BEFORE UPDATE ON recipes WHEN OLD.log_entry <> ''
BEGIN SELECT RAISE(ABORT, 'a saved recipe never changes (save it again: a new version)'); END;
CREATE TRIGGER recipes_no_delete BEFORE DELETE ON recipes
BEGIN SELECT RAISE(ABORT, 'recipes are never deleted from a project'); END;
CREATE TRIGGER deliveries_pinned BEFORE UPDATE ON deliveries WHEN OLD.log_entry <> ''
BEGIN SELECT RAISE(ABORT, 'a delivery never changes (deliver again: a new version)'); END;
CREATE TRIGGER deliveries_no_delete BEFORE DELETE ON deliveries
BEGIN SELECT RAISE(ABORT, 'deliveries are never deleted from a project'); END;
"""


def _v4(conn: sqlite3.Connection) -> None:
    """The conform: sequences and their shots, recipes, deliveries; and, empty until the cast
    arrives, the performers and which shots they appear in."""
    for statement in _statements(CONFORM_DDL):
        conn.execute(statement)


TRACKS_DDL = """
CREATE TABLE tracks (
    sha256 TEXT PRIMARY KEY,
    clip_id INTEGER NOT NULL REFERENCES clips(id),
    body TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TRIGGER tracks_pinned BEFORE UPDATE ON tracks
BEGIN SELECT RAISE(ABORT, 'a stored track never changes (a new track has a new hash)'); END;
CREATE TRIGGER tracks_no_delete BEFORE DELETE ON tracks
BEGIN SELECT RAISE(ABORT, 'tracks are never deleted: log entries name them by their hash'); END;
"""


def _v5(conn: sqlite3.Connection) -> None:
    """Tracked regions: each frame's region of a tracked edit, kept by the SHA-256 of its
    canonical JSON, which the edit's log entry names (``project.tracks``)."""
    for statement in _statements(TRACKS_DDL):
        conn.execute(statement)


def _v6(conn: sqlite3.Connection) -> None:
    """The colour space a user set for a clip (NULL: the one its tags say); a logged change
    (``workbench.clip-colour/1``) that ``stack_check`` replays against the column."""
    conn.execute("ALTER TABLE clips ADD COLUMN colour_space TEXT")


LIKENESS_DDL = """
CREATE TABLE likeness_consents (
    id INTEGER PRIMARY KEY,
    cast_id INTEGER NOT NULL REFERENCES cast_members(id),
    kinds TEXT NOT NULL,
    production TEXT NOT NULL,
    signed TEXT NOT NULL,
    expires TEXT,
    document_ref TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    recorded TEXT NOT NULL,
    log_entry TEXT NOT NULL
);
CREATE INDEX likeness_consents_by_cast ON likeness_consents(cast_id);
CREATE INDEX shot_cast_by_cast ON shot_cast(cast_id);
CREATE TRIGGER likeness_consents_pinned BEFORE UPDATE ON likeness_consents
WHEN OLD.log_entry <> ''
BEGIN SELECT RAISE(ABORT, 'a consent record never changes (record a new one)'); END;
CREATE TRIGGER likeness_consents_no_delete BEFORE DELETE ON likeness_consents
BEGIN SELECT RAISE(ABORT, 'consent records are never deleted from a project'); END;
CREATE TRIGGER cast_members_pinned BEFORE UPDATE ON cast_members WHEN OLD.log_entry <> ''
BEGIN SELECT RAISE(ABORT, 'a cast member never changes once added'); END;
CREATE TRIGGER cast_members_no_delete BEFORE DELETE ON cast_members
BEGIN SELECT RAISE(ABORT, 'cast members are never deleted from a project'); END;
CREATE TRIGGER shot_cast_pinned BEFORE UPDATE ON shot_cast WHEN OLD.log_entry <> ''
BEGIN SELECT RAISE(ABORT, 'a cast tag never changes (untag and tag again)'); END;
"""


def _v7(conn: sqlite3.Connection) -> None:
    """Performers' likeness consent: who (a cast member), which kinds of alteration, for which
    production, signed and expiring when, the signed release's SHA-256; and guards on the cast
    tables schema 4 made (``workbench.likeness-consent/1``, ``cast/1``, ``shot-cast/1``)."""
    for statement in _statements(LIKENESS_DDL):
        conn.execute(statement)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


MIGRATIONS: list[Migration] = [
    Migration(1, "clips, edit stack, consent records, policy and the disclosure log", _v1),
    Migration(2, "renders: outputs registered with their log entries", _v2),
    Migration(3, "guards: an edit's and a clip's logged columns never change", _v3),
    Migration(4, "conform: sequences, shots, recipes, deliveries; cast and shot cast", _v4),
    Migration(5, "tracks: the per-frame regions of tracked edits, by their SHA-256", _v5),
    Migration(6, "colour: the colour space a user set for a clip", _v6),
    Migration(7, "likeness: performers' consent to AI alteration, cast guards", _v7),
]


def current_version() -> int:
    return max(m.version for m in MIGRATIONS)


READABLE_FROM = 2
"""The oldest schema a read-only open reads as it is: 3 added only guards (triggers), which a
reader does not need, a file without 6's ``clips.colour_space`` reads as having set none, and
one without 7's ``likeness_consents`` as holding no likeness consent; older files are upgraded
by opening them for writing once."""


__all__ = ["APPLICATION_ID", "MIGRATIONS", "READABLE_FROM", "Migration", "current_version"]
