"""The report's sequence view, read back as a reader would: the HTML parsed (every shot in cut
order with its picture, timecodes, edits, models, consent and delivery), the PDF as text
(``pdftotext``), the film's ledger and credits; the same from the window's export path."""

from __future__ import annotations

import csv
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conform.conftest import media  # noqa: F401 - the camera originals, made by ffmpeg
from conform.nle import CAST_EDL
from support import new_project
from workbench.cli import main
from workbench.conform import ImportRequest, import_sequence
from workbench.conform.recipes import apply_recipe, parse_step, save_recipe, select_shots
from workbench.editing import LikenessRequest, add_likeness_consent
from workbench.project import Project


class ShotTable(HTMLParser):
    """The rows of every ``table.shots``: each shot's attributes and its cells' text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, object]] = []
        self._cell: list[str] | None = None
        self._images = 0
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("class") == "sequence":
            self.sections.append(str(a.get("id")))
        if tag == "tr" and (a.get("class") or "").startswith("shot"):
            self.rows.append(
                {"id": int(a["data-shot"] or 0), "status": a["data-status"], "cells": []}
            )
        elif tag == "td" and self.rows and self._cell is None:
            self._cell, self._images = [], 0
        elif tag == "img" and self._cell is not None:
            self._images += 1
            assert str(a.get("src")).startswith("data:image/jpeg;base64,")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            cells = self.rows[-1]["cells"]
            assert isinstance(cells, list)
            cells.append((" ".join("".join(self._cell).split()), self._images))
            self._cell = None
        if tag == "table":
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data + " ")


@pytest.fixture
def film(tmp_path: Path, media: dict[str, Path]) -> Path:  # noqa: F811
    edl = tmp_path / "cast.edl"
    edl.write_text(CAST_EDL, encoding="utf-8")
    path = tmp_path / "film.wbproj"
    release = tmp_path / "release.pdf"
    release.write_bytes(b"%PDF-1.4 signed")
    with new_project(path) as project:
        import_sequence(project, ImportRequest(edl, (media["25"],), handles=4))
        for person in ("ADA ACTOR", "Ben Bloggs"):
            add_likeness_consent(
                project, LikenessRequest(person, "enhancement", release, expires="2099-12-31")
            )
        recipe = save_recipe(project, "clean", [parse_step("denoise")], "spec")
        apply_recipe(project, recipe, select_shots(project, "all"))
        project.add_cast_member("Cy Crew")
        project.tag_shots(project.find_cast("Cy Crew").id, [6])  # after the edit: no consent
    out = tmp_path / "deliver"
    out.mkdir()
    assert main(["conform", "render", str(path), "-o", str(out), "--shots", "3"]) == 0
    return path


def test_the_html_report_shows_the_cut_shot_by_shot(film: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    assert main(["log", "export", str(film), "--format", "html", "-o", str(report)]) == 0
    parser = ShotTable()
    parser.feed(report.read_text(encoding="utf-8"))
    assert parser.sections == ["sequence-1"]
    rows = {r["id"]: r for r in parser.rows}
    assert [r["id"] for r in parser.rows] == [1, 2, 3, 4, 5, 6]  # cut order
    assert {k: r["status"] for k, r in rows.items()} == {
        1: "edited",
        2: "edited",
        3: "delivered",
        4: "offline",
        5: "offline",
        6: "edited",
    }
    cells = {k: [text for text, _ in r["cells"]] for k, r in rows.items()}  # type: ignore[union-attr]
    pictures = {k: [n for _, n in r["cells"]][1] for k, r in rows.items()}  # type: ignore[union-attr]
    assert pictures == {1: 2, 2: 2, 3: 2, 4: 0, 5: 0, 6: 2}  # source and after, online shots
    one = cells[1]
    assert one[3] == "01:00:00:00 01:00:01:00" and one[4] == "01:00:10:10 01:00:11:10"
    assert "denoise (cleanup)" in one[5] and "denoise-temporal 1.0.0" in one[5]
    assert one[6].startswith("denoise-temporal 1.0.0:")  # the model's training data bases
    assert "ADA ACTOR: enhancement — consent 1 (enhancement; signed" in one[7]
    assert "until 2099-12-31" in one[7] and "release release.pdf" in one[7]
    assert "Ben Bloggs: enhancement — consent 2" in cells[2][7]
    assert cells[3][8].startswith("003_A002C001_wb_v001.mov v001 TC 02:00:05:01")
    assert "QC passed" in cells[3][8]
    assert "speed change" in cells[4][2] and cells[4][8] == "not delivered"
    assert "Cy Crew: enhancement — NO CONSENT (no likeness consent of theirs" in cells[6][7]
    text = report.read_text(encoding="utf-8")
    assert "WARNING: 1 alteration of a performer&#x27;s likeness lacks their consent" in text
    assert "The film's ledger: SEQ_AVID" in text
    assert "SEQ_AVID: AI-assisted cleanup in 4 of 4 shots" in text  # the credits for the end roll


def test_the_pdf_report_says_the_same(film: Path, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    report = tmp_path / "report.pdf"
    assert main(["log", "export", str(film), "--format", "pdf", "-o", str(report)]) == 0
    text = subprocess.run(
        ["pdftotext", str(report), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Sequence SEQ_AVID — shots in cut order" in flat
    assert "003_A002C001_wb_v001.mov" in flat and "QC passed" in flat
    assert "NO CONSENT" in flat and "Cy Crew" in flat
    assert "The film's ledger: SEQ_AVID" in flat
    assert "SEQ_AVID: AI-assisted cleanup in 4 of 4 shots" in flat


def test_credits_and_the_window_export_match(film: Path, tmp_path: Path) -> None:
    from workbench.editing import export_log

    a, b = tmp_path / "a.html", tmp_path / "b.html"
    stamp = "2026-02-01T00:00:00.000000Z"
    export_log(film, "html", a, exported=stamp)
    assert main(["log", "export", str(film), "--format", "html", "-o", str(b)]) == 0
    export_log(film, "html", b, exported=stamp)  # the window calls this same function
    assert a.read_bytes() == b.read_bytes()
    credits = tmp_path / "credits.txt"
    export_log(film, "credits", credits, exported=stamp)
    lines = credits.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("SEQ_AVID: AI-assisted cleanup in 4 of 4 shots (")
    assert lines[1] == "Likeness of ADA ACTOR, Ben Bloggs AI-altered with their written consent."
    ledger = tmp_path / "film.csv"
    export_log(film, "film-ledger", ledger, exported=stamp)
    rows = list(csv.DictReader(ledger.open(encoding="utf-8")))
    assert {r["shot"] for r in rows} == {"1", "2", "3", "6"}
    one = [r for r in rows if r["shot"] == "1"]
    assert all(r["frames_of_the_cut"] == "25" and r["model"] == "denoise-temporal 1.0.0" for r in one)
    shares = sum(float(r["share"]) for r in one)
    assert (
        abs(sum(float(r["contributor_frames"]) for r in one) - 25 * shares) < 0.01
    )  # each row rounded to 3 places
    with Project.open(film, readonly=True) as project:
        assert project.verify().ok
