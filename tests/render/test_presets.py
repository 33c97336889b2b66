"""Render presets (codec, naming, folder) and "render all clips", from the core and the CLI."""

from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.errors import NotFoundError, UsageError
from workbench.project import Project
from workbench.render.presets import (
    BUILT_IN,
    RenderPreset,
    delete_preset,
    find_preset,
    output_endings,
    presets,
    render_all,
    save_preset,
)


def clip(path: Path) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24",
         "-frames:v", "6", "-c:v", "ffv1", str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_a_preset_names_the_output_from_its_pattern_and_folder(tmp_path: Path) -> None:
    project = tmp_path / "Film.wbproj"
    day = datetime.date(2026, 3, 4)
    archive = RenderPreset("a", "ffv1", "{clip}_{date}_{codec}", "renders")
    assert archive.output_for("A001_C002.mov", project, today=day) == (
        tmp_path / "renders" / "A001_C002_2026-03-04_ffv1.mkv"
    )
    seq = RenderPreset("b", "exr", "{project}-{clip}", str(tmp_path / "out"))
    assert seq.output_for("plate_%04d.exr", project) == tmp_path / "out" / "Film-plate_%06d.exr"
    assert RenderPreset("c").output_for("x.mxf", project) == tmp_path / "x_workbench.mov"
    assert output_endings()["h264"] == ".mp4" and output_endings()["prores"] == ".mov"


@pytest.mark.parametrize(
    ("preset", "words"),
    [
        (RenderPreset("", "ffv1"), "needs a name"),
        (RenderPreset("x", "vp9"), "unknown codec"),
        (RenderPreset("x", None, "{clip}_{reel}"), "names {reel}"),
        (RenderPreset("x", None, "sub/{clip}"), "a file name"),
        (RenderPreset("x", None, "{clip"), "malformed"),
    ],
)
def test_a_preset_that_cannot_name_a_file_is_refused(preset: RenderPreset, words: str) -> None:
    with pytest.raises(UsageError, match=words):
        preset.check()


def test_presets_are_kept_in_the_config_folder(isolated_user_dirs: Path) -> None:
    assert [p.name for p in presets()] == [p.name for p in BUILT_IN]
    save_preset(RenderPreset("Dailies", "h264", "{clip}_dailies", "dailies"))
    save_preset(RenderPreset("Review: H.264", "h264", "{clip}_v2"))  # replaces a built-in
    stored = json.loads((isolated_user_dirs / "config" / "render-presets.json").read_text())
    assert [p["name"] for p in stored["presets"]] == ["Dailies", "Review: H.264"]
    assert find_preset("Review: H.264").pattern == "{clip}_v2"
    assert len(presets()) == len(BUILT_IN) + 1
    delete_preset("Dailies")
    with pytest.raises(NotFoundError):
        find_preset("Dailies")
    with pytest.raises(NotFoundError, match="built-ins stay"):
        delete_preset("Master: ProRes 422 HQ")


def test_render_all_renders_each_clip_with_an_enabled_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p.wbproj"
    a, b, c = (clip(tmp_path / f"{n}.mkv") for n in ("A001", "B001", "C001"))
    assert main(["new", str(project)]) == 0
    assert main(["import", str(project), str(a), str(b), str(c)]) == 0
    assert main(["apply", str(project), "1", "--tool", "denoise"]) == 0
    assert main(["apply", str(project), "3", "--tool", "denoise"]) == 0
    assert main(["edit", "disable", str(project), "2"]) == 0  # clip 3's only edit: off
    with Project.open(project, readonly=True) as opened:
        requests = render_all(opened, find_preset("Archive: FFV1"))
    assert [(r.clip_id, r.output.parent.name, r.output.suffix) for r in requests] == [
        (1, "renders", ".mkv")
    ]
    capsys.readouterr()
    assert main(["render", str(project), "--all", "--preset", "Review: H.264"]) == 0
    out = capsys.readouterr().out
    review = tmp_path / "review" / "A001_review.mp4"
    assert f"rendered {review}" in out and review.is_file()
    assert not (tmp_path / "review" / "B001_review.mp4").exists()
    codec = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=codec_name", "-of", "csv=p=0", str(review)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert codec == "h264"
    assert main(["render", str(project), "1", "--preset", "Same as source"]) == 0
    assert (tmp_path / "A001_workbench.mov").is_file()
    assert main(["render", "--list-presets"]) == 0
    assert "Archive: FFV1\tffv1\t{clip}_{date}\trenders\tbuilt in" in capsys.readouterr().out
    assert main(["render", str(project), "--all", "--preset", "Nope"]) == 3
