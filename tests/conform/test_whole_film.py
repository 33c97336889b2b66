"""A whole film, start to end, from the command line (slow): the cut imported, a recipe applied
to every shot, every edited shot delivered and QC'd against its source by ``workbench qc``, the
log verified, the cut exported and read back by OpenTimelineIO."""

from __future__ import annotations

from pathlib import Path

import pytest

from conform import nle
from support import new_project
from workbench.cli import main
from workbench.project import Project

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("timeline", "folder", "rate"),
    [("avid.edl", "25", "25"), ("premiere.xml", "23976", None), ("df.edl", "2997", "29.97")],
)
def test_cut_recipe_deliver_qc_export(
    tmp_path: Path,
    media: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    timeline: str,
    folder: str,
    rate: str | None,
) -> None:
    import opentimelineio as otio

    texts = {
        "avid.edl": nle.AVID_25,
        "premiere.xml": nle.premiere_xml(media["23976"]),
        "df.edl": nle.DF_2997,
    }
    cut = tmp_path / timeline
    cut.write_text(texts[timeline], encoding="utf-8")
    film = tmp_path / "film.wbproj"
    new_project(film).close()
    out = tmp_path / "deliver"
    out.mkdir()
    extra = ["--rate", rate] if rate else []
    assert (
        main(
            [
                "conform",
                "import",
                str(film),
                str(cut),
                "--media",
                str(media[folder]),
                "--handles",
                "4",
                *extra,
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "recipe",
                "save",
                str(film),
                "cleanup",
                "--step",
                "dust",
                "--step",
                "denoise amount=1.5",
            ]
        )
        == 0
    )
    assert main(["recipe", "apply", str(film), "cleanup", "--shots", "all"]) == 0
    assert main(["conform", "render", str(film), "-o", str(out)]) == 0
    capsys.readouterr()
    with Project.open(film, readonly=True) as project:
        shots = {s.id: s for s in project.shots()}
        deliveries = project.deliveries()
        clips = {c.id: c for c in project.clips()}
        assert project.verify().ok
    online = [s for s in shots.values() if s.online]
    assert len(deliveries) == len(online) > 0
    for delivery in deliveries:
        shot = shots[delivery.shot_id]
        assert delivery.qc == "passed" and delivery.frames == shot.frames
        tags = nle.ffprobe_tags(Path(delivery.output))
        assert tags["timecode"] == delivery.timecode and tags["reel_name"] == shot.reel
        assert int(tags["frames"]) == shot.frames[1] - shot.frames[0] + 1
        source = clips[delivery.clip_id].path
        assert main(["qc", delivery.output, "--against", source]) == 0, capsys.readouterr().out
    relink = tmp_path / "relink.otio"
    assert main(["conform", "export", str(film), "--format", "otio", "-o", str(relink)]) == 0
    back = otio.adapters.read_from_file(str(relink))
    names = [
        Path(c.media_reference.target_url).name
        for c in back.find_clips()
        if isinstance(c.media_reference, otio.schema.ExternalReference)
    ]
    assert names == [Path(d.output).name for d in sorted(deliveries, key=lambda d: d.shot_id)]
