"""Delivery and the relinkable cut: each shot as replacement media (source range plus handles)
with the source's timecode at its first frame and its reel (read by ffprobe), its audio cut to
the sample (hashed by ffmpeg), QC against the source passing; the exported timeline read back
through OpenTimelineIO's adapters, event by event."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from conform import nle
from support import new_project
from workbench.cli import main
from workbench.conform import ImportRequest, import_sequence
from workbench.conform.delivery import DeliveryRequest, deliver, file_name
from workbench.errors import UsageError
from workbench.media.timecode import to_frames
from workbench.project import Project


def samples_sha(path: Path, span: tuple[int, int] | None = None) -> str:
    """ffmpeg's SHA-256 of the first audio track's samples (as 32-bit PCM), or of a span."""
    trim = ["-af", f"atrim=start_sample={span[0]}:end_sample={span[1]}"] if span else []
    run = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(path),
            "-map",
            "0:a:0",
            *trim,
            "-c:a",
            "pcm_s32le",
            "-f",
            "hash",
            "-hash",
            "sha256",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.strip()


def film_with(tmp_path: Path, text: str, name: str, media: Path, handles: int) -> Path:
    timeline = tmp_path / name
    if text:
        timeline.write_text(text, encoding="utf-8")
    path = tmp_path / "film.wbproj"
    with new_project(path) as project:
        import_sequence(project, ImportRequest(timeline, (media,), handles=handles))
    return path


def test_a_shot_is_delivered_with_its_timecode_reel_and_audio(
    tmp_path: Path, media: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    film = film_with(tmp_path, nle.AVID_25, "avid.edl", media["25"], 8)
    out = tmp_path / "deliver"
    out.mkdir()
    assert main(["conform", "render", str(film), "-o", str(out), "--shots", "1,2,5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    one, two = out / "001_A001C003_wb_v001.mov", out / "002_A001C003_wb_v001.mov"
    assert lines[0].startswith(f"1\t{one}\tv001 TC 01:00:10:02 reel A001C003 frames 2-42")
    assert lines[1].startswith(f"2\t{two}\tv001 TC 01:00:11:17") and "QC passed" in lines[1]
    assert lines[2].startswith("5\t-\toffline: no media")
    for path, tc, frames in ((one, "01:00:10:02", 41), (two, "01:00:11:17", 33)):
        tags = nle.ffprobe_tags(path)
        assert (tags["timecode"], tags["reel_name"], tags["frames"]) == (
            tc,
            "A001C003",
            str(frames),
        )
        assert tags["audio"] == "pcm_s16le"
    source = media["25"] / "A001C003.mov"
    # 48 kHz at 25 fps: 1920 samples a frame; shot 1 is frames 2-42 of its clip.
    assert samples_sha(one) == samples_sha(source, (2 * 1920, 43 * 1920))
    assert main(["qc", str(one), "--against", str(source)]) == 0  # its signed expectations
    assert "frames 2-42 of the source" in capsys.readouterr().out
    with Project.open(film, readonly=True) as project:
        delivery = project.latest_delivery(1)
        assert delivery is not None and delivery.qc == "passed" and delivery.version == 1
        assert delivery.frames == (2, 42) and delivery.timecode == "01:00:10:02"
        render = project.renders()[0]
        entry = next(e for e in project.log.entries() if e.get("id") == render.log_entry)
        assert entry["frames"] == [2, 42]  # the render's entry names the clip's frames
        assert project.verify().ok


def test_versions_count_up_and_never_overwrite(tmp_path: Path, media: dict[str, Path]) -> None:
    film = film_with(tmp_path, nle.AVID_25, "avid.edl", media["25"], 0)
    out = tmp_path / "deliver"
    out.mkdir()
    request = DeliveryRequest(film, out, shots="6")
    (first,) = deliver(request)
    taken = out / "006_A003C001_wb_v002.mov"
    taken.write_bytes(b"someone else's file")
    (second,) = deliver(request)
    assert first.delivery is not None and second.delivery is not None
    assert (first.delivery.version, second.delivery.version) == (1, 3)
    assert taken.read_bytes() == b"someone else's file"
    assert Path(second.delivery.output).name == "006_A003C001_wb_v003.mov"
    with Project.open(film, readonly=True) as project:
        assert [d.version for d in project.deliveries(6)] == [1, 3] and project.verify().ok


def test_drop_frame_shot_keeps_drop_frame_timecode(tmp_path: Path, media: dict[str, Path]) -> None:
    film = film_with(tmp_path, nle.DF_2997, "df.edl", media["2997"], 8)
    out = tmp_path / "deliver"
    out.mkdir()
    (done,) = deliver(DeliveryRequest(film, out, shots="1"))
    assert done.delivery is not None
    tags = nle.ffprobe_tags(Path(done.delivery.output))
    # frames 2-45 of a file starting at 00:00:59;20: eight frames before 00:01:00;02
    assert tags["timecode"] == "00:00:59;22" and tags["reel_name"] == "C001"
    assert tags["frames"] == "44" and done.delivery.qc == "passed"


def test_file_names(tmp_path: Path) -> None:
    from workbench.conform.delivery import ShotNumber

    fields = {"shot": ShotNumber(7), "position": ShotNumber(12), "reel": "A001/../x", "version": 2}
    assert file_name("{shot}_{reel}_wb_v{version:03d}", fields) == "007_A001_.._x_wb_v002"
    assert file_name("{position:04d}_v{version}", fields) == "0012_v2"
    with pytest.raises(UsageError, match="cannot be filled in"):
        file_name("{scene}", fields)


# -- the cut sent back ------------------------------------------------------------------------
def _events(timeline: Any) -> list[tuple[str, int, int, int, int]]:
    """(media file name, source in/out, record in/out) of every clip, as OTIO reads them."""
    import opentimelineio as otio

    track = timeline.video_tracks()[0]
    start = timeline.global_start_time
    base = round(start.value) if start is not None else -round(track.source_range.start_time.value)
    out = []
    for n, item in enumerate(track):
        if not isinstance(item, otio.schema.Clip):
            continue
        ref = item.media_reference
        url = getattr(ref, "target_url", None) or ""
        placed = track.range_of_child_at_index(n)
        src = item.source_range
        out.append(
            (
                url.rsplit("/", 1)[-1],
                round(src.start_time.value),
                round(src.end_time_exclusive().value),
                base + round(placed.start_time.value),
                base + round(placed.end_time_exclusive().value),
            )
        )
    return out


@pytest.mark.parametrize("fmt", ["otio", "edl", "fcp7xml"])
def test_the_exported_cut_relinks_every_event(
    tmp_path: Path, media: dict[str, Path], fmt: str
) -> None:
    import opentimelineio as otio

    plain, _bundle = nle.write_resolve(media["25"], tmp_path)
    film = film_with(tmp_path, "", plain.name, media["25"], 4)
    out = tmp_path / "deliver"
    out.mkdir()
    delivered = deliver(DeliveryRequest(film, out, shots="1"))  # shot 2 stays on its original
    target = tmp_path / f"relink.{ {'otio': 'otio', 'edl': 'edl', 'fcp7xml': 'xml'}[fmt] }"
    assert main(["conform", "export", str(film), "--format", fmt, "-o", str(target)]) == 0
    kwargs = {"rate": 25} if fmt == "edl" else {}
    timeline = otio.adapters.read_from_file(str(target), **kwargs)
    with Project.open(film, readonly=True) as project:
        shots = project.shots()
    rate = Fraction(25)
    expected = [
        (
            Path(delivered[0].delivery.output).name
            if n == 0 and delivered[0].delivery
            else "A003C001.mov",
            to_frames(s.source.tc_in, rate),
            to_frames(s.source.tc_out, rate),
            to_frames(s.record.tc_in, rate),
            to_frames(s.record.tc_out, rate),
        )
        for n, s in enumerate(shots)
    ]
    assert _events(timeline) == expected
    first = timeline.video_tracks()[0][0]
    if fmt != "edl":  # an EDL says no file lengths; the others re-base to the delivered file
        available = first.media_reference.available_range
        assert round(available.start_time.value) == to_frames("02:00:05:16", rate)
        assert round(available.duration.value) == 38  # frames 16-53: 4 + 25 + 5 (dissolve) + 4
