"""The HTML report's sequence view: the film's shots in cut order, and the film's ledger.

One ``<section class="sequence">`` per sequence: a summary, then a ``<table class="shots">``
with one ``<tr class="shot" data-shot="ID" data-status="…">`` per shot — its picture (the
middle of its cut range, before and after its AI edits), record and source timecode, the edits
with their models and training data, each performer's consent to the kinds of alteration made,
and the delivered file with its QC verdict — then the film's ledger by shot and contributor.
Every piece of text goes through :func:`~.html_report.esc`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.disclosure.report_sequence import (
    SequenceView,
    ShotRow,
    film_ledger,
    film_totals,
)

SEQUENCE_STYLE = """
table.shots td{font-size:12px}table.shots img{display:block;max-width:128px;border:1px solid #ccc}
table.shots .pics{display:flex;gap:4px}table.shots figure{margin:0;font-size:10px;color:#555;
text-align:center}tr.shot.offline td{color:#888}.nocons{color:#9b1c1c;font-weight:600}
"""

_STATUS = {
    "offline": "muted",
    "untouched": "muted",
    "edited": "ok",
    "awaiting sign-off": "bad",
    "delivered": "ok",
}


def _picture(row: ShotRow, thumbs: Any, esc: Callable[[Any], str], img: Any) -> str:
    pair = thumbs(row) if thumbs is not None else None
    if pair is None:
        return "—"
    before, after = pair
    f = row.representative_frame
    parts = [f"<figure>{img(before, f'shot {row.shot.id} frame {f}')}<figcaption>source"]
    parts.append("</figcaption></figure>")
    if after is not None:
        parts.append(f"<figure>{img(after, f'shot {row.shot.id} after')}<figcaption>after")
        parts.append("</figcaption></figure>")
    return f"<div class='pics'>{''.join(parts)}</div>"


def _edits(row: ShotRow, esc: Callable[[Any], str]) -> str:
    if not row.edits:
        return "none"
    items = []
    for e in row.edits:
        model = (
            f" · {esc(e.model.get('id'))} {esc(e.model.get('version') or '')}" if e.model else ""
        )
        nature = "" if e.nature == "assistive" else f" <b>{esc(e.nature)}</b>"
        items.append(
            f"<li>edit {esc(e.edit_id)}: {esc(e.tool)} ({esc(e.kind)}){nature}, frames "
            f"{e.first}–{e.last}{model}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def _models(row: ShotRow, esc: Callable[[Any], str]) -> str:
    models = row.models
    if not models:
        return "—"
    return "<br>".join(f"{esc(label)}: {esc(bases)}" for label, bases in models)


def _consent(row: ShotRow, esc: Callable[[Any], str]) -> str:
    if not row.performers:
        return "no performer tagged"
    if not row.consent:
        return f"{esc(', '.join(row.performers))} (no AI edit alters them)"
    lines = []
    for c in row.consent:
        cls = "" if c.covered else " class='nocons'"
        lines.append(f"<li{cls}>{esc(c.text)}</li>")
    return f"<ul>{''.join(lines)}</ul>"


def _delivery(row: ShotRow, esc: Callable[[Any], str]) -> str:
    d = row.delivery
    if d is None:
        return "not delivered"
    qc = "passed" if d.qc == "passed" else f"<b>{esc(d.qc)}</b>"
    stale = "" if row.delivered_after_edits else " <b>(edited since)</b>"
    name = d.output.path.rsplit("/", 1)[-1]
    return (
        f"<span class='mono'>{esc(name)}</span> v{d.version:03d}{stale}<br>TC {esc(d.timecode)}"
        f" · reel {esc(d.reel or '—')} · QC {qc}<br><span class='mono'>sha256 "
        f"{esc(d.output.sha256[:16])}…</span>"
    )


def _shot_row(row: ShotRow, thumbs: Any, esc: Callable[[Any], str], img: Any) -> str:
    s = row.shot
    status = f"<span class='badge {_STATUS[row.status]}'>{esc(row.status)}</span>"
    where = f"{esc(s.name)}<br>reel {esc(s.reel or '—')} · {esc(s.track)}"
    if s.status != "online":
        where += f"<br><i>{esc(s.reason)}</i>"
    cells = [
        str(s.position),
        _picture(row, thumbs, esc, img),
        where,
        f"{esc(s.record.tc_in)}<br>{esc(s.record.tc_out)}",
        f"{esc(s.source.tc_in)}<br>{esc(s.source.tc_out)}",
        _edits(row, esc),
        _models(row, esc),
        _consent(row, esc),
        _delivery(row, esc),
        status,
    ]
    tds = "".join(f"<td>{c}</td>" for c in cells)
    cls = "shot offline" if s.status != "online" else "shot"
    return f"<tr class='{cls}' data-shot='{s.id}' data-status='{esc(row.status)}'>{tds}</tr>"


def sequence_html(
    view: SequenceView,
    thumbs: Any,
    esc: Callable[[Any], str],
    img: Callable[[Any, str], str],
    table: Callable[..., str],
) -> str:
    """One sequence's section (``esc``, ``img`` and ``table`` are the report's own helpers)."""
    r = view.record
    out = [
        f"<section class='sequence' id='sequence-{r.id}'>",
        f"<h2>Sequence {esc(r.name)} — shots in cut order</h2>",
        f"<p class='meta'>{esc(r.timeline.path.rsplit('/', 1)[-1])} ({esc(r.timeline.format)}, "
        f"sha256 <span class='mono'>{esc(r.timeline.sha256[:16])}…</span>) at {esc(r.rate.removesuffix('/1'))} "
        f"fps{' drop-frame' if r.drop_frame else ''}, record from {esc(r.record_start)}, "
        f"{r.handles} frames of handles</p>",
        "<ul class='summary'>" + "".join(f"<li>{esc(x)}</li>" for x in view.summary()) + "</ul>",
    ]
    headers = [
        "#", "Picture", "Shot", "Record TC", "Source TC", "AI edits", "Models: training data",
        "Performers: consent", "Delivered", "Status",
    ]  # fmt: skip
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    rows = "".join(_shot_row(row, thumbs, esc, img) for row in view.shots)
    out.append(f"<table class='shots'><tr>{head}</tr>{rows}</table>")
    ledger = film_ledger([view])
    out.append(
        f"<h3>The film's ledger: {esc(r.name)}</h3><p class='meta'>Per shot and contributor: "
        "the frames of the cut (the source range, not the handles) their model touched, and "
        "their share of those frames from the model card.</p>"
    )
    if not ledger:
        out.append("<p>No model touched a frame of this cut.</p>")
    else:
        out.append(
            table(
                [
                    "Shot",
                    "Reel",
                    "Record TC",
                    "Model",
                    "Contributor",
                    "Role",
                    "Share",
                    "Frames of the cut",
                    "Contributor frames",
                ],
                [
                    [
                        str(x.shot),
                        esc(x.reel),
                        esc(x.record_in),
                        esc(x.model),
                        esc(x.contributor),
                        esc(x.role),
                        "—" if x.share is None else f"{x.share:.4f}",
                        f"{x.frames:,}",
                        "—" if x.contributor_frames is None else f"{x.contributor_frames:,.2f}",
                    ]
                    for x in ledger
                ],
                numeric={6, 7, 8},
            )
        )
        out.append(
            table(
                ["Contributor", "Shots", "Frames of the film (their share)"],
                [[esc(n), str(k), f"{f:,.2f}"] for n, k, f in film_totals(ledger)],
                numeric={1, 2},
            )
        )
    out.append("</section>")
    return "\n".join(out)


__all__ = ["SEQUENCE_STYLE", "sequence_html"]
