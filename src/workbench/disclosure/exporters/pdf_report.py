# mypy: disable-error-code="import-untyped"
"""``pdf``: the disclosure report as a PDF (ReportLab; no browser, no network).

The same :class:`~workbench.disclosure.report_model.ProducerReport` as the HTML, laid out for
A4 paper: summary first, then clips, each AI edit with its before/after frame, the models'
training data, the compensation ledger, verification and credits. Text from the project goes
through :func:`printable` and XML escaping before ReportLab's paragraph markup sees it.
The building blocks (fonts, styles, tables, an edit's block) are in :mod:`.pdf_layout`.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from workbench.disclosure.exporters import ExportContext, write_atomic
from workbench.disclosure.exporters.pdf_layout import Doc, edit_flowable, num, register_fonts, t
from workbench.disclosure.exporters.pdf_sequence import sequence_story
from workbench.disclosure.report_model import ProducerReport, build_report, generator, printable


def render_pdf(
    report: ProducerReport, thumbnails: Any = None, shot_thumbnails: Any = None
) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    doc = Doc(report)
    name = str(report.project.get("name") or "Untitled project")
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=16 * mm,
        title=f"AI disclosure report — {printable(name)}",
        author=generator(),
        subject="AI disclosure report",
        creator=generator(),
    )
    fonts = register_fonts()

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts["body"], 7.5)
        canvas.setFillGray(0.4)
        canvas.drawString(15 * mm, 9 * mm, f"AI disclosure report — {printable(name)[:80]}")
        canvas.drawRightString(195 * mm, 9 * mm, f"page {canvas.getPageNumber()}")
        canvas.restoreState()

    story: list[Any] = [
        doc.p(f"AI disclosure report — {t(name)}", doc.h1),
        doc.p(
            f"Project {t(report.project.get('id'))} · exported "
            f"{t(report.exported[:19].replace('T', ' '))} UTC · {t(generator())} · "
            f"{report.entries} log entries",
            doc.meta,
        ),
        Spacer(1, 4 * mm),
    ]
    ok_color = "#17692f" if report.verified else "#9b1c1c"
    assist_color = "#17692f" if report.all_assistive else "#9b1c1c"
    status = (
        f"<font color='{ok_color}'><b>{'Log verifies' if report.verified else 'Log does NOT verify'}"
        f"</b></font>   ·   <font color='{assist_color}'><b>"
        f"{'All assistive' if report.all_assistive else 'Includes generative edits'}</b></font>"
    )
    summary_rows = [[doc.p(status, doc.summary)]] + [
        [
            doc.p(
                t(line),
                doc.summary,
            )
        ]
        for line in report.one_minute_summary()
    ]
    box = Table(summary_rows, colWidths=[180 * mm])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), doc.colors.HexColor("#f4f7fb")),
                ("BOX", (0, 0), (-1, -1), 0.6, doc.colors.HexColor("#cdd9ea")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story += [doc.p("Summary", doc.h2), box, Spacer(1, 3 * mm)]
    if report.kinds:
        story.append(
            doc.table(
                ["Kind of AI assistance", "Shots", "Frames", "Seconds", "Edits"],
                [
                    [k.kind, str(k.shots), f"{k.frames:,}", num(k.seconds, 1), str(k.edits)]
                    for k in report.kinds
                ],
                [60, 25, 35, 35, 25],
                numeric={1, 2, 3, 4},
            )
        )

    for view in report.sequences:  # a film: its shots in cut order, and its ledger
        story += sequence_story(doc, view, shot_thumbnails)

    story.append(doc.p("Clips", doc.h2))
    live = report.live_edits
    rows = []
    for c in report.clips:
        touched = {f for e in live if e.clip.id == c.id for f in range(e.first, e.last + 1)}
        rate = f"{float(c.frame_rate):.3f}".rstrip("0").rstrip(".") if c.frame_rate else "—"
        rows.append(
            [
                c.id,
                c.name,
                f"{c.width}×{c.height}" if c.width and c.height else "—",
                rate,
                str(c.frame_count or "—"),
                str(len(touched)),
                c.path,
            ]
        )
    story.append(
        doc.table(
            ["Clip", "Name", "Size", "fps", "Frames", "AI frames", "Path"],
            rows,
            [11, 36, 22, 16, 16, 18, 61],
            numeric={4, 5},
            mono={6},
        )
    )

    story.append(doc.p("AI edits", doc.h2))
    if not report.edits:
        story.append(doc.p("No AI edits."))
    for row in report.edits:
        thumbs = thumbnails(row) if thumbnails is not None and row.live else None
        story.append(edit_flowable(doc, row, thumbs))

    story.append(doc.p("Models and their training data", doc.h2))
    for u in report.usage:
        story.append(
            doc.p(
                f"{t(u.id)} {t(u.version)} — weights licence {t(u.licence)}; "
                f"<font face='{fonts['mono']}' size='7'>sha256 {t(u.sha256)}</font>",
                doc.h3,
            )
        )
        if u.card is None:
            story.append(doc.p("<b>Undisclosed:</b> no model card was found for this model."))
            continue
        story.append(
            doc.table(
                ["Source", "Author", "Licence", "Consent basis", "Items", "Attribution"],
                [
                    [s.name, s.author, s.licence, s.consent_basis, str(s.items), s.attribution]
                    for s in u.card.training_data
                ],
                [27, 27, 29, 25, 13, 59],
                numeric={4},
            )
        )

    story.append(doc.p("Compensation ledger", doc.h2))
    story.append(
        doc.p(
            "Per model and contributor: frames and megapixels the model processed, seconds of "
            "delivered footage it touched, and the contributor's share from the model card "
            "applied to each.",
            doc.meta,
        )
    )
    story.append(
        doc.table(
            ["Model", "Edits", "Shots", "Frames processed", "Megapixels", "Seconds of footage"],
            [
                [
                    f"{u.id} {u.version}",
                    str(u.edits),
                    str(u.clips),
                    f"{u.frames:,}",
                    num(u.megapixels),
                    num(u.seconds, 2),
                ]
                for u in report.usage
            ],
            [46, 16, 16, 34, 32, 36],
            numeric={1, 2, 3, 4, 5},
        )
    )
    story.append(doc.p("Per contributor, all models", doc.h3))
    story.append(
        doc.table(
            ["Contributor", "Models", "Share of megapixels", "Share of seconds"],
            [
                [c.name, ", ".join(c.models), num(c.megapixels), num(c.seconds, 2)]
                for c in report.contributor_totals
            ],
            [58, 58, 32, 32],
            numeric={2, 3},
        )
    )
    story.append(doc.p("Per model and contributor", doc.h3))
    story.append(
        doc.table(
            ["Model", "Contributor", "Role", "Share", "Basis", "MP", "Seconds"],
            [
                [
                    r.model_id,
                    r.contributor,
                    r.role,
                    "—" if r.share is None else f"{r.share:.4f}",
                    r.basis,
                    num(r.contributor_megapixels),
                    num(r.contributor_seconds, 2),
                ]
                for r in report.ledger
            ],
            [22, 40, 16, 16, 48, 20, 18],
            numeric={3, 5, 6},
        )
    )

    if report.renders:
        story.append(doc.p("Delivered files", doc.h2))
        story.append(
            doc.table(
                ["Time (UTC)", "Clip", "Output", "Codec", "Edits", "QC", "Colour", "SHA-256"],
                [
                    [
                        str(r["time"])[:19].replace("T", " "),
                        str(r["clip"]),
                        str(r["output"]),
                        str(r["codec"]),
                        str(r["edits"]),
                        str(r.get("qc", "—")),
                        str(r.get("colour", "—")),
                        str(r["sha256"]),
                    ]
                    for r in report.renders
                ],
                [22, 8, 34, 14, 9, 22, 33, 38],
                mono={7},
            )
        )

    story.append(doc.p("Verification", doc.h2))
    story.append(doc.p(t(report.verification)))
    for line in report.signed_by:
        story.append(doc.p(f"Signed by {t(line)}"))
    if report.checkpoint:
        cp = report.checkpoint
        rows = [
            ["Tree size (entries)", str(cp["tree_size"])],
            ["Head hash", str(cp["head"])],
            ["Signed (UTC)", str(cp["time"])[:19].replace("T", " ")],
            ["Key id", str(cp["key_id"])],
            ["Ed25519 signature", str(cp["signature"])],
        ] + [[f"Public key {k['key_id']}", k["public_key"]] for k in report.public_keys]
        story.append(doc.table(["Latest signed checkpoint", "Value"], rows, [52, 128], mono={1}))
    story.append(
        doc.p(
            "Anyone can re-check the log offline with <font face='Courier'>workbench log verify "
            "EXPORT.json</font> on this project's JSON export.",
            doc.meta,
        )
    )
    story.append(doc.p("Credits", doc.h2))
    for line in report.credits().splitlines():
        story.append(doc.p(t(line) or "&nbsp;", doc.body))
    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def write_to_string(context: ExportContext) -> bytes:
    return render_pdf(build_report(context), context.thumbnails, context.shot_thumbnails)


def write_to_file(context: ExportContext, path: Path) -> None:
    write_atomic(path, write_to_string(context))
