# mypy: disable-error-code="import-untyped"
"""``pdf``: the disclosure report as a PDF (ReportLab; no browser, no network).

The same :class:`~workbench.disclosure.report_model.ProducerReport` as the HTML, laid out for
A4 paper: summary first, then clips, each AI edit with its before/after frame, the models'
training data, the compensation ledger, verification and credits. Text from the project goes
through :func:`printable` and XML escaping before ReportLab's paragraph markup sees it.
"""

from __future__ import annotations

import html
import io
import json
from pathlib import Path
from typing import Any

from workbench.disclosure.exporters import ExportContext, write_atomic
from workbench.disclosure.report_model import (
    EditRow,
    ProducerReport,
    build_report,
    generator,
    printable,
)
from workbench.disclosure.report_thumbs import jpeg_bytes, shrink

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/TTF"))
_fonts: dict[str, str] | None = None


def _register_fonts() -> dict[str, str]:
    """A Unicode TrueType face where one exists (DejaVu, else ReportLab's own Vera)."""
    global _fonts
    if _fonts is not None:
        return _fonts
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    candidates = [
        (d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf", d / "DejaVuSansMono.ttf")
        for d in _FONT_DIRS
    ]
    vera = Path(reportlab.__file__).parent / "fonts"
    candidates.append((vera / "Vera.ttf", vera / "VeraBd.ttf", Path("/nonexistent")))
    fonts = {"body": "Helvetica", "bold": "Helvetica-Bold", "mono": "Courier"}
    for regular, bold, mono in candidates:
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("WB-Sans", str(regular)))
            pdfmetrics.registerFont(TTFont("WB-Sans-Bold", str(bold)))
            fonts = {"body": "WB-Sans", "bold": "WB-Sans-Bold", "mono": "Courier"}
            if mono.is_file():
                pdfmetrics.registerFont(TTFont("WB-Mono", str(mono)))
                fonts["mono"] = "WB-Mono"
            break
    _fonts = fonts
    return fonts


def t(value: Any) -> str:
    """Project text made safe for ReportLab's paragraph markup."""
    return html.escape(printable(value), quote=False)


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


class _Doc:
    def __init__(self, report: ProducerReport) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

        self.report = report
        self.colors = colors
        f = _register_fonts()
        base = getSampleStyleSheet()
        self.body = ParagraphStyle(
            "wb-body", parent=base["BodyText"], fontName=f["body"], fontSize=9, leading=12
        )
        self.small = ParagraphStyle("wb-small", parent=self.body, fontSize=7.5, leading=9.5)
        self.cell = ParagraphStyle("wb-cell", parent=self.body, fontSize=8, leading=10)
        self.head = ParagraphStyle(
            "wb-head", parent=self.cell, fontName=f["bold"], wordWrap=None, splitLongWords=0
        )
        self.mono = ParagraphStyle(
            "wb-mono", parent=self.cell, fontName=f["mono"], fontSize=7, leading=9, wordWrap="CJK"
        )
        self.h1 = ParagraphStyle(
            "wb-h1",
            parent=base["Title"],
            fontName=f["bold"],
            fontSize=18,
            leading=22,
            alignment=0,
            spaceAfter=2,
        )
        self.h2 = ParagraphStyle(
            "wb-h2",
            parent=base["Heading2"],
            fontName=f["bold"],
            fontSize=13,
            leading=16,
            spaceBefore=12,
            spaceAfter=5,
            textColor=colors.HexColor("#1b3a5c"),
        )
        self.h3 = ParagraphStyle(
            "wb-h3",
            parent=base["Heading3"],
            fontName=f["bold"],
            fontSize=10,
            leading=13,
            spaceBefore=4,
            spaceAfter=3,
        )
        self.meta = ParagraphStyle(
            "wb-meta", parent=self.body, fontSize=8, textColor=colors.HexColor("#555555")
        )
        self.summary = ParagraphStyle(
            "wb-summary", parent=self.body, fontSize=10, leading=14, leftIndent=10, bulletIndent=0
        )

    def p(self, text: str, style: Any = None) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(text, style or self.body)

    def table(
        self,
        headers: list[str],
        rows: list[list[Any]],
        widths: list[float],
        numeric: set[int] | None = None,
        mono: set[int] | None = None,
    ) -> Any:
        from reportlab.lib.units import mm
        from reportlab.platypus import Table, TableStyle

        numeric = numeric or set()
        mono = mono or set()
        data = [[self.p(t(h), self.head) for h in headers]]
        for r in rows:
            cells = []
            for i, c in enumerate(r):
                if isinstance(c, str):
                    style = self.mono if i in mono else self.cell
                    text = t(c)
                    if i in numeric:
                        text = f'<para align="right">{text}</para>'
                    cells.append(self.p(text, style))
                else:
                    cells.append(c)
            data.append(cells)
        table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, self.colors.HexColor("#c8c8c8")),
                    ("BACKGROUND", (0, 0), (-1, 0), self.colors.HexColor("#eef1f5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return table


def _image(frame: Any, width_mm: float) -> Any:
    from reportlab.lib.units import mm
    from reportlab.platypus import Image

    thumb = shrink(frame, 320)
    h, w = thumb.shape[:2]
    return Image(io.BytesIO(jpeg_bytes(thumb)), width=width_mm * mm, height=width_mm * mm * h / w)


def _edit_flowable(doc: _Doc, row: EditRow, thumbs: Any) -> Any:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Table, TableStyle

    model = row.model
    card = row.card
    bases = ", ".join(sorted({s.consent_basis for s in card.training_data})) if card else ""
    bases = bases or ", ".join(model.get("training_data") or []) or str(model.get("consent") or "—")
    state = {"live": "live", "reverted": "UNDONE (counts for nothing)", "off": "switched off"}
    model_text = (
        f"{t(model.get('id'))} {t(model.get('version') or '')}, sha256 "
        f"<font face='{_register_fonts()['mono']}' size='7'>{t(str(model.get('sha256'))[:16])}…</font>"
        if model
        else "none"
    )
    facts = [
        ("Clip", f"{t(row.clip.name)} (clip {t(row.clip.id)})"),
        ("Frames", f"{row.first}–{row.last} ({row.frames} frames)"),
        ("Region", t(row.region_text)),
        ("Tool", f"{t(row.tool)} {t(row.tool_version)} — {t(row.kind)}, {t(row.nature)}"),
        ("Model", model_text),
        ("Licence", t(model.get("licence") or "—")),
        ("Training data", t(bases)),
        ("Parameters", t(json.dumps(row.parameters, ensure_ascii=False))),
        ("Operator", t(row.operator)),
        ("Time (UTC)", t(row.time.replace("T", " ").rstrip("Z")[:19])),
        ("State", f"{state[row.state]} · log entry #{row.seq}"),
    ]
    fact_table = Table(
        [[doc.p(k, doc.meta), doc.p(v, doc.cell)] for k, v in facts],
        colWidths=[22 * mm, (90 if thumbs else 158) * mm],
    )
    fact_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    title = doc.p(f"Edit {t(row.edit_id)}: {t(row.tool)} on {t(row.clip.name)}", doc.h3)
    if not thumbs:
        return KeepTogether([title, fact_table])
    before, after = thumbs
    f = row.representative_frame
    pics = Table(
        [
            [_image(before, 32), _image(after, 32)],
            [doc.p(f"frame {f}, before", doc.small), doc.p("after", doc.small)],
        ],
        colWidths=[33 * mm, 33 * mm],
    )
    pics.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 1)])
    )
    outer = Table([[fact_table, pics]], colWidths=[113 * mm, 67 * mm])
    outer.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, doc.colors.HexColor("#dddddd")),
            ]
        )
    )
    return KeepTogether([title, outer])


def render_pdf(report: ProducerReport, thumbnails: Any = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    doc = _Doc(report)
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
    fonts = _register_fonts()

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
                    [k.kind, str(k.shots), f"{k.frames:,}", _num(k.seconds, 1), str(k.edits)]
                    for k in report.kinds
                ],
                [60, 25, 35, 35, 25],
                numeric={1, 2, 3, 4},
            )
        )

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
        story.append(_edit_flowable(doc, row, thumbs))

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
                    _num(u.megapixels),
                    _num(u.seconds, 2),
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
                [c.name, ", ".join(c.models), _num(c.megapixels), _num(c.seconds, 2)]
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
                    _num(r.contributor_megapixels),
                    _num(r.contributor_seconds, 2),
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
                ["Time (UTC)", "Clip", "Output", "Codec", "Edits", "QC", "SHA-256"],
                [
                    [
                        str(r["time"])[:19].replace("T", " "),
                        str(r["clip"]),
                        str(r["output"]),
                        str(r["codec"]),
                        str(r["edits"]),
                        str(r.get("qc", "—")),
                        str(r["sha256"]),
                    ]
                    for r in report.renders
                ],
                [25, 9, 40, 16, 10, 30, 50],
                mono={6},
            )
        )

    story.append(doc.p("Verification", doc.h2))
    story.append(doc.p(t(report.verification)))
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
    return render_pdf(build_report(context), context.thumbnails)


def write_to_file(context: ExportContext, path: Path) -> None:
    write_atomic(path, write_to_string(context))
