"""The performers in the project: the cast list, who appears in which shot, and their consent
to AI alteration of their likeness — read, and changed with their typed log entries in one
transaction each (invariant 1).

A project opened read-only before schema 4 has no cast tables, and before 7 no likeness
consents: it reads as holding none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from workbench.disclosure.entries import (
    ALTERATION_KINDS,
    TAG_SOURCES,
    CastEntry,
    CastMemberRecord,
    LikenessConsentEntry,
    LikenessConsentRecord,
    ShotCastEntry,
)
from workbench.errors import NotFoundError, UsageError
from workbench.project.cast_records import (
    CAST_COLUMNS,
    LIKENESS_COLUMNS,
    SHOT_CAST_COLUMNS,
    CastMember,
    LikenessConsent,
    ShotCast,
    kinds_json,
)
from workbench.project.conform_entries import ConformWriter
from workbench.project.reading import ProjectReads


def same_name(a: str, b: str) -> bool:
    """Whether two spellings name one person (case and spacing aside: ``JANE  DOE``)."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class CastReads(ProjectReads):
    """The read side (a mixin of :class:`~workbench.project.Project`)."""

    def _has_table(self, name: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None

    def cast(self) -> list[CastMember]:
        """The cast list, in the order the performers were added."""
        if not self._has_table("cast_members"):
            return []
        rows = self.conn.execute(f"SELECT {CAST_COLUMNS} FROM cast_members ORDER BY id")
        return [CastMember.from_row(r) for r in rows.fetchall()]

    def find_cast(self, name: str) -> CastMember | None:
        return next((m for m in self.cast() if same_name(m.name, name)), None)

    def cast_member(self, who: int | str) -> CastMember:
        """A performer by id or by name."""
        for member in self.cast():
            if str(member.id) == str(who).strip() or same_name(member.name, str(who)):
                return member
        known = ", ".join(m.name for m in self.cast()) or "nobody yet"
        raise NotFoundError(
            f"{who!r} is not in {self.path.name}'s cast (cast: {known})",
            hint=f"add them first: workbench cast add {self.path.name} {str(who)!r}",
        )

    def shot_cast(self, shot_id: int | None = None) -> list[ShotCast]:
        """Who appears in which shot (every tag, or one shot's)."""
        if not self._has_table("shot_cast"):
            return []
        sql, args = f"SELECT {SHOT_CAST_COLUMNS} FROM shot_cast", ()
        if shot_id is not None:
            sql, args = sql + " WHERE shot_id = ?", (int(shot_id),)  # type: ignore[assignment]
        rows = self.conn.execute(sql + " ORDER BY shot_id, cast_id", args).fetchall()
        return [ShotCast.from_row(r) for r in rows]

    def likeness_consents(self, cast_id: int | None = None) -> list[LikenessConsent]:
        """The likeness consents recorded (every one, or one performer's), oldest first."""
        if not self._has_table("likeness_consents"):
            return []
        names = {m.id: m.name for m in self.cast()}
        sql, args = f"SELECT {LIKENESS_COLUMNS} FROM likeness_consents", ()
        if cast_id is not None:
            sql, args = sql + " WHERE cast_id = ?", (int(cast_id),)  # type: ignore[assignment]
        rows = self.conn.execute(sql + " ORDER BY id", args).fetchall()
        with self._damage():
            return [LikenessConsent.from_row(r, names.get(int(r[1]), "?")) for r in rows]


class CastWriter(ConformWriter, CastReads):
    """The write side (a mixin of :class:`~workbench.project.Project`)."""

    def _require(self, table: str) -> None:
        if not self._has_table(table):
            raise UsageError(f"{self.path.name} must be opened for writing once to upgrade it")

    def add_cast_member(self, name: str, role: str = "") -> CastMember:
        """A performer joins the cast list (a name already there is refused)."""
        self._require("cast_members")
        name, role = " ".join(name.split()), " ".join(role.split())
        if not name:
            raise UsageError("a cast member needs a name")
        if self.find_cast(name) is not None:
            raise UsageError(f"{name!r} is already in the cast")
        added = self.log.clock()
        with self.transaction() as log:
            cur = self.conn.execute(
                "INSERT INTO cast_members (name, role, added, log_entry) VALUES (?, ?, ?, '')",
                (name, role, added),
            )
            member_id = int(cur.lastrowid or 0)
            entry_id = self._append(log, CastEntry(CastMemberRecord(member_id, name, role)))
            self.conn.execute(
                "UPDATE cast_members SET log_entry = ? WHERE id = ?", (entry_id, member_id)
            )
        return self.cast_member(member_id)

    def _by_sequence(self, shot_ids: Iterable[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for shot_id in dict.fromkeys(int(s) for s in shot_ids):
            shot = self.shot(shot_id)  # NotFoundError for a shot the project lacks
            out.setdefault(shot.sequence_id, []).append(shot.id)
        return out

    def tag_shots(
        self, cast_id: int, shot_ids: Iterable[int], *, source: str = "hand", note: str = ""
    ) -> list[int]:
        """Tag shots with a performer who appears in them; the shots newly tagged (one already
        tagged with them keeps its tag). One ``shot-cast`` entry per sequence touched."""
        self._require("shot_cast")
        if source not in TAG_SOURCES:
            raise UsageError(f"a cast tag comes from {', '.join(TAG_SOURCES)}, not {source!r}")
        member = self.cast_member(cast_id)
        tagged = {t.shot_id for t in self.shot_cast() if t.cast_id == member.id}
        wanted = {
            seq: [s for s in shots if s not in tagged]
            for seq, shots in self._by_sequence(shot_ids).items()
        }
        wanted = {seq: shots for seq, shots in wanted.items() if shots}
        if not wanted:
            return []
        added = self.log.clock()
        with self.transaction() as log:
            for sequence, shots in wanted.items():
                body = ShotCastEntry("tag", member.ref, sequence, tuple(shots), source, note)
                entry_id = self._append(log, body)
                self.conn.executemany(
                    "INSERT INTO shot_cast (shot_id, cast_id, source, added, log_entry) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(s, member.id, source, added, entry_id) for s in shots],
                )
        return [s for shots in wanted.values() for s in shots]

    def untag_shots(self, cast_id: int, shot_ids: Iterable[int], *, note: str = "") -> list[int]:
        """Take a performer's tag off shots (they do not appear there after all); the shots
        untagged. The entry says so; the tag's earlier entry stays in the log."""
        self._require("shot_cast")
        member = self.cast_member(cast_id)
        tags = {t.shot_id: t for t in self.shot_cast() if t.cast_id == member.id}
        wanted = {
            seq: [s for s in shots if s in tags]
            for seq, shots in self._by_sequence(shot_ids).items()
        }
        wanted = {seq: shots for seq, shots in wanted.items() if shots}
        if not wanted:
            return []
        with self.transaction() as log:
            for sequence, shots in wanted.items():
                self._append(
                    log, ShotCastEntry("untag", member.ref, sequence, tuple(shots), "hand", note)
                )
                self.conn.executemany(
                    "DELETE FROM shot_cast WHERE shot_id = ? AND cast_id = ?",
                    [(s, member.id) for s in shots],
                )
        return [s for shots in wanted.values() for s in shots]

    def add_likeness_consent(
        self,
        cast_id: int,
        *,
        kinds: Sequence[str],
        production: str,
        signed: str,
        document_ref: str,
        document_sha256: str,
        expires: str | None = None,
    ) -> LikenessConsent:
        """Record a performer's consent to the ``kinds`` of AI alteration of their likeness."""
        self._require("likeness_consents")
        member = self.cast_member(cast_id)
        ordered = tuple(k for k in ALTERATION_KINDS if k in set(kinds))
        if not ordered or len(ordered) != len(set(kinds)):
            raise UsageError(
                f"a likeness consent covers some of {', '.join(ALTERATION_KINDS)}; "
                f"got {', '.join(kinds) or 'none'}"
            )
        if len(document_sha256) != 64:
            raise UsageError("a likeness consent pins its signed release by its SHA-256")
        recorded = self.log.clock()
        with self.transaction() as log:
            cur = self.conn.execute(
                "INSERT INTO likeness_consents (cast_id, kinds, production, signed, expires, "
                "document_ref, document_sha256, recorded, log_entry) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')",
                (
                    member.id,
                    kinds_json(ordered),
                    production,
                    signed,
                    expires,
                    document_ref,
                    document_sha256,
                    recorded,
                ),
            )
            consent_id = int(cur.lastrowid or 0)
            record = LikenessConsentRecord(
                consent_id,
                member.ref,
                ordered,
                production,
                signed,
                expires,
                document_ref,
                document_sha256,
            )
            entry_id = self._append(log, LikenessConsentEntry(record))
            self.conn.execute(
                "UPDATE likeness_consents SET log_entry = ? WHERE id = ?", (entry_id, consent_id)
            )
        return next(c for c in self.likeness_consents(member.id) if c.id == consent_id)


__all__ = ["CastReads", "CastWriter", "same_name"]
