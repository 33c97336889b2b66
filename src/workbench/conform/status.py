"""Where each shot of a sequence stands, for the window's shot list (read from the project).

A shot is **offline** (no media), **untouched** (no enabled edit over its frames), **edited**,
**awaiting sign-off** (an edit over it the policy holds for a producer), or **delivered** (its
latest delivery was rendered after the last change to the edits over it). Beside the status:
its performers, and whether an edit over it alters a performer beyond their consent (the same
judgement ``project.likeness`` makes at apply and render).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workbench.project import Delivery, Project, Shot

STATUSES = ("offline", "untouched", "edited", "awaiting sign-off", "delivered")


@dataclass(frozen=True)
class ShotState:
    """One shot as the shot list shows it."""

    shot: Shot
    status: str
    edits: tuple[int, ...]
    delivery: Delivery | None
    cast: tuple[str, ...]
    consent_missing: tuple[str, ...] = ()
    """``Ada Actor: enhancement`` for each performer and kind no consent covers."""
    clip_path: str | None = None

    @property
    def label(self) -> str:
        return f"{self.shot.id:03d} {self.shot.name}"


def _rendered_edits(project: Project, delivery: Delivery) -> set[int]:
    """The edits the delivery's render applied (its render entry's list)."""
    import json

    row = project.conn.execute(
        "SELECT body FROM log WHERE id = (SELECT log_entry FROM renders WHERE id = ?)",
        (delivery.render_id,),
    ).fetchone()
    try:
        body = json.loads(row[0]) if row else {}
    except (TypeError, ValueError):
        return set()
    return {int(e["edit"]) for e in body.get("edits") or [] if isinstance(e, dict)}


def _still_delivered(project: Project, shot: Shot, delivery: Delivery, over: list[int]) -> bool:
    """Whether the edits over the shot are the ones its delivery rendered (none added, none
    undone or switched off since)."""
    if shot.clip_id is None or shot.frames is None:
        return False
    first, last = shot.frames
    rendered = _rendered_edits(project, delivery)
    then = {
        e.id
        for e in project.edits(shot.clip_id, include_removed=True)
        if e.id in rendered and e.frames[0] <= last and e.frames[1] >= first
    }
    return then == set(over)


def shot_states(
    project: Project, sequence_id: int | None = None, *, today: date | None = None
) -> list[ShotState]:
    """Every shot of the sequence (None: the last imported), in cut order."""
    from workbench.project.likeness import needs

    sequence = project.sequence(sequence_id)
    pending = project.edits_pending_signoff()
    names = {m.id: m.name for m in project.cast()}
    tags: dict[int, list[str]] = {}
    for tag in project.shot_cast():
        tags.setdefault(tag.shot_id, []).append(names.get(tag.cast_id, "?"))
    gaps: dict[int, list[str]] = {}
    for need in needs(project, today=today):
        if not need.verdict.covered:
            gaps.setdefault(need.shot_id, []).append(f"{need.verdict.person}: {need.kind}")
    clips = {c.id: c for c in project.clips()}
    edits_by_clip = {cid: [e for e in project.edits(cid) if e.enabled] for cid in clips}
    out = []
    for shot in project.shots(sequence.id):
        over: list[int] = []
        if shot.online and shot.clip_id is not None and shot.frames is not None:
            first, last = shot.frames
            over = [
                e.id
                for e in edits_by_clip.get(shot.clip_id, [])
                if e.frames[0] <= last and e.frames[1] >= first
            ]
        delivery = project.latest_delivery(shot.id)
        if not shot.online:
            status = "offline"
        elif any(e in pending for e in over):
            status = "awaiting sign-off"
        elif delivery is not None and _still_delivered(project, shot, delivery, over):
            status = "delivered"
        else:
            status = "edited" if over else "untouched"
        clip = clips.get(shot.clip_id) if shot.clip_id is not None else None
        out.append(
            ShotState(
                shot,
                status,
                tuple(over),
                delivery,
                tuple(tags.get(shot.id, [])),
                tuple(gaps.get(shot.id, [])),
                clip.path if clip else None,
            )
        )
    return out


__all__ = ["STATUSES", "ShotState", "shot_states"]
