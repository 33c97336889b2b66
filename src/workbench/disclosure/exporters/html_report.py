"""``html``: the disclosure report for people, as one self-contained HTML file.

No external resource of any kind (styles inline, thumbnails as ``data:`` PNGs, a
Content-Security-Policy that forbids scripts and fetches), and every piece of text from the
project escaped after its control characters are made visible: clip names, operators and
parameters are the user's and may hold anything.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

from workbench.disclosure.exporters import ExportContext, write_atomic
from workbench.disclosure.exporters.html_sequence import SEQUENCE_STYLE, sequence_html
from workbench.disclosure.report_model import (
    EditRow,
    ProducerReport,
    build_report,
    generator,
    printable,
)
from workbench.disclosure.report_thumbs import jpeg_bytes, shrink

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;
margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #ddd;
padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
.meta{color:#555}.summary{background:#f4f7fb;border:1px solid #cdd9ea;border-radius:6px;
padding:12px 18px}.summary li{margin:3px 0}
.badge{display:inline-block;padding:2px 9px;border-radius:10px;font-weight:600;font-size:12px}
.ok{background:#dff3e4;color:#17692f}.bad{background:#fde2e1;color:#9b1c1c}
.muted{background:#eee;color:#555}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}th,td{border:1px solid #ddd;
padding:4px 7px;text-align:left;vertical-align:top}th{background:#f3f3f3;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.edit{border:1px solid #ddd;border-radius:6px;padding:10px 14px;margin:10px 0;
display:flex;gap:16px;flex-wrap:wrap}.edit .facts{flex:1 1 420px}.edit dl{display:grid;
grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}.edit dt{color:#555}
.edit dd{margin:0;word-break:break-word}.thumbs{display:flex;gap:8px}
.thumbs figure{margin:0;text-align:center;font-size:12px;color:#555}
.thumbs img{display:block;max-width:240px;border:1px solid #ccc;image-rendering:auto}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
pre{white-space:pre-wrap;background:#fafafa;border:1px solid #eee;padding:8px}
"""


def esc(value: Any) -> str:
    return html.escape(printable(value), quote=True)


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _row(cells: list[str], header: bool = False, numeric: set[int] | None = None) -> str:
    tag = "th" if header else "td"
    parts = []
    for i, c in enumerate(cells):
        cls = ' class="num"' if numeric and i in numeric and not header else ""
        parts.append(f"<{tag}{cls}>{c}</{tag}>")
    return "<tr>" + "".join(parts) + "</tr>"


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    body = "".join(_row(r, numeric=numeric) for r in rows)
    return f"<table>{_row([esc(h) for h in headers], header=True)}{body}</table>"


def _img(frame: Any, alt: str) -> str:
    data = base64.b64encode(jpeg_bytes(shrink(frame))).decode("ascii")
    return f'<img alt="{esc(alt)}" src="data:image/jpeg;base64,{data}">'


def _edit_block(row: EditRow, thumbs: Any) -> str:
    model = row.model
    card = row.card
    bases = ", ".join(sorted({s.consent_basis for s in card.training_data})) if card else ""
    if not bases:
        bases = ", ".join(model.get("training_data") or []) or str(model.get("consent") or "—")
    state = {
        "live": '<span class="badge ok">live</span>',
        "reverted": '<span class="badge muted">undone</span>',
        "off": '<span class="badge muted">switched off</span>',
    }[row.state]
    nature = (
        '<span class="badge ok">assistive</span>'
        if row.nature == "assistive"
        else f'<span class="badge bad">{esc(row.nature)}</span>'
    )
    model_text = (
        f"{esc(model.get('id'))} {esc(model.get('version') or '')}"
        f" <span class='mono'>sha256 {esc(str(model.get('sha256'))[:16])}…</span>"
        if model
        else "none"
    )
    facts = [
        ("Clip", f"{esc(row.clip.name)} <span class='meta'>(clip {esc(row.clip.id)})</span>"),
        ("Frames", f"{row.first}–{row.last} ({row.frames} frames)"),
        ("Region", esc(row.region_text)),
        ("Tool", f"{esc(row.tool)} {esc(row.tool_version)} — {esc(row.kind)} {nature}"),
        ("Model", model_text),
        ("Licence", esc(model.get("licence") or "—")),
        ("Training data", esc(bases)),
        ("Parameters", f"<code>{esc(json.dumps(row.parameters, ensure_ascii=False))}</code>"),
        ("Operator", esc(row.operator)),
        ("Time (UTC)", esc(row.time.replace("T", " ").rstrip("Z")[:19])),
        ("C2PA", f"{esc(row.action)}, {esc(row.source_type)}"),
        ("Log entry", f"#{row.seq} <span class='mono'>{esc(row.hash[:16])}…</span> {state}"),
    ]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    pictures = ""
    if thumbs is not None:
        before, after = thumbs
        f = row.representative_frame
        pictures = (
            '<div class="thumbs">'
            f"<figure>{_img(before, f'frame {f} before')}<figcaption>frame {f}, before</figcaption></figure>"
            f"<figure>{_img(after, f'frame {f} after')}<figcaption>after</figcaption></figure>"
            "</div>"
        )
    title = f"Edit {esc(row.edit_id)}: {esc(row.tool)} on {esc(row.clip.name)}"
    return (
        f'<div class="edit"><div class="facts"><h3>{title}</h3><dl>{dl}</dl></div>{pictures}</div>'
    )


def render_html(report: ProducerReport, thumbnails: Any = None, shot_thumbnails: Any = None) -> str:
    name = report.project.get("name") or "Untitled project"
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>AI disclosure report — {esc(name)}</title>",
        f"<style>{STYLE}{SEQUENCE_STYLE if report.sequences else ''}</style></head><body>",
        f"<h1>AI disclosure report — {esc(name)}</h1>",
        f'<p class="meta">Project {esc(report.project.get("id"))} · exported '
        f"{esc(report.exported[:19].replace('T', ' '))} UTC · {esc(generator())} · "
        f"{report.entries} log entries</p>",
    ]
    badge = (
        '<span class="badge ok">log verifies</span>'
        if report.verified
        else '<span class="badge bad">log does NOT verify</span>'
    )
    assist = (
        '<span class="badge ok">all assistive</span>'
        if report.all_assistive
        else '<span class="badge bad">includes generative edits</span>'
    )
    out.append(f'<h2>Summary</h2><div class="summary"><p>{badge} {assist}</p><ul>')
    out += [f"<li>{esc(line)}</li>" for line in report.one_minute_summary()]
    out.append("</ul></div>")
    if report.kinds:
        out.append(
            _table(
                ["Kind of AI assistance", "Shots", "Frames", "Seconds", "Edits"],
                [
                    [esc(k.kind), str(k.shots), f"{k.frames:,}", _num(k.seconds, 1), str(k.edits)]
                    for k in report.kinds
                ],
                numeric={1, 2, 3, 4},
            )
        )

    for view in report.sequences:  # a film: its shots in cut order, and its ledger
        out.append(sequence_html(view, shot_thumbnails, esc, _img, _table))

    out.append("<h2>Clips</h2>")
    live = report.live_edits
    rows = []
    for c in report.clips:
        touched = {f for e in live if e.clip.id == c.id for f in range(e.first, e.last + 1)}
        size = f"{c.width}×{c.height}" if c.width and c.height else "—"
        rate = f"{float(c.frame_rate):.3f}".rstrip("0").rstrip(".") if c.frame_rate else "—"
        rows.append(
            [
                esc(c.id),
                esc(c.name),
                size,
                rate,
                str(c.frame_count or "—"),
                str(len(touched)),
                f"<span class='mono'>{esc(c.path)}</span>",
            ]
        )
    out.append(
        _table(["Clip", "Name", "Size", "fps", "Frames", "AI frames", "Path"], rows, numeric={4, 5})
    )

    out.append("<h2>AI edits</h2>")
    if not report.edits:
        out.append("<p>No AI edits.</p>")
    for row in report.edits:
        thumbs = thumbnails(row) if thumbnails is not None and row.live else None
        out.append(_edit_block(row, thumbs))

    out.append("<h2>Models and their training data</h2>")
    for u in report.usage:
        out.append(
            f"<h3>{esc(u.id)} {esc(u.version)}</h3><p>Weights licence {esc(u.licence)} · "
            f"<span class='mono'>sha256 {esc(u.sha256)}</span></p>"
        )
        if u.card is None:
            out.append('<p><span class="badge bad">undisclosed</span> no model card was found.</p>')
            continue
        out.append(
            _table(
                ["Source", "Author", "Licence", "Consent basis", "Items", "Attribution"],
                [
                    [
                        esc(s.name),
                        esc(s.author),
                        esc(s.licence),
                        esc(s.consent_basis),
                        str(s.items),
                        esc(s.attribution),
                    ]
                    for s in u.card.training_data
                ],
                numeric={4},
            )
        )

    out.append(
        "<h2>Compensation ledger</h2><p class='meta'>Per model and contributor: frames and "
        "megapixels the model processed, seconds of delivered footage it touched, and the "
        "contributor's share from the model card applied to each.</p>"
    )
    out.append(
        _table(
            ["Model", "Edits", "Shots", "Frames processed", "Megapixels", "Seconds of footage"],
            [
                [
                    f"{esc(u.id)} {esc(u.version)}",
                    str(u.edits),
                    str(u.clips),
                    f"{u.frames:,}",
                    _num(u.megapixels),
                    _num(u.seconds, 2),
                ]
                for u in report.usage
            ],
            numeric={1, 2, 3, 4, 5},
        )
    )
    out.append("<h3>Per contributor, all models</h3>")
    out.append(
        _table(
            ["Contributor", "Models", "Share of megapixels", "Share of seconds"],
            [
                [
                    esc(c.name),
                    esc(", ".join(c.models)),
                    _num(c.megapixels),
                    _num(c.seconds, 2),
                ]
                for c in report.contributor_totals
            ],
            numeric={2, 3},
        )
    )
    out.append("<h3>Per model and contributor</h3>")
    out.append(
        _table(
            ["Model", "Contributor", "Role", "Share", "Basis", "Megapixels", "Seconds"],
            [
                [
                    esc(r.model_id),
                    esc(r.contributor),
                    esc(r.role),
                    "—" if r.share is None else f"{r.share:.4f}",
                    esc(r.basis),
                    _num(r.contributor_megapixels),
                    _num(r.contributor_seconds, 2),
                ]
                for r in report.ledger
            ],
            numeric={3, 5, 6},
        )
    )

    if report.renders:
        out.append("<h2>Delivered files</h2>")
        out.append(
            _table(
                ["Time (UTC)", "Clip", "Output", "Codec", "Edits", "QC", "Colour", "SHA-256"],
                [
                    [
                        esc(str(r["time"])[:19].replace("T", " ")),
                        esc(r["clip"]),
                        esc(r["output"]),
                        esc(r["codec"]),
                        str(r["edits"]),
                        esc(r.get("qc", "—")),
                        esc(r.get("colour", "—")),
                        f"<span class='mono'>{esc(r['sha256'])}</span>",
                    ]
                    for r in report.renders
                ],
            )
        )

    out.append("<h2>Verification</h2>")
    out.append(f"<p>{badge} {esc(report.verification)}</p>")
    out += [f"<p class='signer'>Signed by {esc(line)}</p>" for line in report.signed_by]
    if report.checkpoint:
        cp = report.checkpoint
        out.append(
            _table(
                ["Checkpoint", "Value"],
                [
                    ["Tree size (entries)", esc(cp["tree_size"])],
                    ["Head hash", f"<span class='mono'>{esc(cp['head'])}</span>"],
                    ["Signed (UTC)", esc(str(cp["time"])[:19].replace("T", " "))],
                    ["Key id", f"<span class='mono'>{esc(cp['key_id'])}</span>"],
                    ["Ed25519 signature", f"<span class='mono'>{esc(cp['signature'])}</span>"],
                ]
                + [
                    [
                        f"Public key {esc(k['key_id'])}",
                        f"<span class='mono'>{esc(k['public_key'])}</span>",
                    ]
                    for k in report.public_keys
                ],
            )
        )
    out.append(
        "<p class='meta'>Anyone can re-check the log offline: <code>workbench log verify "
        "EXPORT.json</code> on the JSON export of this project.</p>"
    )
    out.append(f"<h2>Credits</h2><pre>{esc(report.credits())}</pre>")
    out.append("</body></html>\n")
    return "\n".join(out)


def write_to_string(context: ExportContext) -> str:
    return render_html(build_report(context), context.thumbnails, context.shot_thumbnails)


def write_to_file(context: ExportContext, path: Path) -> None:
    write_atomic(path, write_to_string(context))
