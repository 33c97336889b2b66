"""Cuts as the NLEs write them, matched to ffmpeg-made camera originals: every event matched or
reported, handles right (transitions, clamping), drop-frame timecode counted right."""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from conform import nle
from support import new_project
from workbench.cli import main
from workbench.conform import ImportRequest, import_sequence
from workbench.errors import UsageError
from workbench.project import Project, Shot


def _import(
    tmp_path: Path,
    timeline: Path,
    media: list[Path],
    handles: int = 0,
    rate: Fraction | None = None,
) -> tuple[list[Shot], list[str]]:
    with new_project(tmp_path / "film.wbproj") as project:
        result = import_sequence(project, ImportRequest(timeline, tuple(media), handles, rate))
        assert project.verify().ok
        return project.shots(result.sequence.id), [line.line() for line in result.lines]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_sources_carry_timecode_and_reel_as_ffprobe_reads_them(media: dict[str, Path]) -> None:
    tags = nle.ffprobe_tags(media["25"] / "A001C003.mov")
    assert tags["timecode"] == "01:00:10:00" and tags["reel_name"] == "A001C003"
    df = nle.ffprobe_tags(media["2997"] / "C001C001.mov")
    assert df["timecode"] == "00:00:59;20" and df["reel_name"] == "C001"
    assert "reel_name" not in nle.ffprobe_tags(media["25"] / "A004C002.mov")


def test_avid_edl_every_event_matched_or_reported(
    tmp_path: Path, media: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    edl = _write(tmp_path, "avid.edl", nle.AVID_25)
    project = tmp_path / "film.wbproj"
    new_project(project).close()
    code = main(
        ["conform", "import", str(project), str(edl), "--media", str(media["25"]), "--handles", "8"]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    rows = [line.split("\t") for line in out]
    a1, a2, a3 = (str(media["25"] / f"A00{n}C00{c}.mov") for n, c in ((1, 3), (2, 1), (3, 1)))
    assert [r[:2] for r in rows] == [
        ["1", a1],
        ["2", a1],
        ["3", a2],
        ["4", "MISSING"],
        ["5", "MISSING"],
        ["6", a3],
    ]
    assert rows[0][2] == "reel A001C003, source TC 01:00:10:10-01:00:11:10"
    assert "a transition adds 0 head / 10 tail frames" in rows[1][2]
    assert "tail handle clamped to 10 of 18" in rows[1][2]
    assert "head handle clamped to 5 of 8" in rows[2][2]
    assert rows[3][2].startswith("a speed change (×2)") and "A003C001.mov" in rows[3][2]
    assert rows[4][2].startswith("no media") and "reel B007" in rows[4][2]
    assert "head handle clamped to 2 of 8" in rows[5][2]
    with Project.open(project, readonly=True) as opened:
        shots = opened.shots()
        assert opened.verify().ok
    assert [(s.frames, s.handles) for s in shots] == [
        ((2, 42), (8, 8)),
        ((42, 74), (8, 10)),  # 8 + the dissolve's 10, clamped at the file's last frame
        ((0, 37), (5, 8)),
        (None, (0, 0)),
        (None, (0, 0)),
        ((0, 27), (2, 8)),
    ]
    one = shots[0]
    assert (one.source.tc_in, one.source.tc_out) == ("01:00:10:10", "01:00:11:10")
    assert (one.record.tc_in, one.record.tc_out) == ("01:00:00:00", "01:00:01:00")
    assert one.reel == "A001C003" and one.name == "A001C003_230101_R1AB" and one.track == "V1"
    assert one.comments == ("COMMENT: LOOK AT BOOM",)
    assert [(m.name, m.colour) for m in one.markers] == [("JANE DOE IN FRAME", "RED")]
    assert shots[3].speed == "2" and shots[3].status == "offline"


def test_avid_edl_without_clip_names_matches_by_reel(
    tmp_path: Path, media: dict[str, Path]
) -> None:
    edl = _write(tmp_path, "bare.edl", nle.AVID_BARE_25)
    shots, lines = _import(tmp_path, edl, [media["25"]], handles=4)
    assert [s.clip_id for s in shots] == [1, 2]
    assert all(line.split("\t")[2].startswith("reel ") for line in lines)
    assert shots[0].frames == shots[1].frames == (21, 53)  # 4 handles around frames 25-49


def test_premiere_edl_reel_ax_matches_by_clip_name(tmp_path: Path, media: dict[str, Path]) -> None:
    edl = _write(tmp_path, "premiere.edl", nle.PREMIERE_25)
    shots, lines = _import(tmp_path, edl, [media["25"]], handles=2)
    media_of = [line.split("\t")[1] for line in lines]
    assert media_of == [
        str(media["25"] / "A004C002.mov"),
        str(media["25"] / "A001C003.mov"),
        "MISSING",
    ]
    assert lines[0].split("\t")[2].startswith("clip name, source TC 04:00:00:10")
    assert shots[0].reel is None and shots[0].frames == (8, 26)
    assert "Z999C001" in lines[2] and shots[2].status == "offline"


def test_nucoda_edl_from_file_matches_by_reel_and_file_name(
    tmp_path: Path, media: dict[str, Path]
) -> None:
    edl = _write(tmp_path, "nucoda.edl", nle.NUCODA_25)
    shots, lines = _import(tmp_path, edl, [media["25"]])
    assert lines[0].split("\t")[2] == "reel A002C001, source TC 02:00:05:10-02:00:06:10"
    # A004C002's media has no reel: the EDL's reel finds nothing, its FROM FILE name does.
    assert lines[1].split("\t")[1] == str(media["25"] / "A004C002.mov")
    assert lines[1].split("\t")[2].startswith("file name, source TC 04:00:01:00")
    assert shots[1].record.tc_in == "10:00:01:00"


@pytest.mark.parametrize("text", [nle.DF_2997, nle.DF_2997_COLONS], ids=["semicolons", "colons"])
def test_drop_frame_edl_counts_across_the_dropped_minute(
    tmp_path: Path, media: dict[str, Path], text: str
) -> None:
    edl = _write(tmp_path, "df.edl", text)
    shots, lines = _import(tmp_path, edl, [media["2997"]], handles=8)  # rate from the media
    assert [line.split("\t")[1] for line in lines] == [
        str(media["2997"] / "C001C001.mov"),
        str(media["2997"] / "C002C001.mov"),
    ]
    one, two = shots
    # 00:00:59;20 is frame 1790 of the count, 00:01:00;02 is 1800 (;00 and ;01 are skipped)
    assert one.frames == (2, 45) and one.handles == (8, 8)
    assert (one.source.tc_in, one.source.tc_out) == ("00:01:00;02", "00:01:01;00")
    assert one.source.drop_frame and one.source.rate == "30000/1001"
    assert (one.record.tc_in, two.record.tc_out) == ("01:00:00;00", "01:00:01;28")
    assert two.frames == (2, 47)


def test_premiere_fcp7_xml_with_a_dissolve_and_a_marker(
    tmp_path: Path, media: dict[str, Path]
) -> None:
    xml = _write(tmp_path, "premiere.xml", nle.premiere_xml(media["23976"]))
    shots, lines = _import(tmp_path, xml, [media["23976"]], handles=4)
    assert [line.split("\t")[1] for line in lines] == [
        str(media["23976"] / "B001C002.mov"),
        str(media["23976"] / "B001C002.mov"),
        str(media["23976"] / "B002C001.mov"),
    ]
    one, two, three = shots
    assert one.source.rate == "24000/1001" and one.reel == "B001"
    assert (one.source.tc_in, one.record.tc_in) == ("14:20:01:00", "01:00:00:00")
    assert one.frames == (20, 51)
    assert two.frames == (36, 71) and two.handles == (4, 8)  # 4 + 6 for the dissolve, clamped
    assert "tail handle clamped to 8 of 10" in two.reason
    assert three.frames == (2, 39) and three.handles == (10, 4)
    assert [(m.name, m.note) for m in one.markers] == [("fix", "dust on the lens")]
    assert set(one.comments) == {"Jane Doe", "hero shot"}


def test_premiere_time_remap_is_a_speed_change(tmp_path: Path, media: dict[str, Path]) -> None:
    xml = _write(tmp_path, "remap.xml", nle.premiere_xml_with_time_remap(media["23976"]))
    shots, lines = _import(tmp_path, xml, [media["23976"]], handles=4)
    assert [line.split("\t")[1] for line in lines][2] == "MISSING"
    assert lines[2].split("\t")[2].startswith("a speed change (×2)")
    assert shots[2].speed == "2" and shots[0].online and shots[1].online


@pytest.mark.parametrize("kind", ["otio", "otioz"])
def test_resolve_otio_and_otioz(tmp_path: Path, media: dict[str, Path], kind: str) -> None:
    plain, bundle = nle.write_resolve(media["25"], tmp_path)
    shots, lines = _import(tmp_path, plain if kind == "otio" else bundle, [media["25"]])
    assert [line.split("\t")[1] for line in lines] == [
        str(media["25"] / "A002C001.mov"),
        str(media["25"] / "A003C001.mov"),
    ]
    one, two = shots
    assert one.reel == "A002C001" and one.frames == (20, 49) and one.handles == (0, 5)
    assert two.frames == (20, 49) and two.handles == (5, 0)
    assert one.record.tc_in == "01:00:00:00" and two.record.tc_in == "01:00:01:00"
    assert [(m.name, m.note) for m in one.markers] == [("Jane Doe", "performer in frame")]


def test_aaf_as_the_adapter_writes_it(tmp_path: Path, media: dict[str, Path]) -> None:
    import opentimelineio as otio

    timeline = nle.resolve_timeline(media["25"])
    track = timeline.video_tracks()[0]
    del track[1]  # the adapter writes no transition without Avid's own AAF metadata
    aaf = tmp_path / "cut.aaf"
    otio.adapters.write_to_file(timeline, str(aaf), use_empty_mob_ids=True)
    shots, _lines = _import(tmp_path, aaf, [media["25"]])
    assert [s.clip_id for s in shots] == [1, 2]
    assert shots[0].source.tc_in == "02:00:05:20" and shots[1].record.tc_in == "01:00:01:00"


def test_two_different_files_of_one_reel_and_timecode_are_ambiguous(
    tmp_path: Path, media: dict[str, Path]
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    copy = other / "A002C001_graded.mov"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(media["25"] / "A002C001.mov"),
            "-map",
            "0:v",
            "-map",
            "0:a",
            "-c:v",
            "prores_ks",
            "-profile:v",
            "1",
            "-c:a",
            "copy",
            "-timecode",
            "02:00:05:00",
            "-metadata:s:v:0",
            "reel_name=A002C001",
            str(copy),
        ],
        check=True,
    )
    same = other / "A002C001_copy.mov"
    shutil.copy(media["25"] / "A003C001.mov", same)
    edl = _write(tmp_path, "bare.edl", nle.AVID_BARE_25)
    shots, lines = _import(tmp_path, edl, [media["25"], other])
    assert lines[0].split("\t")[1] == "MISSING"
    assert lines[0].split("\t")[2].startswith("ambiguous: A002C001.mov, A002C001_graded.mov")
    assert "identical copies" in lines[1] and shots[1].online  # the same bytes twice: fine


def test_bad_input_is_a_clear_error(tmp_path: Path, media: dict[str, Path]) -> None:
    mixed = [media["25"], media["2997"]]
    edl = _write(tmp_path, "avid.edl", nle.AVID_25)
    with new_project(tmp_path / "p.wbproj") as project:
        with pytest.raises(UsageError, match="does not say its frame rate"):
            import_sequence(project, ImportRequest(edl, tuple(mixed)))
        broken = _write(tmp_path, "broken.xml", "<xmeml><sequence>")
        with pytest.raises(UsageError, match=r"broken\.xml cannot be read"):
            import_sequence(project, ImportRequest(broken, (media["25"],)))
        with pytest.raises(UsageError, match="reads"):
            import_sequence(project, ImportRequest(tmp_path / "cut.mov", (media["25"],)))
        with pytest.raises(UsageError, match="no such folder"):
            import_sequence(project, ImportRequest(edl, (tmp_path / "nowhere",), rate=Fraction(25)))
        assert project.sequences() == [] and project.verify().ok


def test_a_clip_already_in_the_project_is_reused(tmp_path: Path, media: dict[str, Path]) -> None:
    from workbench.editing import import_clip

    edl = _write(tmp_path, "bare.edl", nle.AVID_BARE_25)
    with new_project(tmp_path / "p.wbproj") as project:
        clip = import_clip(project, media["25"] / "A002C001.mov")
        first = import_sequence(project, ImportRequest(edl, (media["25"],)))
        second = import_sequence(project, ImportRequest(edl, (media["25"],)))
        assert project.shots(first.sequence.id)[0].clip_id == clip.id
        assert [s.clip_id for s in project.shots(second.sequence.id)] == [clip.id, 2]
        assert len(project.clips()) == 2 and project.verify().ok


def test_an_offline_shot_is_relinked_by_hand(tmp_path: Path, media: dict[str, Path]) -> None:
    edl = _write(tmp_path, "avid.edl", nle.AVID_25)
    elsewhere = tmp_path / "late"
    elsewhere.mkdir()
    late = nle.make_source(elsewhere, nle.Source("B007C001", "25", "07:00:00:00", 40, "B007"))
    project = tmp_path / "film.wbproj"
    with new_project(project) as opened:
        import_sequence(opened, ImportRequest(edl, (media["25"],), handles=8))
    from workbench.conform.shots import relink_shot

    with Project.open(project) as opened, pytest.raises(UsageError, match="does not hold shot 5"):
        relink_shot(opened, 5, media["25"] / "A001C003.mov")
    assert main(["conform", "relink", str(project), "5", str(late), "--note", "late delivery"]) == 0
    with Project.open(project, readonly=True) as opened:
        shot = opened.shot(5)
        assert shot.online and shot.frames == (0, 32) and shot.handles == (0, 8)
        assert "head handle clamped to 0 of 8" in shot.reason
        change = opened.log.entries()[-1]
        assert change["schema"] == "workbench.shot-change/1" and change["note"] == "late delivery"
        assert change["was"]["status"] == "offline" and opened.verify().ok


def test_an_unreadable_file_among_the_media_is_reported_not_fatal(
    tmp_path: Path, media: dict[str, Path]
) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(media["25"], folder)
    (folder / "broken.mov").write_bytes(b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 64)
    (folder / ".hidden.mov").write_bytes(b"not looked at")
    edl = _write(tmp_path, "bare.edl", nle.AVID_BARE_25)
    with new_project(tmp_path / "p.wbproj") as project:
        result = import_sequence(project, ImportRequest(edl, (folder,)))
    assert result.offline == 0
    assert len(result.notes) == 1 and result.notes[0].startswith("broken.mov cannot be read")
