# mypy: disable-error-code="import-untyped"
"""The PDF report's building blocks (ReportLab): fonts, styles, tables, and one AI edit's block.

:mod:`workbench.disclosure.exporters.pdf_report` lays the report out with these.
"""

from __future__ import annotations

import html
import io
import json
from pathlib import Path
from typing import Any

from workbench.disclosure.report_model import EditRow, ProducerReport, printable
from workbench.disclosure.report_thumbs import jpeg_bytes, shrink

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/TTF"))
_fonts: dict[str, str] | None = None


def register_fonts() -> dict[str, str]:
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


def num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


class Doc:
    """The report's paragraph styles, and paragraphs and tables made with them."""

    def __init__(self, report: ProducerReport) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

        self.report = report
        self.colors = colors
        f = register_fonts()
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


def edit_flowable(doc: Doc, row: EditRow, thumbs: Any) -> Any:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Table, TableStyle

    model = row.model
    card = row.card
    bases = ", ".join(sorted({s.consent_basis for s in card.training_data})) if card else ""
    bases = bases or ", ".join(model.get("training_data") or []) or str(model.get("consent") or "—")
    state = {"live": "live", "reverted": "UNDONE (counts for nothing)", "off": "switched off"}
    model_text = (
        f"{t(model.get('id'))} {t(model.get('version') or '')}, sha256 "
        f"<font face='{register_fonts()['mono']}' size='7'>{t(str(model.get('sha256'))[:16])}…</font>"
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
