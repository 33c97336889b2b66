"""The performers of a film: the cast list, and which shots each one appears in.

Shots are tagged by hand (``workbench shot tag``, the window's shot list) or from what the
editor's timeline carries. The convention, read at ``conform import``: a marker or a comment
whose text starts with ``CAST:`` names the performers in the shot, separated by commas,
semicolons or ``&`` —

- an EDL comment line ``* CAST: Ada Actor, Ben Bloggs`` (Avid, Premiere and Nucoda keep it),
  or a locator ``* LOC: 01:00:00:12 RED CAST: Ada Actor``;
- a marker named or noted ``CAST: Ada Actor`` (Premiere, FCP 7 XML, Resolve, ``.otio``);
- a clip comment or log note ``CAST: Ada Actor`` (FCP 7 XML ``<comments>``/``<logginginfo>``,
  Resolve's clip notes).

Case and spacing do not matter (``CAST: ADA  ACTOR`` is Ada Actor); a performer not yet in the
cast list joins it. Every tag is a logged ``workbench.shot-cast/1`` entry naming where it came
from (``hand``, ``marker``, ``comment``), and every new cast member a ``workbench.cast/1`` entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workbench.errors import UsageError
from workbench.project import CastMember, Project, Shot

CAST_LINE = re.compile(r"(?:^|[\s*:])CAST\s*:\s*(?P<names>.+)$", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:[,;/]|\s&\s)\s*")


def names_in(text: str) -> list[str]:
    """The performers a ``CAST: A, B`` text names (none when it does not start so)."""
    found: list[str] = []
    for line in text.splitlines():
        match = CAST_LINE.search(line.strip())
        if match is None:
            continue
        for name in _SPLIT.split(match.group("names")):
            name = " ".join(name.split()).strip(" .")
            if name:
                found.append(name)
    return found


def cast_in(shot: Shot) -> list[tuple[str, str]]:
    """(name, source) for each performer the shot's markers and comments name."""
    out: list[tuple[str, str]] = []
    for marker in shot.markers:
        for text in (marker.name, marker.note):
            out += [(n, "marker") for n in names_in(text)]
    for comment in shot.comments:
        out += [(n, "comment") for n in names_in(comment)]
    return out


def member_for(project: Project, name: str, role: str = "") -> tuple[CastMember, bool]:
    """The cast member called ``name`` (any case and spacing), added when the cast lacks
    them; and whether they were added."""
    found = project.find_cast(name)
    if found is not None:
        return found, False
    return project.add_cast_member(name, role), True


def add_cast_member(project: Project, name: str, role: str = "") -> CastMember:
    """A performer joins the cast list (logged)."""
    return project.add_cast_member(name, role)


@dataclass(frozen=True)
class Tagged:
    """What tagging did: the performer, the shots newly tagged, and where the tag came from."""

    member: CastMember
    shots: tuple[int, ...]
    source: str
    added: bool = False

    def line(self) -> str:
        shots = ", ".join(str(s) for s in self.shots) or "no new shot"
        joined = " (added to the cast)" if self.added else ""
        return f"{self.member.name}{joined}: shot(s) {shots} (from {self.source})"


def tag_shots(
    project: Project,
    shots: Sequence[Shot],
    names: Iterable[str],
    *,
    untag: bool = False,
    note: str = "",
) -> list[Tagged]:
    """Tag ``shots`` by hand with each performer in ``names`` (who must be in the cast), or
    take the tag off with ``untag``."""
    out: list[Tagged] = []
    ids = [s.id for s in shots]
    if not ids:
        raise UsageError("no shot to tag")
    for name in names:
        member = project.cast_member(name)
        done = (
            project.untag_shots(member.id, ids, note=note)
            if untag
            else project.tag_shots(member.id, ids, source="hand", note=note)
        )
        out.append(Tagged(member, tuple(done), "hand"))
    return out


def tag_from_timeline(project: Project, sequence_id: int) -> list[Tagged]:
    """Tag each shot of the sequence with the performers its markers and comments name
    (``CAST: …``), adding to the cast whoever it lacks."""
    wanted: dict[tuple[str, str], list[int]] = {}
    spelled: dict[str, str] = {}
    for shot in project.shots(sequence_id):
        for name, source in cast_in(shot):
            key = " ".join(name.split()).casefold()
            spelled.setdefault(key, name)
            shots = wanted.setdefault((key, source), [])
            if shot.id not in shots:
                shots.append(shot.id)
    out: list[Tagged] = []
    for (key, source), shot_ids in wanted.items():
        member, added = member_for(project, spelled[key])
        done = project.tag_shots(member.id, shot_ids, source=source, note="from the timeline")
        if done or added:
            out.append(Tagged(member, tuple(done), source, added))
    return out


def coverage_lines(project: Project) -> tuple[list[str], int]:
    """Each performer: their likeness consents (live or expired), then each shot they appear in
    whose edits alter their likeness, with the kind and whether a consent covers it; and how
    many alterations no consent covers (``consent list`` and the window's cast dialog)."""
    from workbench.disclosure.likeness import expired, today_utc
    from workbench.project.likeness import enforced, needs

    today = today_utc()
    members = project.cast()
    if not members:
        return [], 0
    shots = {s.id: s for s in project.shots()}
    wanted = needs(project, today=today)
    state = "on" if enforced(project) else "OFF (policy)"
    lines = [f"likeness consent (policy {state}; as of {today.isoformat()} UTC):"]
    for member in members:
        lines.append(f"  {member.name}" + (f" ({member.role})" if member.role else ""))
        for c in project.likeness_consents(member.id):
            until = f" until {c.expires}" if c.expires else " (no expiry)"
            gone = " EXPIRED" if expired(c.record, today) else ""
            lines.append(
                f"    consent {c.id}: {', '.join(c.kinds)} for {c.production!r}, signed "
                f"{c.signed}{until}{gone} [{c.document_ref} sha256 {c.document_sha256[:12]}…]"
            )
        for need in (n for n in wanted if n.person_id == member.id):
            shot = shots.get(need.shot_id)
            name = f" ({shot.name})" if shot else ""
            edits = ", ".join(str(e) for e in need.edits)
            verdict = need.verdict
            status = (
                f"covered by consent {verdict.consent.id}"
                if verdict.consent is not None
                else f"MISSING: {verdict.why}"
            )
            lines.append(f"    shot {need.shot_id}{name}: {need.kind} by edit(s) {edits}: {status}")
    return lines, sum(1 for n in wanted if not n.verdict.covered)


__all__ = [
    "CAST_LINE",
    "Tagged",
    "add_cast_member",
    "cast_in",
    "coverage_lines",
    "member_for",
    "names_in",
    "tag_from_timeline",
    "tag_shots",
]
