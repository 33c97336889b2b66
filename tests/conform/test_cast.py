"""Performers and their likeness consent: cast tags read from the timeline's CAST: comments and
markers (EDL, FCP 7 XML), tagged by hand; the policy enforced when an edit is applied (CLI,
recipe) and when a shot or clip is rendered, an expired consent counting as none; the rows
replayed from the log."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from conform import nle
from conform.nle import CAST_EDL
from support import new_project
from workbench.cli import main
from workbench.conform import ImportRequest, import_sequence
from workbench.conform.cast import names_in
from workbench.conform.recipes import apply_recipe, parse_step, save_recipe, select_shots
from workbench.errors import PolicyError, VerificationFailed
from workbench.project import Project
from workbench.project.likeness import check_render, needs
from workbench.project.stack_check import refuse_unless_vouched


@pytest.fixture
def film(tmp_path: Path, media: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> Path:
    edl = tmp_path / "cast.edl"
    edl.write_text(CAST_EDL, encoding="utf-8")
    path = tmp_path / "film.wbproj"
    new_project(path).close()
    args = ["conform", "import", str(path), str(edl), "--media", str(media["25"])]
    assert main([*args, "--handles", "8"]) == 0
    err = capsys.readouterr().err
    assert "cast: ADA ACTOR (added to the cast): shot(s) 1 (from marker)" in err
    assert "cast: Ben Bloggs (added to the cast): shot(s) 2 (from comment)" in err
    return path


def release(tmp_path: Path, name: str = "ada_release.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4 signed release of " + name.encode())
    return path


def apply(film: Path, frames: str, clip: str = "1", tool: str = "denoise") -> int:
    return main(["apply", str(film), clip, "--tool", tool, "--frames", frames])


def test_cast_names_in_a_line() -> None:
    assert names_in("CAST: Ada Actor, Ben Bloggs; Cy & Di") == [
        "Ada Actor",
        "Ben Bloggs",
        "Cy",
        "Di",
    ]
    assert names_in("COMMENT: cast: jane  doe.") == ["jane doe"]
    assert names_in("01:00:00:12 RED CAST: ADA") == ["ADA"]
    assert names_in("BROADCAST: no") == [] and names_in("LOOK AT BOOM") == []


def test_tags_from_the_edl_and_the_log_vouches_for_them(film: Path) -> None:
    with Project.open(film, readonly=True) as project:
        cast = {m.name: m for m in project.cast()}
        assert set(cast) == {"ADA ACTOR", "Ben Bloggs"}  # Ada Actor on shot 2 is ADA ACTOR
        tags = {(t.shot_id, t.cast_id, t.source) for t in project.shot_cast()}
        ada, ben = cast["ADA ACTOR"].id, cast["Ben Bloggs"].id
        assert tags == {(1, ada, "marker"), (2, ada, "comment"), (2, ben, "comment")}
        assert project.verify().ok
    conn = sqlite3.connect(film)
    conn.execute("DELETE FROM shot_cast WHERE shot_id = 2 AND cast_id = ?", (ben,))
    conn.commit()
    conn.close()
    with Project.open(film, readonly=True) as project:
        report = project.verify()
    (problem,) = report.problems
    assert problem.row == "cast tag (shot 2, cast member 2)" and "deleted outside" in str(problem)


def test_tags_from_a_premiere_xml_comment(
    tmp_path: Path, media: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    xml = tmp_path / "cut.xml"
    text = nle.premiere_xml(media["23976"]).replace(
        "<mastercomment1>Jane Doe</mastercomment1>",
        "<mastercomment1>CAST: Jane Doe</mastercomment1>",
    )
    xml.write_text(text.replace("<name>fix</name>", "<name>CAST: Cy Crew</name>"), encoding="utf-8")
    with new_project(tmp_path / "x.wbproj") as project:
        result = import_sequence(project, ImportRequest(xml, (media["23976"],)))
        lines = {t.line() for t in result.cast}
        assert "Jane Doe (added to the cast): shot(s) 1 (from comment)" in lines
        assert "Cy Crew (added to the cast): shot(s) 1 (from marker)" in lines


def test_consent_enforced_at_apply(
    film: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert apply(film, "10-20") == 5  # shot 1 (frames 2-42) features ADA ACTOR
    err = capsys.readouterr().err
    assert "likeness of ADA ACTOR in shot 1 (A001C003_230101_R1AB, reel A001C003)" in err
    assert "by enhancement" in err and "no likeness consent of theirs" in err
    assert "--person 'ADA ACTOR' --scope enhancement" in err
    assert apply(film, "0-27", clip="2") == 0  # shot 3: nobody tagged
    doc = release(tmp_path)
    base = ["consent", "add", str(film), "--person", "ada actor", "--document", str(doc)]
    assert main([*base, "--scope", "resize"]) == 0
    assert apply(film, "10-20") == 5
    assert "covers only resize, not enhancement" in capsys.readouterr().err
    assert main([*base, "--scope", "enhancement,removal", "--expires", "2099-12-31"]) == 0
    assert apply(film, "10-20") == 0
    # shot 2 also features Ben Bloggs, who has not consented: a recipe over it is refused
    with Project.open(film) as project:
        recipe = save_recipe(project, "clean", [parse_step("denoise")], "spec")
        with pytest.raises(PolicyError, match="Ben Bloggs in shot 2"):
            apply_recipe(project, recipe, select_shots(project, "2"))
        assert project.verify().ok
    capsys.readouterr()
    assert main(["consent", "list", str(film)]) == 0
    out = capsys.readouterr().out
    assert "consent 2: enhancement, removal for 'Test project'" in out and "until 2099-12-31" in out
    assert "shot 1 (A001C003_230101_R1AB): enhancement by edit(s) 2: covered by consent 2" in out


def test_an_expired_consent_counts_as_missing(
    film: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = release(tmp_path)
    args = ["consent", "add", str(film), "--person", "ADA ACTOR", "--scope", "all"]
    assert (
        main([*args, "--document", str(doc), "--signed", "2019-01-01", "--expires", "2020-01-01"])
        == 0
    )
    capsys.readouterr()
    assert apply(film, "10-20") == 5
    assert "consent 1 covering enhancement expired on 2020-01-01" in capsys.readouterr().err
    # an expiry before the signing date, or a kind nobody knows, is refused
    assert (
        main([*args, "--document", str(doc), "--signed", "2020-01-02", "--expires", "2020-01-01"])
        == 2
    )
    assert main([*args[:-1], "morphing", "--document", str(doc)]) == 2
    assert main([*args[:-2], "--scope", "resize"]) == 2  # no signed release
    assert "needs --document FILE" in capsys.readouterr().err


def test_render_refuses_a_tag_that_came_after_the_edit(
    film: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert apply(film, "5-35", clip="3") == 0  # shot 6 (clip 3): nobody tagged yet
    assert main(["cast", "add", str(film), "Cy Crew", "--role", "Dresser"]) == 0
    assert main(["shot", "tag", str(film), "6", "--cast", "cy crew"]) == 0
    capsys.readouterr()
    out = tmp_path / "deliver"
    out.mkdir()
    assert main(["conform", "render", str(film), "-o", str(out), "--shots", "6"]) == 5
    err = capsys.readouterr().err
    assert (
        "rendering 006_A003C001_wb_v001.mov is refused: edit 1 (denoise) alters the likeness" in err
    )
    assert "Cy Crew in shot 6" in err and "by enhancement" in err
    assert not list(out.iterdir())
    doc = release(tmp_path, "cy.pdf")
    consent = ["consent", "add", str(film), "--person", "Cy Crew", "--scope", "enhancement"]
    assert main([*consent, "--document", str(doc), "--expires", "2099-01-01"]) == 0
    with Project.open(film, readonly=True) as project:
        check_render(project, 3, (0, 28), doing="rendering")  # covered today
        with pytest.raises(PolicyError, match="expired on 2099-01-01"):
            check_render(project, 3, (0, 28), doing="rendering", today=date(2099, 1, 2))
        (need,) = needs(project)
        assert (need.shot_id, need.kind, need.edits, need.verdict.covered) == (
            6,
            "enhancement",
            (1,),
            True,
        )
    assert main(["conform", "render", str(film), "-o", str(out), "--shots", "6"]) == 0
    # untagged, the shot needs nobody's consent; the policy switch turns it off altogether
    assert main(["shot", "untag", str(film), "6", "--cast", "Cy Crew"]) == 0
    with Project.open(film, readonly=True) as project:
        assert project.shot_cast(6) == [] and project.verify().ok


def test_the_policy_switch_and_a_tampered_consent(
    film: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "set", str(film), "--likeness", "off"]) == 0
    assert apply(film, "10-20") == 0
    assert main(["policy", "set", str(film), "--likeness", "auto"]) == 0
    capsys.readouterr()
    assert main(["render", str(film), "1", "-o", str(tmp_path / "a.mov")]) == 5
    assert "ADA ACTOR in shot 1" in capsys.readouterr().err
    doc = release(tmp_path)
    args = ["consent", "add", str(film), "--person", "ADA ACTOR", "--scope", "resize"]
    assert main([*args, "--document", str(doc)]) == 0
    conn = sqlite3.connect(film)  # widen the consent behind the log's back
    conn.execute("DROP TRIGGER likeness_consents_pinned")
    conn.execute("""UPDATE likeness_consents SET kinds = '["enhancement"]'""")
    conn.commit()
    conn.close()
    with (
        Project.open(film, readonly=True) as project,
        pytest.raises(VerificationFailed, match="consent 1: its kinds"),
    ):
        refuse_unless_vouched(project, "the render")
    assert main(["render", str(film), "1", "-o", str(tmp_path / "a.mov")]) == 1
    assert "consent 1: its kinds in the project file" in capsys.readouterr().err


def test_cast_list_and_refusals(film: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["cast", "add", str(film), "  ada   ACTOR "]) == 2  # already in the cast
    assert main(["shot", "tag", str(film), "1", "--cast", "Nobody"]) == 3
    assert "'Nobody' is not in film.wbproj's cast" in capsys.readouterr().err
    assert main(["cast", "list", str(film)]) == 0
    out = capsys.readouterr().out
    assert "ADA ACTOR" in out and "1,2" in out and "none" in out
