"""The likeness policy: an AI edit on a shot featuring a performer needs their consent covering
that kind of alteration (``disclosure.likeness``), for every front end and the render.

The policy's switch (``Policy.likeness_consent``) is on by default in a project with a cast.
An edit *touches* a shot when its frames overlap the shot's frames with handles (the delivered
file holds the handles, and an editor may extend into them). For each performer tagged on such
a shot, the edit's kind of alteration must be covered by one of their likeness consents that has
not expired (on the UTC date asked). ``editing.plan_edit`` asks before an edit is written;
``render.planning.build_plan`` asks again before a frame is rendered (a tag or an expiry may
have come since), and both refuse with a :class:`PolicyError` (exit 5) that names the performer,
the shot and the missing scope.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from workbench.disclosure.likeness import Verdict, alteration_kind, judge, today_utc
from workbench.errors import PolicyError

if TYPE_CHECKING:
    from workbench.project.project import Project


@dataclass(frozen=True)
class Touched:
    """One performer on one shot an edit touches, and the verdict on their consent."""

    shot_id: int
    shot_name: str
    reel: str | None
    person_id: int
    verdict: Verdict

    def words(self, what: str) -> str:
        reel = f", reel {self.reel}" if self.reel else ""
        return (
            f"{what} alters the likeness of {self.verdict.person} in shot {self.shot_id} "
            f"({self.shot_name}{reel}) by {self.verdict.kind}, and {self.verdict.why}"
        )


def enforced(project: Project) -> bool:
    return project.policy().likeness_enforced(bool(project.cast()))


class _Cast:
    """What the checks read once: the tags, the names, each performer's consents, the shots."""

    def __init__(self, project: Project) -> None:
        self.tags: dict[int, list[int]] = {}
        for tag in project.shot_cast():
            self.tags.setdefault(tag.shot_id, []).append(tag.cast_id)
        self.names = {m.id: m.name for m in project.cast()} if self.tags else {}
        self.consents: dict[int, list[Any]] = {}
        for consent in project.likeness_consents() if self.tags else []:
            self.consents.setdefault(consent.cast_id, []).append(consent.record)
        self.shots = [s for s in project.shots() if s.id in self.tags] if self.tags else []

    def touched(self, clip_id: int, frames: tuple[int, int], kind: str, day: date) -> list[Touched]:
        out: list[Touched] = []
        for shot in self.shots:
            if shot.clip_id != clip_id or shot.frames is None:
                continue
            if shot.frames[0] > frames[1] or shot.frames[1] < frames[0]:
                continue
            for person in self.tags[shot.id]:
                name = self.names.get(person, f"cast member {person}")
                verdict = judge(name, kind, self.consents.get(person, []), day)
                out.append(Touched(shot.id, shot.name, shot.reel, person, verdict))
        return out


def touched(
    project: Project,
    clip_id: int,
    frames: tuple[int, int],
    kind: str,
    *,
    today: date | None = None,
) -> list[Touched]:
    """Every (shot, performer) an edit of ``kind`` over the clip's ``frames`` touches, each
    with the verdict on their consent (empty when no performer appears there)."""
    return _Cast(project).touched(clip_id, frames, kind, today or today_utc())


def _refusal(gaps: list[Touched], what: str, doing: str, project: Project) -> PolicyError:
    first = gaps[0]
    more = len(gaps) - 1
    return PolicyError(
        (f"{doing} is refused: " if doing else "refused: ")
        + first.words(what)
        + (f" (and {more} more performer(s) or shot(s) without consent)" if more else ""),
        hint=f"record their consent: workbench consent add {project.path.name} --person "
        f"{first.verdict.person!r} --scope {first.verdict.kind} --document RELEASE.pdf "
        "(or Project ▸ Cast and consent…); or leave the shot's frames out of the edit",
    )


def check_edit(
    project: Project,
    clip_id: int,
    frames: tuple[int, int],
    classification: Any,
    *,
    what: str,
    today: date | None = None,
) -> list[Touched]:
    """Refuse an edit (``what``: "the denoise edit") whose alteration a performer on a shot it
    touches has not consented to; the performers it touches, each covered by a consent."""
    if not enforced(project):
        return []
    kind = alteration_kind(classification)
    found = touched(project, clip_id, frames, kind, today=today)
    gaps = [t for t in found if not t.verdict.covered]
    if gaps:
        raise _refusal(gaps, what, "", project)
    return found


def _classifications(project: Project, entry_ids: Iterable[str]) -> dict[str, Any]:
    """Each edit entry's classification, read from the log (what the edit was disclosed as)."""
    wanted = [e for e in entry_ids if e]
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    rows = project.conn.execute(f"SELECT id, body FROM log WHERE id IN ({marks})", wanted)
    out: dict[str, Any] = {}
    for entry_id, body in rows.fetchall():
        try:
            data = json.loads(body)
        except (TypeError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("classification"), dict):
            out[str(entry_id)] = data["classification"]
    return out


def check_render(
    project: Project,
    clip_id: int,
    frames: tuple[int, int] | None,
    *,
    doing: str,
    today: date | None = None,
) -> None:
    """Refuse a render of the clip's ``frames`` (None: all) when an enabled edit over them
    alters a performer's likeness beyond their consent (an expired consent counts as none)."""
    if not enforced(project):
        return
    cast = _Cast(project)
    if not cast.tags:
        return
    day = today or today_utc()
    edits = [e for e in project.edits(clip_id) if e.enabled]
    classes = _classifications(project, (e.log_entry for e in edits))
    gaps: list[tuple[Touched, str]] = []
    for edit in edits:
        first, last = edit.frames
        if frames is not None:
            first, last = max(first, frames[0]), min(last, frames[1])
            if first > last:
                continue
        kind = alteration_kind(classes.get(edit.log_entry, {"c2pa_action": "c2pa.edited"}))
        for t in cast.touched(clip_id, (first, last), kind, day):
            if not t.verdict.covered:
                gaps.append((t, f"edit {edit.id} ({edit.tool})"))
    if gaps:
        raise _refusal([g for g, _ in gaps], gaps[0][1], doing, project)


@dataclass(frozen=True)
class Need:
    """A performer on a shot, a kind of alteration the enabled edits over it make, the edits,
    and the verdict on their consent."""

    shot_id: int
    person_id: int
    kind: str
    edits: tuple[int, ...]
    verdict: Verdict


def needs(project: Project, *, today: date | None = None) -> list[Need]:
    """Every (shot, performer, kind) the project's enabled edits call for, with the verdict,
    in shot order (what ``consent list`` and the window's shot list show)."""
    day = today or today_utc()
    cast = _Cast(project)
    found: dict[tuple[int, int, str], tuple[list[int], Verdict]] = {}
    for clip_id in sorted({s.clip_id for s in cast.shots if s.clip_id is not None}):
        edits = [e for e in project.edits(clip_id) if e.enabled]
        classes = _classifications(project, (e.log_entry for e in edits))
        for edit in edits:
            kind = alteration_kind(classes.get(edit.log_entry, {"c2pa_action": "c2pa.edited"}))
            for t in cast.touched(clip_id, edit.frames, kind, day):
                key = (t.shot_id, t.person_id, kind)
                found.setdefault(key, ([], t.verdict))[0].append(edit.id)
    return [
        Need(shot, person, kind, tuple(ids), verdict)
        for (shot, person, kind), (ids, verdict) in sorted(found.items())
    ]


__all__ = ["Need", "Touched", "check_edit", "check_render", "enforced", "needs", "touched"]
