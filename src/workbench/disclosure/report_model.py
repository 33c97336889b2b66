"""What the producer-facing exports say, worked out once from the log.

The HTML and PDF reports, the compensation ledger and the credits line are views of one
:class:`ProducerReport`, so they cannot disagree. Only *live* edits count for the summary, the
ledger and the credits: an edit later reverted, or switched off, touched no delivered frame.
Every edit, live or not, is still listed in the reports' edit table with its state.

Ledger arithmetic (per model, over its live edits):

- frames processed: the sum of each edit's frame count (two edits over the same frames count
  twice: the model ran twice);
- megapixels processed: frames x the pixels the model was given (the region's rectangle, else
  the clip's full frame), in millions; unknown when the clip's size is unknown;
- seconds of delivered footage: the distinct frames the model touched in each clip, divided by
  the clip's frame rate;
- a contributor's part: their share from the model card times each of those.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from workbench import APP_NAME, __version__
from workbench.disclosure.entries import (
    ClipMedia,
    EditEntry,
    ImportEntry,
    Region,
    RenderEntry,
    RevertEntry,
    ToggleEntry,
    TypedEntry,
    bodies,
    parse_entry,
)
from workbench.disclosure.report_ledger import (
    ATTRIBUTED_BASES,
    ContributorTotal,
    KindSummary,
    LedgerRow,
    ModelUsage,
    credits_text,
    frames_by_clip,
    kind_summaries,
    ledger_rows,
    model_usage,
)
from workbench.disclosure.report_ledger import contributor_totals as _contributor_totals
from workbench.disclosure.report_sequence import SequenceView, build_sequences, film_credits
from workbench.errors import DisclosureError
from workbench.safe_text import shown

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from workbench.catalog.card import ModelCard
    from workbench.disclosure.exporters import ExportContext

KIND_NAMES = {
    "c2pa.enhanced": "cleanup",
    "c2pa.resized": "upscaling",
    "c2pa.color_adjustments": "colour adjustment",
    "c2pa.edited": "editing",
    "c2pa.filtered": "filtering",
}


@dataclass(frozen=True)
class ClipInfo:
    id: str
    name: str
    path: str
    width: int | None = None
    height: int | None = None
    frame_rate: Fraction | None = None
    frame_count: int | None = None
    colour: str | None = None
    """The clip's colour space, where the project said it (edits convert from it)."""

    @property
    def pixels(self) -> int | None:
        return self.width * self.height if self.width and self.height else None


@dataclass(frozen=True)
class EditRow:
    entry_id: str
    seq: int
    time: str
    operator: str
    clip: ClipInfo
    edit_id: str
    tool: str
    tool_version: str
    parameters: dict[str, Any]
    first: int
    last: int
    region: dict[str, Any]
    model: dict[str, Any]
    card: ModelCard | None
    action: str
    source_type: str
    nature: str
    state: str  # "live", "reverted" or "off"
    hash: str
    signoff: str
    entry: dict[str, Any] = field(repr=False, default_factory=dict)
    synthesis: str = ""
    """What the edit generated rather than recovered ("synthesised grain"); empty for others."""

    @property
    def frames(self) -> int:
        return self.last - self.first + 1

    @property
    def kind(self) -> str:
        return self.synthesis or KIND_NAMES.get(self.action, self.action)

    @property
    def live(self) -> bool:
        return self.state == "live"

    @property
    def region_spec(self) -> Region:
        return Region.from_dict(self.region)

    @property
    def pixels(self) -> int | None:
        region = self.region_spec
        if region.kind == "rect":
            w, h = region.w, region.h
            if self.clip.width and self.clip.height:
                w, h = min(w, self.clip.width), min(h, self.clip.height)
            return max(w, 0) * max(h, 0)
        return self.clip.pixels

    @property
    def megapixels(self) -> float | None:
        px = self.pixels
        return None if px is None else self.frames * px / 1e6

    @property
    def region_text(self) -> str:
        return self.region_spec.describe()

    @property
    def representative_frame(self) -> int:
        return (self.first + self.last) // 2


@dataclass(frozen=True)
class ProducerReport:
    project: dict[str, Any]
    exported: str
    clips: list[ClipInfo]
    edits: list[EditRow]
    kinds: list[KindSummary]
    usage: list[ModelUsage]
    ledger: list[LedgerRow]
    verified: bool
    verification: str
    checkpoint: dict[str, Any] | None
    public_keys: list[dict[str, str]]
    renders: list[dict[str, Any]]
    entries: int
    signed_by: tuple[str, ...] = ()
    """Each key that signed the log: ``Alice (key 1a2b 3c4d 5e6f 7a8b)``, in signing order."""
    sequences: tuple[SequenceView, ...] = ()
    """The films the log conformed, shot by shot (``report_sequence``); empty without one."""

    @property
    def live_edits(self) -> list[EditRow]:
        return [e for e in self.edits if e.live]

    @property
    def shots(self) -> int:
        return len({e.clip.id for e in self.live_edits})

    @property
    def frames_assisted(self) -> int:
        return sum(len(s) for s in frames_by_clip(self.live_edits).values())

    @property
    def total_frames(self) -> int | None:
        counts = [c.frame_count for c in self.clips]
        return sum(c for c in counts if c) if counts and all(counts) else None

    @property
    def all_assistive(self) -> bool:
        return all(e.nature == "assistive" for e in self.live_edits)

    @property
    def undisclosed_models(self) -> list[ModelUsage]:
        return [u for u in self.usage if u.card is None or u.consent == "undisclosed"]

    def one_minute_summary(self) -> list[str]:
        """The sentences a producer reads first."""
        lines: list[str] = []
        live = self.live_edits
        if not live:
            lines.append("No AI edit is live in this project: no frame was changed by AI.")
        else:
            total = self.total_frames
            of = f" of {total:,}" if total else ""
            noun = "clips" if self.sequences else "shots"  # a film's shots: its own view
            lines.append(
                f"{self.shots} of {len(self.clips)} {noun} received AI assistance: "
                f"{self.frames_assisted:,}{of} frames, through {len(live)} edits."
            )
            for k in self.kinds:
                secs = f" ({k.seconds:.1f} s)" if k.seconds is not None else ""
                lines.append(
                    f"{k.kind.capitalize()}: {k.frames:,} frames{secs} in {k.shots} "
                    f"shot{'s' if k.shots != 1 else ''}."
                )
            if self.all_assistive:
                lines.append(
                    "All of it is assistive (algorithmically enhanced footage); "
                    "no generative AI created picture content."
                )
            else:
                gen = sum(1 for e in live if e.nature != "assistive")
                lines.append(f"NOT all assistive: {gen} edits are generative; see the edit list.")
            if self.undisclosed_models:
                names = ", ".join(u.id for u in self.undisclosed_models)
                lines.append(f"Models without a disclosed training set: {names}.")
            else:
                bases = sorted(
                    {s.consent_basis for u in self.usage if u.card for s in u.card.training_data}
                )
                lines.append(
                    f"Every model used has a model card; training data bases: {', '.join(bases)}."
                )
        reverted = sum(1 for e in self.edits if not e.live)
        if reverted:
            were = "edit was" if reverted == 1 else "edits were"
            lines.append(
                f"{reverted} further {were} undone or switched off; they touched no delivered frame."
            )
        lines.append(
            "The disclosure log verifies." if self.verified else "WARNING: " + self.verification
        )
        if self.signed_by:
            lines.append(f"Signed by {'; '.join(self.signed_by)}.")
        return lines

    def credits(self) -> str:
        film = film_credits(self.sequences)
        text = credits_text(self)
        return "\n".join(film) + "\n" + text if film else text

    @property
    def contributor_totals(self) -> list[ContributorTotal]:
        return _contributor_totals(self.ledger)


def printable(value: Any) -> str:
    """Text from the project with control characters (and bidi overrides) shown, not obeyed.

    Escaping for the output format (HTML, PDF markup) comes after this.
    """
    return shown("" if value is None else str(value))


def clip_info(clip: Mapping[str, Any]) -> ClipInfo:
    """From a project clip (``{id, name, path, media}``) or a log import entry's clip."""
    media = ClipMedia.from_dict(clip.get("media") or {})
    return ClipInfo(
        id=str(clip.get("id")),
        name=str(clip.get("name") or str(clip.get("path") or "").rsplit("/", 1)[-1] or "?"),
        path=str(clip.get("path") or ""),
        width=media.width,
        height=media.height,
        frame_rate=media.frame_rate,
        frame_count=media.frame_count,
        colour=clip.get("colour") if isinstance(clip.get("colour"), str) else None,
    )


def _typed(entries: Sequence[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], TypedEntry]]:
    """Each entry that reads as a typed entry, beside the dict it came from.

    An entry that does not read (a damaged export) is left out; verification says why.
    """
    out: list[tuple[Mapping[str, Any], TypedEntry]] = []
    for raw in entries:
        try:
            out.append((raw, parse_entry(raw)))
        except DisclosureError:
            continue
    return out


def _edit_state(typed: list[TypedEntry]) -> Callable[[str], str]:
    """An edit's state ("live", "reverted" or "off") by the id of the entry that added it."""
    reverted = {b.reverts for _, b in bodies(typed, RevertEntry)}
    enabled = {b.entry: b.enabled for _, b in bodies(typed, ToggleEntry)}

    def state(entry_id: str) -> str:
        if entry_id in reverted:
            return "reverted"
        return "live" if enabled.get(entry_id, True) else "off"

    return state


def _edit_row(
    raw: Mapping[str, Any],
    e: TypedEntry,
    body: EditEntry,
    info: ClipInfo,
    card: ModelCard | None,
    state: str,
) -> EditRow:
    edit, classification = body.edit, body.classification
    return EditRow(
        entry_id=e.id,
        seq=e.seq,
        time=e.envelope.time,
        operator=e.envelope.operator,
        clip=info,
        edit_id=str(edit.id),
        tool=edit.tool.id or "?",
        tool_version=edit.tool.version,
        parameters=dict(edit.parameters),
        first=edit.frames[0],
        last=edit.frames[1],
        region=edit.region.to_dict(),
        model=body.model.to_dict() if body.model is not None else {},
        card=card,
        action=classification.c2pa_action or "c2pa.edited",
        source_type=classification.digital_source_type or "",
        nature=classification.nature or "assistive",
        state=state,
        hash=e.hash,
        signoff=body.signoff,
        entry=dict(raw),
        synthesis=classification.synthesis or "",
    )


def edit_rows(
    entries: list[dict[str, Any]],
    clips: Mapping[str, ClipInfo],
    cards: Mapping[str, ModelCard],
) -> list[EditRow]:
    pairs = _typed(entries)
    state = _edit_state([e for _, e in pairs])
    rows: list[EditRow] = []
    for raw, e in pairs:
        if not isinstance(e.body, EditEntry):
            continue
        ref = e.body.edit.clip
        info = clips.get(str(ref.id)) or clip_info(ref.to_dict())
        card = cards.get(e.body.model.sha256) if e.body.model is not None else None
        rows.append(_edit_row(raw, e, e.body, info, card, state(e.id)))
    return rows


Thumbnailer = Callable[[EditRow], "tuple[NDArray[Any], NDArray[Any]] | None"]


def _clip_infos(typed: list[TypedEntry], context: ExportContext) -> dict[str, ClipInfo]:
    """Every clip: as imported (from the log), then as the project now holds it."""
    clips: dict[str, ClipInfo] = {}
    for _, body in bodies(typed, ImportEntry):
        info = clip_info(body.clip.to_dict())
        clips[info.id] = info
    for clip in context.clips:
        info = clip_info(clip)
        clips[info.id] = info
    return clips


def _render_row(e: TypedEntry, body: RenderEntry) -> dict[str, Any]:
    return {
        "time": e.envelope.time,
        "clip": body.clip.id,
        "output": body.output.path,
        "sha256": body.output.sha256,
        "codec": body.output.codec,
        "edits": len(body.edits),
        "qc": _qc_text(body.qc),
        "colour": _colour_text(body),
    }


def _colour_text(body: RenderEntry) -> str:
    """The render's colour transforms in a line: clip space → working spaces, config, version."""
    colour = body.colour
    if colour is None:
        return "—"
    working = sorted({s.working for s in colour.steps if s.converted})
    into = f" → {', '.join(working)} → back" if working else " (not converted)"
    return f"{colour.input}{into}; {colour.config}, OpenColorIO {colour.ocio or '?'}"


def _last_checkpoint(context: ExportContext) -> dict[str, Any] | None:
    if not context.data.checkpoints:
        return None
    cp = context.data.checkpoints[-1]
    return {
        "seq": cp.seq,
        "tree_size": cp.tree_size,
        "head": cp.head_hash,
        "time": cp.time,
        "key_id": cp.key_id,
        "signature": cp.signature,
    }


def build_report(context: ExportContext) -> ProducerReport:
    """Everything the producer exports show, from an export context."""
    from workbench.disclosure.verify import verify_rows

    data = context.data
    entries = data.entries()
    typed = [e for _, e in _typed(entries)]
    clips = _clip_infos(typed, context)
    rows = edit_rows(entries, clips, context.cards)
    live = [r for r in rows if r.live]
    usage = model_usage(live)
    report = verify_rows(data.rows, data.checkpoints, data.keys, project_id=data.project_id)
    return ProducerReport(
        project=dict(data.project),
        exported=context.exported,
        clips=sorted(clips.values(), key=lambda c: (len(c.id), c.id)),
        edits=rows,
        kinds=kind_summaries(live),
        usage=usage,
        ledger=ledger_rows(usage),
        verified=report.ok,
        verification=report.summary(),
        checkpoint=_last_checkpoint(context),
        public_keys=[{"key_id": str(k.key_id), "public_key": str(k.public_key)} for k in data.keys],
        renders=[_render_row(e, b) for e, b in bodies(typed, RenderEntry)],
        entries=len(entries),
        signed_by=tuple(s.describe() for s in report.signers),
        sequences=tuple(build_sequences(typed, rows, context.exported)),
    )


def generator() -> str:
    return f"{APP_NAME} {__version__}"


def _qc_text(qc: Any) -> str:
    """The render's own QC verdict as a report shows it (renders before QC existed: "—")."""
    if not isinstance(qc, dict):
        return "—"
    status = str(qc.get("status", "—"))
    if status == "passed":
        expected = len(qc.get("expected") or [])
        return f"passed (ffprobe, MediaInfo; {expected} expected differences)"
    if status == "not run":
        return f"not run: {qc.get('reason', '')}"
    return status


__all__ = [
    "ATTRIBUTED_BASES",
    "KIND_NAMES",
    "ClipInfo",
    "ContributorTotal",
    "EditRow",
    "KindSummary",
    "LedgerRow",
    "ModelUsage",
    "ProducerReport",
    "Thumbnailer",
    "build_report",
    "clip_info",
    "credits_text",
    "edit_rows",
    "generator",
    "kind_summaries",
    "ledger_rows",
    "model_usage",
    "printable",
]
