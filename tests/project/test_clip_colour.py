"""A clip's colour space: set by a user as a logged change, replayed by verification, shown."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from support import TEST_KEY, new_project, tamper
from workbench.cli import main
from workbench.colour import CONFIG_NAME
from workbench.editing import set_clip_colour_space
from workbench.errors import UsageError
from workbench.project import Project

TAGGED_709 = {"frame_count": 10, "color": {"primaries": 1, "transfer": 1, "matrix": 1, "range": 1}}


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.wbproj"
    with new_project(path) as project:
        project.add_clip("/footage/A001.mov", fingerprint="ab" * 32, media=TAGGED_709)
        project.add_clip("/footage/B001.mov", fingerprint="cd" * 32, media={"frame_count": 5})
    return path


def _entries(path: Path) -> list[dict[str, object]]:
    with Project.open(path, readonly=True) as project:
        return [e for e in project.log.entries() if e["schema"] == "workbench.clip-colour/1"]


def test_a_clips_space_comes_from_its_tags_until_a_user_sets_it(project_path: Path) -> None:
    with Project.open(project_path, key=TEST_KEY) as project:
        tagged, untagged = project.clips()
        assert (tagged.colour.space, tagged.colour_origin) == ("Camera Rec.709", "tags")
        assert untagged.colour.space == "source" and "untagged" in untagged.colour.reason
        clip = set_clip_colour_space(project, 1, "logc4")
        assert (clip.colour_space, clip.colour.space, clip.colour_origin) == (
            "ARRI LogC4",
            "ARRI LogC4",
            "set",
        )
        assert set_clip_colour_space(project, 1, "ARRI LogC4") == clip  # no change, no entry
        set_clip_colour_space(project, 1, "tags")
        assert project.clip(1).colour.space == "Camera Rec.709"
        set_clip_colour_space(project, 2, "source")
        with pytest.raises(UsageError, match="not a scene-referred"):
            set_clip_colour_space(project, 1, "sRGB - Display")
        with pytest.raises(UsageError, match="own name"):
            project.set_clip_colour_space(1, "logc4")  # the project takes the config's names only
        assert project.verify().ok
    bodies = [
        {k: e[k] for k in ("clip", "colour_space", "previous", "config")}
        for e in _entries(project_path)
    ]
    assert bodies == [
        {"clip": 1, "colour_space": "ARRI LogC4", "previous": None, "config": CONFIG_NAME},
        {"clip": 1, "colour_space": None, "previous": "ARRI LogC4", "config": CONFIG_NAME},
        {"clip": 2, "colour_space": "source", "previous": None, "config": CONFIG_NAME},
    ]


def test_a_colour_space_changed_outside_workbench_is_named(project_path: Path) -> None:
    with Project.open(project_path, key=TEST_KEY) as project:
        set_clip_colour_space(project, 1, "S-Log3 S-Gamut3.Cine")
    tamper(project_path, ("UPDATE clips SET colour_space = 'ACEScg' WHERE id = 1", ()))
    tamper(project_path, ("UPDATE clips SET colour_space = 'V-Log V-Gamut' WHERE id = 2", ()))
    with Project.open(project_path, readonly=True) as project:
        problems = [str(p) for p in project.verify().problems]
    assert problems[0].startswith('clip 1: its colour space in the project file "ACEScg" differs')
    assert "log entry 4" in problems[0] and '"S-Log3 S-Gamut3.Cine"' in problems[0]
    assert problems[1].startswith('clip 2: its colour space in the project file "V-Log V-Gamut"')
    assert problems[1].endswith(": null")


def test_a_file_without_the_column_reads_as_set_by_none(project_path: Path) -> None:
    """A project read as it is, before migration 6 (read-only opens do not migrate)."""
    conn = sqlite3.connect(project_path, isolation_level=None)
    try:
        conn.execute("ALTER TABLE clips DROP COLUMN colour_space")
        conn.execute("DROP TABLE likeness_consents")  # schema 7's
        conn.execute("DROP TABLE tracks")  # schema 5's
        for table in ("shot_cast", "cast_members", "deliveries", "recipes", "shots", "sequences"):
            conn.execute(f"DROP TABLE {table}")  # schema 4's
        conn.execute("DELETE FROM migrations WHERE version > 3")
        conn.execute("PRAGMA user_version = 3")
    finally:
        conn.close()
    with Project.open(project_path, readonly=True) as project:
        assert [c.colour_space for c in project.clips()] == [None, None]
        assert project.verify().ok
    with Project.open(project_path, key=TEST_KEY) as project:  # migrated: backed up first
        set_clip_colour_space(project, 1, "ACEScg")
        assert project.verify().ok
    assert project_path.with_name("p.v3.backup.wbproj").is_file()


def test_the_command_line_sets_shows_and_lists(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clip", "colourspace", str(project_path), "1", "ARRI LogC3 (EI800)"]) == 0
    assert "ARRI LogC3 (EI800)" in capsys.readouterr().out
    assert main(["clip", "colourspace", str(project_path), "1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["colour_space"] == "ARRI LogC3 (EI800)" and shown["origin"] == "set"
    assert main(["clip", "colorspace", str(project_path), "2", "Rec.2100-PQ - Display"]) == 2
    assert "not a scene-referred" in capsys.readouterr().err
    assert main(["clip", "colourspace", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "ARRI LogC4" in listed and "Panasonic V-Log\t(V-Log V-Gamut)" in listed
    assert main(["info", str(project_path)]) == 0
    info = capsys.readouterr().out
    assert "colour ARRI LogC3 (EI800) (set)" in info and "colour source (tags)" in info
    assert main(["log", "show", str(project_path)]) == 0
    assert "clip 1 colour space set to ARRI LogC3 (EI800)" in capsys.readouterr().out
