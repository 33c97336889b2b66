"""The producer exports: ledger numbers by hand, summary, credits, hostile text, HTML and PDF."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from disclosure.producer_support import CARDS, HOSTILE, build_project
from workbench.cli import main
from workbench.disclosure.exporters import ExportContext, exporter, formats
from workbench.disclosure.report_model import EditRow, build_report
from workbench.tools.registry import get_tool

EXPORTED = "2026-11-28T12:00:00.000000Z"


def _context(project: Any, thumbnails: Any = None) -> ExportContext:
    clips = tuple(
        {"id": c.id, "name": c.name, "path": c.path, "media": c.media} for c in project.clips()
    )
    return ExportContext(
        data=project.log_data(),
        exported=EXPORTED,
        clips=clips,
        cards={c.sha256: c for c in CARDS},
        thumbnails=thumbnails,
    )


@pytest.fixture()
def context(tmp_path: Path) -> ExportContext:
    with build_project(tmp_path / "p.wbproj") as project:
        return _context(project)


def test_registry_offers_every_format() -> None:
    assert formats() == ["json", "csv", "html", "pdf", "ledger", "credits", "film-ledger"]
    for name in formats():
        assert callable(exporter(name).write_to_string)
        assert callable(exporter(name).write_to_file)


def test_ledger_numbers_worked_out_by_hand(context: ExportContext) -> None:
    # denoise: frames 0-23 in a 32x24 rectangle -> 24 x 768 px; upscale: frames 0-47, 64x48.
    # The reverted denoise (frames 30-39) counts for nothing.
    rows = list(csv.DictReader(io.StringIO(exporter("ledger").write_to_string(context))))
    got = {(r["model_id"], r["contributor"]): r for r in rows}
    assert len(rows) == 3
    ana = got[("test-denoise", "Ana Plate <b>")]
    assert ana["frames_processed"] == "24"
    assert float(ana["megapixels_processed"]) == pytest.approx(24 * 768 / 1e6)
    assert float(ana["delivered_seconds"]) == pytest.approx(1.0)
    assert float(ana["share"]) == 0.75
    assert float(ana["contributor_megapixels"]) == pytest.approx(0.75 * 24 * 768 / 1e6)
    assert float(ana["contributor_seconds"]) == pytest.approx(0.75)
    wb = got[("test-denoise", "Workbench contributors")]
    assert float(wb["contributor_seconds"]) == pytest.approx(0.25)
    up = got[("test-upscale", "Ana Plate <b>")]
    assert up["frames_processed"] == "48"
    assert float(up["megapixels_processed"]) == pytest.approx(48 * 64 * 48 / 1e6)
    assert float(up["delivered_seconds"]) == pytest.approx(2.0)

    report = build_report(context)
    totals = {t.name: t for t in report.contributor_totals}
    assert totals["Ana Plate <b>"].megapixels == pytest.approx(
        0.75 * 24 * 768 / 1e6 + 48 * 64 * 48 / 1e6
    )
    assert totals["Ana Plate <b>"].seconds == pytest.approx(2.75)


def test_summary_counts_live_edits_by_kind(context: ExportContext) -> None:
    report = build_report(context)
    assert report.shots == 1 and len(report.clips) == 2
    assert report.frames_assisted == 48
    assert [(k.kind, k.frames, k.shots) for k in report.kinds] == [
        ("cleanup", 24, 1),
        ("upscaling", 48, 1),
    ]
    assert report.all_assistive and report.verified
    assert [e.state for e in report.edits] == ["live", "live", "reverted"]
    lines = report.one_minute_summary()
    assert lines[0] == "1 of 2 shots received AI assistance: 48 of 72 frames, through 2 edits."
    assert any("1 further edit was undone" in line for line in lines)


def test_credits_line_is_short_and_accurate(context: ExportContext) -> None:
    text = exporter("credits").write_to_string(context)
    first = text.splitlines()[0]
    assert first == (
        "AI-assisted cleanup and upscaling: Workbench. Models trained on licensed data from "
        "Ana Plate <b>, with attribution, and on generated images."
    )
    assert '"plates" by Ana Plate <b>, CC BY 4.0' in text


def test_ledger_without_cards_or_clip_sizes_says_unknown(tmp_path: Path) -> None:
    with build_project(tmp_path / "p.wbproj", media={"frame_count": 48}) as project:
        bare = ExportContext(data=project.log_data(), exported=EXPORTED)
    rows = list(csv.DictReader(io.StringIO(exporter("ledger").write_to_string(bare))))
    assert {r["contributor"] for r in rows} == {"(undisclosed: no model card)"}
    upscale = next(r for r in rows if r["model_id"] == "test-upscale")
    assert upscale["megapixels_processed"] == "" and upscale["delivered_seconds"] == ""


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture()
def hostile(tmp_path: Path) -> ExportContext:
    from disclosure.producer_support import DENOISE_CARD, entry_for
    from support import fixed_clock, new_project

    with new_project(tmp_path / "h.wbproj", operator=HOSTILE, clock=fixed_clock()) as project:
        clip = project.add_clip(
            f"/footage/{HOSTILE}.mov",
            fingerprint="ab" * 32,
            media={"width": 64, "height": 48, "frame_rate": "24", "frame_count": 10},
            name=HOSTILE,
        )
        project.add_edit(
            clip.id,
            tool=get_tool("denoise"),
            parameters={"strength": 0.5, "note": HOSTILE},
            frames=(0, 9),
            model=entry_for(DENOISE_CARD),
        )

        def thumbs(row: EditRow) -> tuple[Any, Any]:
            frame = np.full((48, 64, 3), 0.5, np.float32)
            return frame, frame * 0.5

        return _context(project, thumbs)


def test_hostile_text_is_escaped_and_inert_in_html(hostile: ExportContext) -> None:
    page = exporter("html").write_to_string(hostile)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;" in page
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", page)
    assert "\\x07\\x1b[31m" in page  # the control characters, shown as text
    parsed = _Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags
    assert all(url.startswith("data:image/jpeg;base64,") for url in parsed.urls)
    assert len(parsed.urls) == 2  # before and after
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert any('<script>alert("x")</script>' in t for t in parsed.text)


def test_hostile_text_is_inert_in_pdf(hostile: ExportContext, tmp_path: Path) -> None:
    pdf = exporter("pdf").write_to_string(hostile)
    assert pdf.startswith(b"%PDF-")
    assert b"/JavaScript" not in pdf and b"/JS " not in pdf and b"/URI" not in pdf
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert '<script>alert("x")</script>&amp;' in text
    assert "\\x07\\x1b[31m" in text
    assert "\x07" not in text and "\x1b" not in text
    assert "1 of 1 shots received AI assistance" in text
    assert "Compensation ledger" in text


def test_pdf_pages_render(context: ExportContext, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(exporter("pdf").write_to_string(context))
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / "page")], check=True)
    assert sorted(tmp_path.glob("page*.png"))


def test_cli_exports_every_producer_format(tmp_path: Path) -> None:
    with build_project(tmp_path / "p.wbproj"):
        pass
    for fmt in ("html", "pdf", "ledger", "credits"):
        out = tmp_path / f"out.{fmt}"
        assert (
            main(["log", "export", str(tmp_path / "p.wbproj"), "--format", fmt, "-o", str(out)])
            == 0
        )
        assert out.stat().st_size > 0
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")
    assert "Compensation ledger" in (tmp_path / "out.html").read_text()


def test_thumbnails_apply_the_edit_to_a_real_frame(tmp_path: Path) -> None:
    from fractions import Fraction

    from media.media_clips import make_video
    from workbench.catalog import Catalog
    from workbench.disclosure.report_thumbs import project_thumbnailer
    from workbench.errors import NotFoundError

    catalog = Catalog()
    try:
        entry = catalog.find("denoise")
    except NotFoundError:
        pytest.skip("the shipped denoise model is not in the catalogue")
    clip = make_video(tmp_path / "c.mkv", "ffv1", "yuv444p", Fraction(24), frames=4)
    with build_project(tmp_path / "p.wbproj", clip_path=str(clip)) as project:
        report = build_report(_context(project))
    row = report.edits[0]
    row = EditRow(**{**row.__dict__, "model": {**row.model, "sha256": entry.sha256}})
    pair = project_thumbnailer(catalog)(row)
    assert pair is not None
    before, after = pair
    assert before.shape == after.shape == (48, 64, 3)
    outside = (slice(24, 48), slice(32, 64))  # the edit's region is the top-left 32x24
    np.testing.assert_array_equal(before[outside], after[outside])


def test_cli_credentials_checks_file_against_the_project(tmp_path: Path) -> None:
    import cv2

    from disclosure.producer_support import live_edit_entries
    from workbench.disclosure.credentials import checkpoint_for, sign_media
    from workbench.disclosure.identity import init_identity

    identity = init_identity("CLI Studio", directory=tmp_path / "id")
    png = tmp_path / "frame.png"
    cv2.imwrite(str(png), np.full((24, 32, 3), 128, np.uint8))
    with build_project(tmp_path / "p.wbproj") as project:
        data = project.log_data()
        sign_media(
            png,
            source=png,
            project=data.project,
            edits=live_edit_entries(project),
            checkpoint=checkpoint_for(data),
            models=CARDS,
            identity=identity,
        )
    ca = tmp_path / "id" / "studio-ca.pem"
    args = ["credentials", str(png), "--trust", str(ca), "--project", str(tmp_path / "p.wbproj")]
    assert main(args) == 0
    with build_project(tmp_path / "other.wbproj"):
        pass
    assert main([*args[:-1], str(tmp_path / "other.wbproj")]) == 1
    data_bytes = bytearray(png.read_bytes())
    data_bytes[-30] ^= 0xFF
    png.write_bytes(bytes(data_bytes))
    assert main(["credentials", str(png)]) == 1


def test_cli_identity_init_show_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.disclosure.identity import make_studio_chain

    assert main(["identity", "init", "--name", "Test <Films>"]) == 0
    assert main(["identity", "show"]) == 0
    assert "Films" in capsys.readouterr().out  # RFC 4514 escapes the < >
    assert main(["identity", "init"]) != 0  # refuses to replace without --force
    ca, _, leaf, key = make_studio_chain("Org")
    (tmp_path / "c.pem").write_bytes(leaf + ca)
    (tmp_path / "k.pem").write_bytes(key)
    assert (
        main(["identity", "import", str(tmp_path / "c.pem"), str(tmp_path / "k.pem"), "--force"])
        == 0
    )
    assert main(["identity", "show", "--json"]) == 0
    assert '"kind": "imported"' in capsys.readouterr().out
