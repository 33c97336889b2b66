"""The compensation ledger's arithmetic: what each model did, and each contributor's part.

Per model, over its live edits (see :mod:`workbench.disclosure.report_model`): frames processed
(a sum: two edits over the same frames count twice), megapixels processed (frames x the pixels
the model was given), seconds of delivered footage (distinct frames per clip over the clip's
rate); a contributor's part is their share from the model card times each of those.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from workbench import APP_NAME

if TYPE_CHECKING:
    from workbench.catalog.card import ModelCard
    from workbench.disclosure.report_model import EditRow, ProducerReport

ATTRIBUTED_BASES = ("cc-by", "licensed", "consented")


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


def frames_by_clip(edits: Iterable[EditRow]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for e in edits:
        out.setdefault(e.clip.id, set()).update(range(e.first, e.last + 1))
    return out


def seconds_of(edits: Iterable[EditRow]) -> float | None:
    rows = list(edits)
    rates: dict[str, Fraction] = {}
    for e in rows:
        if e.clip.frame_rate is None:
            return None
        rates[e.clip.id] = e.clip.frame_rate
    if not rows:
        return None
    total = sum(
        (Fraction(len(frames)) / rates[cid] for cid, frames in frames_by_clip(rows).items()),
        Fraction(0),
    )
    return float(total)


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
                seconds=seconds_of(rows),
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
            frames=sum(len(s) for s in frames_by_clip(rows).values()),
            seconds=seconds_of(rows),
            edits=len(rows),
        )
        for k, rows in sorted(kinds.items())
    ]


def join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def credits_text(report: ProducerReport) -> str:
    """A short end-credits line, then the attributions the training data's licences ask for."""
    live = report.live_edits
    if not live:
        return f"No AI-assisted edits (disclosure log by {APP_NAME}).\n"
    kinds = join_words([k.kind for k in report.kinds])
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
    rest = join_words(sorted(o.replace(" images", "") for o in other if o.endswith(" images")))
    rest = f"{rest} images" if rest else ""
    if "undisclosed data" in other:
        rest = join_words([r for r in (rest, "undisclosed data") if r])
    if attributed:
        line += f" Models trained on licensed data from {join_words(attributed)}, with attribution"
        line += f", and on {rest}." if rest else "."
    elif rest:
        line += f" Models trained on {rest}."
    lines = [line]
    if attributions:
        lines += ["", "Training data attributions:"] + [f"  {a}" for a in attributions]
    return "\n".join(lines) + "\n"


def contributor_totals(ledger: Iterable[LedgerRow]) -> list[ContributorTotal]:
    """Each contributor's part across every model used: what a payout is computed against."""
    by_name: dict[str, list[LedgerRow]] = {}
    for row in ledger:
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


__all__ = [
    "ATTRIBUTED_BASES",
    "ContributorTotal",
    "KindSummary",
    "LedgerRow",
    "ModelUsage",
    "contributor_totals",
    "credits_text",
    "frames_by_clip",
    "kind_summaries",
    "ledger_rows",
    "model_usage",
    "seconds_of",
]
