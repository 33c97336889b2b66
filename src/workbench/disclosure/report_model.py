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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from workbench import APP_NAME, __version__
from workbench.disclosure import records

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from workbench.catalog.card import ModelCard
    from workbench.disclosure.exporters import ExportContext

KIND_NAMES = {
    "c2pa.enhanced": "cleanup",
    "c2pa.resized": "upscaling",
    "c2pa.color_adjustments": "colour adjustment",
    "c2pa.edited": "editing",
}
ATTRIBUTED_BASES = ("cc-by", "licensed", "consented")


@dataclass(frozen=True)
class ClipInfo:
    id: str
    name: str
    path: str
    width: int | None = None
    height: int | None = None
    frame_rate: Fraction | None = None
    frame_count: int | None = None

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

    @property
    def frames(self) -> int:
        return self.last - self.first + 1

    @property
    def kind(self) -> str:
        return KIND_NAMES.get(self.action, self.action)

    @property
    def live(self) -> bool:
        return self.state == "live"

    @property
    def pixels(self) -> int | None:
        if self.region.get("kind") == "rect":
            w, h = int(self.region.get("w", 0)), int(self.region.get("h", 0))
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
        kind = self.region.get("kind", "full")
        if kind == "rect":
            r = self.region
            return f"rectangle {r.get('w')}x{r.get('h')} at ({r.get('x')}, {r.get('y')})"
        if kind == "mask":
            return f"mask {str(self.region.get('sha256', ''))[:12]}"
        return "full frame"

    @property
    def representative_frame(self) -> int:
        return (self.first + self.last) // 2


@dataclass(frozen=True)
class ModelUsage:
    id: str
    version: str
    sha256: str
    licence: str
    consent: str
    card: ModelCard | None
    frames: int
    megapixels: float | None
    seconds: float | None
    edits: int
    clips: int


@dataclass(frozen=True)
class LedgerRow:
    model_id: str
    model_version: str
    model_sha256: str
    weights_licence: str
    contributor: str
    role: str
    share: float | None
    basis: str
    frames: int
    megapixels: float | None
    seconds: float | None

    @property
    def contributor_megapixels(self) -> float | None:
        if self.megapixels is None or self.share is None:
            return None
        return self.megapixels * self.share

    @property
    def contributor_seconds(self) -> float | None:
        if self.seconds is None or self.share is None:
            return None
        return self.seconds * self.share


@dataclass(frozen=True)
class ContributorTotal:
    """One contributor's part across every model used: what a payout is computed against."""

    name: str
    models: tuple[str, ...]
    megapixels: float | None
    seconds: float | None


@dataclass(frozen=True)
class KindSummary:
    kind: str
    shots: int
    frames: int
    seconds: float | None
    edits: int


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

    @property
    def live_edits(self) -> list[EditRow]:
        return [e for e in self.edits if e.live]

    @property
    def shots(self) -> int:
        return len({e.clip.id for e in self.live_edits})

    @property
    def frames_assisted(self) -> int:
        return sum(len(s) for s in _frames_by_clip(self.live_edits).values())

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
            lines.append(
                f"{self.shots} of {len(self.clips)} shots received AI assistance: "
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
        return lines

    def credits(self) -> str:
        return credits_text(self)

    @property
    def contributor_totals(self) -> list[ContributorTotal]:
        by_name: dict[str, list[LedgerRow]] = {}
        for row in self.ledger:
            if row.share:
                by_name.setdefault(row.contributor, []).append(row)
        out = []
        for name, rows in by_name.items():
            mps = [r.contributor_megapixels for r in rows]
            secs = [r.contributor_seconds for r in rows]
            out.append(
                ContributorTotal(
                    name=name,
                    models=tuple(dict.fromkeys(r.model_id for r in rows)),
                    megapixels=None if None in mps else sum(m or 0.0 for m in mps),
                    seconds=None if None in secs else sum(x or 0.0 for x in secs),
                )
            )
        return sorted(out, key=lambda c: (-(c.megapixels or 0.0), c.name))


_CONTROL = {
    c: f"\\x{c:02x}"
    for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
    if c not in (0x09, 0x0A)
}
_CONTROL.update(
    {c: f"\\u{c:04x}" for c in (0x2028, 0x2029, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)}
)


def printable(value: Any) -> str:
    """Text from the project with control characters (and bidi overrides) shown, not obeyed.

    Escaping for the output format (HTML, PDF markup) comes after this.
    """
    return ("" if value is None else str(value)).translate(_CONTROL)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _rate(value: Any) -> Fraction | None:
    try:
        rate = Fraction(str(value)) if value is not None else None
    except (ValueError, ZeroDivisionError):
        return None
    return rate if rate and rate > 0 else None


def clip_info(clip: Mapping[str, Any]) -> ClipInfo:
    """From a project clip (``{id, name, path, media}``) or a log import entry's clip."""
    media = clip.get("media") or {}
    return ClipInfo(
        id=str(clip.get("id")),
        name=str(clip.get("name") or str(clip.get("path") or "").rsplit("/", 1)[-1] or "?"),
        path=str(clip.get("path") or ""),
        width=_int(media.get("width")),
        height=_int(media.get("height")),
        frame_rate=_rate(media.get("frame_rate")),
        frame_count=_int(media.get("frame_count")),
    )


def _frames_by_clip(edits: Iterable[EditRow]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for e in edits:
        out.setdefault(e.clip.id, set()).update(range(e.first, e.last + 1))
    return out


def _seconds(edits: Iterable[EditRow]) -> float | None:
    rows = list(edits)
    rates: dict[str, Fraction] = {}
    for e in rows:
        if e.clip.frame_rate is None:
            return None
        rates[e.clip.id] = e.clip.frame_rate
    if not rows:
        return None
    total = sum(
        (Fraction(len(frames)) / rates[cid] for cid, frames in _frames_by_clip(rows).items()),
        Fraction(0),
    )
    return float(total)


def edit_rows(
    entries: list[dict[str, Any]],
    clips: Mapping[str, ClipInfo],
    cards: Mapping[str, ModelCard],
) -> list[EditRow]:
    reverted = {e.get("reverts") for e in entries if e.get("schema") == records.REVERT}
    enabled: dict[str, bool] = {}
    for e in entries:
        if e.get("schema") == records.TOGGLE:
            enabled[str(e.get("entry"))] = bool(e.get("enabled"))
    rows: list[EditRow] = []
    for e in entries:
        if e.get("schema") != records.EDIT:
            continue
        edit = e.get("edit") or {}
        clip = edit.get("clip") or {}
        cid = str(clip.get("id"))
        info = clips.get(cid) or clip_info(clip)
        frames = edit.get("frames") or [0, 0]
        model = e.get("model") or {}
        classification = e.get("classification") or {}
        state = "live"
        if e.get("id") in reverted:
            state = "reverted"
        elif not enabled.get(str(e.get("id")), True):
            state = "off"
        rows.append(
            EditRow(
                entry_id=str(e.get("id")),
                seq=int(e.get("seq") or 0),
                time=str(e.get("time") or ""),
                operator=str(e.get("operator") or ""),
                clip=info,
                edit_id=str(edit.get("id")),
                tool=str((edit.get("tool") or {}).get("id") or "?"),
                tool_version=str((edit.get("tool") or {}).get("version") or ""),
                parameters=dict(edit.get("parameters") or {}),
                first=int(frames[0]),
                last=int(frames[1]),
                region=dict(edit.get("region") or {"kind": "full"}),
                model=dict(model),
                card=cards.get(str(model.get("sha256"))) if model else None,
                action=str(classification.get("c2pa_action") or "c2pa.edited"),
                source_type=str(classification.get("digital_source_type") or ""),
                nature=str(classification.get("nature") or "assistive"),
                state=state,
                hash=str(e.get("hash") or ""),
                signoff=str(e.get("signoff") or ""),
                entry=e,
            )
        )
    return rows


def model_usage(live: list[EditRow]) -> list[ModelUsage]:
    by_model: dict[str, list[EditRow]] = {}
    for e in live:
        if e.model:
            by_model.setdefault(str(e.model.get("sha256")), []).append(e)
    out: list[ModelUsage] = []
    for sha, rows in by_model.items():
        m = rows[0].model
        mps = [r.megapixels for r in rows]
        out.append(
            ModelUsage(
                id=str(m.get("id")),
                version=str(m.get("version") or ""),
                sha256=sha,
                licence=str(m.get("licence") or "unknown"),
                consent=str(m.get("consent") or "undisclosed"),
                card=rows[0].card,
                frames=sum(r.frames for r in rows),
                megapixels=None if any(v is None for v in mps) else sum(v or 0.0 for v in mps),
                seconds=_seconds(rows),
                edits=len(rows),
                clips=len({r.clip.id for r in rows}),
            )
        )
    return sorted(out, key=lambda u: (u.id, u.sha256))


def ledger_rows(usage: list[ModelUsage]) -> list[LedgerRow]:
    rows: list[LedgerRow] = []
    for u in usage:
        common = {
            "model_id": u.id,
            "model_version": u.version,
            "model_sha256": u.sha256,
            "weights_licence": u.licence,
            "frames": u.frames,
            "megapixels": u.megapixels,
            "seconds": u.seconds,
        }
        if u.card is None:
            rows.append(
                LedgerRow(
                    contributor="(undisclosed: no model card)",
                    role="",
                    share=None,
                    basis="",
                    **common,  # type: ignore[arg-type]
                )
            )
            continue
        for c in u.card.contributors:
            rows.append(
                LedgerRow(
                    contributor=c.name,
                    role=c.role,
                    share=float(c.share),
                    basis=c.basis,
                    **common,  # type: ignore[arg-type]
                )
            )
    return rows


def kind_summaries(live: list[EditRow]) -> list[KindSummary]:
    kinds: dict[str, list[EditRow]] = {}
    for e in live:
        kinds.setdefault(e.kind, []).append(e)
    return [
        KindSummary(
            kind=k,
            shots=len({r.clip.id for r in rows}),
            frames=sum(len(s) for s in _frames_by_clip(rows).values()),
            seconds=_seconds(rows),
            edits=len(rows),
        )
        for k, rows in sorted(kinds.items())
    ]


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def credits_text(report: ProducerReport) -> str:
    """A short end-credits line, then the attributions the training data's licences ask for."""
    live = report.live_edits
    if not live:
        return f"No AI-assisted edits (disclosure log by {APP_NAME}).\n"
    kinds = _join([k.kind for k in report.kinds])
    attributed: list[str] = []
    other: set[str] = set()
    attributions: list[str] = []
    for u in report.usage:
        if u.card is None:
            other.add("undisclosed data")
            continue
        for s in u.card.training_data:
            if s.consent_basis in ATTRIBUTED_BASES:
                if s.author not in attributed:
                    attributed.append(s.author)
                if s.attribution and s.attribution not in attributions:
                    attributions.append(s.attribution)
            elif s.consent_basis in ("cc0", "public-domain"):
                other.add("public-domain images")
            elif s.consent_basis == "generated":
                other.add("generated images")
    nature = "AI-assisted" if report.all_assistive else "AI-assisted and AI-generated"
    line = f"{nature} {kinds}: {APP_NAME}."
    rest = _join(sorted(o.replace(" images", "") for o in other if o.endswith(" images")))
    rest = f"{rest} images" if rest else ""
    if "undisclosed data" in other:
        rest = _join([r for r in (rest, "undisclosed data") if r])
    if attributed:
        line += f" Models trained on licensed data from {_join(attributed)}, with attribution"
        line += f", and on {rest}." if rest else "."
    elif rest:
        line += f" Models trained on {rest}."
    lines = [line]
    if attributions:
        lines += ["", "Training data attributions:"] + [f"  {a}" for a in attributions]
    return "\n".join(lines) + "\n"


Thumbnailer = Callable[[EditRow], "tuple[NDArray[Any], NDArray[Any]] | None"]


def build_report(context: ExportContext) -> ProducerReport:
    """Everything the producer exports show, from an export context."""
    from workbench.disclosure.verify import verify_rows

    data = context.data
    entries = data.entries()
    clips: dict[str, ClipInfo] = {}
    for e in entries:
        if e.get("schema") == records.IMPORT and isinstance(e.get("clip"), dict):
            info = clip_info(e["clip"])
            clips[info.id] = info
    for clip in context.clips:
        info = clip_info(clip)
        clips[info.id] = info
    rows = edit_rows(entries, clips, context.cards)
    live = [r for r in rows if r.live]
    usage = model_usage(live)
    report = verify_rows(data.rows, data.checkpoints, data.keys, project_id=data.project_id)
    checkpoint: dict[str, Any] | None = None
    if data.checkpoints:
        cp = data.checkpoints[-1]
        checkpoint = {
            "seq": cp.seq,
            "tree_size": cp.tree_size,
            "head": cp.head_hash,
            "time": cp.time,
            "key_id": cp.key_id,
            "signature": cp.signature,
        }
    renders = [
        {
            "time": e.get("time"),
            "clip": (e.get("clip") or {}).get("id"),
            "output": (e.get("output") or {}).get("path"),
            "sha256": (e.get("output") or {}).get("sha256"),
            "codec": (e.get("output") or {}).get("codec"),
            "edits": len(e.get("edits") or []),
            "qc": _qc_text(e.get("qc")),
        }
        for e in entries
        if e.get("schema") == records.RENDER
    ]
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
        checkpoint=checkpoint,
        public_keys=[{"key_id": str(k.key_id), "public_key": str(k.public_key)} for k in data.keys],
        renders=renders,
        entries=len(entries),
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
