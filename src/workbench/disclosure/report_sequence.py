"""The report's sequence view: a film's shots in cut order, worked out from the log alone.

The conform's entries (a sequence imported, its shots changed, each shot delivered), the
performers' (cast, tags, likeness consents) and the edits are replayed, so the view reads the
same from a project and from its exported JSON log. Per shot: its timecodes, the live AI edits
over its frames (with handles), their models and training data, each performer's consent to
the kinds of alteration those edits make (judged on the export's date: an expired consent
covers nothing), and the file it was last delivered as, with its QC verdict.

The film's ledger counts, per contributor of each model, the frames *of the cut* (the shot's
source range, not its handles) that their model touched, shot by shot; the contributor's part is
their card share of those frames.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from workbench.disclosure.entries import (
    CastEntry,
    DeliveryEntry,
    DeliveryRecord,
    LikenessConsentEntry,
    LikenessConsentRecord,
    MoveEntry,
    RenderEntry,
    SequenceImportEntry,
    SequenceRecord,
    ShotCastEntry,
    ShotChangeEntry,
    ShotRecord,
    SignoffEntry,
    TypedEntry,
)
from workbench.disclosure.likeness import alteration_kind, judge
from workbench.errors import DisclosureError

if TYPE_CHECKING:
    from workbench.disclosure.report_model import EditRow


@dataclass(frozen=True)
class ConsentLine:
    """One performer, one kind of alteration a shot's edits make, and whether it is covered."""

    person: str
    kind: str
    consent: LikenessConsentRecord | None
    why: str = ""

    @property
    def covered(self) -> bool:
        return self.consent is not None

    @property
    def short(self) -> str:
        c = self.consent
        if c is None:
            return f"{self.person}: {self.kind} — NO CONSENT ({self.why})"
        return f"{self.person}: {self.kind} — consent {c.id}" + (
            f", until {c.expires}" if c.expires else ""
        )

    @property
    def text(self) -> str:
        c = self.consent
        if c is None:
            return f"{self.person}: {self.kind} — NO CONSENT ({self.why})"
        until = f" until {c.expires}" if c.expires else ""
        return (
            f"{self.person}: {self.kind} — consent {c.id} ({', '.join(c.kinds)}; signed "
            f"{c.signed}{until}; release {c.document_ref}, sha256 {c.document_sha256[:12]}…)"
        )


@dataclass(frozen=True)
class ShotRow:
    """One shot of the cut as the report shows it."""

    sequence: str
    shot: ShotRecord
    edits: tuple[EditRow, ...]
    """The live AI edits over the shot's frames (its clip, source range plus handles), in the
    clip's stack order (bottom first)."""
    performers: tuple[str, ...] = ()
    consent: tuple[ConsentLine, ...] = ()
    delivery: DeliveryRecord | None = None
    delivered_after_edits: bool = False
    pending_signoff: bool = False

    @property
    def cut_frames(self) -> tuple[int, int] | None:
        """The clip's frames the cut shows (the source range, without the handles)."""
        frames, (head, tail) = self.shot.frames, self.shot.handles
        if frames is None:
            return None
        return (frames[0] + head, max(frames[0] + head, frames[1] - tail))

    @property
    def cut_length(self) -> int:
        frames = self.cut_frames
        return 0 if frames is None else frames[1] - frames[0] + 1

    def touched(self, edits: Sequence[EditRow] | None = None) -> int:
        """Frames of the cut that ``edits`` (default: the shot's live edits) touched."""
        frames = self.cut_frames
        if frames is None:
            return 0
        hit: set[int] = set()
        for e in self.edits if edits is None else edits:
            hit.update(range(max(e.first, frames[0]), min(e.last, frames[1]) + 1))
        return len(hit)

    @property
    def status(self) -> str:
        """offline, untouched, edited, awaiting sign-off, or delivered (as the window says)."""
        if self.shot.status != "online":
            return "offline"
        if self.pending_signoff:
            return "awaiting sign-off"
        if self.delivery is not None and self.delivered_after_edits:
            return "delivered"
        return "edited" if self.edits else "untouched"

    @property
    def representative_frame(self) -> int | None:
        frames = self.cut_frames
        return None if frames is None else (frames[0] + frames[1]) // 2

    @property
    def models(self) -> list[tuple[str, str]]:
        """(model id and version, training data bases) of the shot's live edits."""
        out: dict[str, str] = {}
        for e in self.edits:
            if not e.model:
                continue
            label = f"{e.model.get('id')} {e.model.get('version') or ''}".strip()
            card = e.card
            bases = sorted({s.consent_basis for s in card.training_data}) if card else []
            data = ", ".join(bases or e.model.get("training_data") or []) or str(
                e.model.get("consent") or "undisclosed"
            )
            out.setdefault(label, data)
        return sorted(out.items())

    @property
    def consent_ok(self) -> bool:
        return all(c.covered for c in self.consent)


@dataclass(frozen=True)
class SequenceView:
    record: SequenceRecord
    shots: tuple[ShotRow, ...]

    @property
    def name(self) -> str:
        return self.record.name

    def summary(self) -> list[str]:
        online = [s for s in self.shots if s.shot.status == "online"]
        edited = [s for s in online if s.edits]
        length = sum(s.cut_length for s in online)
        touched = sum(s.touched() for s in online)
        lines = [
            f"Sequence {self.name}: {_count(len(self.shots), 'shot')} "
            f"({len(self.shots) - len(online)} offline); {len(edited)} received AI assistance, "
            f"touching {touched:,} of the {length:,} frames the cut shows.",
        ]
        delivered = [s for s in online if s.delivery is not None]
        if delivered:
            failed = sum(1 for s in delivered if s.delivery and s.delivery.qc != "passed")
            lines.append(
                f"{_count(len(delivered), 'shot')} delivered as replacement media"
                + (f"; {failed} did not pass QC." if failed else ", every one passing QC.")
            )
        gaps = [c for s in self.shots for c in s.consent if not c.covered]
        if gaps:
            lines.append(
                f"WARNING: {_count(len(gaps), 'alteration')} of a performer's likeness "
                f"{'lacks' if len(gaps) == 1 else 'lack'} their consent; see the shots marked "
                "NO CONSENT."
            )
        elif any(s.consent for s in self.shots):
            lines.append("Every AI alteration of a performer's likeness is covered by consent.")
        return lines


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


@dataclass
class _Replay:
    sequences: dict[int, SequenceRecord] = field(default_factory=dict)
    shots: dict[int, tuple[int, ShotRecord]] = field(default_factory=dict)
    deliveries: dict[int, tuple[int, DeliveryRecord]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    tags: dict[tuple[int, int], str] = field(default_factory=dict)
    consents: dict[int, list[LikenessConsentRecord]] = field(default_factory=dict)
    signed_off: set[str] = field(default_factory=set)
    order: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """Each clip's stack order after its last move (edit ids, bottom first)."""
    rendered: dict[str, set[int]] = field(default_factory=dict)
    """The edits each render applied, by the render entry's id."""

    def add(self, entry: TypedEntry) -> None:
        body = entry.body
        if isinstance(body, MoveEntry):
            self.order[body.clip] = body.order
        elif isinstance(body, RenderEntry):
            self.rendered[entry.id] = {link.edit for link in body.edits}
        elif isinstance(body, SequenceImportEntry):
            self.sequences.setdefault(body.sequence.id, body.sequence)
            for shot in body.shots:
                self.shots.setdefault(shot.id, (body.sequence.id, shot))
        elif isinstance(body, ShotChangeEntry) and body.shot in self.shots:
            seq, shot = self.shots[body.shot]
            with contextlib.suppress(DisclosureError):  # verification names a malformed one
                self.shots[body.shot] = (seq, body.applied_to(shot))
        elif isinstance(body, DeliveryEntry):
            self.deliveries[body.delivery.shot] = (entry.seq, body.delivery)
        elif isinstance(body, CastEntry):
            self.names[body.member.id] = body.member.name
        elif isinstance(body, ShotCastEntry):
            for shot_id in body.shots:
                if body.action == "untag":
                    self.tags.pop((shot_id, body.person.id), None)
                else:
                    self.tags[(shot_id, body.person.id)] = body.source
        elif isinstance(body, LikenessConsentEntry):
            self.consents.setdefault(body.consent.person.id, []).append(body.consent)
        elif isinstance(body, SignoffEntry):
            self.signed_off.add(body.entry)


def _on(day: str) -> date:
    try:
        return date.fromisoformat(day[:10])
    except ValueError:
        return date.today()


def _consent_lines(
    replay: _Replay, shot_id: int, edits: Sequence[EditRow], day: date
) -> tuple[tuple[str, ...], tuple[ConsentLine, ...]]:
    people = sorted(p for (s, p) in replay.tags if s == shot_id)
    names = tuple(replay.names.get(p, f"cast member {p}") for p in people)
    kinds = sorted({alteration_kind(e.entry.get("classification") or {}) for e in edits})
    lines = []
    for person, name in zip(people, names, strict=True):
        for kind in kinds:
            verdict = judge(name, kind, replay.consents.get(person, []), day)
            lines.append(ConsentLine(name, kind, verdict.consent, verdict.why))
    return names, tuple(lines)


def _shot_row(
    replay: _Replay,
    sequence: SequenceRecord,
    shot: ShotRecord,
    by_clip: Mapping[str, list[Any]],
    day: date,
) -> ShotRow:
    every: list[EditRow] = []
    if shot.clip is not None and shot.frames is not None:
        first, last = shot.frames
        every = [
            e for e in by_clip.get(str(shot.clip.id), []) if e.first <= last and e.last >= first
        ]
        order = replay.order.get(shot.clip.id, ())
        places = {edit_id: n for n, edit_id in enumerate(order)}
        every.sort(key=lambda e: (places.get(int(e.edit_id), len(order)), e.seq))  # stack order
    edits = [e for e in every if e.live]
    delivered = replay.deliveries.get(shot.id)
    still = False
    if delivered is not None:
        # delivered as it stands: the edits over it now are the ones its render applied
        rendered = replay.rendered.get(delivered[1].render.entry, set())
        then = {e.edit_id for e in every if int(e.edit_id) in rendered}
        still = then == {e.edit_id for e in edits}
    people, lines = _consent_lines(replay, shot.id, edits, day)
    return ShotRow(
        sequence=sequence.name,
        shot=shot,
        edits=tuple(edits),
        performers=people,
        consent=lines,
        delivery=delivered[1] if delivered else None,
        delivered_after_edits=still,
        pending_signoff=any(
            e.signoff == "pending" and e.entry_id not in replay.signed_off for e in edits
        ),
    )


def build_sequences(
    typed: Sequence[TypedEntry], rows: Sequence[EditRow], exported: str
) -> list[SequenceView]:
    """Every sequence the log imported, its shots in cut order (see the module docstring)."""
    replay = _Replay()
    for entry in typed:
        replay.add(entry)
    if not replay.sequences:
        return []
    by_clip: dict[str, list[EditRow]] = {}
    for row in rows:
        by_clip.setdefault(row.clip.id, []).append(row)
    day = _on(exported)
    views = []
    for seq_id, record in sorted(replay.sequences.items()):
        shots = sorted(
            (s for sid, s in replay.shots.values() if sid == seq_id), key=lambda s: s.position
        )
        rows_ = tuple(_shot_row(replay, record, shot, by_clip, day) for shot in shots)
        views.append(SequenceView(record, rows_))
    return views


@dataclass(frozen=True)
class FilmLedgerRow:
    """One contributor's part in one shot: the frames of the cut their model touched there."""

    sequence: str
    shot: int
    reel: str
    record_in: str
    model: str
    contributor: str
    role: str
    share: float | None
    frames: int

    @property
    def contributor_frames(self) -> float | None:
        return None if self.share is None else self.frames * self.share


def film_ledger(views: Sequence[SequenceView]) -> list[FilmLedgerRow]:
    """Per shot and model, each contributor's part (undisclosed models: one row, no share)."""
    out: list[FilmLedgerRow] = []
    for view in views:
        for row in view.shots:
            by_model: dict[str, list[EditRow]] = {}
            for e in row.edits:
                if e.model:
                    by_model.setdefault(str(e.model.get("sha256")), []).append(e)
            for edits in by_model.values():
                frames = row.touched(edits)
                if not frames:
                    continue
                m, card = edits[0].model, edits[0].card
                label = f"{m.get('id')} {m.get('version') or ''}".strip()
                common = (view.name, row.shot.id, row.shot.reel or "", row.shot.record.tc_in)
                if card is None:
                    out.append(FilmLedgerRow(*common, label, "(undisclosed)", "", None, frames))
                    continue
                for c in card.contributors:
                    out.append(
                        FilmLedgerRow(*common, label, c.name, c.role, float(c.share), frames)
                    )
    return out


def film_totals(ledger: Sequence[FilmLedgerRow]) -> list[tuple[str, int, float]]:
    """Per contributor over the whole film: (name, shots, their share of the cut's frames)."""
    totals: dict[str, tuple[set[tuple[str, int]], float]] = {}
    for row in ledger:
        if row.contributor_frames is None:
            continue
        shots, frames = totals.get(row.contributor, (set(), 0.0))
        shots.add((row.sequence, row.shot))
        totals[row.contributor] = (shots, frames + row.contributor_frames)
    return sorted(
        ((name, len(shots), frames) for name, (shots, frames) in totals.items()),
        key=lambda t: (-t[2], t[0]),
    )


def film_credits(views: Sequence[SequenceView]) -> list[str]:
    """The end roll's lines about the film itself (the attributions follow them)."""
    lines: list[str] = []
    for view in views:
        online = [s for s in view.shots if s.shot.status == "online"]
        edited = [s for s in online if s.edits]
        if not edited:
            continue
        kinds = sorted({e.kind for s in edited for e in s.edits})
        lines.append(
            f"{view.name}: AI-assisted {', '.join(kinds)} in {len(edited)} of {len(online)} "
            f"shots ({sum(s.touched() for s in online):,} of "
            f"{sum(s.cut_length for s in online):,} frames)."
        )
        people = sorted({c.person for s in edited for c in s.consent if c.covered})
        if people:
            lines.append(f"Likeness of {', '.join(people)} AI-altered with their written consent.")
    return lines


__all__ = [
    "ConsentLine",
    "FilmLedgerRow",
    "SequenceView",
    "ShotRow",
    "build_sequences",
    "film_credits",
    "film_ledger",
    "film_totals",
]
