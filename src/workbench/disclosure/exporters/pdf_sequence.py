# mypy: disable-error-code="import-untyped"
"""The PDF report's sequence view: the film's shots in cut order, and the film's ledger.

The same :class:`~workbench.disclosure.report_sequence.SequenceView` as the HTML: per shot its
picture (source and after), record and source timecode, AI edits with their models and training
data, each performer's consent, the delivered file and its QC verdict, and its status.
"""

from __future__ import annotations

from typing import Any

from workbench.disclosure.exporters.pdf_layout import Doc, t
from workbench.disclosure.report_sequence import SequenceView, ShotRow, film_ledger, film_totals
from workbench.disclosure.report_thumbs import jpeg_bytes, shrink


def _image(frame: Any, width_mm: float) -> Any:
    import io

    from reportlab.lib.units import mm
    from reportlab.platypus import Image

    thumb = shrink(frame, 160)
    h, w = thumb.shape[:2]
    return Image(io.BytesIO(jpeg_bytes(thumb)), width=width_mm * mm, height=width_mm * mm * h / w)


def _picture(doc: Doc, row: ShotRow, thumbs: Any) -> Any:
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    pair = thumbs(row) if thumbs is not None else None
    if pair is None:
        return doc.p("—", doc.cell)
    before, after = pair
    images = [_image(before, 14)] + ([_image(after, 14)] if after is not None else [])
    labels = [doc.p("source", doc.small)] + (
        [doc.p("after", doc.small)] if after is not None else []
    )
    pics = Table([images, labels], colWidths=[15 * mm] * len(images))
    pics.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return pics


def _cells(doc: Doc, row: ShotRow, thumbs: Any) -> list[Any]:
    s = row.shot
    where = f"{t(s.name)}<br/>reel {t(s.reel or '—')} · {t(s.track)}"
    if s.status != "online":
        where += f"<br/><i>{t(s.reason)}</i>"
    edits = (
        "<br/>".join(
            f"edit {t(e.edit_id)}: {t(e.tool)} ({t(e.kind)}"
            + ("" if e.nature == "assistive" else f", <b>{t(e.nature)}</b>")
            + f"), {e.first}–{e.last}"
            for e in row.edits
        )
        or "none"
    )
    models = "<br/>".join(f"{t(label)}: {t(bases)}" for label, bases in row.models)
    if models:
        edits += f"<br/><font color='#555555'>{models}</font>"
    if not row.performers:
        consent = "no performer tagged"
    elif not row.consent:
        consent = f"{t(', '.join(row.performers))} (not altered)"
    else:
        consent = "<br/>".join(
            t(c.short) if c.covered else f"<font color='#9b1c1c'><b>{t(c.short)}</b></font>"
            for c in row.consent
        )
    d = row.delivery
    if d is None:
        delivered = "not delivered"
    else:
        stale = "" if row.delivered_after_edits else " (edited since)"
        delivered = (
            f"<font size='6.5'>{t(d.output.path.rsplit('/', 1)[-1])}</font><br/>"
            f"v{d.version:03d}{stale} · TC "
            f"{t(d.timecode)} · QC {t(d.qc)}"
        )
    status = row.status if row.status != "awaiting sign-off" else "<b>awaiting sign-off</b>"
    return [
        doc.p(str(s.position), doc.cell),
        _picture(doc, row, thumbs),
        doc.p(where, doc.cell),
        doc.p(
            f"rec {t(s.record.tc_in)}<br/>src {t(s.source.tc_in)}<br/>– {t(s.source.tc_out)}",
            doc.cell,
        ),
        doc.p(edits, doc.cell),
        doc.p(consent, doc.cell),
        doc.p(f"{delivered}<br/>{status}", doc.small),
    ]


def sequence_story(doc: Doc, view: SequenceView, thumbs: Any) -> list[Any]:
    """The flowables of one sequence's section."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    r = view.record
    story: list[Any] = [
        doc.p(f"Sequence {t(r.name)} — shots in cut order", doc.h2),
        doc.p(
            f"{t(r.timeline.path.rsplit('/', 1)[-1])} ({t(r.timeline.format)}) at {t(r.rate.removesuffix('/1'))} fps"
            f"{' drop-frame' if r.drop_frame else ''}, record from {t(r.record_start)}, "
            f"{r.handles} frames of handles",
            doc.meta,
        ),
    ]
    story += [doc.p(f"• {t(line)}", doc.body) for line in view.summary()]
    headers = ["#", "Picture", "Shot", "Record / source TC", "AI edits, models", "Consent",
               "Delivered, status"]  # fmt: skip
    data = [[doc.p(t(h), doc.head) for h in headers]]
    data += [_cells(doc, row, thumbs) for row in view.shots]
    widths = [6, 31, 24, 23, 30, 27, 39]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, doc.colors.HexColor("#c8c8c8")),
                ("BACKGROUND", (0, 0), (-1, 0), doc.colors.HexColor("#eef1f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story.append(table)
    story.append(doc.p(f"The film's ledger: {t(r.name)}", doc.h3))
    story.append(
        doc.p(
            "Per shot and contributor: the frames of the cut (the source range, not the "
            "handles) their model touched, and their share of those frames from the model card.",
            doc.meta,
        )
    )
    ledger = film_ledger([view])
    if not ledger:
        story.append(doc.p("No model touched a frame of this cut."))
        return story
    story.append(
        doc.table(
            ["Shot", "Reel", "Record TC", "Model", "Contributor", "Share", "Frames", "Theirs"],
            [
                [
                    str(x.shot),
                    x.reel,
                    x.record_in,
                    x.model,
                    x.contributor,
                    "—" if x.share is None else f"{x.share:.4f}",
                    f"{x.frames:,}",
                    "—" if x.contributor_frames is None else f"{x.contributor_frames:,.2f}",
                ]
                for x in ledger
            ],
            [12, 20, 22, 24, 50, 16, 16, 20],
            numeric={5, 6, 7},
        )
    )
    story.append(
        doc.table(
            ["Contributor", "Shots", "Frames of the film (their share)"],
            [[n, str(k), f"{f:,.2f}"] for n, k, f in film_totals(ledger)],
            [90, 30, 60],
            numeric={1, 2},
        )
    )
    return story


__all__ = ["sequence_story"]
